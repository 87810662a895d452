import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { offerings, providers } from '../../../db/schema/index.js';
import { badRequest, notFound, type ErrorDetail } from '../../errors.js';
import { isEligible, type Lang, type StateGeo, type ThematicAreaRef } from '../../matching/index.js';
import { isProposable } from '../offerings/offerings.service.js';
import type { ReferenceService, ReferenceSnapshot } from '../reference/reference.service.js';
import type { DirectoryOffering, DirectoryPage, DirectoryQuery } from './directory.schemas.js';
import { OfferingSearchIndex } from './offering-search.index.js';

type OfferingRow = typeof offerings.$inferSelect;
interface ProviderFacts { id: string; name: string; kind: string }
interface Entry { o: OfferingRow; provider: ProviderFacts }

// Rows committed with an updated_at slightly older than the watermark (a transaction that began
// earlier and committed later) are caught by looking back this far on every sync.
const SYNC_OVERLAP_MS = 5_000;

/** The public view of an offering: only what a member state browsing the directory needs. */
export function toDirectoryOffering(o: OfferingRow, provider: ProviderFacts, now: Date, score: number | null = null): DirectoryOffering {
  return {
    id: o.id, title: o.title, description: o.description, language: o.language as Lang,
    provider: { id: provider.id, name: provider.name, kind: provider.kind },
    thematicAreas: o.thematicAreas, modalities: o.modalities, languages: o.languages,
    eligibility: {
      worldwide: o.eligibilityRegions.length === 0 && o.eligibilityCountries.length === 0,
      regions: o.eligibilityRegions, countries: o.eligibilityCountries,
    },
    availableFrom: o.availableFrom?.toISOString() ?? null,
    availableUntil: o.availableUntil?.toISOString() ?? null,
    budget: o.budgetAmount !== null && o.budgetCurrency ? { amount: o.budgetAmount, currency: o.budgetCurrency } : null,
    lastConfirmedAt: o.lastConfirmedAt.toISOString(),
    proposable: isProposable(o, now),
    score: score === null ? null : Math.round(score * 10_000) / 10_000,
  };
}

const geoOf = (s: ReferenceSnapshot['states'][number]): StateGeo => ({ iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion });

/**
 * Whether an offering is open to at least one member state of an M49 region (any level): it is
 * worldwide, lists a country of the region, or lists the region itself, a region containing it or a
 * region inside it. Two M49 codes overlap exactly when some state belongs to both, so `codes` is the
 * set of every code placing a state of the region, and `countries` those states.
 */
export function servesRegion(o: Pick<OfferingRow, 'eligibilityRegions' | 'eligibilityCountries'>, region: { codes: ReadonlySet<string>; countries: ReadonlySet<string> }): boolean {
  if (o.eligibilityRegions.length === 0 && o.eligibilityCountries.length === 0) return true;
  return o.eligibilityCountries.some((c) => region.countries.has(c)) || o.eligibilityRegions.some((r) => region.codes.has(r));
}

/** The M49 codes and member states that overlap a region code; empty when no state is placed in it. */
export function regionScope(ref: ReferenceSnapshot, code: string): { codes: Set<string>; countries: Set<string> } {
  const codes = new Set<string>();
  const countries = new Set<string>();
  for (const s of ref.states) {
    const own = [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x);
    if (!own.includes(code)) continue;
    countries.add(s.iso3);
    for (const c of own) codes.add(c);
  }
  return { codes, countries };
}

/**
 * The public offering directory (issue 5, modelled on UNODC's ADAM): full-text search in any UN
 * language over an in-memory index kept current from `updated_at`, with eligibility, thematic,
 * modality, provider and language filters.
 */
