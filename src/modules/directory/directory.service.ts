import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { offerings, providers } from '../../../db/schema/index.js';
import { badRequest, notFound, type ErrorDetail } from '../../errors.js';
import { stateRegionCodes, type Lang, type StateGeo, type ThematicAreaRef } from '../../matching/index.js';
import { SEARCH_WEIGHTS } from '../offerings/offering-analysis.js';
import { isProposable, proposableSql } from '../offerings/offerings.service.js';
import { offeringVisibleSql } from '../offerings/offering-visibility.js';
import type { ReferenceService, ReferenceSnapshot } from '../reference/reference.service.js';
import type { DirectoryOffering, DirectoryPage, DirectoryQuery } from './directory.schemas.js';
import { DirectoryQueryAnalyser } from './directory-query.js';

type OfferingRow = typeof offerings.$inferSelect;
interface ProviderFacts { id: string; name: string; kind: string }

/** The public view of an offering: only what a member state browsing the directory needs. */
export function toDirectoryOffering(o: Pick<OfferingRow, 'id' | 'title' | 'description' | 'language' | 'thematicAreas' | 'modalities' | 'languages' | 'eligibilityRegions' | 'eligibilityCountries' | 'availableFrom' | 'availableUntil' | 'budgetAmount' | 'budgetCurrency' | 'lastConfirmedAt' | 'status'>, provider: ProviderFacts, now: Date, score: number | null = null): DirectoryOffering {
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

/** servesRegion as an SQL condition on `offerings` (the database filters before it ranks and limits). */
export function servesRegionSql(region: { codes: ReadonlySet<string>; countries: ReadonlySet<string> }): SQL {
  return sql`((cardinality(${offerings.eligibilityRegions}) = 0 and cardinality(${offerings.eligibilityCountries}) = 0)
    or ${offerings.eligibilityCountries} && ${sql.param([...region.countries])}::text[]
    or ${offerings.eligibilityRegions} && ${sql.param([...region.codes])}::text[])`;
}

/** isEligible (src/matching/filters.ts) as an SQL condition: worldwide, listing the state, or listing one of its M49 regions. */
export function eligibleSql(state: StateGeo): SQL {
  return sql`((cardinality(${offerings.eligibilityRegions}) = 0 and cardinality(${offerings.eligibilityCountries}) = 0)
    or ${offerings.eligibilityCountries} @> array[${state.iso3}]::text[]
    or ${offerings.eligibilityRegions} && ${sql.param(stateRegionCodes(state))}::text[])`;
}

/**
 * The public offering directory (issue 5, modelled on UNODC's ADAM): full-text search in any UN
 * language, answered by PostgreSQL (or PGlite) from the search vectors stored with the offerings
 * (the engine's analysed words and concept tokens, GIN-indexed), ranked and limited in SQL, with
 * eligibility, thematic, modality, provider and language filters. The API process holds nothing but
 * the query analyser, so any number of API processes answer alike and their memory does not grow
 * with the catalogue.
 */
export function createDirectoryService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  let analyser: Promise<DirectoryQueryAnalyser> | undefined;

  function getAnalyser(): Promise<DirectoryQueryAnalyser> {
    analyser ??= deps.reference.get().then((ref) => new DirectoryQueryAnalyser(ref.areas.map((a): ThematicAreaRef => ({
      code: a.code, pillar: a.pillar, names: a.names, entities: a.entities, terms: a.terms as ThematicAreaRef['terms'], dacCodes: a.dacCodes,
    })))).catch((err) => { analyser = undefined; throw err; });
    return analyser;
  }

  function checkFilters(q: DirectoryQuery, ref: ReferenceSnapshot): void {
    const problems: ErrorDetail[] = [];
    if (q.thematicArea && !ref.areaByCode.has(q.thematicArea)) problems.push({ path: 'querystring.thematicArea', message: `unknown thematic area "${q.thematicArea}" (see /v1/reference/thematic-areas)` });
    if (q.region && !ref.regionCodes.has(q.region)) problems.push({ path: 'querystring.region', message: `"${q.region}" is not an M49 region, sub-region or intermediate region of any member state` });
    if (q.country && !ref.stateByIso3.has(q.country)) problems.push({ path: 'querystring.country', message: `"${q.country}" is not a UN member state` });
    if (problems.length) throw badRequest('The query is not valid.', problems);
  }

  /** The page's SQL: filters, then (with a query) the GIN match and the rank, ordered, limited, with the total (not run yet). */
  async function pageQuery(q: DirectoryQuery, now: Date) {
    const ref = await deps.reference.get();
    checkFilters(q, ref);
    const text = q.q?.trim() ?? '';
    const groups = text ? (await getAnalyser()).termGroups(text) : null;
    const conds: SQL[] = [offeringVisibleSql(null)];
    if (!q.includeInactive) conds.push(proposableSql(now));
    if (q.thematicArea) conds.push(sql`${offerings.thematicAreas} @> array[${q.thematicArea}]::text[]`);
    if (q.modality) conds.push(sql`${offerings.modalities} @> array[${q.modality}]::text[]`);
    if (q.language) conds.push(sql`${offerings.languages} @> array[${q.language}]::text[]`);
    if (q.providerId) conds.push(eq(offerings.providerId, q.providerId));
    if (q.region) conds.push(servesRegionSql(regionScope(ref, q.region)));
    if (q.country) conds.push(eligibleSql(geoOf(ref.stateByIso3.get(q.country)!)));
    let score: SQL = sql`null::real`;
    if (groups) {
      // Nothing to search for (only stop words, say): nothing matches, as a search for nothing should.
      if (!groups.length) return null;
      conds.push(sql`${offerings.searchVector} @@ ${groups.map((g) => g.tsquery).join(' | ')}::tsquery`);
      score = sql.join(groups.map((g) => sql`${g.boost}::real * ts_rank(${SEARCH_WEIGHTS}::real[], ${offerings.searchVector}, ${g.tsquery}::tsquery)`), sql` + `);
    }
    const query = db.select({
      o: {
        id: offerings.id, title: offerings.title, description: offerings.description, language: offerings.language,
        thematicAreas: offerings.thematicAreas, modalities: offerings.modalities, languages: offerings.languages,
        eligibilityRegions: offerings.eligibilityRegions, eligibilityCountries: offerings.eligibilityCountries,
        availableFrom: offerings.availableFrom, availableUntil: offerings.availableUntil, budgetAmount: offerings.budgetAmount,
        budgetCurrency: offerings.budgetCurrency, lastConfirmedAt: offerings.lastConfirmedAt, status: offerings.status,
      },
      p: { id: providers.id, name: providers.name, kind: providers.kind },
      score: sql<number | null>`${score}`.as('score'),
      total: sql<number>`count(*) over ()`.mapWith(Number),
    }).from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId))
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(...(groups ? [sql`score desc`] : []), desc(offerings.lastConfirmedAt), asc(offerings.id))
      .limit(q.limit).offset(q.offset);
    // Wrapped: a bare query builder would run as soon as this async function's promise settles.
    return { query };
  }

  return {
    /** Searches the directory; without `q` lists the matching offerings, most recently confirmed first. */
    async search(q: DirectoryQuery, now = new Date()): Promise<DirectoryPage> {
      const built = await pageQuery(q, now);
      const rows = built ? await built.query : null;
      let total = rows?.[0]?.total ?? 0;
      // A page past the end has no row to carry the total: count it alone.
      if (rows && rows.length === 0 && q.offset > 0) {
        const again = await pageQuery({ ...q, limit: 1, offset: 0 }, now);
        total = again ? (await again.query)[0]?.total ?? 0 : 0;
      }
      return {
        items: (rows ?? []).map((r) => toDirectoryOffering(r.o as OfferingRow, r.p, now, r.score === null ? null : Number(r.score))),
        total,
        limit: q.limit,
        offset: q.offset,
      };
    },

    /** The SQL of a page, run alone (the benchmark's floor: what the database itself takes). */
    pageQuery,

    /** One offering's public view (also when closed or expired; `proposable` says so). */
    async get(id: string, now = new Date()): Promise<DirectoryOffering> {
      const [row] = await db.select({ o: offerings, p: { id: providers.id, name: providers.name, kind: providers.kind } })
        .from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId)).where(and(eq(offerings.id, id), offeringVisibleSql(null)));
      if (!row) throw notFound('Offering');
      return toDirectoryOffering(row.o, row.p, now);
    },
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
