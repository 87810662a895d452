import type { FastifyReply } from 'fastify';
import type { DirectoryOffering } from '../modules/directory/directory.schemas.js';
import type { OfferingView } from '../modules/offerings/offerings.schemas.js';
import type { ReferenceSnapshot } from '../modules/reference/reference.service.js';
import type { RequestView } from '../modules/requests/requests.schemas.js';
import { AppError } from '../errors.js';
import { systemNote } from '../modules/requests/request-lifecycle.js';
import type { Principal } from '../plugins/auth.plugin.js';
import { statusBadge } from './components.js';
import { safeNext, type Namer, type WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/index.js';
import { badge, csrfField, selectField, textArea, textField } from './layout.js';
import { entityOptions as entityPicker } from './pickers.js';

/**
 * What every page shows of a request's life (issue 12): who acts next, the history with each reason,
 * why a match stands as it does, and the forms of each transition for whoever may make it. The rules
 * themselves live in the services (request-lifecycle.ts: TRANSITIONS, nextStep); these only render.
 */

const DONE_KEYS = ['decided', 'routed', 'parked', 'closed', 'attached', 'duplicate', 'delivery', 'consent', 'entity', 'answered'] as const;
// Notices that already exist in the core catalogue.
const CORE_DONE: Partial<Record<(typeof DONE_KEYS)[number], MessageKey>> = { entity: 'entity.done', answered: 'inbox.done' };
const PROBLEM_KEYS = ['noteRequired', 'nothing', 'conflict', 'notProposable', 'notEligible', 'entityRequired'] as const;
type Done = (typeof DONE_KEYS)[number];
type Problem = (typeof PROBLEM_KEYS)[number];

/** The notice of a page reached after an action (`?done=` or `?problem=`), in the reader's language. */
export function actionNotice(ctx: WebContext, q: Record<string, unknown>): { notice: string | null; problem: SafeHtml } {
  const done = DONE_KEYS.find((k) => k === q.done);
  const problem = PROBLEM_KEYS.find((k) => k === q.problem);
  return {
    notice: done ? ctx.i.t(CORE_DONE[done] ?? `lc.done.${done}` as MessageKey) : null,
    problem: problem ? html`<div class="error-summary" role="alert" id="action-problem"><p>${ctx.i.t(`lc.problem.${problem}` as MessageKey)}</p></div>` : html``,
  };
}

/** Where a form sends the browser back to: a local page (the request, the triage, a queue), else `fallback`. */
export function backOf(v: unknown, fallback: string): string {
  const next = safeNext(v, fallback);
  return /^\/(requests|triage|entity|inbox|review)(\/|\?|#|$)/.test(next) ? next : fallback;
}

const withParam = (back: string, key: string, value: string) => {
  const [path, hash] = back.split('#');
  const u = new URL(path, 'http://local');
  u.searchParams.delete('done'); u.searchParams.delete('problem'); u.searchParams.delete('q'); u.searchParams.delete('find');
  u.searchParams.set(key, value);
  return `${u.pathname}${u.search}${hash ? `#${hash}` : ''}`;
};

/** Runs one transition and goes back with its notice; a refusal (400, 409) goes back with the reason instead of an error page. */
export async function act(reply: FastifyReply, back: string, done: Done, run: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof AppError) || (err.statusCode !== 400 && err.statusCode !== 409)) throw err;
    const problem: Problem = err.code === 'not_proposable' ? 'notProposable' : err.code === 'not_eligible' ? 'notEligible'
      : err.statusCode === 400 && err.details.some((d) => d.path === 'entity') ? 'entityRequired' : err.statusCode === 400 ? 'noteRequired' : 'conflict';
    return reply.redirect(withParam(back, 'problem', problem), 303);
  }
  return reply.redirect(withParam(back, 'done', done), 303);
}

/** Goes back with a problem without running anything (a required field left empty). */
export const refuse = (reply: FastifyReply, back: string, problem: Problem) => reply.redirect(withParam(back, 'problem', problem), 303);

