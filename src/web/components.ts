import type { Namer, WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import { badge } from './layout.js';

/** Match explanations live in explanation.ts (every factor, its weight, the topical gate, the reader). */
export { explanationView, type Audience } from './explanation.js';

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
