import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { FREQUENCIES, NOTIFICATION_KINDS, type Frequency, type NotificationKind } from '../../modules/notifications/notification-kinds.js';
import type { NotificationsService } from '../../modules/notifications/notifications.service.js';
import { SavedSearchBody } from '../../modules/saved-searches/saved-searches.schemas.js';
import { MODALITIES } from '../../modules/common.schemas.js';
import { ctxOf, list, need, sendPage, str, type WebContext } from '../context.js';
import { appErrors, zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { I18n, MessageKey } from '../i18n/index.js';
import { badge, choiceGroup, csrfField, errorSummary, page, selectField, textField, type FieldErrors } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';

type Item = Awaited<ReturnType<NotificationsService['list']>>['items'][number];

/** A notification's line in the reader's language: the kind's sentence with its title (or "a restricted request"). */
export function notificationText(i: I18n, kind: NotificationKind, params: Record<string, unknown>): string {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) vars[k] = String(v);
  if (!vars.title) vars.title = i.t('notify.restricted');
  return i.t(`notify.msg.${kind}` as MessageKey, vars);
}

const userIdOf = (ctx: WebContext) => (ctx.principal as (WebContext['principal'] & { userId?: string | null }) | null)?.userId ?? null;

/** The header's unread count, for every page of a signed-in person (set by a preHandler of the web plugin). */
export function unreadCountHook(app: FastifyInstance) {
  return async (req: FastifyRequest) => {
    const ctx = req.web;
    const userId = ctx ? userIdOf(ctx) : null;
    if (!ctx || !userId || req.method !== 'GET') return;
    (ctx as WebContext & { unread?: number }).unread = await app.services.notifications.unreadCount(userId).catch(() => undefined);
  };
}

function notificationsPage(ctx: WebContext, data: { unread: number; items: Item[] }, prefs: Record<NotificationKind, Frequency> | null, notice: string | null, bounce: { address: string; reply: string } | null = null): SafeHtml {
  const { i } = ctx;
  return page(ctx, {
    title: i.t('notify.title'), active: '/notifications', notice,
    body: html`<h1>${i.t('notify.title')} ${data.unread ? badge(i.t('notify.unread', { n: data.unread }), 'warn') : ''}</h1>
      ${bounce ? html`<section class="card warn" id="mail-bounced" role="alert"><p>${i.t('mail.bounced.notice', { address: bounce.address, reply: bounce.reply })}</p>
        <form method="post" action="/notifications/confirm-address">${csrfField(ctx)}<button type="submit">${i.t('mail.bounced.confirm')}</button></form></section>` : ''}
      <p class="lead">${i.t('notify.intro')}</p>
      ${data.items.length === 0 ? html`<p>${i.t('notify.empty')}</p>` : html`
        <form method="post" action="/notifications/read-all">${csrfField(ctx)}<button type="submit" class="small">${i.t('notify.markAllRead')}</button></form>
        <ul class="notifications" id="notifications">${data.items.map((n) => html`<li id="notification-${n.id}" class="${n.readAt ? 'read' : 'unread'}">
          ${n.readAt ? '' : badge(i.t('notify.isUnread'), 'warn')} <strong>${i.t(`notify.kind.${n.kind}` as MessageKey)}</strong>
          <span dir="auto">${notificationText(i, n.kind, n.params)}</span> <span class="muted">${i.date(n.createdAt)}</span>
          <a href="${n.link}">${i.t('notify.open')}</a>
          ${n.readAt ? '' : html`<form method="post" action="/notifications/${n.id}/read" class="inline">${csrfField(ctx)}<button type="submit" class="link">${i.t('notify.markRead')}</button></form>`}
        </li>`)}</ul>`}
      ${prefs ? html`<section class="card" aria-labelledby="h-prefs"><h2 id="h-prefs">${i.t('notify.prefs.title')}</h2>
        <form method="post" action="/notifications/preferences" id="preferences">${csrfField(ctx)}
          ${NOTIFICATION_KINDS.map((k) => selectField({ name: k, label: i.t(`notify.kind.${k}` as MessageKey), value: prefs[k], options: FREQUENCIES.map((f) => ({ value: f, label: i.t(`notify.freq.${f}` as MessageKey) })) }))}
          <button type="submit">${i.t('notify.prefs.save')}</button>
        </form></section>` : ''}`,
  });
}

