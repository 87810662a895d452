/**
 * Pure parser for IATI 2.0x activity files (`iati-activities`, target 2.03): each `iati-activity`
 * becomes an offering. Element and attribute meanings follow the IATI 2.03 activity standard and
 * its codelists (ActivityStatus, ActivityDateType, Region, RegionVocabulary, SectorVocabulary,
 * AidType, FinanceType, BudgetType). The service validates every object again.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LANGS } from '../common.schemas.js';
import { currencyExponent, decimalToMinorUnits } from '../offerings/money.js';
import {
  isoDate,
  type Lang, type Modality, type OfferingInput, type RowError,
} from './csv.parser.js';

export type { OfferingInput, ParseResult, RowError } from './csv.parser.js';

/** A file that cannot be read as IATI activities at all (not one bad activity); `details` go into the 400 answer. */
export class IatiFormatError extends Error {
  readonly details: { path: string; message: string }[];
  constructor(message: string, details?: { path: string; message: string }[]) {
    super(message);
    this.name = 'IatiFormatError';
    this.details = details ?? [{ path: 'body', message }];
  }
}

/** Reference data the mapping needs, from the reference service. */
export interface IatiParseOptions {
  /** DAC 5-digit CRS purpose code → thematic area code. */
  dacToArea: ReadonlyMap<string, string>;
  /** ISO 3166-1 alpha-2 → alpha-3, for member states. */
  iso2ToIso3: ReadonlyMap<string, string>;
  /** M49 region, sub-region and intermediate-region codes that contain a member state. */
  m49Regions: ReadonlySet<string>;
}

/** At most this many activities per file, as for the CSV upload. */
export const MAX_IATI_ACTIVITIES = 5000;

// OECD DAC "Recipient region" codelist (CRS; IATI's Region codelist, RegionVocabulary 1) →
// UN M49. DAC regions are not M49 regions, so each maps to the M49 area(s) that cover the same
// recipients. Where DAC groups more than one M49 area, all are listed, so eligibility is
// neither narrowed nor widened: 389 "North & Central America" is Central America with Mexico
// (013) plus the Caribbean (029); 789 "Far East Asia" spans Eastern (030) and South-eastern
// Asia (035); 689 "South & Central Asia" is 034 + 143. 589 "Middle East" is taken as Western
// Asia (145), 88 "States Ex-Yugoslavia" as Southern Europe (039).
const DAC_REGION_TO_M49: Readonly<Record<string, readonly string[]>> = {
  '88': ['039'],
  '89': ['150'], // Europe
  '189': ['015'], // North of Sahara → Northern Africa
  '289': ['202'], // South of Sahara → Sub-Saharan Africa
  '298': ['002'], // Africa
  '380': ['029'], // West Indies (withdrawn) → Caribbean
  '389': ['013', '029'], // North & Central America
  '489': ['005'], // South America
  '498': ['019'], // America
  '589': ['145'], // Middle East → Western Asia
  '619': ['143'], // Central Asia
  '679': ['034'], // South Asia → Southern Asia
  '689': ['034', '143'], // South & Central Asia
  '789': ['030', '035'], // Far East Asia
  '798': ['142'], // Asia
  '889': ['009'], // Oceania
  '1027': ['014'], // Eastern Africa
  '1028': ['017'], // Middle Africa
  '1029': ['018'], // Southern Africa
  '1030': ['011'], // Western Africa
  '1031': ['029'], // Caribbean
  '1032': ['013'], // Central America
  '1033': ['054'], // Melanesia
  '1034': ['057'], // Micronesia
  '1035': ['061'], // Polynesia
};
// 998 "Developing countries, unspecified" is not a place: it sets no restriction (worldwide).
const DAC_REGION_UNRESTRICTED = new Set(['998']);

// ActivityStatus: 1 pipeline, 2 implementation → still on offer; 3 finalisation, 4 closed,
// 5 cancelled, 6 suspended → not on offer.
const STATUS: Readonly<Record<string, 'open' | 'closed'>> = { 1: 'open', 2: 'open', 3: 'closed', 4: 'closed', 5: 'closed', 6: 'closed' };

// AidType (vocabulary 1) codes whose meaning is plainly one of our modalities. Deliberately few:
// C01 "project-type interventions" or G01 "administrative costs" say nothing about the form.
const AID_TYPE_MODALITY: Readonly<Record<string, Modality>> = {
  D01: 'mentoring', // donor country personnel (experts placed with the recipient)
  D02: 'advisory_mission', // other technical assistance
  E01: 'training', // scholarships/training in donor country
};

