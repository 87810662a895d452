import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { auditEvents, offerings, outbox, providers } from '../../../db/schema/index.js';
import { badRequest, forbidden, notFound, type ErrorDetail } from '../../errors.js';
import { detectLanguage } from '../../matching/language.detect.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { uniq } from '../common.schemas.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import type { OfferingAnalysis } from '../../matching/index.js';
import { providerTokens, searchVectorText } from './offering-analysis.js';
import type { CreateOfferingBody, OfferingView, UpdateOfferingBody } from './offerings.schemas.js';

type OfferingRow = typeof offerings.$inferSelect;
/** An offering as it arrives, from JSON, CSV or IATI. */
export type OfferingInput = Omit<CreateOfferingBody, 'providerId'> & { externalRef?: string; status?: 'open' | 'closed' };

/** Offerings unconfirmed for longer than this are never proposed. */
export const FRESHNESS_DAYS = 180;
const DAY = 86_400_000;

/** Whether an offering may be proposed now: open, within its dates, confirmed within 180 days. */
export function isProposable(o: Pick<OfferingRow, 'status' | 'availableFrom' | 'availableUntil' | 'lastConfirmedAt'>, now = new Date()): boolean {
  if (o.status !== 'open') return false;
  if (o.availableUntil && o.availableUntil.getTime() < now.getTime()) return false;
  if (o.availableFrom && o.availableFrom.getTime() > now.getTime()) return false;
  return now.getTime() - o.lastConfirmedAt.getTime() <= FRESHNESS_DAYS * DAY;
}

/**
 * isProposable as an SQL condition on `offerings`, for the queries that filter in the database (the
 * directory, analytics). The two must say the same; tests/integration/proposable-sql.test.ts checks it.
 */
export function proposableSql(now: Date): SQL {
  const at = now.toISOString();
  return sql`(${offerings.status} = 'open'
    and (${offerings.availableUntil} is null or ${offerings.availableUntil} >= ${at}::timestamptz)
    and (${offerings.availableFrom} is null or ${offerings.availableFrom} <= ${at}::timestamptz)
    and ${offerings.lastConfirmedAt} >= ${at}::timestamptz - make_interval(days => ${FRESHNESS_DAYS}))`;
}

export function toOfferingView(o: OfferingRow, now = new Date()): OfferingView {
  return {
    id: o.id, providerId: o.providerId, title: o.title, description: o.description, language: o.language as OfferingView['language'],
    modalities: o.modalities, eligibility: { regions: o.eligibilityRegions, countries: o.eligibilityCountries },
    languages: o.languages, availableFrom: o.availableFrom?.toISOString() ?? null, availableUntil: o.availableUntil?.toISOString() ?? null,
    capacity: o.capacity, budget: o.budgetAmount !== null && o.budgetCurrency ? { amount: o.budgetAmount, currency: o.budgetCurrency } : null,
    thematicAreas: o.thematicAreas, thematicAreasInferred: o.thematicAreasInferred, status: o.status as 'open' | 'closed',
    lastConfirmedAt: o.lastConfirmedAt.toISOString(), proposable: isProposable(o, now), source: o.source, externalRef: o.externalRef,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
  };
}

export interface AreaInference { inferAreas(text: string, lang: OfferingView['language']): Promise<string[]> }

/** The engine's analysis of an offering's text, made once when the offering is written (see offering-analysis.ts). */
export interface OfferingAnalyser {
  analyseOffering(o: { title: string; description: string; language: OfferingView['language'] }): Promise<{ analysis: OfferingAnalysis; version: string; inferredAreas: string[] }>;
}

/** Offerings written in one bulk statement at most; an import of more is written in several. */
const WRITE_CHUNK = 500;
/** Offering ids carried by one outbox event (one re-matching job) of an import. */
const EVENT_CHUNK = 2_000;