/** Whether the signed-in principal is the one who acts next. */
function isTurnOf(p: Principal | null, r: Pick<RequestView, 'nextStep' | 'memberState' | 'matches'>): boolean {
  if (!p || !r.nextStep.actor) return false;
  switch (r.nextStep.actor) {
    case 'cted': return p.role === 'cted' || p.role === 'admin';
    case 'entity': return p.role === 'entity' && p.entity === r.nextStep.entity;
    case 'member_state': return p.role === 'member_state' && p.memberState === r.memberState;
    case 'provider': return p.role === 'provider' && r.matches.some((m) => m.providerId === p.providerId && ['forwarded', 'approved', 'accepted'].includes(m.status));
    default: return false;
  }
}

/** "What happens next": who acts and what they do, and whether it is the reader's turn. */
export function nextStepBox(ctx: WebContext, names: Namer, r: Pick<RequestView, 'nextStep' | 'memberState' | 'matches'>): SafeHtml {
  const { i } = ctx;
  const entity = r.nextStep.entity ? names.entity(r.nextStep.entity) : i.t('lc.step.someEntity');
  const mine = isTurnOf(ctx.principal, r);
  return html`<section class="card next-step${mine ? ' your-turn' : ''}" id="next-step" aria-labelledby="h-next" data-step="${r.nextStep.step}" data-actor="${r.nextStep.actor ?? ''}">
    <h2 id="h-next" class="h3">${i.t('lc.next.title')}</h2>
    <p>${i.t(`lc.step.${r.nextStep.step}` as MessageKey, { entity })}</p>
    ${mine ? html`<p class="your-turn-note"><strong>${i.t('lc.next.yourTurn')}</strong></p>` : ''}
  </section>`;
}

/** Who made a move, as the state may read it: a role and an organisation, never a person or a key. */
function whoOf(ctx: WebContext, names: Namer, providers: ReadonlyMap<string, string>, role: string | null, org: string | null): string {
  const { i } = ctx;
  switch (role) {
    case 'entity': return org ? names.entity(org) : i.t('role.entity');
    case 'provider': return (org && providers.get(org)) || i.t('role.provider');
    case 'member_state': return org ? names.state(org) : i.t('lc.who.member_state');
    case 'cted': return i.t('lc.who.cted');
    case 'admin': return i.t('lc.who.admin');
    case 'system': return i.t('lc.who.system');
    default: return '—';
  }
}

/** A history note in the reader's language when the system wrote it, else as its author wrote it. */
function noteText(ctx: WebContext, names: Namer, h: RequestView['history'][number]): string {
  const sys = h.actorRole === 'system' ? systemNote(h.note) : null;
  if (!sys) return h.note ?? '';
  const reason = sys.reason ? ctx.i.tx('lc.reason', sys.reason) : '';
  return ctx.i.t(`lc.sys.${sys.code}` as MessageKey, { entity: sys.entity ? names.entity(sys.entity) : '', days: sys.days ?? 0, reason });
}

/** The request's history: each status change with when, who and their reason. */
export function historyTable(ctx: WebContext, names: Namer, providers: ReadonlyMap<string, string>, history: RequestView['history']): SafeHtml {
  const { i } = ctx;
  if (!history.length) return html``;
  return html`<section class="card" aria-labelledby="h-history" id="history">
    <h2 id="h-history">${i.t('lc.history.title')}</h2>
    <table class="data">
      <thead><tr><th scope="col">${i.t('lc.history.when')}</th><th scope="col">${i.t('lc.history.change')}</th><th scope="col">${i.t('lc.history.who')}</th><th scope="col">${i.t('lc.history.note')}</th></tr></thead>
      <tbody>${history.map((h) => html`<tr data-to="${h.to}">
        <td>${i.date(h.at)}</td>
        <td>${h.from ? html`${statusBadge(ctx, h.from)} → ` : ''}${statusBadge(ctx, h.to)}</td>
        <td>${whoOf(ctx, names, providers, h.actorRole, h.actorOrg)}</td>
        <td dir="auto" class="note">${noteText(ctx, names, h)}</td></tr>`)}</tbody>
    </table></section>`;
}

