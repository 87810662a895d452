import type { FastifyInstance } from 'fastify';
import { cursorOf, cursorPager, explanationView, matchBadge, statusBadge, UUID_RE } from '../components.js';
import { ctxOf, list, namer, need, sendPage, str, WebError } from '../context.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { badge, bar, csrfField, page, selectField, textArea, textField } from '../layout.js';
import { entityOptions as entityPicker, regionOptions } from '../pickers.js';
import type { WebDeps } from '../web.plugin.js';
import { act, backOf, refuse, startDeliveryForm } from '../lifecycle.view.js';
import { readReviewFilters, reviewFiltersQuery as filtersQuery } from '../review-filters.js';
import { exportControl } from './exports.pages.js';
import { printButton, PRINT_SCRIPT } from '../print.js';

/** CTED's review queue (filters, bulk decisions) and the queues of Task Force entities. */
export function reviewPages(app: FastifyInstance, _deps: WebDeps): void {
  const readFilters = async (raw: Record<string, unknown>) => readReviewFilters(raw, await app.services.reference.get());

  app.get('/review', async (req, reply) => {
    need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const f = await readFilters(q);
    const cursor = cursorOf(q);
    const [ref, { items, nextCursor }] = await Promise.all([app.services.reference.get(), app.services.review.reviewQueue({ ...f, limit: 200, cursor })]);
    const names = namer(ref, i);
    const providers = new Map((await app.services.admin.listProviders()).map((x) => [x.id, x.name]));
    const errKey = typeof q.error === 'string' && ['review.noneSelected', 'review.noteRequired', 'review.entityRequired'].includes(q.error) ? q.error as MessageKey : null;
    const notice = q.ok !== undefined ? i.t('review.done', { ok: Number(q.ok) || 0, failed: Number(q.failed) || 0 }) : null;
    const entityOptions = entityPicker(ctx, ref);
    const triage = await app.services.triage.queue(need(req, 'cted', 'admin'), { view: 'open', limit: 1, offset: 0 });
    return sendPage(req, reply, page(ctx, {
      title: i.t('review.title'), active: '/review', notice, wide: true, scripts: ['/static/review.js', PRINT_SCRIPT],
      body: html`<h1>${i.t('review.title')}</h1><p class="lead">${i.t('review.intro')}</p>
        ${printButton(ctx)}
        ${exportControl(app, ctx, 'review', q)}
        <p><a class="button secondary" href="/triage">${i.t('lc.triage.link', { n: triage.total })}</a></p>
        <form method="get" action="/review" class="card filters" aria-labelledby="h-filters">
          <h2 id="h-filters" class="h3">${i.t('review.filters')}</h2>
          <div class="row">
            ${selectField({ name: 'region', label: i.t('review.region'), value: f.region ?? '', options: [{ value: '', label: i.t('review.any') }, ...regionOptions(ctx, ref).map((o) => ({ value: o.value, label: `${'\u00a0\u00a0'.repeat(o.depth)}${o.label}` }))] })}
            ${selectField({ name: 'thematicArea', label: i.t('col.areas'), value: f.thematicArea ?? '', options: [{ value: '', label: i.t('review.any') }, ...ref.areas.map((a) => ({ value: a.code, label: names.area(a.code) }))] })}
            ${selectField({ name: 'entity', label: i.t('col.entity'), value: f.entity ?? '', options: [{ value: '', label: i.t('review.any') }, ...entityOptions] })}
            ${selectField({ name: 'urgency', label: i.t('col.urgency'), value: f.urgency ?? '', options: [{ value: '', label: i.t('review.any') }, ...(['high', 'normal', 'low'] as const).map((u) => ({ value: u, label: i.t(`urgency.${u}`) }))] })}
            ${textField({ name: 'minScore', label: i.t('review.minScore'), value: f.minScore?.toString() ?? '', type: 'number', attrs: html` min="0" max="1" step="0.05"` })}
          </div>
          <button type="submit" class="secondary">${i.t('review.apply')}</button>
        </form>
        ${errKey ? html`<div class="error-summary" role="alert"><p>${i.t(errKey)}</p></div>` : ''}
        ${items.length === 0 ? html`<p>${i.t('review.empty')}</p>` : html`
        <form method="post" action="/review/decide" id="review-form" class="print-keep">
          ${csrfField(ctx)}
          <input type="hidden" name="back" value="${filtersQuery(f)}">
          <table class="data review">
            <thead><tr>
              <th scope="col"><span class="sr-only">${i.t('col.select')}</span><input type="checkbox" id="select-all" hidden aria-label="${i.t('review.selectAll')}"></th>
              <th scope="col">${i.t('col.request')}</th><th scope="col">${i.t('col.offering')}</th><th scope="col">${i.t('col.entity')}</th>
              <th scope="col">${i.t('col.score')}</th><th scope="col">${i.t('col.waiting')}</th><th scope="col">${i.t('col.actions')}</th>
            </tr></thead>
            <tbody>${items.map((m) => html`<tr>
              <td><input type="checkbox" name="matchIds" value="${m.id}" id="sel-${m.id}" class="row-select" aria-label="${i.t('col.select')}: ${m.title} / ${m.offeringTitle}"></td>
              <td><a href="/requests/${m.requestId}" dir="auto">${m.title}</a><br><span class="muted">${names.state(m.memberState)} · ${i.tx('urgency', m.urgency)}</span>
                ${m.possibleDuplicate ? html`<br>${badge(i.t('lc.review.duplicate'), 'overdue')}` : ''}${m.requestStatus === 'routed' ? html`<br><span class="muted">${i.t('lc.review.alsoApproved')}</span>` : ''}</td>
              <td><span dir="auto">${m.offeringTitle}</span><br><span class="muted">${providers.get(m.providerId) ?? ''}</span>
                <details><summary>${i.t('req.view.why')}</summary>${explanationView(ctx, names, m.explanation, { score: m.score, audience: 'cted', urgency: m.urgency })}</details></td>
              <td>${m.entity ? html`<abbr title="${names.entityName(m.entity)}">${m.entity}</abbr>` : '—'}</td>
              <td class="num">${bar(m.score)} ${i.pct(m.score)}</td>
              <td class="num">${i.t('review.hours', { h: i.num(m.ageHours) })}</td>
              <td><button type="submit" name="approveOne" value="${m.id}" class="small">${i.t('review.approve')}<span class="sr-only">: ${m.title} / ${m.offeringTitle}</span></button></td>
            </tr>`)}</tbody>
          </table>
          <fieldset class="card bulk">
            <legend>${i.t('review.bulk')}</legend>
            ${textArea({ name: 'note', label: i.t('review.note'), rows: 2 })}
            ${selectField({ name: 'reassignTo', label: i.t('review.reassignTo'), options: [{ value: '', label: '—' }, ...entityOptions] })}
            <div class="row">
              <button type="submit" name="decision" value="approve">${i.t('review.approve')}</button>
              <button type="submit" name="decision" value="reject" class="danger">${i.t('review.reject')}</button>
              <button type="submit" name="decision" value="reassign" class="secondary">${i.t('review.reassign')}</button>
            </div>
          </fieldset>
        </form>`}
        ${cursorPager(ctx, `/review?${filtersQuery(f)}`, cursor, nextCursor)}`,
    }));
  });

  app.post('/review/decide', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const back = new URLSearchParams(filtersQuery(await readFilters(Object.fromEntries(new URLSearchParams(str(b.back))))));
    const go = (extra: Record<string, string | number>) => {
      for (const [k, v] of Object.entries(extra)) back.set(k, String(v));
      return reply.redirect(`/review?${back.toString()}`, 303);
    };
    const one = str(b.approveOne);
    if (one) {
      if (!UUID_RE.test(one)) throw new WebError(404, 'error.notFound');
      const r = await app.services.review.decideMany(p, [one], { decision: 'approve' });
      return go({ ok: r.filter((x) => x.ok).length, failed: r.filter((x) => !x.ok).length });
    }
    const ids = list(b.matchIds).filter((x) => UUID_RE.test(x)).slice(0, 500);
    const decision = str(b.decision);
    const note = str(b.note).slice(0, 2000);
    const entity = str(b.reassignTo);
    if (!ids.length) return go({ error: 'review.noneSelected' });
    if (decision !== 'approve' && decision !== 'reject' && decision !== 'reassign') throw new WebError(409, 'error.conflict');
    if (decision !== 'approve' && !note) return go({ error: 'review.noteRequired' });
    if (decision === 'reassign' && !entity) return go({ error: 'review.entityRequired' });
    const r = await app.services.review.decideMany(p, ids, { decision, ...(note ? { note } : {}), ...(decision === 'reassign' ? { entity } : {}) });
    return go({ ok: r.filter((x) => x.ok).length, failed: r.filter((x) => !x.ok).length });
  });

  app.get('/entity', async (req, reply) => {
    const p = need(req, 'entity', 'cted', 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const ref = await app.services.reference.get();
    const names = namer(ref, i);
    const q = req.query as Record<string, unknown>;
    const asked = str(q.code);
    // An old code (DPKO) opens its successor's queue (DPO).
    const code = p.role === 'entity' ? p.entity! : ref.canonicalEntity(asked) ?? 'UNODC';
    const cursor = cursorOf(q);
    const { items, nextCursor } = await app.services.review.entityQueue(p, code, { cursor });
    const offeringIds = [...new Set(items.flatMap((x) => x.matches.map((m) => m.offeringId)))];
    const titles = new Map<string, string>();
    await Promise.all(offeringIds.map(async (id) => {
      try { titles.set(id, (await app.services.offerings.get(id)).title); } catch { /* gone */ }
    }));
    const providers = new Map((await app.services.admin.listProviders()).map((x) => [x.id, x.name]));
    return sendPage(req, reply, page(ctx, {
      title: i.t('entity.title', { code: names.entity(code) }), active: '/entity', wide: true, notice: q.done !== undefined ? i.t('entity.done') : null,
      body: html`<h1>${i.t('entity.title', { code: names.entity(code) })}</h1>
        ${p.role !== 'entity' ? html`<form method="get" action="/entity" class="card filters"><div class="row">
          ${selectField({ name: 'code', label: i.t('entity.choose'), value: code, options: entityPicker(ctx, ref) })}
          <button type="submit" class="secondary">${i.t('entity.show')}</button></div></form>` : ''}
        ${items.length === 0 ? html`<p>${i.t('entity.empty')}</p>` : items.map((r) => html`<article class="card" aria-labelledby="e-${r.requestId}">
          <h2 id="e-${r.requestId}"><a href="/requests/${r.requestId}" dir="auto">${r.title}</a></h2>
          <p class="muted">${names.state(r.memberState)} · ${statusBadge(ctx, r.status)} · ${i.tx('urgency', r.urgency)} · ${i.tx('conf', r.confidentiality)}
            ${r.dueAt ? html` · ${i.t('col.due')}: ${i.date(r.dueAt)}` : ''} ${r.overdue ? badge(i.t('entity.overdue'), 'overdue') : ''} ${r.possibleDuplicate ? badge(i.t('lc.review.duplicate'), 'overdue') : ''}</p>
          <p class="next">${i.t(`lc.step.${r.nextStep.step}` as MessageKey, { entity: names.entity(code) })}</p>
          ${r.matches.length ? html`<ul class="plain">${r.matches.map((m) => html`<li>
            <strong dir="auto">${titles.get(m.offeringId) ?? m.offeringId}</strong> (${providers.get(m.providerId) ?? ''}) · ${i.pct(m.score)} · ${matchBadge(ctx, m.status)}
            ${m.status === 'declined' ? html`<span class="decline-reason">${i.t('lc.entity.declined', { reason: m.declineReason ? i.tx('reason', m.declineReason) : '—' })}${m.declineNote ? html` <q dir="auto">${m.declineNote}</q>` : ''}</span>` : ''}
            ${r.status === 'routed' && ['approved', 'proposed'].includes(m.status) ? html`<form method="post" action="/entity/${r.requestId}/action" class="inline">${csrfField(ctx)}
              <input type="hidden" name="action" value="forward"><input type="hidden" name="matchId" value="${m.id}"><input type="hidden" name="code" value="${code}">
              <button type="submit" class="small">${i.t('entity.forward')}<span class="sr-only">: ${titles.get(m.offeringId) ?? ''}</span></button></form>` : ''}
            <details><summary>${i.t('req.view.why')}</summary>${explanationView(ctx, names, m.explanation, { score: m.score, audience: 'cted', urgency: r.urgency })}</details></li>`)}</ul>` : ''}
          ${r.status === 'routed' ? html`<div class="row">
            <form method="post" action="/entity/${r.requestId}/action">${csrfField(ctx)}<input type="hidden" name="action" value="acknowledge"><input type="hidden" name="code" value="${code}">
              <button type="submit" class="secondary">${i.t('entity.acknowledge')}<span class="sr-only">: ${r.title}</span></button></form>
            <form method="post" action="/entity/${r.requestId}/action">${csrfField(ctx)}<input type="hidden" name="action" value="hand_back"><input type="hidden" name="code" value="${code}">
              ${textField({ name: `note-${r.requestId}`, label: i.t('entity.handBackNote'), required: true, attrs: html` maxlength="2000"` })}
              <button type="submit" class="secondary">${i.t('entity.handBack')}<span class="sr-only">: ${r.title}</span></button></form>
          </div>` : ''}
          ${r.status === 'accepted' ? startDeliveryForm(ctx, r.requestId, `/entity${p.role !== 'entity' ? `?code=${code}` : ''}`) : ''}
        </article>`)}
        ${cursorPager(ctx, `/entity?code=${encodeURIComponent(code)}`, cursor, nextCursor)}`,
    }));
  });

  app.post('/entity/:id/action', async (req, reply) => {
    const p = need(req, 'entity', 'cted', 'admin');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const action = str(b.action);
    const note = str(b[`note-${id}`]).slice(0, 2000);
    const matchId = str(b.matchId);
    if (b.back !== undefined) {
      // From the request page: go back there, with what happened or why not.
      const back = backOf(b.back, `/requests/${id}`);
      if (action === 'hand_back' && !note) return refuse(reply, back, 'noteRequired');
      if (!['forward', 'acknowledge', 'hand_back'].includes(action) || (action === 'forward' && !UUID_RE.test(matchId))) throw new WebError(409, 'error.conflict');
      return act(reply, back, 'entity', () => app.services.review.entityAction(p, id, { action: action as 'forward' | 'acknowledge' | 'hand_back', ...(matchId ? { matchId } : {}), ...(note ? { note } : {}) }));
    }
    if (action === 'forward' && UUID_RE.test(matchId)) await app.services.review.entityAction(p, id, { action, matchId });
    else if (action === 'acknowledge') await app.services.review.entityAction(p, id, { action });
    else if (action === 'hand_back' && note) await app.services.review.entityAction(p, id, { action, note });
    else throw new WebError(409, 'error.conflict');
    const code = str(b.code);
    return reply.redirect(`/entity?done=1${/^[A-Z0-9-]{2,20}$/.test(code) ? `&code=${code}` : ''}`, 303);
  });
}