const LANG_SET: ReadonlySet<string> = new Set(LANGS);

type XNode = Record<string, unknown>;

const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Child elements by name (the parser makes every element an array; tolerate anything else). */
function kids(node: XNode | undefined, name: string): XNode[] {
  const v = node?.[name];
  if (Array.isArray(v)) return v.filter(isNode);
  return isNode(v) ? [v] : [];
}

// The parser runs with entity processing off (see below), so the five predefined XML entities and
// numeric character references are decoded here, once, in a single pass ("&amp;lt;" → "&lt;").
function decodeEntities(s: string): string {
  return s.replace(/&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/g, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as const)[named as 'lt'];
    const cp = hex ? parseInt(hex, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
  });
}

function attr(node: XNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  if (typeof v !== 'string') return undefined;
  const s = decodeEntities(v).trim();
  return s === '' ? undefined : s;
}

/** Element text: decoded character data plus CDATA sections (kept verbatim, as XML says). */
function text(node: XNode | undefined): string {
  if (!node) return '';
  const t = typeof node['#text'] === 'string' ? decodeEntities(node['#text']) : '';
  const cdata = kids(node, '#cdata').map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
  return (t + cdata).trim();
}

/** The six UN languages from an xml:lang value ("en-GB" → "en"); undefined for any other. */
function toLang(tag: string | undefined): Lang | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && LANG_SET.has(primary) ? (primary as Lang) : undefined;
}

interface Narrative { lang: string | undefined; text: string }

function narratives(el: XNode | undefined, defaultLang: string | undefined): Narrative[] {
  return kids(el, 'narrative')
    .map((n) => ({ lang: attr(n, 'xml:lang') ?? defaultLang, text: text(n) }))
    .filter((n) => n.text !== '');
}

/** The narrative in the activity's default language, else the first one. */
function pickNarrative(ns: Narrative[], defaultLang: string | undefined): Narrative | undefined {
  const want = defaultLang?.toLowerCase().split(/[-_]/)[0];
  return ns.find((n) => want !== undefined && n.lang?.toLowerCase().split(/[-_]/)[0] === want) ?? ns[0];
}

// IATI lets a publisher report recipient countries/regions and sectors either on the activity
// or on its transactions (never both); read the transactions only when the activity has none,
// so that an activity is not taken as worldwide, or without sectors, by mistake.
function activityOrTransactions(act: XNode, name: string): XNode[] {
  const own = kids(act, name);
  return own.length ? own : kids(act, 'transaction').flatMap((t) => kids(t, name));
}

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

