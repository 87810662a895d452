import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { auditEvents, offerings, outbox, providers } from '../../../db/schema/index.js';
import { AppError, badRequest, forbidden, notFound, type ErrorDetail } from '../../errors.js';
import { availabilityOf, isProposable as proposable, unconfirmedDays } from '../../matching/filters.js';
import { zodIssueDetail } from '../common/zod-details.js';
import { IatiFormatError, parseIatiActivities } from '../imports/iati.parser.js';
import { parseOfferingsCsv, type RowError } from '../imports/csv.parser.js';
import { detectLanguage } from '../../matching/language.detect.js';
import { MATCHING_LIMITS } from '../../matching/weights.js';
import { requireMay, type Principal } from '../../plugins/auth.plugin.js';
import { uniq } from '../common.schemas.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import type { OfferingAnalysis } from '../../matching/index.js';
import { providerTokens, searchVectorText } from './offering-analysis.js';
import { offeringVisibleSql, providerPendingSql, seesProviderOfferings } from './offering-visibility.js';
import { BulkOfferingRow, MAX_BULK_ROWS, type CreateOfferingBody, type OfferingView, type UpdateOfferingBody } from './offerings.schemas.js';
import { decodeCursor, pageOf } from '../keyset-cursor.js';
import { breakEvery } from '../../job-pacer.js';

type OfferingRow = typeof offerings.$inferSelect;
/** An offering as it arrives, from JSON, CSV or IATI. */
export type OfferingInput = Omit<CreateOfferingBody, 'providerId'> & { externalRef?: string; status?: 'open' | 'closed' };

/** Whether an offering may be proposed now; the rule itself lives in src/matching/filters.ts (unavailableAt). */
export const isProposable = (o: Pick<OfferingRow, 'status' | 'availableFrom' | 'availableUntil' | 'lastConfirmedAt'> & { capacity?: number | null }, now = new Date()): boolean => proposable(o, now);

/**
 * The proposability rule (src/matching/filters.ts: unavailableAt) as an SQL condition on `offerings`,
 * for the queries that filter in the database (the directory, analytics): open, places left, not past
 * its end date, confirmed within the stale limit (a future start does not block). The two must say the
 * same; tests/integration/proposable-sql.test.ts checks every combination. A provider waiting for approval
 * has nothing proposable (offering-visibility.ts; the engine holds its offerings as closed).
 */
export function proposableSql(now: Date): SQL {
  const at = now.toISOString();
  return sql`(${offerings.status} = 'open'
    and (${offerings.availableUntil} is null or ${offerings.availableUntil} >= ${at}::timestamptz)
    and (${offerings.capacity} is null or ${offerings.capacity} > 0)
    and ${offerings.lastConfirmedAt} >= ${at}::timestamptz - make_interval(days => ${MATCHING_LIMITS.staleAfterDays})
    and not ${providerPendingSql()})`;
}

/** Who sees an offering's internal fields (import source, external reference, audit timestamps): its provider, CTED and admins. */
export function seesOfferingInternals(p: Principal, providerId: string): boolean {
  return p.role === 'admin' || p.role === 'cted' || (p.role === 'provider' && p.providerId === providerId);
}

/** An offering as `p` may read it: without the internal fields unless seesOfferingInternals. */
export function offeringViewFor(p: Principal, view: OfferingView): OfferingView {
  if (seesOfferingInternals(p, view.providerId)) return view;
  const { source: _s, externalRef: _e, createdAt: _c, updatedAt: _u, ...shared } = view;
  return shared;
}

