import type { FastifyInstance } from 'fastify';
import { AppError, type ErrorDetail } from '../../errors.js';
import { parseNeedsCsv, type RowError } from '../../modules/imports/csv.parser.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';
import { statusBadge } from '../components.js';
import { ctxOf, namer, need, sendPage, str, WebError, type WebContext } from '../context.js';
import { detailPlace, detailText } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { badge, csrfField, page, textArea, textField } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';
import { exportControl } from './exports.pages.js';

const WEIGHT: Record<string, number> = { high: 3, medium: 2, low: 1 };
const MAX_PREVIEW_ROWS = 5000;

interface PreviewRow { row: number; line: number | null; memberState: string; priority: string; thematicArea: string; description: string; problems: string[] }

/**
 * The preview reads the file with the same parser as the import and checks the codes against the reference
 * data, so that it shows every problem the import would refuse, each on its spreadsheet line and in the
 * user's language; the import itself then goes through the needs service.
 */
function previewRows(ctx: WebContext, ref: ReferenceSnapshot, csv: string): { rows: PreviewRow[]; fileProblem: string | null } {
  const { i } = ctx;
  const parsed = parseNeedsCsv(csv);
  const say = (e: RowError) => `${e.path}: ${detailText(i, { path: e.path, message: e.message, code: e.code, params: e.params })}`;
  const fileProblem = parsed.errors.filter((e) => e.row === 0).map(say).join(' ') || null;
  const all = [...parsed.items.map((x) => ({ ...x, failed: [] as string[] })), ...(parsed.partial ?? [])].sort((a, b) => a.row - b.row);
  const rows: PreviewRow[] = all.slice(0, MAX_PREVIEW_ROWS).map(({ row, line, value, failed }) => {
    const problems = parsed.errors.filter((e) => e.row === row).map(say);
    if (value.memberState && !failed.includes('memberState') && !ref.stateByIso3.has(value.memberState)) problems.push(`memberState: ${i.t('imp.country.unknown', { value: value.memberState })}`);
    if (value.thematicArea && !failed.includes('thematicArea') && !ref.areaByCode.has(value.thematicArea)) problems.push(`thematicArea: ${i.t('imp.area.unknown', { value: value.thematicArea })}`);
    return { row, line: line ?? null, memberState: value.memberState, priority: value.priority, thematicArea: value.thematicArea ?? '', description: value.description, problems };
  });
  // Rows the parser refused outright (a ragged line, a repeated key) are not in `all`: keep their problems visible.
  for (const e of parsed.errors.filter((x) => x.row > 0 && !all.some((r) => r.row === x.row))) {
    rows.push({ row: e.row, line: e.line ?? null, memberState: '', priority: '', thematicArea: '', description: '', problems: [say(e)] });
  }
  rows.sort((a, b) => a.row - b.row);
  return { rows, fileProblem };
}

function importSection(ctx: WebContext, ref: ReferenceSnapshot, csv: string, preview: { rows: PreviewRow[]; fileProblem: string | null } | null, serverProblems: ErrorDetail[] = []): SafeHtml {
  const { i } = ctx;
  const names = namer(ref, i);
  const bad = preview ? preview.rows.filter((r) => r.problems.length).length + (preview.fileProblem ? 1 : 0) : 0;
  return html`<section class="card" aria-labelledby="h-import" id="import">
    <h2 id="h-import">${i.t('needs.import')}</h2>
    <p class="muted">${i.t('needs.importIntro')}</p>
    <form method="post" action="/needs/preview" id="needs-form" novalidate>
      ${csrfField(ctx)}
      ${textField({ name: 'file', label: i.t('needs.file'), type: 'file', attrs: html` accept=".csv,text/csv" data-fills="f-csv"` })}
      ${textArea({ name: 'csv', label: i.t('needs.csv'), value: csv, rows: 6, attrs: html` spellcheck="false"` })}
      <button type="submit" class="secondary">${i.t('needs.preview')}</button>
    </form>
    ${serverProblems.length ? html`<div class="error-summary" role="alert"><p>${i.t('needs.hasErrors')}</p>
      <ul>${serverProblems.slice(0, 200).map((d) => { const at = detailPlace(d); return html`<li>${at.line !== null ? html`${i.t('imp.line')} ${at.line} · ` : ''}<code>${at.field}</code>: ${detailText(i, d)}</li>`; })}</ul></div>` : ''}
    ${preview ? html`<h3>${i.t('needs.previewTitle', { n: preview.rows.length })}</h3>
      ${preview.fileProblem ? html`<div class="error-summary" role="alert"><p>${preview.fileProblem}</p></div>` : ''}
      ${bad ? html`<div class="error-summary" role="alert"><p>${i.t('needs.hasErrors')}</p></div>` : ''}
      <div class="scroll"><table class="data" id="needs-preview">
        <thead><tr><th scope="col">${i.t('imp.line')}</th><th scope="col">${i.t('col.state')}</th><th scope="col">${i.t('col.priority')}</th><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.description')}</th><th scope="col">${i.t('col.problem')}</th></tr></thead>
        <tbody>${preview.rows.slice(0, 500).map((r) => html`<tr${r.problems.length ? html` class="row-error"` : ''}>
          <td class="num">${r.line ?? r.row}</td><td>${r.memberState ? names.state(r.memberState) : ''} <span class="muted">${r.memberState}</span></td>
          <td>${r.priority ? i.tx('priority', r.priority) : ''}</td><td>${r.thematicArea ? names.area(r.thematicArea) : '—'}</td>
          <td dir="auto">${r.description.length > 160 ? `${r.description.slice(0, 160)}…` : r.description}</td>
          <td>${r.problems.length ? html`<ul class="plain">${r.problems.map((p) => html`<li>${p}</li>`)}</ul>` : '✓'}</td></tr>`)}</tbody>
      </table></div>
      ${!bad && preview.rows.length ? html`<form method="post" action="/needs/import">${csrfField(ctx)}<input type="hidden" name="csv" value="${csv}">
        <button type="submit">${i.t('needs.confirm', { n: preview.rows.length })}</button></form>` : ''}` : ''}
  </section>`;
}

