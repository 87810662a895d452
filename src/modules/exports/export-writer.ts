import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { safeCell, toCsv } from '../imports/csv.parser.js';

/** A table as it is exported: the header row, then batches of rows as they are read. Cells are already made safe (safeCell). */
export interface ExportTable { headers: string[]; rows: AsyncIterable<(string | number)[][]> }

export type ExportFormat = 'csv' | 'xlsx';

/**
 * CSV through the shared RFC 4180 writer (the one home of quoting and formula neutralising), with a
 * UTF-8 byte-order mark so spreadsheets read Arabic and Chinese right; each batch is written as it
 * comes, so a long list is never held whole.
 */
export async function* csvChunks(t: ExportTable): AsyncGenerator<string> {
  const idx = t.headers.map((_, k) => String(k));
  const indexHeader = toCsv([], idx);
  yield `\uFEFF${toCsv([], t.headers)}`;
  for await (const batch of t.rows) {
    if (!batch.length) continue;
    const objs = batch.map((r) => Object.fromEntries(r.map((v, k) => [String(k), v])));
    yield toCsv(objs, idx).slice(indexHeader.length);
  }
}

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\. */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1';

/**
 * XLSX through exceljs's streaming WorkbookWriter: each row is committed (written to the zip) as it
 * is read, and the reader waits while the consumer is behind, so memory stays flat for 100k rows.
 * Without shared strings (they would be kept in memory to the end) and without styles.
 */
export function xlsxStream(t: ExportTable, opts: { sheet: string; rightToLeft: boolean }): Readable {
  const out = new PassThrough();
  void (async () => {
    // Loaded on the first export: exceljs is the heaviest module to load, and workers never export.
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet(sheetName(opts.sheet), { views: [{ rightToLeft: opts.rightToLeft, state: 'frozen', ySplit: 1 }] });
    ws.addRow(t.headers).commit();
    // The sheet's buffer (exceljs StreamBuf, batch mode) passes 64 KiB blocks to the zip's input
    // stream without waiting for it, so rows read faster than deflate takes them would pile up there.
    // Backpressure is that input's own: wait for its drain while it holds more than its high-water mark.
    type Input = NodeJS.EventEmitter & { _writableState?: { needDrain?: boolean } };
    const sheet = (ws as unknown as { stream: { pipes?: Input[] } }).stream;
    const zipTakes = async () => {
      const input = sheet.pipes?.[0];
      while (input?._writableState?.needDrain && !out.destroyed) await once(input, 'drain');
    };
    for await (const batch of t.rows) {
      for (const r of batch) ws.addRow(r).commit();
      await zipTakes();
      while (out.writableNeedDrain && !out.destroyed) await once(out, 'drain');
      if (out.destroyed) return;
    }
    ws.commit();
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

/** The export as a byte stream in the chosen format. */
export function exportStream(t: ExportTable, format: ExportFormat, opts: { sheet: string; rightToLeft: boolean }): Readable {
  return format === 'xlsx' ? xlsxStream(t, opts) : Readable.from(csvChunks(t));
}

export { safeCell };
