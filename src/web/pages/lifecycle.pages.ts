import type { FastifyInstance } from 'fastify';
import { DirectoryQuery } from '../../modules/directory/directory.schemas.js';
import { TRIAGE_REASONS } from '../../modules/review/review.schemas.js';
import { areaList, statusBadge, UUID_RE } from '../components.js';
import { ctxOf, namer, need, sendPage, str, WebError } from '../context.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { badge, page, selectField } from '../layout.js';
import { act, actionNotice, attachPanel, backOf, ctedActions, refuse } from '../lifecycle.view.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';
import { exportControl } from './exports.pages.js';

const note = (b: Record<string, unknown>, key: string) => str(b[key]).slice(0, 2000);

/**
 * CTED's triage of requests and the transitions of a request's life that have no page of their own
 * (issue 12): partial decisions, route / ask again, attach, park, close, duplicates, start delivery.
 * Each POST goes back to where it came from (the request page, the triage) with what happened.
 */
export function lifecyclePages(app: FastifyInstance, _deps: WebDeps): void {
  const idOf = (params: unknown) => {
    const { id } = params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    return id;
  };
  const bodyOf = (b: unknown) => (b ?? {}) as Record<string, unknown>;

  app.get('/triage', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const view = q.view === 'parked' ? 'parked' as const : 'open' as const;
    const reason = (TRIAGE_REASONS as readonly string[]).includes(str(q.reason)) ? str(q.reason) as (typeof TRIAGE_REASONS)[number] : undefined;
    const [ref, res, parked, openAll] = await Promise.all([
      app.services.reference.get(),
      app.services.triage.queue(p, { view, reason, limit: 100, offset: 0 }),
      app.services.triage.queue(p, { view: 'parked', limit: 1, offset: 0 }),
      app.services.triage.queue(p, { view: 'open', limit: 1, offset: 0 }),
    ]);
    const names = namer(ref, i);
    const self = `/triage${view === 'parked' ? '?view=parked' : reason ? `?reason=${reason}` : ''}`;
    // One request at a time gets the directory search for an offering to attach.
    const find = UUID_RE.test(str(q.find)) ? str(q.find) : '';
    const words = str(q.q).slice(0, 300);
    const target = find ? res.items.find((x) => x.requestId === find) : undefined;
    const results = target && words ? (await webServices(app).directory.search(DirectoryQuery.parse({ q: words, country: target.memberState, limit: 10 }))).items : null;
    const { notice, problem } = actionNotice(ctx, q);
    return sendPage(req, reply, page(ctx, {
      title: i.t('lc.triage.title'), active: '/triage', wide: true, notice,
      body: html`<h1>${i.t('lc.triage.title')}</h1><p class="lead">${i.t('lc.triage.intro')}</p>
        ${problem}
        <nav class="tabs row" aria-label="${i.t('lc.triage.filter')}">
          <a href="/triage"${view === 'open' ? html` aria-current="page"` : ''}>${i.t('lc.triage.tabOpen', { n: openAll.total })}</a>
          <a href="/triage?view=parked"${view === 'parked' ? html` aria-current="page"` : ''}>${i.t('lc.triage.tabParked', { n: parked.total })}</a>
        </nav>
        ${view === 'open' ? html`<form method="get" action="/triage" class="card filters row">
          ${selectField({ name: 'reason', label: i.t('lc.triage.reason'), value: reason ?? '', options: [{ value: '', label: i.t('lc.triage.anyReason') }, ...TRIAGE_REASONS.map((x) => ({ value: x, label: i.t(`lc.reason.${x}` as MessageKey) }))] })}
          <button type="submit" class="secondary">${i.t('lc.triage.filter')}</button></form>` : ''}
        ${exportControl(app, ctx, 'triage', q)}
        ${res.items.length === 0 ? html`<p>${i.t(view === 'parked' ? 'lc.triage.emptyParked' : 'lc.triage.empty')}</p>` : html`<ol class="results triage">${res.items.map((x) => html`<li class="card triage-item" id="t-${x.requestId}" data-request="${x.requestId}">
          <h2 class="h3"><a href="/requests/${x.requestId}" dir="auto">${x.title}</a></h2>
          <p class="muted">${names.state(x.memberState)} · ${statusBadge(ctx, x.status)} · ${i.tx('urgency', x.urgency)}${x.routedEntity ? html` · ${names.entity(x.routedEntity)}` : ''} · ${areaList(names, x.thematicAreas)}</p>
          <ul class="plain reasons">${x.reasons.map((r) => html`<li data-reason="${r.code}">${badge(i.t(`lc.reason.${r.code}` as MessageKey), r.code === 'possible_duplicate' || r.code === 'handed_back' || r.code === 'not_acted' ? 'overdue' : 'warn')}${r.note ? html` <q dir="auto">${r.note}</q>` : ''}</li>`)}</ul>
          ${x.parked ? html`<p class="muted">${i.t('lc.parked', { date: i.date(x.parked.at), reason: x.parked.reason ?? '' })}</p>` : ''}
          <p class="age">${i.t('lc.triage.age', { n: x.ageDays, date: i.date(x.since) })}${x.proposals ? html` · ${i.t('lc.triage.proposals', { n: x.proposals, pct: x.topScore === null ? '—' : i.pct(x.topScore) })}` : ''}</p>
          <details${find === x.requestId ? html` open` : ''}><summary>${i.t('lc.triage.act')}</summary>
            ${ctedActions(ctx, ref, names, { id: x.requestId, routedEntity: x.routedEntity, parked: !!x.parked }, {
              back: `${self}#t-${x.requestId}`, dueDays: app.deps.config.ENTITY_DUE_DAYS,
              attach: attachPanel(ctx, ref, { id: x.requestId, routedEntity: x.routedEntity }, {
                back: `${self}#t-${x.requestId}`, searchAction: '/triage',
                searchHidden: html`<input type="hidden" name="find" value="${x.requestId}">${view === 'parked' ? html`<input type="hidden" name="view" value="parked">` : ''}`,
                q: find === x.requestId ? words : '', results: find === x.requestId ? results : null, attachedIds: new Set(),
              }),
            })}
          </details>
        </li>`)}</ol>`}`,
    }));
  });

  app.post('/requests/:id/decide', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const id = idOf(req.params);
    const b = bodyOf(req.body);
    const back = backOf(b.back, `/requests/${id}`);
    const approve: string[] = [];
    const reject: { matchId: string; note: string }[] = [];
    for (const [k, v] of Object.entries(b)) {
      const matchId = /^d-(.+)$/.exec(k)?.[1];
      if (!matchId || !UUID_RE.test(matchId)) continue;
      if (str(v) === 'approve') approve.push(matchId);
      else if (str(v) === 'reject') {
        const why = note(b, `n-${matchId}`);
        if (!why) return refuse(reply, back, 'noteRequired');
        reject.push({ matchId, note: why });
      }
    }
    if (!approve.length && !reject.length) return refuse(reply, back, 'nothing');
    const entity = str(b.entity);
    return act(reply, back, 'decided', () => app.services.review.decideRequest(p, id, { approve, reject, ...(entity ? { entity } : {}) }));
  });

  app.post('/requests/:id/route', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const id = idOf(req.params);
    const b = bodyOf(req.body);
    const back = backOf(b.back, `/requests/${id}`);
    // "Ask again" sends `entity`; "route to" picks one in `entity-<id>`.
    const entity = str(b[`entity-${id}`]) || str(b.entity);
    const text = note(b, `route-note-${id}`) || note(b, `again-note-${id}`);
    if (!entity) return refuse(reply, back, 'entityRequired');
    return act(reply, back, 'routed', () => app.services.triage.route(p, id, { entity, ...(text ? { note: text } : {}) }));
  });

  // Mark unanswerable for now, or close: both need the reason the state will read.
  for (const [action, field, done] of [['park', 'park-reason', 'parked'], ['close', 'close-reason', 'closed']] as const) {
    app.post(`/requests/:id/${action}`, async (req, reply) => {
      const p = need(req, 'cted', 'admin');
      const id = idOf(req.params);
      const b = bodyOf(req.body);
      const back = backOf(b.back, `/requests/${id}`);
      const reason = note(b, `${field}-${id}`);
      if (!reason) return refuse(reply, back, 'noteRequired');
      return act(reply, back, done, () => app.services.triage[action](p, id, reason));
    });
  }

  app.post('/requests/:id/attach', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const id = idOf(req.params);
    const b = bodyOf(req.body);
    const back = backOf(b.back, `/requests/${id}`);
    const offeringId = str(b.offeringId);
    if (!UUID_RE.test(offeringId)) return refuse(reply, back, 'nothing');
    const entity = str(b.entity);
    const text = note(b, 'note');
    return act(reply, back, 'attached', () => app.services.triage.attachOffering(p, id, { offeringId, ...(entity ? { entity } : {}), ...(text ? { note: text } : {}) }));
  });

  app.post('/requests/:id/duplicate', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const id = idOf(req.params);
    const b = bodyOf(req.body);
    const back = backOf(b.back, `/requests/${id}`);
    const otherId = str(b.otherId);
    const decision = str(b.decision);
    if (!UUID_RE.test(otherId) || (decision !== 'confirm' && decision !== 'dismiss')) throw new WebError(409, 'error.conflict');
    const text = note(b, `dupnote-${otherId}`);
    return act(reply, back, 'duplicate', () => app.services.triage.decideDuplicate(p, id, otherId, { decision, ...(text ? { note: text } : {}) }));
  });

  app.post('/requests/:id/start-delivery', async (req, reply) => {
    const p = need(req, 'provider', 'entity', 'cted', 'admin');
    const id = idOf(req.params);
    const back = backOf(bodyOf(req.body).back, `/requests/${id}`);
    return act(reply, back, 'delivery', () => app.services.review.startDelivery(p, id));
  });
}
