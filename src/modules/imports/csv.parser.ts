/**
 * Pure parsers for the CSV bulk formats: providers' offerings and CTED's matrix of
 * identified needs. They turn text into plain objects plus per-row errors; they touch
 * no database, and the services validate every object again with zod. The shared
 * import types (OfferingInput, RowError, ParseResult) live here too, so that the IATI
 * parser and the services see one definition.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { LANGS, MODALITIES } from '../common.schemas.js';
import { currencyExponent, parseMajorAmount } from '../offerings/money.js';

export type Lang = (typeof LANGS)[number];
export type Modality = (typeof MODALITIES)[number];

/** One offering as read from a bulk file, before the service validates it. */
export interface OfferingInput {
  title: string;
  description: string;
  modalities?: Modality[];
  /** M49 three-digit region codes and ISO 3166-1 alpha-3 country codes. */
  eligibility?: { regions?: string[]; countries?: string[] };
  languages: Lang[];
  /** ISO 8601: `YYYY-MM-DD`, or a full timestamp normalised to UTC. */
  availableFrom?: string;
  availableUntil?: string;
  capacity?: number;
  /** amount in integer minor units of an ISO 4217 currency (cents for USD, whole yen for JPY). */
  budget?: { amount: number; currency: string };
  thematicAreas?: string[];
  /** The provider's own key (IATI identifier); a re-import with the same key updates. */
  externalRef?: string;
  /** Only the IATI parser sets it (from activity-status); CSV has no status column. */
  status?: 'open' | 'closed';
  /** Title and description in other languages (CSV `title_fr`/`description_fr`... columns; IATI narratives by xml:lang). */
  translations?: { language: Lang; title: string; description: string }[];
}

/** One need from CTED's matrix, before the service validates it. */
export interface NeedInput {
  /** ISO 3166-1 alpha-3. */
  memberState: string;
  description: string;
  priority: 'high' | 'medium' | 'low';
  thematicArea?: string;
  /** YYYY-MM-DD. */
  identifiedAt?: string;
  source?: string;
  /** The row's needId, else a hash of member state and description (see needExternalKey). */
  externalKey: string;
}

/**
 * A problem in one row: `row` is the 1-based data row (0 for the file or its header), `line` the line of
 * the file it starts on (for a CSV the spreadsheet line: data row 4 is line 5 under the header), `path` a
 * column or field; `code` and `params` say the same as the English `message` for interfaces in other languages.
 */
export interface RowError { row: number; line?: number; path: string; message: string; code?: string; params?: Record<string, string | number> }

/**
 * What a bulk parser returns: the rows that read cleanly, every problem found, and for rows with problems
 * what could still be read of them (`failed` names their bad fields), so that the rest is checked too.
 */
export interface ParseResult<T> {
  items: { row: number; line?: number; value: T }[];
  errors: RowError[];
  partial?: { row: number; line?: number; value: T; failed: string[] }[];
}