/** The full view (internal fields included); answers pass through offeringViewFor. */
export function toOfferingView(o: OfferingRow, now = new Date()): OfferingView {
  return {
    id: o.id, providerId: o.providerId, title: o.title, description: o.description, language: o.language as OfferingView['language'],
    modalities: o.modalities, eligibility: { regions: o.eligibilityRegions, countries: o.eligibilityCountries },
    languages: o.languages, availableFrom: o.availableFrom?.toISOString() ?? null, availableUntil: o.availableUntil?.toISOString() ?? null,
    capacity: o.capacity, budget: o.budgetAmount !== null && o.budgetCurrency ? { amount: o.budgetAmount, currency: o.budgetCurrency } : null,
    thematicAreas: o.thematicAreas, thematicAreasInferred: o.thematicAreasInferred, status: o.status as 'open' | 'closed',
    translations: o.translations.map((t) => ({ language: t.language as OfferingView['language'], title: t.title, description: t.description })),
    lastConfirmedAt: o.lastConfirmedAt.toISOString(), proposable: isProposable(o, now), availability: availabilityOf(o, now), unconfirmedDays: unconfirmedDays(o, now), source: o.source, externalRef: o.externalRef,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
  };
}

export interface AreaInference {
  inferAreas(text: string, lang: OfferingView['language']): Promise<string[]>;
  /** Every area's score for a text, best first (for weighing other evidence, such as IATI sectors, against it). */
  scoreAreas?(text: string, lang: OfferingView['language']): Promise<{ code: string; score: number }[]>;
}

/** A row of an upload as the checks see it: where it is, what could be read of it, which of its fields already failed. */
interface UploadRow { row: number; line?: number; value: unknown; failed?: string[]; sectorAreas?: string[] }

const rowOf = (d: ErrorDetail) => Number(/^rows\.(\d+)/.exec(d.path)?.[1] ?? 0);
const rowDetail = (e: RowError): ErrorDetail => ({ path: `rows.${e.row}.${e.path}`, message: e.message, ...(e.code ? { code: e.code, params: e.params ?? {} } : {}), ...(e.line ? { line: e.line } : {}) });

// A text score at least this share of the best one counts as the text's support for a sector's area.
const SECTOR_SUPPORT = 0.25;

/**
 * IATI sector codes are evidence beside the text, not a verdict: a CRS purpose code is a reporting
 * category (maritime and chemical security are both filed under 15210 "security system management and
 * reform"). The text's own areas stand; a sector's area joins them when the text gives it some support;
 * the sectors decide alone only when the text says nothing classifiable.
 */
export function sectorEvidence(textScores: { code: string; score: number }[], textAreas: string[], sectorAreas: string[]): string[] {
  if (!textAreas.length) return sectorAreas.slice(0, 3);
  const best = textScores[0]?.score ?? 0;
  const supported = sectorAreas.filter((a) => !textAreas.includes(a) && (textScores.find((s) => s.code === a)?.score ?? 0) >= SECTOR_SUPPORT * best && best > 0);
  return [...textAreas, ...supported].slice(0, 4);
}

/** An offering's title and description in another language (the matcher reads every version). */
type OfferingVersion = { language: OfferingView['language']; title: string; description: string };
const versionsOf = (t: readonly { language: string; title: string; description: string }[] | undefined): OfferingVersion[] =>
  (t ?? []).map((x) => ({ language: x.language as OfferingView['language'], title: x.title, description: x.description }));

/** The engine's analysis of an offering's text, made once when the offering is written (see offering-analysis.ts). */
export interface OfferingAnalyser {
  analyseOffering(o: { title: string; description: string; language: OfferingView['language']; versions?: OfferingVersion[] }): Promise<{ analysis: OfferingAnalysis; version: string; inferredAreas: string[] }>;
}

/** Offerings written in one bulk statement at most; an import of more is written in several. */
const WRITE_CHUNK = 500;
/** Offering ids carried by one outbox event (one re-matching job) of an import. */
const EVENT_CHUNK = 2_000;

