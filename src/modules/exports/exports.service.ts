import type { Readable } from 'node:stream';
import { forbidden } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import type { I18n } from '../../web/i18n/index.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { EXPORT_LISTS, nameContext, type ExportColumn, type ExportListName, type ExportSources, type NameContext } from './export-lists.js';
import { exportStream, safeCell, type ExportFormat } from './export-writer.js';

/** The header cells of a column: the code's and, beside it, the name's. */
function headersOf(c: ExportColumn<never>, i: I18n): string[] {
  const label = i.t(c.label);
  return c.name ? [`${label} (${i.t('exp.code')})`, label] : [label];
}

/** The cells of a row, for the chosen columns. */
function cellsOf<R>(cols: readonly ExportColumn<R>[], r: R, names: NameContext): (string | number)[] {
  const out: (string | number)[] = [];
  for (const c of cols) {
    out.push(safeCell(c.value(r)));
    if (c.name) out.push(safeCell(c.name(r, names)));
  }
  return out;
}

/**
 * Exports of the lists the interface shows (issue 17): the rows the list service gives the principal
 * (its visibility, its filters), the columns the reader picked, each code with its name in the
 * reader's language, streamed as CSV or XLSX.
 */
export function createExportsService(deps: ExportSources & { reference: ReferenceService }) {
  return {
    /** The columns a list offers, in order (key and label), for the column picker. */
    columns(list: ExportListName): { key: string; label: ExportColumn<never>['label'] }[] {
      return (EXPORT_LISTS[list].columns as readonly ExportColumn<never>[]).map((c) => ({ key: c.key, label: c.label }));
    },

    /** Whether `p` may export the list (the list page's roles). */
    allowed(p: Principal, list: ExportListName): boolean {
      return EXPORT_LISTS[list].roles.includes(p.role);
    },

    /**
     * Opens an export. `query` is the list page's query string (its filters); `columns` the keys picked
     * (unknown ones ignored; none means all). Refused (403) for a role the list page is not for.
     */
    async open(p: Principal, list: ExportListName, opts: { format: ExportFormat; columns: readonly string[]; query: Record<string, unknown>; i: I18n }): Promise<{ filename: string; contentType: string; body: Readable }> {
      const spec = EXPORT_LISTS[list] as unknown as { title: Parameters<I18n['t']>[0]; roles: readonly string[]; columns: readonly ExportColumn<unknown>[]; filters: (raw: Record<string, unknown>, ref: Awaited<ReturnType<ReferenceService['get']>>) => unknown; rows: (s: ExportSources, p: Principal, f: unknown) => AsyncIterable<unknown[]>; mayRead?: (s: ExportSources, p: Principal, f: unknown) => boolean };
      if (!spec.roles.includes(p.role)) throw forbidden('This list is not yours to export.');
      const ref = await deps.reference.get();
      const picked = spec.columns.filter((c) => opts.columns.includes(c.key));
      const cols = picked.length ? picked : spec.columns;
      const needsProviders = cols.some((c) => c.key === 'provider');
      const providers = needsProviders ? new Map((await deps.admin.listProviders()).map((x) => [x.id, x.name])) : new Map<string, string>();
      const names = nameContext(ref, opts.i, providers);
      const filters = spec.filters(opts.query, ref);
      if (spec.mayRead && !spec.mayRead(deps, p, filters)) throw forbidden('This list is not yours to export.');
      const source = spec.rows(deps, p, filters);
      const rows = (async function* () {
        for await (const batch of source) yield batch.map((r) => cellsOf(cols, r, names));
      })();
      const title = opts.i.t(spec.title);
      const day = new Date().toISOString().slice(0, 10);
      return {
        filename: `onedoor-${list}-${day}.${opts.format}`,
        contentType: opts.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
        body: exportStream({ headers: cols.flatMap((c) => headersOf(c as ExportColumn<never>, opts.i)), rows }, opts.format, { sheet: title, rightToLeft: opts.i.dir === 'rtl' }),
      };
    },
  };
}
export type ExportsService = ReturnType<typeof createExportsService>;
