import { FINE_CONCEPTS } from '../matching/concepts.lexicon.js';
import type { Namer, WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/index.js';
import { badge, bar } from './layout.js';

/** Explanation components in the order people read them; unknown ones follow. */
const COMPONENT_ORDER = ['thematic', 'concept', 'text', 'need', 'language', 'modality', 'regional', 'urgency'];

const levelOf = (x: number): MessageKey => (x >= 0.7 ? 'level.strong' : x >= 0.4 ? 'level.partial' : x > 0.05 ? 'level.weak' : 'level.none');

interface Explanation {
  components?: Record<string, number>;
  concepts?: string[];
  language?: { request?: string; offering?: string[]; fit?: number };
  notes?: string[];
}

const CONCEPT_TERMS = new Map(FINE_CONCEPTS.map((c) => [c.code, c.terms as Record<string, readonly string[]>]));

/** A fine concept (`c:fiu`) by its first term in the user's language, else in English, else its code. */
export function conceptName(code: string, lang: string): string {
  const terms = CONCEPT_TERMS.get(code);
  return terms?.[lang]?.[0] ?? terms?.en?.[0] ?? code.replace(/^c:/, '').replace(/[_-]+/g, ' ');
}

/** A match explanation in plain words: one translated sentence and a small bar per score component. */
export function explanationView(ctx: WebContext, names: Namer, raw: Record<string, unknown>): SafeHtml {
  const { i } = ctx;
  const e = raw as Explanation;
  // Older or other-shaped explanations may carry the components at the top level.
  const comps = e.components && typeof e.components === 'object'
    ? e.components
    : Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  const keys = [...COMPONENT_ORDER.filter((k) => k in comps), ...Object.keys(comps).filter((k) => !COMPONENT_ORDER.includes(k)).sort()];
  const concepts = (e.concepts ?? []).map((c) => (c.startsWith('area:') ? names.area(c.slice(5)) : conceptName(c, i.lang)));
  const offeredIn = e.language?.offering?.length ? e.language.offering.map((l) => i.language(l)).join(', ') : '';
  return html`<ul class="explain">
    ${keys.map((k) => {
      const v = Number(comps[k]) || 0;
      const sentence = COMPONENT_ORDER.includes(k) ? i.t(`explain.${k}` as MessageKey) : i.t('explain.other', { name: k });
      return html`<li data-component="${k}">${bar(v)}<span class="explain-text">${sentence} <strong>${i.t(levelOf(v))}</strong> <span class="muted">(${i.pct(v)})</span></span></li>`;
    })}
  </ul>
  ${concepts.length ? html`<p class="muted">${i.t('req.view.shared', { list: [...new Set(concepts)].slice(0, 8).join(', ') })}</p>` : ''}
  ${offeredIn ? html`<p class="muted">${i.t('req.view.offeredIn', { langs: offeredIn })}</p>` : ''}`;
}

/** A request status as a coloured badge with translated text. */
export const statusBadge = (ctx: WebContext, status: string) => badge(ctx.i.tx('status', status), status);
/** A match status as a badge. */
export const matchBadge = (ctx: WebContext, status: string) => badge(ctx.i.tx('mstatus', status), status);

/** Area names, comma separated. */
export const areaList = (names: Namer, codes: string[]) => codes.map((c) => names.area(c)).join(', ');

/** Previous/next links for offset pagination. */
export function pager(ctx: WebContext, base: string, offset: number, limit: number, nextOffset: number | null): SafeHtml {
  const sep = base.includes('?') ? '&' : '?';
  if (offset === 0 && nextOffset === null) return html``;
  return html`<nav class="pager" aria-label="pagination">
    ${offset > 0 ? html`<a href="${base}${sep}offset=${Math.max(0, offset - limit)}">${ctx.i.t('common.previous')}</a>` : ''}
    ${nextOffset !== null ? html`<a href="${base}${sep}offset=${nextOffset}">${ctx.i.t('common.next')}</a>` : ''}
  </nav>`;
}

/** The offset query parameter, bounded. */
export function offsetOf(q: unknown): number {
  const n = Number((q as Record<string, unknown> | undefined)?.offset);
  return Number.isInteger(n) && n >= 0 && n <= 1_000_000 ? n : 0;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