/** At most this many data rows per upload (the bulk routes apply the same limit). */
export const MAX_CSV_ROWS = 5000;

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the IATI parser)
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isCalendarDate(y: number, m: number, d: number): boolean {
  // Date.UTC maps years below 100 to 19xx, so set the year explicitly.
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `YYYY-MM-DD` if it names a real calendar day, else undefined (rejects 2024-02-30, 31/12/2024). */
export function isoDate(s: string): string | undefined {
  const m = DATE_RE.exec(s.trim());
  if (!m) return undefined;
  return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? m[0] : undefined;
}

// Zone-less timestamps are refused: their instant depends on where they were typed.
/** An ISO 8601 date (kept as `YYYY-MM-DD`) or a timestamp with a zone (normalised to UTC `...Z`), else undefined. */
export function isoDateOrTimestamp(s: string): string | undefined {
  const t = s.trim();
  const day = isoDate(t);
  if (day) return day;
  const m = DATETIME_RE.exec(t);
  if (!m) return undefined;
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

// This key is what makes re-importing CTED's matrix an update rather than a duplicate: sha256 of
// `${memberState}|${description}` with the description trimmed, NFC-normalised, runs of white
// space collapsed to one space and lower-cased; hex, first 32 characters. Consequence: editing
// the wording of a row that has no needId yields a new key, i.e. a NEW need (the old one stays).
// Rows that will be reworded should carry a needId.
/** Stable key of a need without a needId: sha256(`ISO3|normalised description`), hex, 32 chars. */
export function needExternalKey(memberState: string, description: string): string {
  // NFC so that the same text typed on different systems (composed vs decomposed accents) keys alike.
  const norm = description.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return createHash('sha256').update(`${memberState.trim().toUpperCase()}|${norm}`, 'utf8').digest('hex').slice(0, 32);
}

// ---------------------------------------------------------------------------------------------
// Reading a table
// ---------------------------------------------------------------------------------------------

/** Header names compare case-insensitively and ignoring spaces, `_` and `-` (budget_amount = budgetAmount). */
const headerKey = (h: string): string => h.trim().toLowerCase().replace(/[\s_-]+/g, '');

interface Table<C extends string> {
  rows: { row: number; line: number; get: (c: C) => string }[];
  errors: RowError[];
  /** False when the file cannot be read row by row at all (syntax error, missing required column). */
  usable: boolean;
}

/** The spreadsheet line a record starts on (the header is line 1; a quoted field may span lines, empty lines are counted). */
function startLine(endLine: number, raw: string): number {
  const inner = raw.replace(/^\n+/, '').replace(/\n$/, '');
  return endLine - (inner.match(/\n/g)?.length ?? 0);
}

/**
 * Parses CSV text into rows keyed by canonical column names. `aliases` maps a normalised header
 * (see headerKey) to its canonical column. Structural problems are row 0 errors.
 */
function readTable<C extends string>(text: string, aliases: Readonly<Record<string, C>>, required: readonly C[]): Table<C> {
  const errors: RowError[] = [];
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return { rows: [], errors: [{ row: 0, line: 1, path: 'file', message: 'the file is empty; expected a header row and data rows', code: 'file.empty' }], usable: false };
  }
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    // One kind of line end, so that line numbers are the spreadsheet's (a CR LF inside a quoted field becomes LF).
    records = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true, // Excel's "CSV UTF-8" starts with a byte-order mark
      skip_empty_lines: true,
      relax_column_count: true, // checked below, per row, so one ragged row does not hide the others
      info: true,
      raw: true,
      // One record more than the limit (plus the header) is enough to know the file is too long.
      to: MAX_CSV_ROWS + 2,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message?: string; records?: unknown; lines?: unknown };
    // csv-parse counts the header as a record, so the failing data row is the count so far.
    const row = typeof e.records === 'number' ? e.records : 0;
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    return { rows: [], errors: [{ row, line, path: 'file', message: `CSV syntax error: ${e.message ?? String(err)}`, code: 'csv.syntax', params: { detail: e.message ?? String(err) } }], usable: false };
  }
  const [head, ...data] = records;
  const header = head?.record ?? [];

  const index = new Map<C, number>();
  const unknown: string[] = [];
  header.forEach((h, i) => {
    if (h.trim() === '') return;
    const col = aliases[headerKey(h)];
    if (!col) unknown.push(h.trim());
    else if (index.has(col)) errors.push({ row: 0, line: 1, path: 'header', message: `column "${h.trim()}" appears more than once`, code: 'header.duplicate', params: { column: h.trim() } });
    else index.set(col, i);
  });
  const expected = [...new Set(Object.values(aliases))].join(', ');
  if (unknown.length) {
    errors.push({ row: 0, line: 1, path: 'header', message: `unknown column(s): ${unknown.map((u) => `"${u}"`).join(', ')}; expected ${expected}`, code: 'header.unknown', params: { columns: unknown.join(', '), expected } });
  }
  const missing = required.filter((c) => !index.has(c));
  if (missing.length) {
    errors.push({ row: 0, line: 1, path: 'header', message: `missing required column(s): ${missing.join(', ')}`, code: 'header.missing', params: { columns: missing.join(', ') } });
    return { rows: [], errors, usable: false };
  }
  if (data.length > MAX_CSV_ROWS) {
    errors.push({ row: 0, path: 'file', message: `at most ${MAX_CSV_ROWS} data rows per upload; split the file`, code: 'file.tooManyRows', params: { max: MAX_CSV_ROWS } });
    data.length = MAX_CSV_ROWS;
  }

  const rows: Table<C>['rows'] = [];
  data.forEach(({ record: cells, info, raw }, i) => {
    const row = i + 1;
    const line = startLine(info.lines, raw);
    // Spreadsheets export trailing rows of empty cells; they are not data.
    if (cells.every((c) => c.trim() === '')) return;
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '')) {
      errors.push({ row, line, path: 'row', message: `row has ${cells.length} fields but the header has ${header.length}`, code: 'row.tooManyFields', params: { n: cells.length, header: header.length } });
      return;
    }
    rows.push({ row, line, get: (c) => { const j = index.get(c); return j === undefined ? '' : (cells[j] ?? '').trim(); } });
  });
  return { rows, errors, usable: true };
}

