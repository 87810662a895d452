/**
 * Pure parser for the UN Security Council Consolidated List in its published XML format
 * (https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema sc-sanctions.xsd):
 * CONSOLIDATED_LIST/@dateGenerated, INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY with DATAID,
 * FIRST_NAME…FOURTH_NAME, UN_LIST_TYPE, REFERENCE_NUMBER, LISTED_ON, NAME_ORIGINAL_SCRIPT,
 * COMMENTS1, TITLE, DESIGNATION, NATIONALITY, *_ALIAS (QUALITY, ALIAS_NAME), *_ADDRESS,
 * INDIVIDUAL_DATE_OF_BIRTH and INDIVIDUAL_PLACE_OF_BIRTH.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ScreeningEntryDetails, ScreeningEntryName } from '../../../db/schema/index.js';

/** One individual or entity of the list, as stored. */
export interface ListEntry {
  dataId: string;
  kind: 'individual' | 'entity';
  referenceNumber: string;
  unListType: string | null;
  listedOn: string | null;
  /** The listed name: FIRST_NAME … FOURTH_NAME joined (an entity's FIRST_NAME). */
  name: string;
  names: ScreeningEntryName[];
  details: ScreeningEntryDetails;
}

export interface ParsedList {
  /** ISO 8601, from CONSOLIDATED_LIST/@dateGenerated; null when the file does not say. */
  dateGenerated: string | null;
  entries: ListEntry[];
}

/** A file that cannot be taken as the Consolidated List; nothing of it is loaded. */
export class ListFormatError extends Error {
  readonly details: { path: string; message: string }[];
  constructor(message: string, details?: { path: string; message: string }[]) {
    super(message);
    this.name = 'ListFormatError';
    this.details = details ?? [{ path: 'body', message }];
  }
}

type XNode = Record<string, unknown>;
const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);

function children(node: XNode | undefined, name: string): XNode[] {
  const v = node?.[name];
  if (Array.isArray(v)) return v.filter(isNode);
  return isNode(v) ? [v] : [];
}

// Entity processing is off in the parser (no DTD is ever expanded), so the predefined entities and
// character references the list does use ("&amp;" in entity names) are decoded here in one pass.
const XML_ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decode(s: string): string {
  return s.replace(XML_ENTITY, (whole, hex?: string, dec?: string, named?: string) => {
    if (named) return PREDEFINED[named];
    const cp = hex ? parseInt(hex, 16) : Number(dec);
    const ok = cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    return ok ? String.fromCodePoint(cp) : whole;
  });
}

/** Whitespace as the list has it (line breaks inside COMMENTS1, stray spaces in names) collapsed. */
const tidy = (s: string) => s.replace(/\s+/g, ' ').trim();

function textOf(node: XNode | undefined): string {
  if (!node) return '';
  const t = node['#text'];
  return typeof t === 'string' ? tidy(decode(t)) : '';
}

/** The text of the first child called `name`, or '' when absent or empty. */
const field = (node: XNode, name: string) => textOf(children(node, name)[0]);
/** The VALUE children of an element such as NATIONALITY or DESIGNATION. */
const values = (node: XNode, name: string) => children(node, name).flatMap((n) => children(n, 'VALUE').map(textOf)).filter(Boolean);
const joinParts = (parts: string[]) => parts.filter(Boolean).join(', ');

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false, // DATAID and reference numbers stay strings
  parseAttributeValue: false,
  trimValues: false, // whitespace is tidied by hand, so "ABDUL  LATIF" and line breaks collapse the same way
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function dateOfBirth(d: XNode): string {
  const type = field(d, 'TYPE_OF_DATE').toUpperCase();
  const from = field(d, 'FROM_YEAR');
  const to = field(d, 'TO_YEAR');
  const when = field(d, 'DATE') || field(d, 'YEAR') || (from && to ? `${from}–${to}` : from || to);
  if (!when) return '';
  return type === 'APPROXIMATELY' ? `c. ${when}` : when;
}