type SearchView = Awaited<ReturnType<FastifyInstance['services']['savedSearches']['list']>>[number];

function searchesPage(ctx: WebContext, areas: { code: string; name: string }[], items: SearchView[], errors: FieldErrors = {}, values: Record<string, unknown> = {}, notice: string | null = null): SafeHtml {
  const { i } = ctx;
  const labels: Record<string, string> = { name: i.t('search.name'), areas: i.t('search.areas'), regions: i.t('search.regions'), modalities: i.t('search.modalities'), words: i.t('search.words'), _form: i.t('error.title') };
  return page(ctx, {
    title: i.t('search.title'), active: '/saved-searches', notice,
    body: html`<h1>${i.t('search.title')}</h1><p class="lead">${i.t('search.intro')}</p>
      ${items.length === 0 ? html`<p>${i.t('search.empty')}</p>` : html`<ul id="saved-searches">${items.map((s) => html`<li id="search-${s.id}"><strong dir="auto">${s.name}</strong>:
        ${labels.areas} ${s.areas.join(', ') || i.t('search.any')}; ${labels.regions} ${s.regions.join(' ') || i.t('search.any')};
        ${labels.modalities} ${s.modalities.map((m) => i.tx('modality', m)).join(', ') || i.t('search.any')}; ${labels.words} <span dir="auto">${s.words || i.t('search.any')}</span>
        <form method="post" action="/saved-searches/${s.id}/delete" class="inline">${csrfField(ctx)}<button type="submit" class="link">${i.t('search.delete')}</button></form></li>`)}</ul>`}
      <section class="card" aria-labelledby="h-new"><h2 id="h-new">${i.t('search.save')}</h2>
        ${errorSummary(ctx, errors, labels)}
        <form method="post" action="/saved-searches" novalidate>${csrfField(ctx)}
          ${textField({ name: 'name', label: labels.name, value: str(values.name), errors, required: true, attrs: html` maxlength="120"` })}
          ${choiceGroup({ name: 'areas', label: labels.areas, type: 'checkbox', options: areas.map((a) => ({ value: a.code, label: a.name })), selected: list(values.areas), errors, columns: true })}
          ${textField({ name: 'regions', label: labels.regions, value: str(values.regions), errors })}
          ${choiceGroup({ name: 'modalities', label: labels.modalities, type: 'checkbox', options: MODALITIES.map((m) => ({ value: m, label: i.tx('modality', m) })), selected: list(values.modalities), errors })}
          ${textField({ name: 'words', label: labels.words, hint: i.t('search.wordsHint'), value: str(values.words), errors, attrs: html` maxlength="300" dir="auto"` })}
          <button type="submit">${i.t('search.save')}</button>
        </form></section>`,
  });
}