// Guards against XXE and entity-expansion ("billion laughs") attacks: IATI files never need a DTD,
// so any DOCTYPE or ENTITY declaration is refused before parsing. This is a conservative textual
// check; it may also refuse such text inside a comment, which is acceptable for activity files.
function hasDtd(xml: string): boolean {
  const lower = xml.toLowerCase();
  return lower.includes('<!doctype') || lower.includes('<!entity');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false, // keeps "xml:lang" distinct from any other "lang"
  parseTagValue: false, // codes such as "089" and identifiers stay strings
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true, // every element is an object, with or without attributes
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute, // every element is an array: stable shapes
  processEntities: false, // no DTD entity expansion, ever (decoded by hand above)
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

/** Who reported an activity (reporting-org/@ref and its name). */
export interface ReportingOrg { ref?: string; name?: string }

/** The activities as offerings, with the areas their DAC sectors map to (evidence for the service, not areas yet) and each activity's reporting organisation. */
export interface IatiParseResult {
  items: { row: number; value: OfferingInput; sectorAreas: string[] }[];
  errors: RowError[];
  reportingOrgs: ({ row: number } & ReportingOrg)[];
}

/** Reads an IATI 2.0x `iati-activities` file into offerings; throws IatiFormatError when the file is not one. */
export function parseIatiActivities(xml: string, opts: IatiParseOptions): IatiParseResult {
  const input = xml.replace(/^\uFEFF/, '');
  if (input.trim() === '') throw new IatiFormatError('The file is empty; expected an IATI iati-activities XML file.');
  if (hasDtd(input)) {
    throw new IatiFormatError('The file declares a DOCTYPE or ENTITY; IATI activity files must not, and they are refused for safety.', [
      { path: 'body', message: 'DOCTYPE and ENTITY declarations are not accepted' },
    ]);
  }
  const valid = XMLValidator.validate(input);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const message = `not well-formed XML: ${msg} (line ${line}, column ${col})`;
    throw new IatiFormatError(`The file is ${message}.`, [{ path: 'body', message }]);
  }
  let doc: XNode;
  try {
    doc = parser.parse(input) as XNode;
  } catch (err) {
    const message = `not readable XML: ${err instanceof Error ? err.message : String(err)}`;
    throw new IatiFormatError(`The file is ${message}.`, [{ path: 'body', message }]);
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('#') && !k.startsWith('?'));
  if (rootName !== 'iati-activities') {
    const hint = rootName === 'iati-organisations' ? ' (this is an IATI organisation file; send the activity file)' : '';
    const message = `root element is <${rootName ?? '?'}>, expected <iati-activities>${hint}`;
    throw new IatiFormatError(`Not an IATI activity file: ${message}.`, [{ path: 'iati-activities', message }]);
  }
  const root = kids(doc, 'iati-activities')[0];
  const version = attr(root, 'version');
  if (!version || !version.startsWith('2.')) {
    const message = version
      ? `IATI version "${version}" is not supported; publish as version 2.03 (2.0x accepted)`
      : 'the version attribute is missing; expected version="2.03"';
    throw new IatiFormatError(`Unsupported IATI file: ${message}.`, [{ path: 'iati-activities/@version', message }]);
  }

  const out: IatiParseResult = { items: [], errors: [], reportingOrgs: [] };
  let activities = kids(root, 'iati-activity');
  if (activities.length > MAX_IATI_ACTIVITIES) {
    out.errors.push({ row: 0, path: 'iati-activities', message: `at most ${MAX_IATI_ACTIVITIES} activities per file; split the file` });
    activities = activities.slice(0, MAX_IATI_ACTIVITIES);
  }
  const seen = new Map<string, number>();
  activities.forEach((act, i) => {
    const row = i + 1;
    const { value, errors, sectorAreas, reportingOrg } = mapActivity(act, row, opts);
    out.reportingOrgs.push({ row, ...reportingOrg });
    if (value?.externalRef !== undefined) {
      const earlier = seen.get(value.externalRef);
      // Re-import keys on the identifier; two activities with one would overwrite each other.
      if (earlier !== undefined) errors.push({ row, path: 'externalRef', message: `iati-identifier "${value.externalRef}" is also used by activity ${earlier}`, code: 'iati.identifierDuplicate', params: { value: value.externalRef, row: earlier } });
      else seen.set(value.externalRef, row);
    }
    // An activity with any problem is reported, not half-imported (e.g. without its country limits).
    if (errors.length || !value) out.errors.push(...errors);
    else out.items.push({ row, value, sectorAreas });
  });
  return out;
}