function entryOf(node: XNode, kind: 'individual' | 'entity', path: string, problems: { path: string; message: string }[]): ListEntry | null {
  const dataId = field(node, 'DATAID');
  const referenceNumber = field(node, 'REFERENCE_NUMBER');
  const primary = kind === 'individual'
    ? tidy(['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((f) => field(node, f)).join(' '))
    : field(node, 'FIRST_NAME');
  const original = field(node, 'NAME_ORIGINAL_SCRIPT');
  const name = primary || original;
  if (!dataId) problems.push({ path: `${path}/DATAID`, message: 'missing' });
  if (!referenceNumber) problems.push({ path: `${path}/REFERENCE_NUMBER`, message: 'missing' });
  if (!name) problems.push({ path: `${path}/FIRST_NAME`, message: 'the entry has no name' });
  if (!dataId || !referenceNumber || !name) return null;

  const names: ScreeningEntryName[] = [{ name, type: 'primary', quality: null }];
  if (original && original !== name) names.push({ name: original, type: 'original_script', quality: null });
  const aliasTag = kind === 'individual' ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS';
  for (const a of children(node, aliasTag)) {
    const quality = field(a, 'QUALITY') || null;
    // Several spellings are sometimes given in one ALIAS_NAME, separated by "; ".
    for (const alias of field(a, 'ALIAS_NAME').split(/;\s+/).map(tidy).filter(Boolean)) {
      if (!names.some((n) => n.name === alias)) names.push({ name: alias, type: 'alias', quality });
    }
  }
  const addressTag = kind === 'individual' ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS';
  const details: ScreeningEntryDetails = {
    nationalities: values(node, 'NATIONALITY'),
    datesOfBirth: children(node, 'INDIVIDUAL_DATE_OF_BIRTH').map(dateOfBirth).filter(Boolean),
    placesOfBirth: children(node, 'INDIVIDUAL_PLACE_OF_BIRTH').map((p) => joinParts(['CITY', 'STATE_PROVINCE', 'COUNTRY'].map((f) => field(p, f)))).filter(Boolean),
    designations: values(node, 'DESIGNATION'),
    titles: values(node, 'TITLE'),
    addresses: children(node, addressTag).map((a) => joinParts(['STREET', 'CITY', 'STATE_PROVINCE', 'ZIP_CODE', 'COUNTRY', 'NOTE'].map((f) => field(a, f)))).filter(Boolean),
    comments: field(node, 'COMMENTS1') || null,
  };
  return {
    dataId, kind, referenceNumber, unListType: field(node, 'UN_LIST_TYPE') || null, listedOn: field(node, 'LISTED_ON') || null,
    name, names, details,
  };
}

/** Reads the Consolidated List; throws ListFormatError when the file is not one (nothing half-read is returned). */
export function parseConsolidatedList(input: string): ParsedList {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ListFormatError('The file is empty; expected the Consolidated List XML (consolidated.xml).');
  // No DTD, no entity declarations: the published list has none, and refusing them rules out XXE
  // and entity expansion before the parser sees the file.
  const lower = text.toLowerCase();
  if (lower.includes('<!doctype') || lower.includes('<!entity')) {
    throw new ListFormatError('The file declares a DOCTYPE or ENTITY; the Consolidated List has none, and such files are refused for safety.', [
      { path: 'body', message: 'DOCTYPE and ENTITY declarations are not accepted' },
    ]);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const message = `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`;
    throw new ListFormatError(`The file is ${message}.`, [{ path: 'body', message }]);
  }
  let doc: XNode;
  try {
    doc = xml.parse(text) as XNode;
  } catch (err) {
    // The validator lets a few malformed constructs through (an unclosed processing instruction) that the parser then rejects.
    const message = `not readable XML: ${err instanceof Error ? err.message : String(err)}`;
    throw new ListFormatError(`The file is ${message}.`, [{ path: 'body', message }]);
  }
  const root = children(doc, 'CONSOLIDATED_LIST')[0];
  if (!root) {
    const found = Object.keys(doc).find((k) => !k.startsWith('#') && !k.startsWith('?'));
    const message = `root element is <${found ?? '?'}>, expected <CONSOLIDATED_LIST>`;
    throw new ListFormatError(`Not the UN Security Council Consolidated List: ${message}.`, [{ path: 'CONSOLIDATED_LIST', message }]);
  }
  const generatedRaw = typeof root['@_dateGenerated'] === 'string' ? root['@_dateGenerated'].trim() : '';
  const generated = generatedRaw ? new Date(generatedRaw) : null;

  const problems: { path: string; message: string }[] = [];
  const entries: ListEntry[] = [];
  const seen = new Set<string>();
  const read = (group: string, tag: string, kind: 'individual' | 'entity') => {
    children(children(root, group)[0], tag).forEach((node, i) => {
      const path = `${group}/${tag}[${i + 1}]`;
      const e = entryOf(node, kind, path, problems);
      if (!e) return;
      if (seen.has(e.dataId)) { problems.push({ path: `${path}/DATAID`, message: `DATAID ${e.dataId} appears twice` }); return; }
      seen.add(e.dataId);
      entries.push(e);
    });
  };
  read('INDIVIDUALS', 'INDIVIDUAL', 'individual');
  read('ENTITIES', 'ENTITY', 'entity');
  // A file whose layout changed must fail loudly, not replace the list with fewer (or no) entries.
  if (problems.length) throw new ListFormatError(`The list has ${problems.length} unreadable entr${problems.length === 1 ? 'y' : 'ies'}; nothing was loaded.`, problems.slice(0, 100));
  if (entries.length === 0) throw new ListFormatError('The list has no INDIVIDUAL or ENTITY entries; nothing was loaded.', [{ path: 'CONSOLIDATED_LIST', message: 'no entries' }]);
  return {
    dateGenerated: generated && !Number.isNaN(generated.getTime()) ? generated.toISOString() : null,
    entries,
  };
}