/** The notification list, mail preferences and (providers) saved searches, over the same services as the API. */
export function notifyPages(app: FastifyInstance, _deps: WebDeps): void {
  const person = (req: FastifyRequest) => {
    const p = need(req);
    const ctx = ctxOf(req);
    return { p, ctx, hasPerson: !!userIdOf(ctx) };
  };

  app.get('/notifications', async (req, reply) => {
    const { p, ctx, hasPerson } = person(req);
    if (!hasPerson) return sendPage(req, reply, page(ctx, { title: ctx.i.t('notify.title'), body: html`<h1>${ctx.i.t('notify.title')}</h1><p>${ctx.i.t('notify.noPerson')}</p><p><a href="/">${ctx.i.t('error.back')}</a></p>` }), 403);
    const q = req.query as Record<string, unknown>;
    const [data, prefs, bounce] = await Promise.all([app.services.notifications.list(p), app.services.notifications.preferences(p), app.services.mail.bounceOfPerson(userIdOf(ctx)!)]);
    const notice = q.saved !== undefined ? ctx.i.t('notify.prefs.saved') : q.addressConfirmed !== undefined ? ctx.i.t('mail.bounced.confirmed') : null;
    return sendPage(req, reply, notificationsPage(ctx, data, prefs, notice, bounce));
  });

  // The person says their bounced address is right: their held mail is sent (src/modules/mail).
  app.post('/notifications/confirm-address', async (req, reply) => {
    const { p, ctx, hasPerson } = person(req);
    const bounce = hasPerson ? await app.services.mail.bounceOfPerson(userIdOf(ctx)!) : null;
    if (bounce) await app.services.mail.confirmAddress(bounce.address, `person: ${p.label}`);
    return reply.redirect(bounce ? '/notifications?addressConfirmed' : '/notifications', 303);
  });

  app.post('/notifications/:id/read', async (req, reply) => {
    const { p } = person(req);
    const id = str((req.params as Record<string, unknown>).id);
    if (/^[0-9a-f-]{36}$/i.test(id)) await app.services.notifications.markRead(p, id).catch((err) => { if (!(err instanceof AppError && err.statusCode === 404)) throw err; });
    return reply.redirect('/notifications', 303);
  });

  app.post('/notifications/read-all', async (req, reply) => {
    const { p } = person(req);
    await app.services.notifications.markAllRead(p);
    return reply.redirect('/notifications', 303);
  });

  app.post('/notifications/preferences', async (req, reply) => {
    const { p } = person(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const prefs = Object.fromEntries(NOTIFICATION_KINDS.filter((k) => (FREQUENCIES as readonly string[]).includes(str(b[k]))).map((k) => [k, str(b[k])]));
    await app.services.notifications.setPreferences(p, prefs);
    return reply.redirect('/notifications?saved', 303);
  });

  const areaNames = async (i: I18n) => (await app.services.reference.get()).areas.map((a) => ({ code: a.code, name: (a.names as Record<string, string>)[i.lang] ?? a.code }));

  app.get('/saved-searches', async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const q = req.query as Record<string, unknown>;
    const notice = q.saved !== undefined ? ctx.i.t('search.saved') : q.deleted !== undefined ? ctx.i.t('search.deleted') : null;
    return sendPage(req, reply, searchesPage(ctx, await areaNames(ctx.i), await app.services.savedSearches.list(p), {}, {}, notice));
  });

  app.post('/saved-searches', async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const body = { name: str(b.name), areas: list(b.areas), regions: str(b.regions).toUpperCase().split(/[\s,]+/).filter(Boolean), modalities: list(b.modalities), words: str(b.words) || undefined };
    const again = async (errors: FieldErrors, status: number) => sendPage(req, reply, searchesPage(ctx, await areaNames(ctx.i), await app.services.savedSearches.list(p), errors, b), status);
    const parsed = SavedSearchBody.safeParse(body);
    if (!parsed.success) return again(zodErrors(ctx.i, parsed.error.issues, {}, body), 400);
    try {
      await app.services.savedSearches.create(p, parsed.data);
    } catch (err) {
      const e = appErrors(ctx.i, err);
      if (!e) throw err;
      return again(e, 400);
    }
    return reply.redirect('/saved-searches?saved', 303);
  });

  app.post('/saved-searches/:id/delete', async (req, reply) => {
    const p = need(req, 'provider');
    const id = str((req.params as Record<string, unknown>).id);
    if (/^[0-9a-f-]{36}$/i.test(id)) await app.services.savedSearches.remove(p, id).catch((err) => { if (!(err instanceof AppError && err.statusCode === 404)) throw err; });
    return reply.redirect('/saved-searches?deleted', 303);
  });
}