/** Provider offerings: one by one, in bulk (JSON, CSV, IATI), with freshness. */
export function createOfferingsService(deps: { db: Db; reference: ReferenceService; areas: AreaInference; analyser: OfferingAnalyser }) {
  const { db } = deps;

  async function providerName(providerId: string): Promise<string> {
    const [p] = await db.select({ name: providers.name }).from(providers).where(eq(providers.id, providerId));
    return p?.name ?? '';
  }

  /** Checks of codes against the reference data and of dates against each other; tolerant of a half-read row. */
  async function semanticProblems(input: Partial<OfferingInput>, prefix = '', line?: number): Promise<ErrorDetail[]> {
    const ref = await deps.reference.get();
    const regionCodes = ref.regionCodes;
    const out: ErrorDetail[] = [];
    const at = line ? { line } : {};
    const strings = (xs: unknown) => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string') : []);
    strings(input.eligibility?.regions).forEach((r, i) => { if (!regionCodes.has(r)) out.push({ path: `${prefix}eligibility.regions.${i}`, message: `"${r}" is not an M49 region, sub-region or intermediate region of any member state`, code: 'region.unknown', params: { value: r }, ...at }); });
    strings(input.eligibility?.countries).forEach((c, i) => { if (!ref.stateByIso3.has(c)) out.push({ path: `${prefix}eligibility.countries.${i}`, message: `"${c}" is not a UN member state`, code: 'country.unknown', params: { value: c }, ...at }); });
    strings(input.thematicAreas).forEach((a, i) => { if (!ref.areaByCode.has(a)) out.push({ path: `${prefix}thematicAreas.${i}`, message: `unknown thematic area "${a}"`, code: 'area.unknown', params: { value: a }, ...at }); });
    const from = typeof input.availableFrom === 'string' ? Date.parse(input.availableFrom) : NaN;
    const until = typeof input.availableUntil === 'string' ? Date.parse(input.availableUntil) : NaN;
    if (until < from) out.push({ path: `${prefix}availableUntil`, message: 'must not be before availableFrom', code: 'date.order', params: { from: input.availableFrom!, until: input.availableUntil! }, ...at });
    return out;
  }

  /**
   * Every check on every row of an upload in one pass, so that one upload reports every problem: the
   * parser's, the schema's (skipping fields the parser already refused) and the reference checks, also
   * for rows that already failed. Returns the valid rows, or throws one 400 with all the problems.
   */
  async function checkRows(rows: UploadRow[], parseErrors: RowError[]): Promise<{ row: number; value: OfferingInput; sectorAreas?: string[] }[]> {
    const problems: ErrorDetail[] = parseErrors.map(rowDetail);
    const ok: { row: number; value: OfferingInput; sectorAreas?: string[] }[] = [];
    if (rows.length > MAX_BULK_ROWS) throw badRequest(`At most ${MAX_BULK_ROWS} rows per upload.`, [{ path: 'rows', message: `${rows.length} rows`, code: 'file.tooManyRows', params: { max: MAX_BULK_ROWS } }]);
    for (const r of rows) {
      const failed = new Set(r.failed ?? []);
      const v = BulkOfferingRow.safeParse(r.value);
      if (v.success && !failed.size) ok.push({ row: r.row, value: v.data, sectorAreas: r.sectorAreas });
      if (!v.success) {
        for (const issue of v.error.issues) {
          const top = String(issue.path[0] ?? '');
          const field = issue.path.slice(0, 2).join('.');
          if (failed.has(top) || failed.has(field) || [...failed].some((f) => f.startsWith(`${top}.`))) continue;
          problems.push(zodIssueDetail(issue, ['rows', r.row], r.line));
        }
      }
      problems.push(...await semanticProblems((r.value ?? {}) as Partial<OfferingInput>, `rows.${r.row}.`, r.line));
    }
    // Once per field and problem: the parser and the reference checks may both see a reversed date.
    // Kept in a set (linear): comparing each problem with those before it froze the API for minutes
    // on an upload with a hundred thousand problems.
    const seen = new Set<string>();
    const unique = problems.filter((d) => {
      const key = `${d.path}|${d.code ?? d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).sort((a, b) => rowOf(a) - rowOf(b));
    if (unique.length) throw badRequest(`${unique.length} problem(s) found; nothing was imported.`, unique.slice(0, 500));
    return ok;
  }

  async function resolveProvider(p: Principal, providerId?: string): Promise<string> {
    if (p.role === 'provider') {
      if (providerId && providerId !== p.providerId) throw forbidden('A provider key can only act for its own provider.');
      return p.providerId!;
    }
    if (p.role !== 'admin') throw forbidden();
    if (!providerId) throw badRequest('An admin must say for which provider.', [{ path: 'providerId', message: 'required for admin keys' }]);
    const [prov] = await db.select({ id: providers.id }).from(providers).where(eq(providers.id, providerId));
    if (!prov) throw badRequest('Unknown provider.', [{ path: 'providerId', message: 'no such provider' }]);
    return providerId;
  }

  async function getOne(id: string): Promise<OfferingView> {
    const [row] = await db.select().from(offerings).where(eq(offerings.id, id));
    if (!row) throw notFound('Offering');
    return toOfferingView(row);
  }

  async function loadOwned(p: Principal, id: string): Promise<OfferingRow> {
    const [row] = await db.select().from(offerings).where(eq(offerings.id, id));
    if (!row) throw notFound('Offering');
    if (p.role === 'provider' && row.providerId !== p.providerId) throw notFound('Offering');
    if (p.role !== 'provider' && p.role !== 'admin') throw forbidden();
    return row;
  }

  /** The columns derived from an offering's text: its analysis (made once, for every worker's index) and its search vector. */
  async function derived(text: { title: string; description: string; language: OfferingView['language']; versions: OfferingVersion[] }, areas: string[], inferred: boolean, provider: string) {
    const { analysis, version } = await deps.analyser.analyseOffering(text);
    return {
      thematicAreas: areas, thematicAreasInferred: inferred,
      analysis: analysis as unknown as Record<string, unknown>, analysisVersion: version,
      searchVector: searchVectorText(analysis, areas, providerTokens(provider)),
    };
  }

  async function toValues(providerId: string, input: OfferingInput, source: string, sectorAreas: string[] = [], provider = '') {
    const text = `${input.title}\n${input.description}`;
    const language = detectLanguage(text);
    const explicit = uniq(input.thematicAreas ?? []);
    let areas = explicit.length ? explicit : await deps.areas.inferAreas(text, language);
    if (!explicit.length && sectorAreas.length) {
      const scores = deps.areas.scoreAreas ? await deps.areas.scoreAreas(text, language) : [];
      areas = sectorEvidence(scores, areas, sectorAreas);
    }
    return {
      ...await derived({ title: input.title, description: input.description, language, versions: versionsOf(input.translations) }, areas, explicit.length === 0, provider),
      providerId, title: input.title, description: input.description, language,
      languages: uniq(input.languages), modalities: uniq(input.modalities ?? []),
      eligibilityRegions: uniq(input.eligibility?.regions ?? []), eligibilityCountries: uniq(input.eligibility?.countries ?? []),
      availableFrom: input.availableFrom ? new Date(input.availableFrom) : null,
      availableUntil: input.availableUntil ? new Date(input.availableUntil) : null,
      capacity: input.capacity ?? null, budgetAmount: input.budget?.amount ?? null, budgetCurrency: input.budget?.currency ?? null,
      status: input.status ?? 'open', source, externalRef: input.externalRef ?? null,
      translations: input.translations ?? [],
    };
  }

  async function announce(tx: DbOrTx, p: Principal, action: string, id: string, summary: Record<string, unknown>) {
    await recordChange(tx, p, { action, targetType: 'offering', targetId: id, summary, event: { topic: 'offering.changed', payload: { offeringId: id } } });
  }

  /**
   * Validates every row first and writes nothing unless all are valid (all-or-nothing);
   * rows with an externalRef already known for the provider are updated, not duplicated. The rows are
   * written set by set (one statement per chunk, not per row), and the import announces itself with one
   * outbox event per chunk of ids, so re-matching runs as one job, not one per row.
   */
  async function upsertMany(p: Principal, providerId: string, rows: { row: number; value: OfferingInput; sectorAreas?: string[] }[], source: string) {
    if (rows.length === 0) throw badRequest('Nothing to import.', [{ path: 'rows', message: 'no rows', code: 'file.noRows' }]);
    const provider = await providerName(providerId);
    const values: Awaited<ReturnType<typeof toValues>>[] = [];
    // Analysing a row takes a few milliseconds of this thread: a break every few rows lets the API answer
    // others meanwhile (5,000 rows in one go held every other request for ~13 s).
    for (const [i, r] of rows.entries()) {
      await breakEvery(i);
      values.push(await toValues(providerId, r.value, source, r.sectorAreas, provider));
    }
    return db.transaction(async (tx) => {
      const refs = [...new Set(values.map((v) => v.externalRef).filter((r): r is string => !!r))];
      const byRef = new Map<string, string>();
      for (let i = 0; i < refs.length; i += WRITE_CHUNK) {
        const existing = await tx.select({ id: offerings.id, externalRef: offerings.externalRef }).from(offerings)
          .where(and(eq(offerings.providerId, providerId), inArray(offerings.externalRef, refs.slice(i, i + WRITE_CHUNK))));
        for (const e of existing) byRef.set(e.externalRef!, e.id);
      }
      const now = new Date();
      const ids: string[] = [];
      const fresh: (typeof values[number] & { id: string })[] = [];
      const changed: (typeof values[number] & { id: string })[] = [];
      const audit: (typeof auditEvents.$inferInsert)[] = [];
      const seen = new Set<string>();
      for (const v of values) {
        const known = v.externalRef ? byRef.get(v.externalRef) : undefined;
        const id = known ?? randomUUID();
        // A ref twice in one file: the later row updates what the earlier one created.
        if (!known && v.externalRef) byRef.set(v.externalRef, id);
        (known || seen.has(id) ? changed : fresh).push({ ...v, id });
        seen.add(id);
        ids.push(id);
        audit.push({ actorKeyId: p.keyId, actorRole: p.role, action: known ? 'offering.update' : 'offering.create', targetType: 'offering', targetId: id, summary: { source } });
      }
      for (let i = 0; i < fresh.length; i += WRITE_CHUNK) await tx.insert(offerings).values(fresh.slice(i, i + WRITE_CHUNK));
      // Updates of known refs (a re-import), each row its own values; the last row of a ref wins.
      for (const v of changed) await tx.update(offerings).set({ ...v, updatedAt: now, lastConfirmedAt: now }).where(eq(offerings.id, v.id));
      for (let i = 0; i < audit.length; i += WRITE_CHUNK) await tx.insert(auditEvents).values(audit.slice(i, i + WRITE_CHUNK));
      const distinct = [...new Set(ids)];
      const events = [];
      for (let i = 0; i < distinct.length; i += EVENT_CHUNK) events.push({ topic: 'offering.changed', payload: { offeringIds: distinct.slice(i, i + EVENT_CHUNK) }, requestId: p.requestId ?? null });
      await tx.insert(outbox).values(events);
      return { created: fresh.length, updated: changed.length, ids };
    });
  }

  return {
    /** The offering when the principal owns it (or is an admin): 404 for another provider's, 403 for other roles. */
    loadOwned,
    /** One offering; `source` says which door it came through ('api' or 'web'). */
    async create(p: Principal, body: CreateOfferingBody, opts: { source?: 'api' | 'web' } = {}): Promise<OfferingView> {
      requireMay(p, 'file');
      const providerId = await resolveProvider(p, body.providerId);
      const { providerId: _ignored, ...input } = body;
      const problems = await semanticProblems(input);
      if (problems.length) throw badRequest('The offering is not valid.', problems);
      const values = await toValues(providerId, input, opts.source ?? 'api', [], await providerName(providerId));
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.insert(offerings).values(values).returning();
        await announce(tx, p, 'offering.create', r.id, { after: { title: r.title, thematicAreas: r.thematicAreas } });
        return r;
      });
      return toOfferingView(row);
    },

    resolveProvider,

    /** A JSON array of offerings (the API's bulk route): every row checked, all or nothing. */
    async importJson(p: Principal, providerId: string, items: unknown[]) {
      requireMay(p, 'file');
      const rows = await checkRows(items.map((value, i) => ({ row: i + 1, value })), []);
      return upsertMany(p, providerId, rows, 'bulk');
    },

    /** A CSV upload: parsed, every row checked (problems carry their spreadsheet line), all or nothing. */
    async importCsv(p: Principal, providerId: string, text: string) {
      requireMay(p, 'file');
      const parsed = parseOfferingsCsv(text);
      const rows = await checkRows([
        ...parsed.items, ...(parsed.partial ?? []),
      ].sort((a, b) => a.row - b.row), parsed.errors);
      return upsertMany(p, providerId, rows, 'csv');
    },

    /**
     * An IATI 2.0x activity file. Under a provider's key every activity must be reported by that
     * provider (reporting-org/@ref equal to the provider's IATI identifier, recorded by an admin):
     * another organisation's file needs an admin.
     */
    async importIati(p: Principal, providerId: string, xml: string) {
      requireMay(p, 'file');
      const ref = await deps.reference.get();
      let parsed;
      try {
        parsed = parseIatiActivities(xml, { dacToArea: ref.dacToArea, iso2ToIso3: ref.iso2ToIso3, m49Regions: ref.regionCodes });
      } catch (err) {
        if (err instanceof IatiFormatError) throw badRequest(err.message, err.details.map((d) => ({ ...d, code: 'iati.format', params: { detail: d.message } })));
        throw err;
      }
      if (p.role === 'provider') {
        const [prov] = await db.select({ name: providers.name, iatiOrgRef: providers.iatiOrgRef }).from(providers).where(eq(providers.id, providerId));
        const own = prov?.iatiOrgRef?.trim().toUpperCase() ?? null;
        const foreign = parsed.reportingOrgs.filter((o) => !own || o.ref?.trim().toUpperCase() !== own);
        if (foreign.length) {
          throw new AppError(403, 'foreign_reporting_org', own
            ? `This file is reported by another organisation; a provider key imports only files whose reporting-org is ${own}. An admin can import it for you.`
            : 'Your IATI organisation identifier is not on record, so OneDoor cannot tell that this file is yours. Ask an admin to record it, or to import the file.',
          foreign.slice(0, 50).map((o) => ({
            path: `rows.${o.row}.reporting-org`,
            message: `reported by ${o.ref ?? '(no ref)'}${o.name ? ` (${o.name})` : ''}, not by ${own ?? 'a recorded identifier of yours'}`,
            code: own ? 'iati.reportingOrg' : 'iati.reportingOrgUnknown',
            params: { ref: o.ref ?? '—', name: o.name ?? '', own: own ?? '—' },
          })));
        }
      }
      const rows = await checkRows(parsed.items, parsed.errors);
      return upsertMany(p, providerId, rows, 'iati');
    },

    async update(p: Principal, id: string, patch: UpdateOfferingBody): Promise<OfferingView> {

      requireMay(p, 'file');
      const row = await loadOwned(p, id);
      const merged = {
        availableFrom: patch.availableFrom === undefined ? row.availableFrom?.toISOString() : patch.availableFrom ?? undefined,
        availableUntil: patch.availableUntil === undefined ? row.availableUntil?.toISOString() : patch.availableUntil ?? undefined,
        eligibility: patch.eligibility, thematicAreas: patch.thematicAreas,
      };
      const problems = await semanticProblems(merged);
      if (problems.length) throw badRequest('The change is not valid.', problems);
      const set: Partial<typeof offerings.$inferInsert> = { updatedAt: new Date(), lastConfirmedAt: new Date() };
      if (patch.title !== undefined) set.title = patch.title;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.modalities !== undefined) set.modalities = uniq(patch.modalities);
      if (patch.languages !== undefined) set.languages = uniq(patch.languages);
      if (patch.eligibility !== undefined) {
        set.eligibilityRegions = uniq(patch.eligibility.regions ?? []);
        set.eligibilityCountries = uniq(patch.eligibility.countries ?? []);
      }
      if (patch.availableFrom !== undefined) set.availableFrom = patch.availableFrom ? new Date(patch.availableFrom) : null;
      if (patch.availableUntil !== undefined) set.availableUntil = patch.availableUntil ? new Date(patch.availableUntil) : null;
      if (patch.capacity !== undefined) set.capacity = patch.capacity;
      if (patch.budget !== undefined) { set.budgetAmount = patch.budget?.amount ?? null; set.budgetCurrency = patch.budget?.currency ?? null; }
      if (patch.translations !== undefined) set.translations = patch.translations;
      const title = patch.title ?? row.title;
      const description = patch.description ?? row.description;
      if (patch.title !== undefined || patch.description !== undefined) set.language = detectLanguage(`${title}\n${description}`);
      const language = (set.language ?? row.language) as OfferingView['language'];
      const explicit = patch.thematicAreas !== undefined ? uniq(patch.thematicAreas) : row.thematicAreasInferred ? [] : row.thematicAreas;
      if (patch.title !== undefined || patch.description !== undefined || patch.thematicAreas !== undefined || patch.translations !== undefined) {
        // The text, its other versions or its areas changed: analysed again (once), areas inferred again when none are given.
        const areas = explicit.length ? explicit : await deps.areas.inferAreas(`${title}\n${description}`, language);
        Object.assign(set, await derived({ title, description, language, versions: versionsOf(patch.translations ?? row.translations) }, areas, explicit.length === 0, await providerName(row.providerId)));
      }
      const updated = await db.transaction(async (tx) => {
        const [r] = await tx.update(offerings).set(set).where(eq(offerings.id, id)).returning();
        await announce(tx, p, 'offering.update', id, { changed: Object.keys(patch) });
        return r;
      });
      return toOfferingView(updated);
    },

    /** Closes an offering: it is never proposed again. */
    async close(p: Principal, id: string): Promise<OfferingView> {
      requireMay(p, 'file');
      await loadOwned(p, id);
      const r = await db.transaction(async (tx) => {
        const [row] = await tx.update(offerings).set({ status: 'closed', updatedAt: new Date() }).where(eq(offerings.id, id)).returning();
        await announce(tx, p, 'offering.close', id, { after: { status: 'closed' } });
        return row;
      });
      return toOfferingView(r);
    },

    /** The provider confirms the offering is still current (resets the 180-day freshness clock). */
    async confirm(p: Principal, id: string): Promise<OfferingView> {
      requireMay(p, 'file');
      await loadOwned(p, id);
      const r = await db.transaction(async (tx) => {
        const [row] = await tx.update(offerings).set({ lastConfirmedAt: new Date(), updatedAt: new Date() }).where(eq(offerings.id, id)).returning();
        await announce(tx, p, 'offering.confirm', id, {});
        return row;
      });
      return toOfferingView(r);
    },

    /** One offering, whole (for the service's own callers and pages that need its title). */
    get: getOne,

    /** One offering as `p` may read it (GET /v1/offerings/:id). */
    async getFor(p: Principal, id: string): Promise<OfferingView> {
      const [row] = await db.select({ o: offerings, pending: sql<boolean>`${providerPendingSql()}` }).from(offerings).where(eq(offerings.id, id));
      if (!row || !seesProviderOfferings(p, row.o.providerId, row.pending)) throw notFound('Offering');
      return offeringViewFor(p, toOfferingView(row.o));
    },

    /** A provider's own offerings (others' for CTED, entities and admins), oldest first; by offset or keyset `cursor` (created_at, id). */
    async list(p: Principal, q: { providerId?: string; status?: string; limit: number; offset: number; cursor?: string }) {
      const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const conds = [];
      if (p.role === 'provider') conds.push(eq(offerings.providerId, p.providerId!));
      else if (q.providerId) conds.push(eq(offerings.providerId, q.providerId));
      if (q.status) conds.push(eq(offerings.status, q.status));
      conds.push(offeringVisibleSql(p));
      if (after) conds.push(sql`(${offerings.createdAt}, ${offerings.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await db.select({ o: offerings, key: sql<string>`${offerings.createdAt}::text` }).from(offerings).where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(offerings.createdAt), asc(offerings.id)).limit(q.limit + 1).offset(after ? 0 : q.offset);
      const now = new Date();
      const page = pageOf(rows, q.limit, (x) => [x.key, x.o.id]);
      return { items: page.items.map((r) => offeringViewFor(p, toOfferingView(r.o, now))), nextOffset: rows.length > q.limit ? q.offset + q.limit : null, nextCursor: page.nextCursor };
    },
  };
}
export type OfferingsService = ReturnType<typeof createOfferingsService>;
