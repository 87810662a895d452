import type { ReferenceSnapshot } from '../modules/reference/reference.service.js';
import type { Principal } from '../plugins/auth.plugin.js';
import type { WebContext } from './context.js';
import { str } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/index.js';
import { selectField, textField } from './layout.js';
import { stateOptions } from './pickers.js';

/** The requests list's stages (tabs), each a set of statuses. */
export const STAGES = {
  all: [],
  waiting: ['submitted', 'matched', 'in_review'],
  routed: ['routed', 'accepted'],
  delivery: ['in_delivery'],
  closed: ['completed', 'rejected', 'withdrawn'],
} as const satisfies Record<string, readonly string[]>;
export type Stage = keyof typeof STAGES;

export interface RequestFilters { stage: Stage; q: string; thematicArea: string; urgency: string; memberState: string }

/** The filters of the query string, each checked against what it may be (anything else is ignored). */
export function readRequestFilters(raw: Record<string, unknown>, ref: ReferenceSnapshot): RequestFilters {
  const stage = str(raw.stage);
  const urgency = str(raw.urgency);
  return {
    stage: stage in STAGES ? (stage as Stage) : 'all',
    q: str(raw.q).slice(0, 200),
    thematicArea: ref.areaByCode.has(str(raw.thematicArea)) ? str(raw.thematicArea) : '',
    urgency: ['low', 'normal', 'high'].includes(urgency) ? urgency : '',
    memberState: ref.stateByIso3.has(str(raw.memberState)) ? str(raw.memberState) : '',
  };
}

/** The filters as a query string, without the empty ones (for links that keep them). */
export function filtersQuery(f: RequestFilters, over: Partial<RequestFilters> = {}): string {
  const all = { ...f, ...over };
  return new URLSearchParams(Object.entries(all).filter(([k, v]) => v && !(k === 'stage' && v === 'all')) as [string, string][]).toString();
}

/** Stage tabs and a filter form above the requests list. */
export function requestFilterBar(ctx: WebContext, ref: ReferenceSnapshot, p: Principal, f: RequestFilters): SafeHtml {
  const { i } = ctx;
  const any = { value: '', label: i.t('pic.filter.any') };
  const tabs = (Object.keys(STAGES) as Stage[]).map((s) => {
    const q = filtersQuery(f, { stage: s });
    return html`<li><a href="/requests${q ? `?${q}` : ''}"${f.stage === s ? html` aria-current="page"` : ''}>${i.t(`pic.tab.${s}` as MessageKey)}</a></li>`;
  });
  return html`<nav aria-label="${i.t('pic.tabs')}"><ul class="stage-tabs">${tabs}</ul></nav>
    <form method="get" action="/requests" class="card filters" role="search" aria-label="${i.t('pic.filter.title')}">
      ${f.stage !== 'all' ? html`<input type="hidden" name="stage" value="${f.stage}">` : ''}
      <div class="row">
        ${textField({ name: 'q', label: i.t('pic.filter.q'), hint: i.t('pic.filter.qHint'), value: f.q, type: 'search' })}
        ${selectField({ name: 'thematicArea', label: i.t('col.areas'), value: f.thematicArea, options: [any, ...ref.areas.map((a) => ({ value: a.code, label: a.names[i.lang] || a.names.en }))] })}
        ${selectField({ name: 'urgency', label: i.t('col.urgency'), value: f.urgency, options: [any, ...(['high', 'normal', 'low'] as const).map((u) => ({ value: u, label: i.t(`urgency.${u}`) }))] })}
        ${p.role !== 'member_state' ? selectField({ name: 'memberState', label: i.t('col.state'), value: f.memberState, options: [any, ...stateOptions(ctx, ref)] }) : ''}
      </div>
      <button type="submit" class="secondary">${i.t('pic.filter.apply')}</button>
      ${filtersQuery(f) ? html` <a href="/requests">${i.t('pic.filter.clear')}</a>` : ''}
    </form>`;
}
