import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { AppError } from '../../errors.js';

/**
 * What a document is, read from its bytes (never from its name or the browser's Content-Type).
 * Written here rather than taken from a sniffing library because the rules are OneDoor's own: only
 * these seven kinds, the name must agree with the content, and the ZIP inside DOCX, XLSX and ODT is
 * opened and inflated under limits (entry count, declared and actual sizes) before it is accepted.
 */
export const FILE_KINDS = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'] },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
  csv: { mediaType: 'text/csv', extensions: ['csv'] },
  png: { mediaType: 'image/png', extensions: ['png'] },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
} as const;
export type FileKind = keyof typeof FILE_KINDS;
export const ALLOWED_EXTENSIONS = Object.values(FILE_KINDS).flatMap((k) => [...k.extensions]);

/** Why a file was refused; the web interface says each in the user's language. */
export const REFUSAL_REASONS = [
  'empty', 'too_large', 'extension_not_allowed', 'extension_mismatch', 'html_content', 'unknown_content',
  'zip_too_many_entries', 'zip_bomb', 'zip_invalid', 'office_macros', 'csv_invalid', 'too_many_files', 'upload_too_large',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A refused upload: 400 (413 when a file or the whole upload is too large), code `attachment_refused`, with the reason and its values. */
export class AttachmentRefusal extends AppError {
  constructor(readonly reason: RefusalReason, message: string, readonly params: Record<string, string | number> = {}, readonly filename = '') {
    super(reason === 'too_large' || reason === 'upload_too_large' ? 413 : 400, 'attachment_refused', message, [{ path: 'file', message: `${reason}: ${message}` }]);
    this.name = 'AttachmentRefusal';
  }
}

export interface InspectLimits { maxBytes: number; maxInflatedBytes: number; maxZipEntries: number }
export interface Inspected { kind: FileKind; mediaType: string; sha256: string }

const KIND_NAMES: Record<FileKind, string> = { pdf: 'a PDF document', docx: 'a Word (DOCX) document', odt: 'an OpenDocument text', xlsx: 'an Excel (XLSX) workbook', csv: 'a CSV table', png: 'a PNG image', jpeg: 'a JPEG image' };
/** A size as people read it: `10 MiB`, `0.3 MiB`. */
export const MB = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** The lower-cased extension of a file name ('' when it has none). */
export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name.trim());
  return m ? m[1].toLowerCase() : '';
}

/** A file name safe to keep and to send back in Content-Disposition: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, '').replace(/\s+/g, ' ').trim();
  return (clean || 'document').slice(-200);
}

const startsWith = (b: Buffer, sig: number[]) => b.length >= sig.length && sig.every((x, i) => b[i] === x);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const PDF = [...'%PDF-'].map((c) => c.charCodeAt(0));

/** Markup a browser would run: HTML, SVG, XML, scripts (within the first KiB, after a BOM and blanks). */
function looksLikeMarkup(b: Buffer): boolean {
  const head = b.subarray(0, 1024).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  return head.startsWith('<') || /<(html|script|svg|iframe|body|head|meta|object|embed)[\s/>]/.test(head);
}

/** Reads the entries of a ZIP archive under the limits; returns their names and the first bytes of the ones asked for. */
async function readZip(data: Buffer, limits: InspectLimits, keep: (name: string) => boolean): Promise<{ names: string[]; first: { name: string; stored: boolean } | null; kept: Map<string, Buffer> }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, z) => (err || !z ? reject(err ?? new Error('no zip')) : resolve(z)));
  }).catch((err: Error) => { throw new AttachmentRefusal('zip_invalid', `The document's ZIP structure cannot be read (${err.message}).`); });
  // The declared entry count comes first: a million-entry archive is refused before any is read.
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    throw new AttachmentRefusal('zip_too_many_entries', `The document holds ${zip.entryCount} entries; at most ${limits.maxZipEntries} are accepted.`, { entries: zip.entryCount, max: limits.maxZipEntries });
  }
  const names: string[] = [];
  const kept = new Map<string, Buffer>();
  let first: { name: string; stored: boolean } | null = null;
  let declared = 0;
  let inflated = 0;
  const bomb = (detail: string) => new AttachmentRefusal('zip_bomb', `The document would inflate beyond ${MB(limits.maxInflatedBytes)} (${detail}); it looks like a ZIP bomb.`, { max: MB(limits.maxInflatedBytes) });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        first ??= { name: entry.fileName, stored: entry.compressionMethod === 0 };
        declared += entry.uncompressedSize;
        if (declared > limits.maxInflatedBytes) return reject(bomb('declared sizes'));
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        // Every entry is inflated, counting bytes as they stream: sizes that lie are caught by
        // yauzl (validateEntrySizes) and the running total by us.
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          const wanted = keep(entry.fileName);
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > limits.maxInflatedBytes) { stream.destroy(); return reject(bomb('actual inflated size')); }
            if (wanted && chunks.reduce((n, c) => n + c.length, 0) < 1024 * 1024) chunks.push(chunk);
          });
          stream.on('error', (e: Error) => reject(/too many bytes|too few bytes/i.test(e.message) ? bomb(`an entry's size does not match what it declares: ${e.message}`) : e));
          stream.on('end', () => { if (wanted) kept.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        });
      });
      zip.readEntry();
    });
  } catch (err) {
    if (err instanceof AttachmentRefusal) throw err;
    throw new AttachmentRefusal('zip_invalid', `The document's ZIP structure is damaged (${(err as Error).message}).`);
  } finally {
    zip.close();
  }
  return { names, first, kept };
}