/** The needs matrix as a heat map (country × thematic area), with the CSV import and its preview. */
export function needsPages(app: FastifyInstance, _deps: WebDeps): void {
  async function render(req: Parameters<typeof ctxOf>[0], extra: { csv?: string; preview?: ReturnType<typeof previewRows> | null; serverProblems?: ErrorDetail[]; notice?: string | null } = {}) {
    const p = need(req, 'cted', 'admin', 'entity');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const ref = await app.services.reference.get();
    const names = namer(ref, i);
    const matrix = await webServices(app).analytics.needsMatrix(p, {});
    const states = [...new Set(matrix.cells.map((c) => c.memberState))].sort((a, b) => names.state(a).localeCompare(names.state(b), i.lang));
    const areaCodes = ref.areas.map((a) => a.code).filter((code) => matrix.cells.some((c) => c.thematicArea === code));
    const hasUnclassified = matrix.cells.some((c) => c.thematicArea === null);
    const cols: (string | null)[] = [...areaCodes, ...(hasUnclassified ? [null] : [])];
    const byKey = new Map(matrix.cells.map((c) => [`${c.memberState}|${c.thematicArea ?? ''}`, c]));
    const heat = (n: number, pr: string) => n * (WEIGHT[pr] ?? 1);
    const maxHeat = Math.max(1, ...matrix.cells.map((c) => heat(c.needs, c.highestPriority)));
    const level = (x: number) => Math.min(5, Math.ceil((x / maxHeat) * 5));
    const canImport = ctx.principal?.role === 'cted' || ctx.principal?.role === 'admin';
    const areaLabel = (code: string | null) => (code ? names.area(code) : '—');
    return page(ctx, {
      title: i.t('needs.title'), active: '/needs', wide: true, notice: extra.notice ?? null, scripts: canImport ? ['/static/needs.js'] : [],
      body: html`<h1>${i.t('needs.title')}</h1><p class="lead">${i.t('needs.intro')}</p>
        ${exportControl(app, ctx, 'needs')}
        ${states.length === 0 ? html`<p>${i.t('needs.empty')}</p>` : html`
        <p class="muted">${i.t('needs.legend')}</p>
        <div class="scroll"><table class="heat" id="needs-matrix">
          <thead><tr><th scope="col">${i.t('col.state')}</th>${cols.map((c) => html`<th scope="col" class="area"><span>${areaLabel(c)}</span></th>`)}<th scope="col">${i.t('needs.total')}</th></tr></thead>
          <tbody>${states.map((s) => {
            const total = matrix.cells.filter((c) => c.memberState === s).reduce((n, c) => n + c.needs, 0);
            return html`<tr><th scope="row">${names.state(s)}</th>${cols.map((a) => {
              const c = byKey.get(`${s}|${a ?? ''}`);
              if (!c) return html`<td class="heat0"><span class="sr-only">0</span></td>`;
              const label = i.t('needs.cell', { state: names.state(s), area: areaLabel(a), n: c.needs });
              const open = i.t('pic.cell.open', { state: names.state(s), area: areaLabel(a) });
              return html`<td class="heat${level(heat(c.needs, c.highestPriority))} p-${c.highestPriority}" title="${label} · ${i.tx('priority', c.highestPriority)}"><a href="/needs/cell?state=${s}&amp;area=${a ?? ''}" class="cell-link" aria-label="${open}: ${label}">${c.needs}${c.state !== 'unmatched' ? html`<span aria-hidden="true">${c.state === 'matched' ? ' ✓' : ' ◐'}</span>` : ''}</a></td>`;
            })}<td class="num">${total}</td></tr>`;
          })}</tbody>
        </table></div>
        <p class="legend"><span aria-hidden="true">${[1, 2, 3, 4, 5].map((n) => html`<span class="swatch heat${n}"></span>`)}</span> ${i.t('needs.matchedLegend')}</p>`}
        ${canImport ? importSection(ctx, ref, extra.csv ?? '', extra.preview ?? null, extra.serverProblems) : ''}`,
    });
  }

  /** One cell of the matrix opened: its needs and, under each, the requests linked to it. */
  app.get('/needs/cell', async (req, reply) => {
    const p = need(req, 'cted', 'admin', 'entity');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const ref = await app.services.reference.get();
    const state = str(q.state);
    const area = str(q.area);
    if (!ref.stateByIso3.has(state) || (area && !ref.areaByCode.has(area))) throw new WebError(404, 'error.notFound');
    const names = namer(ref, i);
    const cell = await webServices(app).analytics.needsCell(p, { memberState: state, thematicArea: area || null });
    const heading = i.t('pic.cell.title', { state: names.state(state), area: area ? names.area(area) : i.t('pic.cell.noArea') });
    return sendPage(req, reply, page(ctx, {
      title: heading, active: '/needs', wide: true,
      body: html`<p><a href="/needs">← ${i.t('pic.cell.back')}</a></p><h1>${heading}</h1><p class="lead">${i.t('pic.cell.intro')}</p>
        ${cell.length === 0 ? html`<p>${i.t('pic.cell.empty')}</p>` : cell.map((n) => html`<article class="card need" id="need-${n.id}">
          <h2 class="h3">${i.tx('priority', n.priority)}${n.identifiedAt ? html` · <span class="muted">${i.t('pic.identified', { date: i.date(n.identifiedAt) })}</span>` : ''}${n.source ? html` · <span class="muted" dir="auto">${n.source}</span>` : ''}</h2>
          ${n.description ? html`<p class="prewrap" dir="auto">${n.description}</p>` : ''}
          <h3 class="h4">${i.t('pic.cell.requests')}</h3>
          ${n.requests.length === 0 ? html`<p class="muted">${i.t('pic.cell.none')}</p>` : html`<ul class="plain">${n.requests.map((r) => html`<li>
            <a href="/requests/${r.id}" dir="auto">${r.title}</a> · ${statusBadge(ctx, r.status)} ${r.routedEntity ? html`· ${names.entity(r.routedEntity)}` : ''}
            · ${r.covers ? badge(i.t('pic.cell.covers'), 'ok') : badge(i.t('pic.cell.notYet'), 'warn')}</li>`)}</ul>`}
        </article>`)}`,
    }));
  });

  app.get('/needs', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const notice = q.created !== undefined ? ctxOf(req).i.t('needs.imported', { created: Number(q.created) || 0, updated: Number(q.updated) || 0, unchanged: Number(q.unchanged) || 0 }) : null;
    return sendPage(req, reply, await render(req, { notice }));
  });

  app.post('/needs/preview', { config: { long: true }, bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const csv = str((req.body as Record<string, unknown> | undefined)?.csv);
    const ref = await app.services.reference.get();
    const preview = csv ? previewRows(ctx, ref, csv) : { rows: [], fileProblem: ctx.i.t('up.empty') };
    return sendPage(req, reply, await render(req, { csv, preview }));
  });

  app.post('/needs/import', { config: { long: true }, bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const csv = str((req.body as Record<string, unknown> | undefined)?.csv);
    try {
      const r = await app.services.needs.importCsv(p, csv);
      return reply.redirect(`/needs?created=${r.created}&updated=${r.updated}&unchanged=${r.unchanged}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
      const ref = await app.services.reference.get();
      const details = err.details.length ? err.details : [{ path: 'file', message: err.message }];
      return sendPage(req, reply, await render(req, { csv, preview: previewRows(ctx, ref, csv), serverProblems: details }), err.statusCode);
    }
  });
}
