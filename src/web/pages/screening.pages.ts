import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { HitView } from '../../modules/screening/screening.schemas.js';
import { UUID_RE } from '../components.js';
import { ctxOf, need, sendPage, str, WebError, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { badge, bar, csrfField, page, textArea } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';

const TABS = ['open', 'confirmed', 'cleared', 'all'] as const;
type Tab = (typeof TABS)[number];
const PAGE = 25;
const STATUS_BADGE = { open: 'warn', cleared: 'ok', confirmed: 'overdue' } as const;

function field(label: string, values: string[] | string | null | undefined): SafeHtml {
  const vs = (Array.isArray(values) ? values : values ? [values] : []).filter(Boolean);
  return vs.length ? html`<dt>${label}</dt><dd>${vs.length === 1 ? html`<span dir="auto">${vs[0]}</span>` : html`<ul class="plain">${vs.map((v) => html`<li dir="auto">${v}</li>`)}</ul>`}</dd>` : html``;
}

function hitCard(ctx: WebContext, h: HitView, tab: Tab, offset: number): SafeHtml {
  const { i } = ctx;
  const e = h.entry;
  const names = e.names.map((n) => html`<li><span dir="auto">${n.name}</span>${n.type === 'original_script' ? html` <span class="muted">(${i.t('scr.originalScript')})</span>` : ''}${n.type === 'alias' && n.quality ? html` <span class="muted">(${i.t('scr.quality', { q: n.quality })})</span>` : ''}</li>`);
  return html`<article class="card hit" id="hit-${h.id}" aria-labelledby="h-${h.id}" data-ref="${e.referenceNumber}">
    <h2 id="h-${h.id}" class="h3"><span dir="auto">${h.subject.names[0] ?? h.subject.id}</span>
      <span class="muted">· ${i.t(`scr.subject.${h.subject.type}` as MessageKey)}</span> ${badge(i.t(`scr.status.${h.status}` as MessageKey), STATUS_BADGE[h.status])}
      ${e.onCurrentList ? '' : badge(i.t('scr.delisted'), 'closed')}</h2>
    ${h.subject.names.length > 1 ? html`<p class="muted" dir="auto">${h.subject.names.slice(1).join(' · ')}</p>` : ''}
    <p class="matched">${i.t('scr.matched', { subject: h.matchedName, entry: h.matchedEntryName })}</p>
    <p>${i.t('scr.score')}: ${bar(h.score)} <strong class="score">${i.pct(h.score)}</strong> · <span class="muted">${i.t('scr.found', { date: i.date(h.firstSeenAt) })}</span></p>
    <details open><summary>${i.t('scr.entry')}: <strong>${e.referenceNumber}</strong> <span dir="auto">${e.name}</span></summary>
      <dl class="entry">
        ${field(i.t('scr.ref'), e.referenceNumber)}
        <dt>${i.t('scr.names')}</dt><dd><ul class="plain names">${names}</ul></dd>
        ${field(i.t('scr.listType'), e.unListType)}
        ${field(i.t('scr.listedOn'), e.listedOn ? i.date(e.listedOn) : null)}
        ${field(i.t('scr.nationality'), e.details.nationalities)}
        ${field(i.t('scr.dob'), e.details.datesOfBirth)}
        ${field(i.t('scr.pob'), e.details.placesOfBirth)}
        ${field(i.t('scr.titleField'), e.details.titles)}
        ${field(i.t('scr.designation'), e.details.designations)}
        ${field(i.t('scr.address'), e.details.addresses)}
        ${field(i.t('scr.comments'), e.details.comments)}
      </dl>
    </details>
    ${h.decidedAt ? html`<p class="decided">${i.t('scr.decided', { date: i.date(h.decidedAt), who: h.decidedBy ?? '' })}${h.decisionNote ? html`: <q dir="auto">${h.decisionNote}</q>` : ''}</p>` : ''}
    <form method="post" action="/admin/screening/${h.id}/decision" class="decide">
      ${csrfField(ctx)}<input type="hidden" name="tab" value="${tab}"><input type="hidden" name="offset" value="${offset}">
      ${textArea({ name: `note-${h.id}`, label: i.t('scr.note'), rows: 2, attrs: html` maxlength="2000"` })}
      <div class="row">
        ${h.status !== 'cleared' ? html`<button type="submit" name="decision" value="cleared" class="secondary">${i.t('scr.clear')}<span class="sr-only">: ${h.subject.names[0] ?? ''} / ${e.referenceNumber}</span></button>` : ''}
        ${h.status !== 'confirmed' ? html`<button type="submit" name="decision" value="confirmed" class="danger">${i.t('scr.confirm')}<span class="sr-only">: ${h.subject.names[0] ?? ''} / ${e.referenceNumber}</span></button>` : ''}
      </div>
    </form>
  </article>`;
}

/** The admin page of sanctions screening: the loaded list, loading a new one, and the hits to decide. */
export function screeningPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/admin/screening', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const tab: Tab = (TABS as readonly string[]).includes(str(q.status)) ? str(q.status) as Tab : 'open';
    const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(str(q.offset)) || 0)));
    const [status, hits] = await Promise.all([
      app.services.screening.status(),
      app.services.screening.listHits({ status: tab, limit: PAGE, offset }),
    ]);
    const done = str(q.done);
    const notice = done === 'cleared' || done === 'confirmed' ? i.t(`scr.done.${done}`) : null;
    const error = str(q.error) === 'noteRequired' ? i.t('scr.error.noteRequired') : null;
    const l = status.list;
    const run = status.lastRun;
    const link = (o: number) => `/admin/screening?status=${tab}&offset=${o}`;
    return sendPage(req, reply, page(ctx, {
      title: i.t('scr.title'), active: '/admin/screening', notice, wide: true, scripts: ['/static/screening.js'],
      body: html`<h1>${i.t('scr.title')}</h1><p class="lead">${i.t('scr.intro')}</p>
        <section class="card" aria-labelledby="h-list" id="list-status">
          <h2 id="h-list" class="h3">${i.t('scr.list')}</h2>
          ${l ? html`<p>${l.dateGenerated ? i.t('scr.list.generated', { date: i.date(l.dateGenerated) }) : ''}
              ${i.t('scr.list.loaded', { date: i.date(l.loadedAt), who: l.loadedBy, source: l.source, individuals: i.num(l.individuals), entities: i.num(l.entities) })}</p>`
            : html`<div class="error-summary" role="alert"><p>${i.t('scr.list.none')}</p></div>`}
          <p>${run ? i.t('scr.lastRun', { date: i.date(run.finishedAt ?? run.startedAt), subjects: i.num(run.subjects), hits: i.num(run.newHits) }) : i.t('scr.lastRun.none')}
            ${i.t('scr.subjects', { n: i.num(status.subjects), open: i.num(status.openHits) })}</p>
          <form method="post" action="/admin/screening/list" id="list-form" novalidate
            data-msg-uploading="${i.t('scr.load.uploading')}" data-msg-processing="${i.t('scr.load.processing')}" data-msg-done="${i.t('scr.load.done')}"
            data-msg-unchanged="${i.t('scr.load.unchanged')}" data-msg-failed="${i.t('scr.load.failed')}" data-csrf="${ctx.csrf}">
            <div class="field"><label for="f-listfile">${i.t('scr.load.file')}</label>
              <p class="hint" id="f-listfile-hint">${i.t('scr.load.hint')}</p>
              <input type="file" id="f-listfile" name="file" accept=".xml,application/xml,text/xml" aria-describedby="f-listfile-hint" required></div>
            <noscript><p>${i.t('scr.load.noJs')}</p></noscript>
            <button type="submit">${i.t('scr.load.submit')}</button>
            <div class="progress" id="list-progress" hidden>
              <label for="list-bar">${i.t('scr.load.progress')}</label> <progress id="list-bar" max="100" value="0"></progress>
              <p id="list-progress-status" role="status" aria-live="polite"></p>
            </div>
            <div id="list-result" aria-live="polite"></div>
          </form>
        </section>
        <nav aria-label="${i.t('scr.show')}" class="tabs"><ul class="row plain">${TABS.map((t) => html`<li><a href="/admin/screening?status=${t}"${t === tab ? html` aria-current="page"` : ''}>${i.t(`scr.tab.${t}` as MessageKey)}</a></li>`)}</ul></nav>
        ${error ? html`<div class="error-summary" role="alert" id="decision-error"><p>${error}</p></div>` : ''}
        ${hits.items.length === 0 ? html`<p id="no-hits">${i.t(tab === 'open' ? 'scr.empty.open' : 'scr.empty')}</p>` : hits.items.map((h) => hitCard(ctx, h, tab, offset))}
        <p class="row">${offset > 0 ? html`<a href="${link(Math.max(0, offset - PAGE))}">${i.t('scr.prev')}</a>` : ''}
          ${offset + PAGE < hits.total ? html`<a href="${link(offset + PAGE)}">${i.t('scr.next')}</a>` : ''}</p>`,
    }));
  });

  app.post('/admin/screening/:id/decision', async (req, reply) => {
    const p = need(req, 'admin');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const decision = str(b.decision);
    const tab = (TABS as readonly string[]).includes(str(b.tab)) ? str(b.tab) : 'open';
    const offset = Math.max(0, Math.floor(Number(str(b.offset)) || 0));
    if (decision !== 'cleared' && decision !== 'confirmed') throw new WebError(409, 'error.conflict');
    const note = str(b[`note-${id}`]).slice(0, 2000);
    const back = `/admin/screening?status=${tab}&offset=${offset}`;
    if (decision === 'cleared' && !note) return reply.redirect(`${back}&error=noteRequired#hit-${id}`, 303);
    await app.services.screening.decide(id, decision, p, note || undefined);
    return reply.redirect(`${back}&done=${decision}`, 303);
  });

  // The browser sends the chosen file as XML (screening.js); a session and the CSRF header stand in for the API key.
  app.post('/admin/screening/list', { config: { long: true }, bodyLimit: 32 * 1024 * 1024 }, async (req, reply) => {
    const p = need(req, 'admin');
    if (typeof req.body !== 'string') throw new AppError(400, 'validation_failed', 'Send the Consolidated List as application/xml.', [{ path: 'body', message: 'expected XML text' }]);
    const source = str((req.query as Record<string, unknown>).source).slice(0, 200) || 'upload';
    const r = await app.services.screening.loadList(p, req.body, { source });
    return reply.code(r.unchanged ? 200 : 201).send(r);
  });
}
