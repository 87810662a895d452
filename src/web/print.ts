import type { WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';

/** The script of the print button (kept off the page until it runs: without it the browser's own print does the same). */
export const PRINT_SCRIPT = '/static/print.js';

/** A "Print" button for the pages with a print layout (a request, a country profile, the review queue). */
export const printButton = (ctx: WebContext): SafeHtml => html`<p class="no-print"><button type="button" class="secondary" data-print hidden>${ctx.i.t('print.button')}</button></p>`;
