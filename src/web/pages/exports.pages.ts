import type { FastifyInstance } from 'fastify';
import { isExportList, type ExportListName } from '../../modules/exports/export-lists.js';
import { ctxOf, list, need, str, WebError, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { WebDeps } from '../web.plugin.js';

/** Query keys that are the page's own controls, never a list's filter. */
const NOT_FILTERS = new Set(['format', 'columns', 'cursor', 'offset', 'lang', '_csrf']);

/**
 * The "Export" control of a list page: the columns to pick (all by default), the format, and the
 * page's filters carried as hidden fields, so the file lists what the page lists.
 */
export function exportControl(app: FastifyInstance, ctx: WebContext, name: ExportListName, query: Record<string, unknown> = {}): SafeHtml {
  const { i } = ctx;
  const cols = app.services.exports.columns(name);
  const hidden = Object.entries(query).filter(([k, v]) => !NOT_FILTERS.has(k) && typeof v === 'string' && v !== '' && v.length <= 300);
  return html`<details class="export card" data-export="${name}"><summary>${i.t('exp.control')}</summary>
    <form method="get" action="/export/${name}" class="export-form">
      <p class="muted">${i.t('exp.intro')}</p>
      ${hidden.map(([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}">`)}
      <fieldset><legend>${i.t('exp.columns')}</legend><div class="columns">
        ${cols.map((c) => html`<label class="choice"><input type="checkbox" name="columns" value="${c.key}" checked> ${i.t(c.label)}</label>`)}
      </div></fieldset>
      <fieldset><legend>${i.t('exp.format')}</legend>
        <label class="choice"><input type="radio" name="format" value="csv" checked> ${i.t('exp.csv')}</label>
        <label class="choice"><input type="radio" name="format" value="xlsx"> ${i.t('exp.xlsx')}</label>
      </fieldset>
      <button type="submit" class="secondary">${i.t('exp.download')}</button>
    </form></details>`;
}

/** Downloads of the lists (CSV, XLSX), under the session, streamed from the export service. */
export function exportPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/export/:list', { config: { long: true } }, async (req, reply) => {
    const p = need(req);
    const { i } = ctxOf(req);
    const name = (req.params as { list: string }).list;
    if (!isExportList(name)) throw new WebError(404, 'error.notFound');
    if (!app.services.exports.allowed(p, name)) throw new WebError(403, 'error.forbidden');
    // A refusal of these filters (a profile not the reader's) is the service's 403, answered as a page.
    const q = req.query as Record<string, unknown>;
    const out = await app.services.exports.open(p, name, { format: str(q.format) === 'xlsx' ? 'xlsx' : 'csv', columns: list(q.columns), query: q, i });
    return reply.type(out.contentType).header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${out.filename}"`).send(out.body);
  });
}