export function createDirectoryService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  let index: Promise<OfferingSearchIndex> | undefined;
  const entries = new Map<string, Entry>();
  let watermark = new Date(0);
  let tail: Promise<void> = Promise.resolve();
  let pending: Promise<void> | undefined;

  function getIndex(): Promise<OfferingSearchIndex> {
    index ??= deps.reference.get().then((ref) => new OfferingSearchIndex(ref.areas.map((a): ThematicAreaRef => ({
      code: a.code, pillar: a.pillar, names: a.names, entities: a.entities, terms: a.terms as ThematicAreaRef['terms'], dacCodes: a.dacCodes,
    })))).catch((err) => { index = undefined; throw err; });
    return index;
  }

  async function runSync(): Promise<void> {
    const idx = await getIndex();
    const since = new Date(watermark.getTime() - SYNC_OVERLAP_MS);
    const rows = await db.select({ o: offerings, p: { id: providers.id, name: providers.name, kind: providers.kind } })
      .from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId))
      .where(gt(offerings.updatedAt, since)).orderBy(asc(offerings.updatedAt));
    for (const { o, p } of rows) {
      const known = entries.get(o.id);
      if (known && known.o.updatedAt.getTime() === o.updatedAt.getTime() && known.provider.name === p.name) continue;
      idx.upsert({ id: o.id, title: o.title, description: o.description, language: o.language as Lang, providerName: p.name, thematicAreas: o.thematicAreas });
      entries.set(o.id, { o, provider: p });
      if (o.updatedAt > watermark) watermark = o.updatedAt;
    }
  }

  /**
   * Brings the index up to date. Runs are serialised; a caller shares a run only if it has not
   * started yet, so every write committed before the call is seen (read-your-writes).
   */
  function sync(): Promise<void> {
    if (pending) return pending;
    const run = tail.catch(() => {}).then(() => { pending = undefined; return runSync(); });
    pending = run;
    tail = run;
    return run;
  }

  function checkFilters(q: DirectoryQuery, ref: ReferenceSnapshot): void {
    const problems: ErrorDetail[] = [];
    if (q.thematicArea && !ref.areaByCode.has(q.thematicArea)) problems.push({ path: 'querystring.thematicArea', message: `unknown thematic area "${q.thematicArea}" (see /v1/reference/thematic-areas)` });
    if (q.region && !ref.regionCodes.has(q.region)) problems.push({ path: 'querystring.region', message: `"${q.region}" is not an M49 region, sub-region or intermediate region of any member state` });
    if (q.country && !ref.stateByIso3.has(q.country)) problems.push({ path: 'querystring.country', message: `"${q.country}" is not a UN member state` });
    if (problems.length) throw badRequest('The query is not valid.', problems);
  }

  return {
    /** Searches the directory; without `q` lists the matching offerings, most recently confirmed first. */
    async search(q: DirectoryQuery, now = new Date()): Promise<DirectoryPage> {
      const ref = await deps.reference.get();
      checkFilters(q, ref);
      await sync();
      const idx = await getIndex();
      const text = q.q?.trim() ?? '';
      const scores = text ? idx.search(text) : null;
      const region = q.region ? regionScope(ref, q.region) : null;
      const country = q.country ? geoOf(ref.stateByIso3.get(q.country)!) : null;

      const pool: Entry[] = scores ? [...scores.keys()].map((id) => entries.get(id)).filter((e): e is Entry => !!e) : [...entries.values()];
      const hits = pool.filter(({ o }) => {
        if (!q.includeInactive && !isProposable(o, now)) return false;
        if (q.thematicArea && !o.thematicAreas.includes(q.thematicArea)) return false;
        if (q.modality && !o.modalities.includes(q.modality)) return false;
        if (q.language && !o.languages.includes(q.language)) return false;
        if (q.providerId && o.providerId !== q.providerId) return false;
        if (region && !servesRegion(o, region)) return false;
        if (country && !isEligible({ eligibility: { regions: o.eligibilityRegions, countries: o.eligibilityCountries } }, country)) return false;
        return true;
      });
      const byFreshness = (a: Entry, b: Entry) => b.o.lastConfirmedAt.getTime() - a.o.lastConfirmedAt.getTime() || a.o.id.localeCompare(b.o.id);
      hits.sort(scores ? (a, b) => scores.get(b.o.id)! - scores.get(a.o.id)! || byFreshness(a, b) : byFreshness);
      return {
        items: hits.slice(q.offset, q.offset + q.limit).map((e) => toDirectoryOffering(e.o, e.provider, now, scores ? scores.get(e.o.id)! : null)),
        total: hits.length,
        limit: q.limit,
        offset: q.offset,
      };
    },

    /** One offering's public view (also when closed or expired; `proposable` says so). */
    async get(id: string, now = new Date()): Promise<DirectoryOffering> {
      const [row] = await db.select({ o: offerings, p: { id: providers.id, name: providers.name, kind: providers.kind } })
        .from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId)).where(eq(offerings.id, id));
      if (!row) throw notFound('Offering');
      return toDirectoryOffering(row.o, row.p, now);
    },

    /** Brings the in-memory index up to date now (tests, warm-up at start). */
    sync,
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