function mapActivity(act: XNode, row: number, opts: IatiParseOptions): { value?: OfferingInput; sectorAreas: string[]; reportingOrg: ReportingOrg; errors: RowError[] } {
  const errors: RowError[] = [];
  const bad = (path: string, message: string, code?: string, params?: Record<string, string | number>) => errors.push({ row, path, message, ...(code ? { code, params: params ?? {} } : {}) });
  // 2.0x carries the activity's default language in xml:lang; "default-language" is the 1.0x name.
  const defaultLang = attr(act, 'xml:lang') ?? attr(act, 'default-language');

  const externalRef = text(kids(act, 'iati-identifier')[0]);
  if (!externalRef) bad('externalRef', 'iati-identifier is missing; it is needed to update the offering on re-import', 'iati.identifierMissing');

  // Title and description.
  const titleNs = kids(act, 'title').flatMap((t) => narratives(t, defaultLang));
  const title = pickNarrative(titleNs, defaultLang)?.text;
  if (!title) bad('title', 'title/narrative is missing or empty', 'iati.titleMissing');

  const descEls = kids(act, 'description');
  const descWith = (pred: (d: XNode) => boolean) => descEls.find((d) => pred(d) && narratives(d, defaultLang).length > 0);
  // Type 1 is the general description; an untyped one is read the same way; else any description.
  const descEl = descWith((d) => attr(d, 'type') === '1') ?? descWith((d) => attr(d, 'type') === undefined) ?? descWith(() => true);
  const description = pickNarrative(narratives(descEl, defaultLang), defaultLang)?.text;
  if (!description) bad('description', 'description/narrative is missing or empty', 'iati.descriptionMissing');

  const languages = uniq([defaultLang, ...titleNs.map((n) => n.lang), ...descEls.flatMap((d) => narratives(d, defaultLang).map((n) => n.lang))]
    .map(toLang).filter((l): l is Lang => l !== undefined));

  // The title and description in the activity's other languages (narratives by xml:lang), when both
  // exist in that language: the matcher uses every version.
  const chosen = toLang(pickNarrative(titleNs, defaultLang)?.lang);
  const descNs = narratives(descEl, defaultLang);
  const translations: NonNullable<OfferingInput['translations']> = [];
  for (const l of uniq(titleNs.map((n) => toLang(n.lang)).filter((x): x is Lang => x !== undefined && x !== chosen))) {
    const t = titleNs.find((n) => toLang(n.lang) === l)?.text;
    const d = descNs.find((n) => toLang(n.lang) === l)?.text;
    if (t && d) translations.push({ language: l, title: t, description: d });
  }

  // Eligibility.
  const countries: string[] = [];
  activityOrTransactions(act, 'recipient-country').forEach((rc) => {
    const code = attr(rc, 'code')?.toUpperCase();
    const iso3 = code ? opts.iso2ToIso3.get(code) : undefined;
    if (iso3) countries.push(iso3);
    else bad('eligibility.countries', `recipient-country code "${code ?? ''}" is not the ISO 3166-1 alpha-2 code of a UN member state`, 'iati.country', { value: code ?? '' });
  });

  const regions: string[] = [];
  activityOrTransactions(act, 'recipient-region').forEach((rr) => {
    const code = attr(rr, 'code') ?? '';
    const vocabulary = attr(rr, 'vocabulary') ?? '1';
    if (vocabulary === '1') {
      if (DAC_REGION_UNRESTRICTED.has(code)) return;
      const m49 = DAC_REGION_TO_M49[code];
      if (!m49) {
        bad('eligibility.regions', `recipient-region code "${code}" is not an OECD DAC region code`, 'iati.dacRegion', { value: code });
        return;
      }
      for (const r of m49) {
        if (opts.m49Regions.has(r)) regions.push(r);
        else bad('eligibility.regions', `OECD DAC region "${code}" maps to M49 "${r}", which holds no member state`, 'iati.dacRegionEmpty', { value: code, m49: r });
      }
    } else if (vocabulary === '2') {
      // M49 codes are three digits; some publishers drop the leading zeros ("2" for Africa).
      const m49 = /^\d{1,3}$/.test(code) ? code.padStart(3, '0') : code;
      if (opts.m49Regions.has(m49)) regions.push(m49);
      else bad('eligibility.regions', `recipient-region code "${code}" (vocabulary 2) is not a UN M49 region holding a member state`, 'region.unknown', { value: code });
    } else {
      // A publisher's own region (99) cannot be resolved; ignoring it would make the offering worldwide.
      bad('eligibility.regions', `recipient-region vocabulary "${vocabulary}" is not supported; use 1 (OECD DAC) or 2 (UN M49)`, 'iati.regionVocabulary', { value: vocabulary });
    }
  });

  // Sectors: DAC 5-digit purpose codes only (vocabulary 1); 3-digit (2) and others are too coarse
  // or foreign. They are evidence beside the text, not a verdict: a CRS code is a reporting category
  // (maritime and chemical security are both filed under 15210 "security system management"), so the
  // service weighs them against what the description says (see sectorEvidence in offerings.service).
  const sectorAreas = uniq(activityOrTransactions(act, 'sector')
    .filter((s) => (attr(s, 'vocabulary') ?? '1') === '1')
    .map((s) => opts.dacToArea.get(attr(s, 'code') ?? ''))
    .filter((a): a is string => a !== undefined));

  // Dates: actual start (2) else planned start (1); actual end (4) else planned end (3).
  const dateOf = (type: string): string | undefined => attr(kids(act, 'activity-date').find((d) => attr(d, 'type') === type && attr(d, 'iso-date')), 'iso-date');
  const dates: Partial<Record<'availableFrom' | 'availableUntil', string>> = {};
  for (const [field, types] of [['availableFrom', ['2', '1']], ['availableUntil', ['4', '3']]] as const) {
    const raw = types.map(dateOf).find((d) => d !== undefined);
    if (raw === undefined) continue;
    // xs:date may carry a zone ("2024-01-15Z"); the day is what matters.
    const day = isoDate(raw.slice(0, 10));
    if (day && /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(raw)) dates[field] = day;
    else bad(field, `activity-date iso-date "${raw}" is not a date as YYYY-MM-DD`, 'date.invalid', { value: raw });
  }

  const statusCode = attr(kids(act, 'activity-status')[0], 'code');
  const status = statusCode ? STATUS[statusCode] : undefined;

  const budget = budgetOf(act, bad);

  // Modalities from the default aid type, where its meaning is unambiguous.
  const modalities: Modality[] = [];
  const financeType = attr(kids(act, 'default-finance-type')[0], 'code');
  for (const at of kids(act, 'default-aid-type')) {
    if ((attr(at, 'vocabulary') ?? '1') !== '1') continue;
    const code = attr(at, 'code')?.toUpperCase() ?? '';
    const m = AID_TYPE_MODALITY[code];
    if (m) modalities.push(m);
    // Budget support (A01, A02) and core or pooled contributions (B0x) given as a standard grant
    // (finance type 110) are money for the recipient; as loans they are not "funding" on offer.
    else if (/^(A0[12]|B0\d{1,2})$/.test(code) && financeType === '110') modalities.push('funding');
  }

  const org = kids(act, 'reporting-org')[0];
  const reportingOrg: ReportingOrg = { ref: attr(org, 'ref'), name: pickNarrative(narratives(org, defaultLang), defaultLang)?.text };
  if (errors.length || !title || !description) return { errors, sectorAreas, reportingOrg };
  const value: OfferingInput = { title, description, languages: languages.length ? languages : ['en'] };
  if (modalities.length) value.modalities = uniq(modalities);
  if (countries.length || regions.length) {
    value.eligibility = {};
    if (regions.length) value.eligibility.regions = uniq(regions);
    if (countries.length) value.eligibility.countries = uniq(countries);
  }
  if (dates.availableFrom) value.availableFrom = dates.availableFrom;
  if (dates.availableUntil) value.availableUntil = dates.availableUntil;
  if (budget) value.budget = budget;
  value.externalRef = externalRef;
  if (translations.length) value.translations = translations;
  if (status) value.status = status;
  return { value, errors, sectorAreas, reportingOrg };
}