const OOXML_MAIN = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
} as const;
const MACRO_TYPES = /application\/vnd\.ms-(word|excel|powerpoint)[^"]*macroEnabled|vbaProject/i;

/** DOCX, XLSX (their [Content_Types].xml) or ODT (its `mimetype` entry, first and stored), else null. */
async function zipKind(data: Buffer, limits: InspectLimits): Promise<FileKind | null> {
  const { names, first, kept } = await readZip(data, limits, (n) => n === '[Content_Types].xml' || n === 'mimetype');
  const mimetype = kept.get('mimetype')?.toString('ascii').trim();
  if (first?.name === 'mimetype' && first.stored && mimetype === FILE_KINDS.odt.mediaType) return 'odt';
  const types = kept.get('[Content_Types].xml')?.toString('utf8');
  if (!types) return null;
  if (MACRO_TYPES.test(types) || names.some((n) => /vbaProject\.bin$/i.test(n))) {
    throw new AttachmentRefusal('office_macros', 'The document contains macros; save it as a plain .docx or .xlsx and attach that.');
  }
  if (types.includes(`"${OOXML_MAIN.docx}"`) && names.includes('word/document.xml')) return 'docx';
  if (types.includes(`"${OOXML_MAIN.xlsx}"`) && names.includes('xl/workbook.xml')) return 'xlsx';
  return null;
}

/** UTF-8 text that parses as CSV (with a header row and the same number of columns on every row). */
function isCsv(data: Buffer): boolean {
  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(data); } catch { return false; }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return false;
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  try {
    const rows = parseCsv(text, { bom: true, delimiter, relax_quotes: false, skip_empty_lines: true }) as string[][];
    return rows.length > 0;
  } catch { return false; }
}

/**
 * Checks an upload and says what it is: the content must be one of the seven kinds, the name's
 * extension must be one of that kind's, ZIP-based documents must open within the limits. Throws an
 * AttachmentRefusal saying why otherwise.
 */
export async function inspectFile(filename: string, data: Buffer, limits: InspectLimits): Promise<Inspected> {
  const name = cleanFilename(filename);
  if (data.length === 0) throw new AttachmentRefusal('empty', `"${name}" is empty.`, { name }, name);
  if (data.length > limits.maxBytes) throw new AttachmentRefusal('too_large', `"${name}" is larger than ${MB(limits.maxBytes)}, the most a document may be.`, { name, max: MB(limits.maxBytes) }, name);
  const ext = extensionOf(name);
  if (!ALLOWED_EXTENSIONS.includes(ext as never)) {
    throw new AttachmentRefusal('extension_not_allowed', `"${name}" is not a kind of document OneDoor accepts: PDF, DOCX, ODT, XLSX, CSV, PNG or JPEG.`, { name, ext: ext || '—' }, name);
  }
  let kind: FileKind | null = null;
  if (startsWith(data, PDF)) kind = 'pdf';
  else if (startsWith(data, PNG)) kind = 'png';
  else if (startsWith(data, JPEG)) kind = 'jpeg';
  else if (startsWith(data, ZIP)) kind = await zipKind(data, limits);
  else if (looksLikeMarkup(data)) {
    throw new AttachmentRefusal('html_content', `"${name}" is a web page (HTML or other markup), not ${KIND_NAMES[kindOfExt(ext)]}; OneDoor does not accept web pages.`, { name, ext }, name);
  } else if (isCsv(data)) kind = 'csv';
  if (!kind) throw new AttachmentRefusal('unknown_content', `The content of "${name}" is not ${KIND_NAMES[kindOfExt(ext)]} nor any other kind OneDoor accepts.`, { name, ext }, name);
  if (!(FILE_KINDS[kind].extensions as readonly string[]).includes(ext)) {
    throw new AttachmentRefusal('extension_mismatch', `"${name}" is named .${ext} but its content is ${KIND_NAMES[kind]}; rename it to .${FILE_KINDS[kind].extensions[0]} or attach the right file.`, { name, ext, actual: kind }, name);
  }
  return { kind, mediaType: FILE_KINDS[kind].mediaType, sha256: createHash('sha256').update(data).digest('hex') };
}

function kindOfExt(ext: string): FileKind {
  return (Object.keys(FILE_KINDS) as FileKind[]).find((k) => (FILE_KINDS[k].extensions as readonly string[]).includes(ext)) ?? 'pdf';
}