// Stable: keeps the column order of errors within a row, puts structural (row-level) ones in place.
const byRow = (a: RowError, b: RowError): number => a.row - b.row;
const splitList = (s: string): string[] => s.split(/[;|]/).map((x) => x.trim()).filter((x) => x !== '');
const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

// ---------------------------------------------------------------------------------------------
// Offerings
// ---------------------------------------------------------------------------------------------

type OfferingColumn =
  | 'title' | 'description' | 'languages' | 'modalities' | 'regions' | 'countries' | 'availableFrom'
  | 'availableUntil' | 'capacity' | 'budgetAmount' | 'budgetCurrency' | 'thematicAreas' | 'externalRef'
  | `title_${Lang}` | `description_${Lang}`;

const OFFERING_COLUMNS: readonly OfferingColumn[] = [
  'title', 'description', 'languages', 'modalities', 'regions', 'countries', 'availableFrom',
  'availableUntil', 'capacity', 'budgetAmount', 'budgetCurrency', 'thematicAreas', 'externalRef',
  // The same offering in other languages: title_fr and description_fr, title_ar and description_ar...
  ...LANGS.flatMap((l) => [`title_${l}`, `description_${l}`] as const),
];
const OFFERING_ALIASES: Readonly<Record<string, OfferingColumn>> = Object.fromEntries(OFFERING_COLUMNS.map((c) => [headerKey(c), c]));

const LANG_SET: ReadonlySet<string> = new Set(LANGS);
const MODALITY_SET: ReadonlySet<string> = new Set(MODALITIES);
const AREA_RE = /^[a-z0-9_]{2,60}$/;

/**
 * Parses providers' offerings CSV (header row; lists separated by `;` or `|`); full validation is the
 * service's. A row with problems still yields what it could read (`partial`), so that the service checks
 * the rest of it too and one upload reports every problem at once.
 */