/**
 * Total of the activity's budgets in integer minor units. Budgets in the currency used by most
 * budget elements are summed and others ignored (no exchange rates here). Where a period has a
 * revised budget (type 2), it replaces the original (type 1) for that period, as IATI intends,
 * instead of being counted twice.
 */
function budgetOf(act: XNode, bad: (path: string, message: string, code?: string, params?: Record<string, string | number>) => void): OfferingInput['budget'] {
  const defaultCurrency = attr(act, 'default-currency');
  const entries = kids(act, 'budget').map((b) => {
    const v = kids(b, 'value')[0];
    const period = `${attr(kids(b, 'period-start')[0], 'iso-date') ?? ''}|${attr(kids(b, 'period-end')[0], 'iso-date') ?? ''}`;
    return { period, revised: attr(b, 'type') === '2', currency: (attr(v, 'currency') ?? defaultCurrency)?.toUpperCase(), amount: text(v) };
  }).filter((e) => e.amount !== '');
  if (!entries.length) return undefined;

  const revisedPeriods = new Set(entries.filter((e) => e.revised).map((e) => e.period));
  const counted = entries.filter((e) => e.revised || !revisedPeriods.has(e.period));

  if (counted.some((e) => !e.currency)) {
    bad('budget.currency', 'a budget value has no @currency and the activity has no @default-currency', 'iati.budgetCurrencyMissing');
    return undefined;
  }
  const tally = new Map<string, number>();
  for (const e of counted) tally.set(e.currency!, (tally.get(e.currency!) ?? 0) + 1);
  // Majority currency; on a tie, the one met first (Map keeps insertion order).
  let currency = '';
  let most = 0;
  for (const [c, n] of tally) if (n > most) { currency = c; most = n; }
  if (!/^[A-Z]{3}$/.test(currency)) {
    bad('budget.currency', `budget currency "${currency}" is not an ISO 4217 code`, 'currency.invalid', { value: currency });
    return undefined;
  }

  const exp = currencyExponent(currency);
  let total = 0;
  for (const e of counted.filter((x) => x.currency === currency)) {
    const minor = decimalToMinorUnits(e.amount, exp, true);
    if (minor === undefined) {
      bad('budget.amount', `budget value "${e.amount}" is not a decimal number`, 'iati.budgetValue', { value: e.amount });
      return undefined;
    }
    total += minor;
  }
  if (total < 0 || !Number.isSafeInteger(total)) {
    bad('budget.amount', 'the budgets add up to a negative or too large total', 'iati.budgetTotal');
    return undefined;
  }
  return { amount: total, currency };
}