/** Why a match stands as it does, in words: start date, attached by CTED, CTED's note, the provider's decline. */
export function matchReasons(ctx: WebContext, m: RequestView['matches'][number]): SafeHtml {
  const { i } = ctx;
  const lines: SafeHtml[] = [];
  if (m.startsAt) lines.push(html`<li class="starts-at">${i.t('lc.match.startsAt', { date: i.date(m.startsAt) })}</li>`);
  if (m.origin === 'cted') lines.push(html`<li class="attached">${i.t('lc.match.attached')}</li>`);
  if (m.status === 'rejected' && m.decisionNote) lines.push(html`<li class="rejected-note" dir="auto">${i.t('lc.match.rejectedBecause', { note: m.decisionNote })}</li>`);
  else if (m.decisionNote && m.origin === 'cted') lines.push(html`<li dir="auto">${i.t('lc.match.ctedNote', { note: m.decisionNote })}</li>`);
  if (m.status === 'declined') {
    lines.push(html`<li class="decline-reason">${i.t('lc.match.declinedBecause', { reason: m.declineReason ? i.tx('reason', m.declineReason) : '—' })}</li>`);
    if (m.declineNote) lines.push(html`<li class="decline-note" dir="auto">${i.t('lc.match.theirNote', { note: m.declineNote })}</li>`);
  }
  return lines.length ? html`<ul class="plain reasons">${lines}</ul>` : html``;
}

/** The badge of an offering's availability, saying which reason (issue 12 item 7). */
export function availabilityBadge(ctx: WebContext, o: Pick<OfferingView, 'availability' | 'availableFrom' | 'availableUntil' | 'unconfirmedDays'>): SafeHtml {
  const { i } = ctx;
  const text = i.t(`lc.avail.${o.availability}` as MessageKey, { date: i.date(o.availability === 'expired' ? o.availableUntil : o.availableFrom), n: o.unconfirmedDays });
  return badge(text, o.availability === 'available' ? 'ok' : o.availability === 'not_yet_open' ? 'in_review' : 'warn');
}

/** The possible duplicates, both ways, with the other request's title and status where the reader may see it; CTED's forms. */
export function duplicatesSection(ctx: WebContext, r: Pick<RequestView, 'id' | 'possibleDuplicates' | 'duplicateOf'>, back: string): SafeHtml {
  const { i } = ctx;
  if (!r.possibleDuplicates.length) return html``;
  const cted = ctx.principal?.role === 'cted' || ctx.principal?.role === 'admin';
  return html`<section class="card" aria-labelledby="h-dups" id="duplicates">
    <h2 id="h-dups">${i.t('lc.dup.title')}</h2>
    <p class="muted">${i.t('lc.dup.intro')}</p>
    <ul class="plain">${r.possibleDuplicates.map((d) => html`<li class="duplicate" data-other="${d.requestId}" data-decision="${d.decision}">
      <strong>${d.decision === 'confirmed' && r.duplicateOf === d.requestId ? i.t('lc.dup.mergedInto') : i.t(d.direction === 'earlier' ? 'lc.dup.earlier' : 'lc.dup.later')}</strong>:
      ${d.title !== null ? html`<a href="/requests/${d.requestId}" dir="auto">${d.title}</a> ${d.status ? statusBadge(ctx, d.status) : ''}` : html`<span class="muted">${i.t('lc.dup.hidden')}</span>`}
      <span class="muted">(${i.t('lc.dup.similarity', { pct: i.pct(d.similarity) })})</span>
      ${d.decision === 'confirmed' ? badge(i.t('lc.dup.merged'), 'closed') : badge(i.t('lc.review.duplicate'), 'warn')}
      ${cted && d.decision === 'open' ? html`<form method="post" action="/requests/${r.id}/duplicate" class="row dup-form">${csrfField(ctx)}
        <input type="hidden" name="otherId" value="${d.requestId}"><input type="hidden" name="back" value="${back}">
        ${textField({ name: `dupnote-${d.requestId}`, label: i.t('lc.dup.note'), attrs: html` maxlength="2000"` })}
        <button type="submit" name="decision" value="confirm" class="danger">${i.t('lc.dup.confirm')}</button>
        <button type="submit" name="decision" value="dismiss" class="secondary">${i.t('lc.dup.dismiss')}</button>
      </form>` : ''}
    </li>`)}</ul>
  </section>`;
}


