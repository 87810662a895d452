import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { offerings, providers } from '../../../db/schema/index.js';
import { badRequest, forbidden, notFound, type ErrorDetail } from '../../errors.js';
import { detectLanguage } from '../../matching/language.detect.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { uniq } from '../common.schemas.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
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

export function toOfferingView(o: OfferingRow, now = new Date()): OfferingView {
  return {
    id: o.id, providerId: o.providerId, title: o.title, description: o.description, language: o.language as OfferingView['language'],
    modalities: o.modalities, eligibility: { regions: o.eligibilityRegions, countries: o.eligibilityCountries },
    languages: o.languages, availableFrom: o.availableFrom?.toISOString() ?? null, availableUntil: o.availableUntil?.toISOString() ?? null,
    capacity: o.capacity, budget: o.budgetAmount !== null && o.budgetCurrency ? { amount: o.budgetAmount, currency: o.budgetCurrency } : null,
    thematicAreas: o.thematicAreas, thematicAreasInferred: o.thematicAreasInferred, status: o.status as 'open' | 'closed',
    translations: o.translations.map((t) => ({ language: t.language as OfferingView['language'], title: t.title, description: t.description })),
    lastConfirmedAt: o.lastConfirmedAt.toISOString(), proposable: isProposable(o, now), source: o.source, externalRef: o.externalRef,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
  };
}

export interface AreaInference { inferAreas(text: string, lang: OfferingView['language']): Promise<string[]> }

/** Provider offerings: one by one, in bulk (JSON, CSV, IATI), with freshness. */
export function createOfferingsService(deps: { db: Db; reference: ReferenceService; areas: AreaInference }) {
  const { db } = deps;

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

  async function toValues(providerId: string, input: OfferingInput, source: string) {
    const text = `${input.title}\n${input.description}`;
    const language = detectLanguage(text);
    const explicit = uniq(input.thematicAreas ?? []);
    const areas = explicit.length ? explicit : await deps.areas.inferAreas(text, language);
    return {
      providerId, title: input.title, description: input.description, language,
      languages: uniq(input.languages), modalities: uniq(input.modalities ?? []),
      eligibilityRegions: uniq(input.eligibility?.regions ?? []), eligibilityCountries: uniq(input.eligibility?.countries ?? []),
      thematicAreas: areas, thematicAreasInferred: explicit.length === 0,
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
   * rows with an externalRef already known for the provider are updated, not duplicated.
   */
  async function upsertMany(p: Principal, providerId: string, rows: { row: number; value: OfferingInput }[], source: string, rowErrors: ErrorDetail[] = []) {
    const problems = [...rowErrors];
    for (const r of rows) problems.push(...await semanticProblems(r.value, `rows.${r.row}.`));
    if (problems.length) throw badRequest(`${problems.length} problem(s) found; nothing was imported.`, problems.slice(0, 500));
    if (rows.length === 0) throw badRequest('Nothing to import.', [{ path: 'rows', message: 'no rows' }]);
    const inputs = rows.map((r) => r.value);
    const values: Awaited<ReturnType<typeof toValues>>[] = [];
    for (const input of inputs) values.push(await toValues(providerId, input, source));
    return db.transaction(async (tx) => {
      const refs = values.map((v) => v.externalRef).filter((r): r is string => !!r);
      const existing = refs.length
        ? await tx.select({ id: offerings.id, externalRef: offerings.externalRef }).from(offerings).where(and(eq(offerings.providerId, providerId), inArray(offerings.externalRef, refs)))
        : [];
      const byRef = new Map(existing.map((e) => [e.externalRef!, e.id]));
      const ids: string[] = [];
      let created = 0; let updated = 0;
      for (const v of values) {
        const known = v.externalRef ? byRef.get(v.externalRef) : undefined;
        if (known) {
          await tx.update(offerings).set({ ...v, updatedAt: new Date(), lastConfirmedAt: new Date() }).where(eq(offerings.id, known));
          await announce(tx, p, 'offering.update', known, { source });
          ids.push(known); updated++;
        } else {
          const [r] = await tx.insert(offerings).values(v).returning({ id: offerings.id });
          if (v.externalRef) byRef.set(v.externalRef, r.id);
          await announce(tx, p, 'offering.create', r.id, { source });
          ids.push(r.id); created++;
        }
      }
      return { created, updated, ids };
    });
  }

  return {
    async create(p: Principal, body: CreateOfferingBody): Promise<OfferingView> {
      const providerId = await resolveProvider(p, body.providerId);
      const { providerId: _ignored, ...input } = body;
      const problems = await semanticProblems(input);
      if (problems.length) throw badRequest('The offering is not valid.', problems);
      const values = await toValues(providerId, input, 'api');
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
      if (patch.translations !== undefined) set.translations = patch.translations;
      const title = patch.title ?? row.title;
      const description = patch.description ?? row.description;
      if (patch.title !== undefined || patch.description !== undefined) set.language = detectLanguage(`${title}\n${description}`);
      if (patch.thematicAreas !== undefined && patch.thematicAreas.length) {
        set.thematicAreas = uniq(patch.thematicAreas); set.thematicAreasInferred = false;
      } else if ((patch.thematicAreas !== undefined || patch.title !== undefined || patch.description !== undefined) && (row.thematicAreasInferred || patch.thematicAreas?.length === 0)) {
        set.thematicAreas = await deps.areas.inferAreas(`${title}\n${description}`, (set.language ?? row.language) as OfferingView['language']);
        set.thematicAreasInferred = true;
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
