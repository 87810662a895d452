import type { FastifyInstance } from 'fastify';
import { ctxOf, need, sendPage, str, type WebContext } from '../context.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { badge, csrfField, page } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';
import { adminNav } from './admin-people.pages.js';

const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The admins' mail page (issue 14 item 1): what was not delivered and why (the server's reply), with a
 * retry; the addresses that bounced, whose mail is held until confirmed; then all the latest mail.
 */
export function adminMailPages(app: FastifyInstance, _deps: WebDeps): void {
  const mail = app.services.mail;
  const status = (ctx: WebContext, s: string) => ctx.i.t(`mail.status.${s}` as MessageKey);
  const notices: Record<string, MessageKey> = { retried: 'mail.retried', notRetried: 'mail.notRetried', notConfirmed: 'mail.notConfirmed' };

  app.get('/admin/mail', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const [undelivered, bounces, rows] = await Promise.all([mail.list({ status: ['failed', 'held'], limit: 200 }), mail.bounces(), mail.list({ limit: 200 })]);
    const notice = q.confirmed !== undefined ? i.t('mail.confirmed', { n: String(Number(q.confirmed) || 0) }) : Object.keys(notices).find((k) => q[k] !== undefined);
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.mail'), active: '/admin/mail', wide: true,
      notice: notice && notice in notices ? i.t(notices[notice]!) : (notice ?? null),
      body: html`<h1>${i.t('pp.mail')}</h1>
        ${adminNav(ctx)}
        <p>${i.t('pp.mailIntro')}</p>
        <section aria-labelledby="h-undelivered"><h2 id="h-undelivered">${i.t('mail.undelivered')}</h2><p>${i.t('mail.undeliveredIntro')}</p>
        ${undelivered.length ? html`<table id="mail-undelivered"><thead><tr><th>${i.t('pp.when')}</th><th>${i.t('pp.to')}</th><th>${i.t('pp.what')}</th><th>${i.t('pp.status')}</th><th>${i.t('mail.attempts')}</th><th>${i.t('mail.reason')}</th><th></th></tr></thead><tbody>
          ${undelivered.map((r) => html`<tr id="mail-${r.id}" data-status="${r.status}"><td>${when(r.createdAt)}</td><td>${r.to}</td><td>${r.template} (${r.language})</td>
            <td>${badge(status(ctx, r.status), r.status === 'failed' ? 'error' : 'warn')}</td><td>${r.attempts}</td><td class="reason"><code>${r.lastError ?? ''}</code></td>
            <td><form method="post" action="/admin/mail/${r.id}/retry" class="inline">${csrfField(ctx)}<button type="submit" class="small">${i.t('mail.retry')}</button></form></td></tr>`)}
        </tbody></table>` : html`<p>${i.t('pp.none')}</p>`}</section>
        <section aria-labelledby="h-bounces"><h2 id="h-bounces">${i.t('mail.bounces')}</h2><p>${i.t('mail.bouncesIntro')}</p>
        ${bounces.length ? html`<table id="mail-bounces"><thead><tr><th>${i.t('mail.address')}</th><th>${i.t('mail.person')}</th><th>${i.t('pp.when')}</th><th>${i.t('mail.reason')}</th><th></th></tr></thead><tbody>
          ${bounces.map((b) => html`<tr data-address="${b.address}"><td>${b.address}</td><td>${b.personName ?? html`<span class="muted">${i.t('mail.noPerson')}</span>`}</td><td>${when(b.bouncedAt)}</td><td class="reason"><code>${b.reply}</code></td>
            <td><form method="post" action="/admin/mail/bounces/confirm" class="inline">${csrfField(ctx)}<input type="hidden" name="address" value="${b.address}"><button type="submit" class="small">${i.t('mail.confirm')}</button></form></td></tr>`)}
        </tbody></table>` : html`<p>${i.t('pp.none')}</p>`}</section>
        <section aria-labelledby="h-all"><h2 id="h-all">${i.t('mail.all')}</h2>
        ${rows.length ? html`<table id="mail-all"><thead><tr><th>${i.t('pp.when')}</th><th>${i.t('pp.to')}</th><th>${i.t('pp.what')}</th><th>${i.t('pp.status')}</th></tr></thead><tbody>
          ${rows.map((r) => html`<tr><td>${when(r.createdAt)}</td><td>${r.to}</td><td>${r.template} (${r.language})</td><td>${status(ctx, r.status)}${r.attempts > 1 ? html` · ${r.attempts}×` : ''}${r.lastError ? html` · <span class="error">${r.lastError}</span>` : ''}</td></tr>`)}
        </tbody></table>` : html`<p>${i.t('pp.none')}</p>`}</section>`,
    }));
  });

  app.post('/admin/mail/:id/retry', async (req, reply) => {
    need(req, 'admin');
    const id = str((req.params as Record<string, unknown>).id);
    const done = UUID.test(id) && (await mail.retry(id));
    return reply.redirect(done ? '/admin/mail?retried' : '/admin/mail?notRetried', 303);
  });

  app.post('/admin/mail/bounces/confirm', async (req, reply) => {
    const p = need(req, 'admin');
    const address = str(((req.body ?? {}) as Record<string, unknown>).address).slice(0, 320);
    const n = address ? await mail.confirmAddress(address, `admin: ${p.label}`) : null;
    return reply.redirect(n === null ? '/admin/mail?notConfirmed' : `/admin/mail?confirmed=${n}`, 303);
  });
}