/** Provider offerings: one by one, in bulk (JSON, CSV, IATI), with freshness. */
export function createOfferingsService(deps: { db: Db; reference: ReferenceService; analyser: OfferingAnalyser }) {
  const { db } = deps;

  async function providerName(providerId: string): Promise<string> {
    const [p] = await db.select({ name: providers.name }).from(providers).where(eq(providers.id, providerId));
    return p?.name ?? '';
  }

  async function semanticProblems(input: Partial<OfferingInput>, prefix = ''): Promise<ErrorDetail[]> {
    const ref = await deps.reference.get();
    const regionCodes = ref.regionCodes;
    const out: ErrorDetail[] = [];
    input.eligibility?.regions?.forEach((r, i) => { if (!regionCodes.has(r)) out.push({ path: `${prefix}eligibility.regions.${i}`, message: `"${r}" is not an M49 region, sub-region or intermediate region of any member state` }); });
    input.eligibility?.countries?.forEach((c, i) => { if (!ref.stateByIso3.has(c)) out.push({ path: `${prefix}eligibility.countries.${i}`, message: `"${c}" is not a UN member state` }); });
    input.thematicAreas?.forEach((a, i) => { if (!ref.areaByCode.has(a)) out.push({ path: `${prefix}thematicAreas.${i}`, message: `unknown thematic area "${a}"` }); });
    if (input.availableFrom && input.availableUntil && new Date(input.availableUntil) < new Date(input.availableFrom)) {
      out.push({ path: `${prefix}availableUntil`, message: 'must not be before availableFrom' });
    }
    return out;
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

  async function loadOwned(p: Principal, id: string): Promise<OfferingRow> {
    const [row] = await db.select().from(offerings).where(eq(offerings.id, id));
    if (!row) throw notFound('Offering');
    if (p.role === 'provider' && row.providerId !== p.providerId) throw notFound('Offering');
    if (p.role !== 'provider' && p.role !== 'admin') throw forbidden();
    return row;
  }

  /** The columns derived from an offering's text: analysis (once), inferred areas when none are given, search vector. */
  async function derived(text: { title: string; description: string; language: OfferingView['language'] }, explicit: string[], provider: string) {
    const { analysis, version, inferredAreas } = await deps.analyser.analyseOffering(text);
    const areas = explicit.length ? explicit : inferredAreas;
    return {
      thematicAreas: areas, thematicAreasInferred: explicit.length === 0,
      analysis: analysis as unknown as Record<string, unknown>, analysisVersion: version,
      searchVector: searchVectorText(analysis, areas, providerTokens(provider)),
    };
  }

  async function toValues(providerId: string, input: OfferingInput, source: string, provider: string) {
    const text = `${input.title}\n${input.description}`;
    const language = detectLanguage(text);
    const explicit = uniq(input.thematicAreas ?? []);
    return {
      ...await derived({ title: input.title, description: input.description, language }, explicit, provider),
      providerId, title: input.title, description: input.description, language,
      languages: uniq(input.languages), modalities: uniq(input.modalities ?? []),
      eligibilityRegions: uniq(input.eligibility?.regions ?? []), eligibilityCountries: uniq(input.eligibility?.countries ?? []),
      availableFrom: input.availableFrom ? new Date(input.availableFrom) : null,
      availableUntil: input.availableUntil ? new Date(input.availableUntil) : null,
      capacity: input.capacity ?? null, budgetAmount: input.budget?.amount ?? null, budgetCurrency: input.budget?.currency ?? null,
      status: input.status ?? 'open', source, externalRef: input.externalRef ?? null,
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
  async function upsertMany(p: Principal, providerId: string, rows: { row: number; value: OfferingInput }[], source: string, rowErrors: ErrorDetail[] = []) {
    const problems = [...rowErrors];
    for (const r of rows) problems.push(...await semanticProblems(r.value, `rows.${r.row}.`));
    if (problems.length) throw badRequest(`${problems.length} problem(s) found; nothing was imported.`, problems.slice(0, 500));
    if (rows.length === 0) throw badRequest('Nothing to import.', [{ path: 'rows', message: 'no rows' }]);
    const provider = await providerName(providerId);
    const values: Awaited<ReturnType<typeof toValues>>[] = [];
    for (const r of rows) values.push(await toValues(providerId, r.value, source, provider));
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
    async create(p: Principal, body: CreateOfferingBody): Promise<OfferingView> {
      const providerId = await resolveProvider(p, body.providerId);
      const { providerId: _ignored, ...input } = body;
      const problems = await semanticProblems(input);
      if (problems.length) throw badRequest('The offering is not valid.', problems);
      const values = await toValues(providerId, input, 'api', await providerName(providerId));
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.insert(offerings).values(values).returning();
        await announce(tx, p, 'offering.create', r.id, { after: { title: r.title, thematicAreas: r.thematicAreas } });
        return r;
      });
      return toOfferingView(row);
    },

    upsertMany,
    resolveProvider,

    async update(p: Principal, id: string, patch: UpdateOfferingBody): Promise<OfferingView> {
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
      const title = patch.title ?? row.title;
      const description = patch.description ?? row.description;
      if (patch.title !== undefined || patch.description !== undefined) set.language = detectLanguage(`${title}\n${description}`);
      const language = (set.language ?? row.language) as OfferingView['language'];
      const explicit = patch.thematicAreas !== undefined ? uniq(patch.thematicAreas) : row.thematicAreasInferred ? [] : row.thematicAreas;
      if (patch.title !== undefined || patch.description !== undefined || patch.thematicAreas !== undefined) {
        // The text or its areas changed: analysed again (once), areas inferred again when none are given.
        Object.assign(set, await derived({ title, description, language }, explicit, await providerName(row.providerId)));
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
      await loadOwned(p, id);
      const r = await db.transaction(async (tx) => {
        const [row] = await tx.update(offerings).set({ lastConfirmedAt: new Date(), updatedAt: new Date() }).where(eq(offerings.id, id)).returning();
        await announce(tx, p, 'offering.confirm', id, {});
        return row;
      });
      return toOfferingView(r);
    },

    async get(id: string): Promise<OfferingView> {
      const [row] = await db.select().from(offerings).where(eq(offerings.id, id));
      if (!row) throw notFound('Offering');
      return toOfferingView(row);
    },

    async list(p: Principal, q: { providerId?: string; status?: string; limit: number; offset: number }) {
      const conds = [];
      if (p.role === 'provider') conds.push(eq(offerings.providerId, p.providerId!));
      else if (q.providerId) conds.push(eq(offerings.providerId, q.providerId));
      if (q.status) conds.push(eq(offerings.status, q.status));
      const rows = await db.select().from(offerings).where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(offerings.createdAt), asc(offerings.id)).limit(q.limit + 1).offset(q.offset);
      const now = new Date();
      return { items: rows.slice(0, q.limit).map((r) => toOfferingView(r, now)), nextOffset: rows.length > q.limit ? q.offset + q.limit : null };
    },
  };
}
export type OfferingsService = ReturnType<typeof createOfferingsService>;