/** CTED's partial decisions on a request's proposals: approve some, reject others each with its reason, leave the rest. */
export function decisionFields(ctx: WebContext, m: RequestView['matches'][number]): SafeHtml {
  const { i } = ctx;
  const name = `d-${m.id}`;
  return html`<fieldset class="field decision" data-match="${m.id}"><legend>${i.t('lc.decide.choice')}</legend>
    <div class="choices">${(['approve', 'reject', 'keep'] as const).map((v) => html`<div class="choice">
      <input type="radio" id="${name}-${v}" name="${name}" value="${v}"${v === 'keep' ? html` checked` : ''}>
      <label for="${name}-${v}">${i.t(`lc.decide.${v}`)}</label></div>`)}</div>
    ${textField({ name: `n-${m.id}`, label: i.t('lc.decide.reason'), attrs: html` maxlength="2000"` })}
  </fieldset>`;
}

/** The end of the decision form: the entity to route to and the submit button. */
export function decisionFooter(ctx: WebContext, ref: ReferenceSnapshot, back: string): SafeHtml {
  const { i } = ctx;
  return html`<input type="hidden" name="back" value="${back}">
    ${selectField({ name: 'entity', label: i.t('lc.decide.entity'), options: [{ value: '', label: i.t('lc.decide.entityDefault') }, ...entityPicker(ctx, ref)] })}
    <button type="submit">${i.t('lc.decide.submit')}</button>`;
}

/** CTED's actions on an open request without an accepted offering: route, ask again, attach, park, close. */
export function ctedActions(ctx: WebContext, ref: ReferenceSnapshot, names: Namer, r: { id: string; routedEntity: string | null; parked: boolean }, opts: { back: string; dueDays: number; attach: SafeHtml }): SafeHtml {
  const { i } = ctx;
  const id = r.id;
  const hidden = html`${csrfField(ctx)}<input type="hidden" name="back" value="${opts.back}">`;
  return html`<section class="card cted-actions" aria-labelledby="h-act-${id}" id="act-${id}">
    <h2 id="h-act-${id}" class="h3">${i.t('lc.act.title')}</h2>
    ${r.routedEntity ? html`<form method="post" action="/requests/${id}/route" class="act-ask-again">${hidden}
      <input type="hidden" name="entity" value="${r.routedEntity}">
      <h3>${i.t('lc.act.askAgain', { entity: r.routedEntity })}</h3>
      <p class="hint">${i.t('lc.act.askAgainHint', { entity: names.entity(r.routedEntity), days: opts.dueDays })}</p>
      ${textField({ name: `again-note-${id}`, label: i.t('lc.act.note'), optionalText: i.t('form.optional'), attrs: html` maxlength="2000"` })}
      <button type="submit">${i.t('lc.act.askAgain', { entity: r.routedEntity })}</button></form>` : ''}
    <form method="post" action="/requests/${id}/route" class="act-route">${hidden}
      <h3>${i.t('lc.act.route')}</h3>
      <p class="hint">${i.t('lc.act.routeHint', { days: opts.dueDays })}</p>
      ${selectField({ name: `entity-${id}`, label: i.t('lc.decide.entity'), value: r.routedEntity ?? '', options: entityPicker(ctx, ref) })}
      ${textField({ name: `route-note-${id}`, label: i.t('lc.act.note'), optionalText: i.t('form.optional'), attrs: html` maxlength="2000"` })}
      <button type="submit" class="secondary">${i.t('lc.act.routeSubmit')}</button></form>
    ${opts.attach}
    ${r.parked ? '' : html`<form method="post" action="/requests/${id}/park" class="act-park">${hidden}
      <h3>${i.t('lc.act.park')}</h3>
      <p class="hint">${i.t('lc.act.parkHint')}</p>
      ${textField({ name: `park-reason-${id}`, label: i.t('lc.act.parkReason'), required: true, attrs: html` maxlength="2000"` })}
      <button type="submit" class="secondary">${i.t('lc.act.park')}</button></form>`}
    <form method="post" action="/requests/${id}/close" class="act-close">${hidden}
      <h3>${i.t('lc.act.close')}</h3>
      <p class="hint">${i.t('lc.act.closeHint')}</p>
      ${textField({ name: `close-reason-${id}`, label: i.t('lc.act.closeReason'), required: true, attrs: html` maxlength="2000"` })}
      <button type="submit" class="danger">${i.t('lc.act.close')}</button></form>
  </section>`;
}

