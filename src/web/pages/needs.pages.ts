import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { CreateNeedBody } from '../../modules/needs/needs.schemas.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';
import { ctxOf, namer, need, sendPage, str, type WebContext } from '../context.js';
import { zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { csrfField, page, textArea, textField } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';
import { relay } from './offerings.pages.js';

const WEIGHT: Record<string, number> = { high: 3, medium: 2, low: 1 };
const MAX_PREVIEW_ROWS = 5000;

interface PreviewRow { row: number; memberState: string; priority: string; thematicArea: string; description: string; problems: string[] }

/** Parses the CSV for the preview only; the import itself goes through the API's own parser and rules. */
function previewRows(ctx: WebContext, ref: ReferenceSnapshot, csv: string): { rows: PreviewRow[]; fileProblem: string | null } {
  let records: Record<string, string>[];
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, trim: true, relax_column_count: true, to: MAX_PREVIEW_ROWS });
  } catch (err) {
    return { rows: [], fileProblem: err instanceof Error ? err.message.slice(0, 300) : 'unreadable CSV' };
  }
  const rows = records.map((rec, n) => {
    const body = {
      memberState: (rec.memberState ?? '').toUpperCase(), description: rec.description ?? '', priority: (rec.priority ?? '').toLowerCase(),
      ...(rec.thematicArea ? { thematicArea: rec.thematicArea } : {}), ...(rec.identifiedAt ? { identifiedAt: rec.identifiedAt } : {}), ...(rec.source ? { source: rec.source } : {}),
    };
    const problems: string[] = [];
    const v = CreateNeedBody.safeParse(body);
    if (!v.success) for (const [field, msg] of Object.entries(zodErrors(ctx.i, v.error.issues))) problems.push(`${field}: ${msg}`);
    if (body.memberState && !ref.stateByIso3.has(body.memberState) && !problems.some((p) => p.startsWith('memberState'))) problems.push(`memberState: ${ctx.i.t('v.codes', { codes: body.memberState })}`);
    if (body.thematicArea && !ref.areaByCode.has(body.thematicArea) && !problems.some((p) => p.startsWith('thematicArea'))) problems.push(`thematicArea: ${ctx.i.t('v.codes', { codes: body.thematicArea })}`);
    return { row: n + 1, memberState: body.memberState, priority: body.priority, thematicArea: body.thematicArea ?? '', description: body.description, problems };
  });
  return { rows, fileProblem: null };
}

function importSection(ctx: WebContext, ref: ReferenceSnapshot, csv: string, preview: { rows: PreviewRow[]; fileProblem: string | null } | null, serverProblems: { path: string; message: string }[] = []): SafeHtml {
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
      <ul>${serverProblems.slice(0, 200).map((d) => html`<li><code>${d.path}</code>: ${d.message}</li>`)}</ul></div>` : ''}
    ${preview ? html`<h3>${i.t('needs.previewTitle', { n: preview.rows.length })}</h3>
      ${preview.fileProblem ? html`<div class="error-summary" role="alert"><p>${preview.fileProblem}</p></div>` : ''}
      ${bad ? html`<div class="error-summary" role="alert"><p>${i.t('needs.hasErrors')}</p></div>` : ''}
      <div class="scroll"><table class="data" id="needs-preview">
        <thead><tr><th scope="col">${i.t('col.row')}</th><th scope="col">${i.t('col.state')}</th><th scope="col">${i.t('col.priority')}</th><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.description')}</th><th scope="col">${i.t('col.problem')}</th></tr></thead>
        <tbody>${preview.rows.slice(0, 500).map((r) => html`<tr${r.problems.length ? html` class="row-error"` : ''}>
          <td class="num">${r.row}</td><td>${r.memberState ? names.state(r.memberState) : ''} <span class="muted">${r.memberState}</span></td>
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
  async function render(req: Parameters<typeof ctxOf>[0], extra: { csv?: string; preview?: ReturnType<typeof previewRows> | null; serverProblems?: { path: string; message: string }[]; notice?: string | null } = {}) {
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
              return html`<td class="heat${level(heat(c.needs, c.highestPriority))} p-${c.highestPriority}" title="${label} · ${i.tx('priority', c.highestPriority)}">${c.needs}${c.state !== 'unmatched' ? html`<span aria-hidden="true">${c.state === 'matched' ? ' ✓' : ' ◐'}</span>` : ''}</td>`;
            })}<td class="num">${total}</td></tr>`;
          })}</tbody>
        </table></div>
        <p class="legend"><span aria-hidden="true">${[1, 2, 3, 4, 5].map((n) => html`<span class="swatch heat${n}"></span>`)}</span> ${i.t('needs.matchedLegend')}</p>`}
        ${canImport ? importSection(ctx, ref, extra.csv ?? '', extra.preview ?? null, extra.serverProblems) : ''}`,
    });
  }

  app.get('/needs', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const notice = q.created !== undefined ? ctxOf(req).i.t('needs.imported', { created: Number(q.created) || 0, updated: Number(q.updated) || 0, unchanged: Number(q.unchanged) || 0 }) : null;
    return sendPage(req, reply, await render(req, { notice }));
  });

  app.post('/needs/preview', { bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const csv = str((req.body as Record<string, unknown> | undefined)?.csv);
    const ref = await app.services.reference.get();
    const preview = csv ? previewRows(ctx, ref, csv) : { rows: [], fileProblem: ctx.i.t('up.empty') };
    return sendPage(req, reply, await render(req, { csv, preview }));
  });

  app.post('/needs/import', { bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const csv = str((req.body as Record<string, unknown> | undefined)?.csv);
    const res = await relay(app, ctx, '/v1/needs/import', 'text/csv', csv);
    if (res.status === 201) return reply.redirect(`/needs?created=${res.body.created}&updated=${res.body.updated}&unchanged=${res.body.unchanged}`, 303);
    const ref = await app.services.reference.get();
    const details: { path: string; message: string }[] = res.body?.error?.details?.length ? res.body.error.details : [{ path: 'file', message: String(res.body?.error?.message ?? ctx.i.t('error.server' as MessageKey)) }];
    return sendPage(req, reply, await render(req, { csv, preview: previewRows(ctx, ref, csv), serverProblems: details }), res.status >= 500 ? 502 : 400);
  });
}