export function parseOfferingsCsv(text: string): ParseResult<OfferingInput> {
  const table = readTable(text, OFFERING_ALIASES, ['title', 'description', 'languages']);
  const out: ParseResult<OfferingInput> = { items: [], errors: table.errors };
  for (const { row, line, get } of table.rows) {
    const errs: RowError[] = [];
    const bad = (path: OfferingColumn, message: string, code: string, params: Record<string, string | number> = {}) => errs.push({ row, line, path, message, code, params });

    const title = get('title');
    const description = get('description');
    if (!title) bad('title', 'title is required', 'required', { field: 'title' });
    if (!description) bad('description', 'description is required', 'required', { field: 'description' });

    const languages: Lang[] = [];
    for (const l of splitList(get('languages'))) {
      const code = l.toLowerCase();
      if (LANG_SET.has(code)) languages.push(code as Lang);
      else bad('languages', `"${l}" is not one of ${LANGS.join(', ')}`, 'lang.invalid', { value: l, allowed: LANGS.join(', ') });
    }
    if (!get('languages')) bad('languages', `at least one language is required (${LANGS.join(', ')})`, 'lang.required', { allowed: LANGS.join(', ') });

    const modalities: Modality[] = [];
    for (const m of splitList(get('modalities'))) {
      // "Advisory mission" and "advisory-mission" are what people type for advisory_mission.
      const code = m.toLowerCase().replace(/[\s-]+/g, '_');
      if (MODALITY_SET.has(code)) modalities.push(code as Modality);
      else bad('modalities', `"${m}" is not one of ${MODALITIES.join(', ')}`, 'modality.invalid', { value: m, allowed: MODALITIES.join(', ') });
    }

    const regions: string[] = [];
    for (const r of splitList(get('regions'))) {
      // Spreadsheets drop leading zeros ("002" becomes 2), so short numbers are padded back.
      if (/^\d{1,3}$/.test(r)) regions.push(r.padStart(3, '0'));
      else bad('regions', `"${r}" is not a three-digit UN M49 code such as 002 or 419`, 'region.invalid', { value: r });
    }

    const countries: string[] = [];
    for (const c of splitList(get('countries'))) {
      const code = c.toUpperCase();
      if (/^[A-Z]{3}$/.test(code)) countries.push(code);
      else bad('countries', `"${c}" is not an ISO 3166-1 alpha-3 code such as KEN`, 'country.invalid', { value: c });
    }

    const dates: Partial<Record<'availableFrom' | 'availableUntil', string>> = {};
    for (const col of ['availableFrom', 'availableUntil'] as const) {
      const raw = get(col);
      if (!raw) continue;
      const v = isoDateOrTimestamp(raw);
      if (v) dates[col] = v;
      else bad(col, `"${raw}" is not an ISO 8601 date (YYYY-MM-DD) or timestamp with a time zone`, 'date.invalid', { value: raw });
    }
    if (dates.availableFrom && dates.availableUntil && Date.parse(dates.availableUntil) < Date.parse(dates.availableFrom)) {
      bad('availableUntil', 'availableUntil is before availableFrom', 'date.order', { from: dates.availableFrom, until: dates.availableUntil });
    }

    let capacity: number | undefined;
    const capRaw = get('capacity');
    if (capRaw) {
      if (/^\d{1,9}$/.test(capRaw) && Number(capRaw) > 0) capacity = Number(capRaw);
      else bad('capacity', `"${capRaw}" is not a positive whole number`, 'capacity.invalid', { value: capRaw });
    }

    let budget: OfferingInput['budget'];
    const amountRaw = get('budgetAmount');
    const currency = get('budgetCurrency').toUpperCase();
    if (currency && !/^[A-Z]{3}$/.test(currency)) bad('budgetCurrency', `"${get('budgetCurrency')}" is not an ISO 4217 code such as USD`, 'currency.invalid', { value: get('budgetCurrency') });
    if (amountRaw && !currency) bad('budgetCurrency', 'budgetCurrency is required with budgetAmount', 'currency.missing');
    if (currency && !amountRaw) bad('budgetAmount', 'budgetAmount is required with budgetCurrency', 'amount.missing');
    if (amountRaw && /^[A-Z]{3}$/.test(currency)) {
      const exp = currencyExponent(currency);
      // Major units with a dot as decimal separator; no thousands separators, so "1,250" is never misread.
      const amount = parseMajorAmount(amountRaw, currency);
      const example = exp ? `12500.${'5'.padEnd(exp, '0')}` : '12500';
      if (amount === undefined) {
        bad('budgetAmount', `"${amountRaw}" is not an amount in ${currency} with at most ${exp} decimals (e.g. ${example}; no thousands separators)`, 'amount.invalid', { value: amountRaw, currency, decimals: exp, example });
      } else budget = { amount, currency };
    }

    const thematicAreas: string[] = [];
    for (const a of splitList(get('thematicAreas'))) {
      const code = a.toLowerCase();
      if (AREA_RE.test(code)) thematicAreas.push(code);
      else bad('thematicAreas', `"${a}" is not a thematic area code (lower-case letters, digits and _)`, 'area.invalid', { value: a });
    }

    const externalRef = get('externalRef');

    const translations: NonNullable<OfferingInput['translations']> = [];
    for (const l of LANGS) {
      const t = get(`title_${l}`);
      const d = get(`description_${l}`);
      if (t && d) translations.push({ language: l, title: t, description: d });
      else if (t) bad(`description_${l}`, `description_${l} is required with title_${l}`, 'translation.pair', { column: `description_${l}`, other: `title_${l}` });
      else if (d) bad(`title_${l}`, `title_${l} is required with description_${l}`, 'translation.pair', { column: `title_${l}`, other: `description_${l}` });
    }
    const value: OfferingInput = { title, description, languages: uniq(languages) };
    if (modalities.length) value.modalities = uniq(modalities);
    if (regions.length || countries.length) {
      value.eligibility = {};
      if (regions.length) value.eligibility.regions = uniq(regions);
      if (countries.length) value.eligibility.countries = uniq(countries);
    }
    if (dates.availableFrom) value.availableFrom = dates.availableFrom;
    if (dates.availableUntil) value.availableUntil = dates.availableUntil;
    if (capacity !== undefined) value.capacity = capacity;
    if (budget) value.budget = budget;
    if (thematicAreas.length) value.thematicAreas = uniq(thematicAreas);
    if (externalRef) value.externalRef = externalRef;
    if (translations.length) value.translations = translations;
    if (errs.length) {
      out.errors.push(...errs);
      // What could be read, for the service to check as well (date order, known codes...).
      (out.partial ??= []).push({ row, line, value, failed: [...new Set(errs.map((e) => e.path))] });
      continue;
    }
    out.items.push({ row, line, value });
  }
  out.errors.sort(byRow);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Needs
// ---------------------------------------------------------------------------------------------

type NeedColumn = 'memberState' | 'description' | 'priority' | 'thematicArea' | 'identifiedAt' | 'source' | 'needId';

const NEED_ALIASES: Readonly<Record<string, NeedColumn>> = {
  memberstate: 'memberState', iso3: 'memberState',
  description: 'description',
  priority: 'priority',
  thematicarea: 'thematicArea',
  identifiedat: 'identifiedAt', identifieddate: 'identifiedAt',
  source: 'source',
  needid: 'needId', externalkey: 'needId',
};
const PRIORITIES: ReadonlySet<string> = new Set(['high', 'medium', 'low']);

// externalKey is the row's needId, else needExternalKey(memberState, description), so importing
// the same file again updates rather than duplicates.
/** Parses CTED's needs matrix CSV (header row) into needs keyed for re-import. */
export function parseNeedsCsv(text: string): ParseResult<NeedInput> {
  const table = readTable(text, NEED_ALIASES, ['memberState', 'description', 'priority']);
  const out: ParseResult<NeedInput> = { items: [], errors: table.errors };
  // Two rows with one key would update each other in turn; the later one is reported instead.
  const keyRow = new Map<string, number>();
  for (const { row, line, get } of table.rows) {
    const errs: RowError[] = [];
    const bad = (path: string, message: string, code: string, params: Record<string, string | number> = {}) => errs.push({ row, line, path, message, code, params });

    const memberState = get('memberState').toUpperCase();
    if (!memberState) bad('memberState', 'memberState is required (ISO 3166-1 alpha-3, e.g. KEN)', 'required', { field: 'memberState' });
    else if (!/^[A-Z]{3}$/.test(memberState)) bad('memberState', `"${get('memberState')}" is not an ISO 3166-1 alpha-3 code such as KEN`, 'country.invalid', { value: get('memberState') });

    const description = get('description');
    if (!description) bad('description', 'description is required', 'required', { field: 'description' });

    const priority = get('priority').toLowerCase();
    if (!PRIORITIES.has(priority)) bad('priority', `"${get('priority')}" is not one of high, medium, low`, 'priority.invalid', { value: get('priority'), allowed: 'high, medium, low' });

    const thematicArea = get('thematicArea').toLowerCase();
    if (thematicArea && !AREA_RE.test(thematicArea)) bad('thematicArea', `"${get('thematicArea')}" is not a thematic area code`, 'area.invalid', { value: get('thematicArea') });

    const identifiedRaw = get('identifiedAt');
    const identifiedAt = identifiedRaw ? isoDate(identifiedRaw) : undefined;
    if (identifiedRaw && !identifiedAt) bad('identifiedAt', `"${identifiedRaw}" is not a date as YYYY-MM-DD`, 'date.invalid', { value: identifiedRaw });

    const source = get('source');
    const needId = get('needId');

    const externalKey = needId || needExternalKey(memberState, description);
    const value: NeedInput = { memberState, description, priority: priority as NeedInput['priority'], externalKey };
    if (thematicArea) value.thematicArea = thematicArea;
    if (identifiedAt) value.identifiedAt = identifiedAt;
    if (source) value.source = source;
    if (errs.length) {
      out.errors.push(...errs);
      (out.partial ??= []).push({ row, line, value, failed: [...new Set(errs.map((e) => e.path))] });
      continue;
    }
    const earlier = keyRow.get(externalKey);
    if (earlier !== undefined) {
      out.errors.push(needId
        ? { row, line, path: 'needId', message: `needId "${needId}" is also used by row ${earlier}`, code: 'needId.duplicate', params: { value: needId, row: earlier } }
        : { row, line, path: 'description', message: `same member state and description as row ${earlier}`, code: 'need.duplicate', params: { row: earlier } });
      continue;
    }
    keyRow.set(externalKey, row);
    out.items.push({ row, line, value });
  }
  out.errors.sort(byRow);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP);
// tab and CR too, and the full-width forms that some spreadsheets read the same way.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  // Lists are written the way the importers read them back.
  if (Array.isArray(v)) return v.map(cellText).join(';');
  return JSON.stringify(v);
}

/**
 * A cell's text as every export writes it (CSV here, XLSX in src/modules/exports): lists joined with
 * `;`, dates ISO, and text a spreadsheet would run as a formula neutralised by a leading `'`.
 * Numbers are ours and safe (a negative number must stay a number), so they come back unchanged.
 */
export function safeCell(v: unknown): string | number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  const s = cellText(v);
  return typeof v !== 'bigint' && FORMULA_START.test(s) ? `'${s}` : s;
}

/** RFC 4180 CSV (header row, CRLF, quoting where needed) with formula-like text cells neutralised by a leading `'`. */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown): string => {
    const s = String(safeCell(v));
    return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map(cell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