/**
 * The directory search for an offering to attach (proposable ones the state is eligible for), and the
 * attach form over its results. `searchAction` is where the search goes (the request page or the triage).
 */
export function attachPanel(ctx: WebContext, ref: ReferenceSnapshot, r: { id: string; routedEntity: string | null }, opts: { back: string; searchAction: string; searchHidden?: SafeHtml; q: string; results: DirectoryOffering[] | null; attachedIds: ReadonlySet<string> }): SafeHtml {
  const { i } = ctx;
  const id = r.id;
  const results = (opts.results ?? []).filter((o) => !opts.attachedIds.has(o.id));
  return html`<div class="act-attach" id="attach-${id}">
    <h3>${i.t('lc.act.attach')}</h3>
    <p class="hint">${i.t('lc.act.attachHint')}</p>
    <form method="get" action="${opts.searchAction}#attach-${id}" role="search" class="row attach-search">
      ${opts.searchHidden ?? ''}
      ${textField({ name: 'q', id: `q-${id}`, label: i.t('lc.act.searchWords'), value: opts.q, type: 'search' })}
      <button type="submit" class="secondary">${i.t('lc.act.search')}</button>
    </form>
    ${opts.results === null ? '' : results.length === 0 ? html`<p class="muted attach-none">${i.t('lc.act.noResults')}</p>` : html`<form method="post" action="/requests/${id}/attach" class="attach-form">
      ${csrfField(ctx)}<input type="hidden" name="back" value="${opts.back}">
      <fieldset class="field"><legend>${i.t('col.offering')}</legend><div class="choices">${results.map((o, n) => html`<div class="choice">
        <input type="radio" id="att-${id}-${o.id}" name="offeringId" value="${o.id}"${n === 0 ? html` checked` : ''}>
        <label for="att-${id}-${o.id}"><span dir="auto" lang="${o.language}">${o.title}</span> <span class="hint">${o.provider.name}${o.availableFrom && new Date(o.availableFrom) > new Date() ? ` · ${i.t('lc.match.startsAt', { date: i.date(o.availableFrom) })}` : ''}</span></label></div>`)}</div></fieldset>
      ${selectField({ name: 'entity', id: `attach-entity-${id}`, label: i.t('lc.decide.entity'), value: r.routedEntity ?? '', options: [...(r.routedEntity ? [] : [{ value: '', label: '—' }]), ...entityPicker(ctx, ref)] })}
      ${textArea({ name: 'note', id: `attach-note-${id}`, label: i.t('lc.act.note'), optionalText: i.t('form.optional'), rows: 2 })}
      <button type="submit">${i.t('lc.act.attachOne')}</button>
    </form>`}
  </div>`;
}

/** "Delivery has started", for the accepting provider, the routed entity and CTED. */
export function startDeliveryForm(ctx: WebContext, requestId: string, back: string): SafeHtml {
  const { i } = ctx;
  return html`<form method="post" action="/requests/${requestId}/start-delivery" class="start-delivery">${csrfField(ctx)}
    <input type="hidden" name="back" value="${back}">
    <p class="hint">${i.t('lc.delivery.startHint')}</p>
    <button type="submit">${i.t('lc.delivery.start')}</button></form>`;
}
