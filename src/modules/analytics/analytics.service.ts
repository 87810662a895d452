import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client.js';
import { m49Regions } from '../../../db/schema/index.js';
import { badRequest, forbidden, type ErrorDetail } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { decodeCursor, encodeCursor } from '../keyset-cursor.js';
import { proposableSql } from '../offerings/offerings.service.js';
import { readsNeedDescription } from '../needs/need-visibility.js';
import type { ReferenceService, ReferenceSnapshot } from '../reference/reference.service.js';
import { overlapIndex, type OverlapIndex, type OverlapPair } from './overlap-pairs.js';
import { OPEN_STATUSES } from '../requests/request-lifecycle.js';
import type {
  AnalyticsFilter, DurationStats, NeedsMatrix, Outcomes, Overlaps, OverlapsQuery, SupplyDemand, SupplyDemandQuery, Timings, UnmatchedNeeds, UnmatchedNeedsQuery,
} from './analytics.schemas.js';

/** A need counts as matched once a linked request has reached an entity (or gone further). */
const MATCHED_STATUSES = ['routed', 'accepted', 'in_delivery', 'completed'];
const OUTCOMES = ['met', 'partly_met', 'not_met'] as const;
/** A pair's cells and offerings listed in the JSON answer at most (the count is always whole; the CSV lists every cell). */
const PAIR_LIST_MAX = 100;

/** Whose numbers: everything (CTED, admins) or what one Task Force entity may see. */
export interface AnalyticsScope { entity: string | null }

/** CTED and admins see all; an entity sees all but restricted requests not routed to it; others none. */
export function analyticsScope(p: Principal): AnalyticsScope {
  if (p.role === 'cted' || p.role === 'admin') return { entity: null };
  if (p.role === 'entity' && p.entity) return { entity: p.entity };
  throw forbidden('Analytics are for CTED, Task Force entities and admins.');
}

/** The request rows a scope may count (mirrors canViewRequest for entities), on the alias `r`. */
function visibleSql(scope: AnalyticsScope): SQL {
  if (scope.entity === null) return sql`true`;
  return sql`(r.confidentiality <> 'restricted' or (r.routed_entity = ${scope.entity} and r.status in ${sql.raw(list(MATCHED_STATUSES))}))`;
}

const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;

/** A request's thematic areas as its view shows them (requestAreas): explicit ones, else the classified ones; on the alias `r`. */
const AREAS_SQL = sql`(case when cardinality(r.thematic_areas) > 0 then r.thematic_areas
  else coalesce(array(select jsonb_array_elements(r.classified_areas) ->> 'code'), '{}'::text[]) end)`;

/** Linear interpolation between closest ranks (the usual "type 7" percentile; the median of 1,2,3,4 is 2.5). PostgreSQL's percentile_cont is the same. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * CTED's needs matrix and gap analytics (issue 5): where identified needs are met, where supply and
 * demand diverge, where providers duplicate effort, how long requests take and how they end. Every
 * figure is an aggregate computed by PostgreSQL (counts, percentiles) from one row per request, need
 * or offering; the API process only shapes the answer, but for the overlap report's provider pairs,
 * counted over one bit set per provider (overlap-pairs.ts says why). Answers are counts and codes, never
 * the titles or descriptions of requests.
 */
export function createAnalyticsService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  let regionNames: Promise<Map<string, string>> | undefined;

  async function rows<T>(q: SQL): Promise<T[]> {
    return rowsOf<T>(await db.execute(q));
  }

  const getRegionNames = () => {
    regionNames ??= db.select({ code: m49Regions.code, name: m49Regions.name }).from(m49Regions)
      .then((r) => new Map(r.map((x) => [x.code, x.name])))
      .catch((err) => { regionNames = undefined; throw err; });
    return regionNames;
  };

  /** Validates the filter codes; returns SQL conditions on a member state column and on an areas array. */
  async function filterOf(f: Pick<AnalyticsFilter, 'memberState' | 'region' | 'thematicArea'>) {
    const ref = await deps.reference.get();
    const problems: ErrorDetail[] = [];
    if (f.memberState && !ref.stateByIso3.has(f.memberState)) problems.push({ path: 'querystring.memberState', message: `"${f.memberState}" is not a UN member state` });
    if (f.region && !ref.regionCodes.has(f.region)) problems.push({ path: 'querystring.region', message: `"${f.region}" is not an M49 region, sub-region or intermediate region of any member state` });
    if (f.thematicArea && !ref.areaByCode.has(f.thematicArea)) problems.push({ path: 'querystring.thematicArea', message: `unknown thematic area "${f.thematicArea}"` });
    if (problems.length) throw badRequest('The query is not valid.', problems);
    const inRegion = f.region ? ref.states.filter((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].includes(f.region!)).map((s) => s.iso3) : null;
    return {
      ref,
      state: (col: SQL) => sql`${f.memberState ? sql`${col} = ${f.memberState}` : sql`true`} and ${inRegion ? sql`${col} = any(${sql.param(inRegion)}::text[])` : sql`true`}`,
      areas: (arr: SQL) => (f.thematicArea ? sql`${arr} @> array[${f.thematicArea}]::text[]` : sql`true`),
    };
  }

  /** Needs linked to a request (that the scope may count) which reached an entity or went further: SQL for a CTE. */
  const matchedNeedsSql = (scope: AnalyticsScope) => sql`select distinct l.need_id from request_need_links l join requests r on r.id = l.request_id
    where r.status in ${sql.raw(list(MATCHED_STATUSES))} and ${visibleSql(scope)}`;

  /** Offerings open to a region (servesRegion), for each code of `codes`: how many proposable ones. */
  async function supplyByRegion(ref: ReferenceSnapshot, codes: string[], now: Date): Promise<Map<string, number>> {
    if (!codes.length) return new Map();
    // For each code, the member states placed in it at any level and every code of those states.
    const scopes = codes.map((code) => {
      const states = ref.states.filter((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].includes(code));
      return { code, countries: states.map((s) => s.iso3), codes: [...new Set(states.flatMap((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x)))] };
    });
    const out = await rows<{ code: string; n: number }>(sql`
      with s as (select * from jsonb_to_recordset(${JSON.stringify(scopes)}::jsonb) as x(code text, countries text[], codes text[])),
      o as (select eligibility_regions, eligibility_countries from offerings where ${proposableSql(now)})
      select s.code, count(o.*)::int as n from s left join o on (
        (cardinality(o.eligibility_regions) = 0 and cardinality(o.eligibility_countries) = 0)
        or o.eligibility_countries && s.countries or o.eligibility_regions && s.codes)
      group by s.code`);
    return new Map(out.map((r) => [r.code, Number(r.n)]));
  }

  /**
   * The pairs index of the overlap report at `now` (overlap-pairs.ts): one row per proposable offering naming
   * states or regions, the member states with their M49 codes, and the offerings' areas; states and areas in
   * the database's order, which is the order of the report's cells.
   */
  async function overlapIndexAt(now: Date): Promise<OverlapIndex> {
    const [offs, states, known] = await Promise.all([
      rows<{ id: string; p: string; countries: string[] | null; regions: string[] | null; areas: string[] | null }>(sql`
        select offerings.id::text as id, offerings.provider_id::text as p, offerings.eligibility_countries as countries,
          offerings.eligibility_regions as regions, offerings.thematic_areas as areas
        from offerings
        where ${proposableSql(now)} and (cardinality(offerings.eligibility_regions) > 0 or cardinality(offerings.eligibility_countries) > 0)`),
      rows<{ iso3: string; region: string | null; sub_region: string | null; intermediate_region: string | null }>(sql`
        select iso3, region, sub_region, intermediate_region from member_states order by iso3`),
      rows<{ code: string }>(sql`select code from thematic_areas order by code`),
    ]);
    // The areas named, in the database's order: the reference list's, unless an offering names a code it lacks (one more round trip then).
    const named = new Set(offs.flatMap((o) => o.areas ?? []));
    const listed = known.map((a) => a.code).filter((c) => named.has(c));
    const areas = listed.length === named.size ? listed
      : (await rows<{ area: string }>(sql`select x as area from unnest(${sql.param([...named])}::text[]) as x order by x`)).map((r) => r.area);
    return overlapIndex(
      offs.map((o) => ({ id: o.id, providerId: o.p, countries: o.countries ?? [], regions: o.regions ?? [], areas: o.areas ?? [] })),
      states.map((s) => ({ iso3: s.iso3, codes: [s.region, s.sub_region, s.intermediate_region].filter((c): c is string => !!c) })),
      areas,
    );
  }

  /** A page's pairs as the answer lists them (details cut to `max`, null: whole). */
  function pairViews(index: OverlapIndex, pairs: OverlapPair[], refs: Map<string, { id: string; name: string; kind: string }>, max: number | null): Overlaps['providerPairs'] {
    const ref2 = (id: string) => refs.get(id) ?? { id, name: '', kind: '' };
    return pairs.map((x) => {
      const d = index.detail(x, max);
      return {
        providers: [ref2(x.a), ref2(x.b)] as [ReturnType<typeof ref2>, ReturnType<typeof ref2>],
        cells: x.cells,
        memberStates: [...new Set(d.cells.map((c) => c.memberState))].sort(),
        thematicAreas: [...new Set(d.cells.map((c) => c.thematicArea))].sort(),
        cellList: d.cells,
        cellListComplete: d.cells.length === x.cells,
        offerings: [d.offA, d.offB] as [string[], string[]],
      };
    });
  }

  /** Requests accepted by two or more providers, in the report's order, from `after` on. */
  const acceptedByManySql = (scope: AnalyticsScope, after: SQL, limit: SQL) => sql`
    select r.id::text as request_id, r.member_state, r.status, ${AREAS_SQL} as areas,
      array_agg(distinct m.provider_id::text order by m.provider_id::text) as providers, count(distinct m.provider_id)::int as n
    from matches m join requests r on r.id = m.request_id
    where m.status = 'accepted' and ${visibleSql(scope)}
    group by r.id
    having count(distinct m.provider_id) >= 2 and ${after}
    order by count(distinct m.provider_id) desc, r.id ${limit}`;

  async function providerRefs(ids: string[]) {
    if (!ids.length) return new Map<string, { id: string; name: string; kind: string }>();
    const found = await rows<{ id: string; name: string; kind: string }>(sql`select id::text, name, kind from providers where id = any(${sql.param(ids)}::uuid[])`);
    return new Map(found.map((p) => [p.id, p]));
  }

  /** The unmatched needs of a scope and filter, oldest first (SQL for a CTE over `needs n`). */
  const unmatchedSql = (scope: AnalyticsScope, keep: Awaited<ReturnType<typeof filterOf>>) => sql`
    select n.id::text, n.member_state, n.priority, n.thematic_areas, n.identified_at::text as identified_at, n.created_at, n.source, n.description,
      coalesce(n.identified_at::timestamp at time zone 'UTC', n.created_at) as since
    from needs n
    where n.status = 'open' and n.id not in (${matchedNeedsSql(scope)}) and ${keep.state(sql`n.member_state`)} and ${keep.areas(sql`n.thematic_areas`)}`;

  type UnmatchedRow = { id: string; member_state: string; priority: string; thematic_areas: string[]; identified_at: string | null; created_at: Date | string; source: string | null; description: string; since: Date | string };
  const toUnmatched = (p: Principal, now: Date) => (n: UnmatchedRow) => {
    const since = new Date(n.since);
    return {
      id: n.id, memberState: n.member_state, priority: n.priority, thematicAreas: n.thematic_areas,
      identifiedAt: n.identified_at, createdAt: new Date(n.created_at).toISOString(),
      ageDays: Math.max(0, Math.floor((now.getTime() - since.getTime()) / 86_400_000)), source: n.source,
      ...(readsNeedDescription(p, n.member_state) ? { description: n.description } : {}),
    };
  };

  function durationStats(r: { n: unknown; median: unknown; p90: unknown }): DurationStats {
    const med = num(r.median);
    const p90 = num(r.p90);
    return { n: Number(r.n), medianHours: med === null ? null : round(med, 2), p90Hours: p90 === null ? null : round(p90, 2) };
  }

  return {
    /** Member state × thematic area cells of CTED's open needs, with how many are matched. */
    async needsMatrix(p: Principal, f: AnalyticsFilter): Promise<NeedsMatrix> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      const cellsSql = sql`
        with matched as (${matchedNeedsSql(scope)}),
        n as (
          select n.id, n.member_state, n.priority, a.area, (n.id in (select need_id from matched)) as matched
          from needs n cross join lateral unnest(case when cardinality(n.thematic_areas) = 0 then array[null::text] else n.thematic_areas end) as a(area)
          where n.status = 'open' and ${keep.state(sql`n.member_state`)} ${f.thematicArea ? sql`and a.area = ${f.thematicArea}` : sql``}
        )`;
      const [cells, [totals]] = await Promise.all([
        rows<{ member_state: string; area: string | null; needs: number; top: number; matched: number }>(sql`${cellsSql}
          select member_state, area, count(distinct id)::int as needs, max(case priority when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end)::int as top,
            count(distinct id) filter (where matched)::int as matched
          from n group by member_state, area`),
        rows<{ needs: number; matched: number }>(sql`${cellsSql} select count(distinct id)::int as needs, count(distinct id) filter (where matched)::int as matched from n`),
      ]);
      const PRIORITY = ['low', 'low', 'medium', 'high'] as const;
      const out = cells.map((c) => ({
        memberState: c.member_state, thematicArea: c.area, needs: Number(c.needs), highestPriority: PRIORITY[Number(c.top)] ?? 'low', matched: Number(c.matched),
        state: Number(c.matched) === 0 ? 'unmatched' as const : Number(c.matched) === Number(c.needs) ? 'matched' as const : 'partly' as const,
      }));
      out.sort((a, b) => a.memberState.localeCompare(b.memberState) || (a.thematicArea ?? '\uffff').localeCompare(b.thematicArea ?? '\uffff'));
      return { cells: out, totals: { cells: out.length, needs: Number(totals?.needs ?? 0), matchedNeeds: Number(totals?.matched ?? 0) } };
    },

    /**
     * What one cell of the matrix holds: its open needs (CTED's wording for CTED and admins) and, for
     * each, the requests linked to it that the principal may see, with whether each counts as covering
     * it (routed or later). The same needs, areas and "matched" rule as needsMatrix.
     */
    async needsCell(p: Principal, cell: { memberState: string; thematicArea: string | null }) {
      const scope = analyticsScope(p);
      await filterOf({ memberState: cell.memberState, ...(cell.thematicArea ? { thematicArea: cell.thematicArea } : {}) });
      const found = await rows<{ id: string; priority: string; identified_at: string | null; source: string | null; thematic_areas: string[]; description: string }>(sql`
        select n.id::text, n.priority, n.identified_at::text as identified_at, n.source, n.thematic_areas, n.description from needs n
        where n.status = 'open' and n.member_state = ${cell.memberState}
          and ${cell.thematicArea === null ? sql`cardinality(n.thematic_areas) = 0` : sql`n.thematic_areas @> array[${cell.thematicArea}]::text[]`}
        order by n.created_at, n.id`);
      const links = found.length ? await rows<{ need_id: string; score: number; id: string; title: string; status: string; submitted_at: Date | string; routed_entity: string | null }>(sql`
        select l.need_id::text, l.score, r.id::text, r.title, r.status, r.submitted_at, r.routed_entity
        from request_need_links l join requests r on r.id = l.request_id
        where l.need_id = any(${sql.param(found.map((n) => n.id))}::uuid[]) and ${visibleSql(scope)}`) : [];
      return found.map((n) => ({
        id: n.id, priority: n.priority, identifiedAt: n.identified_at, source: n.source, thematicAreas: n.thematic_areas,
        ...(readsNeedDescription(p, cell.memberState) ? { description: n.description } : {}),
        requests: links.filter((l) => l.need_id === n.id).sort((a, b) => Number(b.score) - Number(a.score)).map((l) => ({
          id: l.id, title: l.title, status: l.status, submittedAt: new Date(l.submitted_at).toISOString(), routedEntity: l.routed_entity,
          score: Number(l.score), covers: MATCHED_STATUSES.includes(l.status),
        })),
      }));
    },

    /** Open needs no routed (or later) request is linked to, oldest first, with age buckets over all of them. */
    async unmatchedNeeds(p: Principal, q: UnmatchedNeedsQuery, now = new Date()): Promise<UnmatchedNeeds> {
      const scope = analyticsScope(p);
      const keep = await filterOf(q);
      const at = now.toISOString();
      const [page, [agg]] = await Promise.all([
        rows<UnmatchedRow>(sql`with u as (${unmatchedSql(scope, keep)}) select * from u order by since, id limit ${q.limit} offset ${q.offset}`),
        rows<Record<string, number>>(sql`with u as (${unmatchedSql(scope, keep)}),
          a as (select greatest(0, floor(extract(epoch from (${at}::timestamptz - since)) / 86400))::int as age from u)
          select count(*)::int as total, count(*) filter (where age <= 30)::int as b0, count(*) filter (where age > 30 and age <= 90)::int as b1,
            count(*) filter (where age > 90 and age <= 180)::int as b2, count(*) filter (where age > 180)::int as b3 from a`),
      ]);
      return {
        items: page.map(toUnmatched(p, now)),
        total: Number(agg?.total ?? 0), limit: q.limit, offset: q.offset,
        buckets: { '0-30': Number(agg?.b0 ?? 0), '31-90': Number(agg?.b1 ?? 0), '91-180': Number(agg?.b2 ?? 0), '>180': Number(agg?.b3 ?? 0) },
      };
    },

    /** Every unmatched need, page by page (the CSV export streams them). */
    async *allUnmatchedNeeds(p: Principal, q: Omit<UnmatchedNeedsQuery, 'limit' | 'offset'>, now = new Date()): AsyncGenerator<UnmatchedNeeds['items']> {
      const scope = analyticsScope(p);
      const keep = await filterOf(q);
      let after: { since: string; id: string } | null = null;
      for (;;) {
        const cond: SQL = after ? sql`(since, id) > (${after.since}::timestamptz, ${after.id})` : sql`true`;
        const page: (UnmatchedRow & { since_text: string })[] = await rows(sql`with u as (${unmatchedSql(scope, keep)}) select *, since::text as since_text from u where ${cond} order by since, id limit 1000`);
        if (!page.length) return;
        yield page.map(toUnmatched(p, now));
        if (page.length < 1000) return;
        const last = page[page.length - 1]!;
        after = { since: last.since_text, id: last.id };
      }
    },

    /** Open requests and needs against proposable offerings, per thematic area and per M49 region. */
    async supplyDemand(p: Principal, q: SupplyDemandQuery, now = new Date()): Promise<SupplyDemand> {
      const scope = analyticsScope(p);
      const ref = await deps.reference.get();
      const levelCol = q.level === 'region' ? sql`ms.region` : q.level === 'subRegion' ? sql`ms.sub_region` : sql`coalesce(ms.intermediate_region, ms.sub_region)`;
      const openReq = sql`select r.* from requests r where r.status in ${sql.raw(list(OPEN_STATUSES))} and ${visibleSql(scope)}`;
      const [reqAreas, needAreas, supplyAreas, reqRegions, needRegions, names] = await Promise.all([
        rows<{ area: string; n: number }>(sql`select a.area, count(distinct r.id)::int as n from (${openReq}) r cross join lateral unnest(${AREAS_SQL}) as a(area) group by a.area`),
        rows<{ area: string; n: number }>(sql`select a.area, count(distinct n.id)::int as n from needs n cross join lateral unnest(n.thematic_areas) as a(area) where n.status = 'open' group by a.area`),
        rows<{ area: string; n: number }>(sql`select a.area, count(distinct offerings.id)::int as n from offerings cross join lateral unnest(offerings.thematic_areas) as a(area) where ${proposableSql(now)} group by a.area`),
        rows<{ code: string; n: number }>(sql`select ${levelCol} as code, count(*)::int as n from (${openReq}) r join member_states ms on ms.iso3 = r.member_state group by 1`),
        rows<{ code: string; n: number }>(sql`select ${levelCol} as code, count(*)::int as n from needs n join member_states ms on ms.iso3 = n.member_state where n.status = 'open' group by 1`),
        getRegionNames(),
      ]);
      const byArea = (xs: { area: string; n: number }[]) => new Map(xs.map((x) => [x.area, Number(x.n)]));
      const byCode = (xs: { code: string; n: number }[]) => new Map(xs.map((x) => [x.code, Number(x.n)]));
      const [ra, na, sa, rr, nr] = [byArea(reqAreas), byArea(needAreas), byArea(supplyAreas), byCode(reqRegions), byCode(needRegions)];
      const ratio = (s: number, d: number) => (d > 0 ? round(s / d, 2) : null);
      const byThematicArea = ref.areas.map((a) => {
        const openRequests = ra.get(a.code) ?? 0;
        const openNeeds = na.get(a.code) ?? 0;
        const s = sa.get(a.code) ?? 0;
        return { thematicArea: a.code, openRequests, openNeeds, supply: s, ratio: ratio(s, openRequests + openNeeds) };
      });
      const regionAt = (s: ReferenceSnapshot['states'][number]) => (q.level === 'region' ? s.m49Region : q.level === 'subRegion' ? s.m49SubRegion : s.m49IntermediateRegion ?? s.m49SubRegion);
      const codes = [...new Set(ref.states.map(regionAt))].sort();
      const supply = await supplyByRegion(ref, codes, now);
      const byRegion = codes.map((code) => {
        const openRequests = rr.get(code) ?? 0;
        const openNeeds = nr.get(code) ?? 0;
        const s = supply.get(code) ?? 0;
        return { region: code, name: names.get(code) ?? null, level: q.level, openRequests, openNeeds, supply: s, ratio: ratio(s, openRequests + openNeeds) };
      });
      return { byThematicArea, byRegion };
    },

    /**
     * Duplication of effort. Provider pairs: two providers whose proposable offerings both cover a
     * member state (by naming it or one of its M49 regions) in the same thematic area; worldwide
     * offerings are left out, since they would make every worldwide provider overlap everywhere.
     * Requests: those with accepted matches from two or more providers. Both lists come a page at a
     * time (keyset cursors), each pair with its first cells and offerings (`cells` counts them all).
     * The second argument may be the query or, as before, the time of the answer.
     */
    async overlaps(p: Principal, qOrNow: OverlapsQuery | Date = {}, maybeNow?: Date): Promise<Overlaps> {
      const q: OverlapsQuery = qOrNow instanceof Date ? {} : qOrNow;
      const now = qOrNow instanceof Date ? qOrNow : maybeNow ?? new Date();
      const scope = analyticsScope(p);
      const limit = q.limit ?? 20;
      const pc = decodeCursor(q.cursor, ['number', 'string', 'string']);
      const rc = decodeCursor(q.requestsCursor, ['number', 'string']);
      const reqAfter = rc ? sql`(count(distinct m.provider_id) < ${rc[0]} or (count(distinct m.provider_id) = ${rc[0]} and r.id::text > ${rc[1]}))` : sql`true`;
      const [index, accepted] = await Promise.all([
        overlapIndexAt(now),
        rows<{ request_id: string; member_state: string; status: string; areas: string[]; providers: string[]; n: number }>(acceptedByManySql(scope, reqAfter, sql`limit ${limit + 1}`)),
      ]);
      const pairs = index.topPairs(pc ? { cells: Number(pc[0]), a: String(pc[1]), b: String(pc[2]) } : null, limit + 1);
      const pagePairs = pairs.slice(0, limit);
      const pageReqs = accepted.slice(0, limit);
      const refs = await providerRefs([...new Set([...pagePairs.flatMap((x) => [x.a, x.b]), ...pageReqs.flatMap((x) => x.providers)])]);
      const ref2 = (id: string) => refs.get(id) ?? { id, name: '', kind: '' };
      const lastPair = pagePairs[pagePairs.length - 1];
      const lastReq = pageReqs[pageReqs.length - 1];
      return {
        providerPairs: pairViews(index, pagePairs, refs, PAIR_LIST_MAX),
        requestsAcceptedByMany: pageReqs.map((r) => ({
          requestId: r.request_id, memberState: r.member_state, status: r.status, thematicAreas: r.areas, providers: r.providers.map(ref2),
        })),
        nextCursor: pairs.length > limit && lastPair ? encodeCursor([lastPair.cells, lastPair.a, lastPair.b]) : null,
        nextRequestsCursor: accepted.length > limit && lastReq ? encodeCursor([Number(lastReq.n), lastReq.request_id]) : null,
      };
    },

    /** Every overlap, pair by pair with all its cells, then the requests (the CSV export streams them). */
    async *allOverlaps(p: Principal, now = new Date()): AsyncGenerator<{ pairs: Overlaps['providerPairs']; requests: Overlaps['requestsAcceptedByMany'] }> {
      const scope = analyticsScope(p);
      // One index for the whole export: every pair of the same moment, whatever is written meanwhile.
      const index = await overlapIndexAt(now);
      const every = index.topPairs(null, Infinity);
      for (let i = 0; i < every.length; i += 100) {
        const pairs = every.slice(i, i + 100);
        const refs = await providerRefs([...new Set(pairs.flatMap((x) => [x.a, x.b]))]);
        yield { pairs: pairViews(index, pairs, refs, null), requests: [] };
      }
      let reqAfter: SQL = sql`true`;
      for (;;) {
        const accepted = await rows<{ request_id: string; member_state: string; status: string; areas: string[]; providers: string[]; n: number }>(acceptedByManySql(scope, reqAfter, sql`limit 1000`));
        if (!accepted.length) break;
        const refs = await providerRefs([...new Set(accepted.flatMap((x) => x.providers))]);
        yield { pairs: [], requests: accepted.map((r) => ({ requestId: r.request_id, memberState: r.member_state, status: r.status, thematicAreas: r.areas, providers: r.providers.map((id) => refs.get(id) ?? { id, name: '', kind: '' }) })) };
        if (accepted.length < 1000) break;
        const last = accepted[accepted.length - 1]!;
        reqAfter = sql`(count(distinct m.provider_id) < ${Number(last.n)} or (count(distinct m.provider_id) = ${Number(last.n)} and r.id::text > ${last.request_id}))`;
      }
    },

    /** Hours from submission to the first routing, acceptance and completion (median, p90, n), from the times kept on each request. */
    async timings(p: Principal, f: AnalyticsFilter): Promise<Timings> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      // Column names are this code's own constants, never input.
      const stat = (col: string, name: string) => {
        const h = `extract(epoch from (r.${col} - r.submitted_at)) / 3600.0`;
        return sql.raw(`count(r.${col})::int as ${name}_n, percentile_cont(0.5) within group (order by ${h}) as ${name}_median, percentile_cont(0.9) within group (order by ${h}) as ${name}_p90`);
      };
      const [r] = await rows<Record<string, unknown>>(sql`select ${stat('first_routed_at', 'routed')}, ${stat('first_accepted_at', 'accepted')}, ${stat('first_completed_at', 'completed')}
        from requests r where ${visibleSql(scope)} and ${keep.state(sql`r.member_state`)} and ${keep.areas(AREAS_SQL)}`);
      const s = (name: string) => durationStats({ n: r?.[`${name}_n`] ?? 0, median: r?.[`${name}_median`] ?? null, p90: r?.[`${name}_p90`] ?? null });
      return { toRouting: s('routed'), toAcceptance: s('accepted'), toCompletion: s('completed') };
    },

    /** Shares of completed requests the state judged met, partly met or not met: overall and per thematic area. */
    async outcomes(p: Principal, f: AnalyticsFilter): Promise<Outcomes> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      const base = sql`select r.id, r.feedback ->> 'outcome' as outcome, ${AREAS_SQL} as areas from requests r
        where r.status = 'completed' and ${visibleSql(scope)} and ${keep.state(sql`r.member_state`)} and ${keep.areas(AREAS_SQL)}
          and r.feedback ->> 'outcome' in ${sql.raw(list(OUTCOMES))}`;
      const [overallRows, areaRows] = await Promise.all([
        rows<{ outcome: string; n: number }>(sql`select outcome, count(*)::int as n from (${base}) x group by outcome`),
        rows<{ area: string; outcome: string; n: number }>(sql`select a.area, x.outcome, count(distinct x.id)::int as n from (${base}) x cross join lateral unnest(x.areas) as a(area)
          ${f.thematicArea ? sql`where a.area = ${f.thematicArea}` : sql``} group by a.area, x.outcome`),
      ]);
      const block = () => ({ n: 0, counts: { met: 0, partly_met: 0, not_met: 0 } });
      const add = (b: ReturnType<typeof block>, outcome: string, n: number) => { b.n += n; b.counts[outcome as (typeof OUTCOMES)[number]] += n; };
      const overall = block();
      for (const r of overallRows) add(overall, r.outcome, Number(r.n));
      const perArea = new Map<string, ReturnType<typeof block>>();
      for (const r of areaRows) { const b = perArea.get(r.area) ?? block(); add(b, r.outcome, Number(r.n)); perArea.set(r.area, b); }
      const withShares = (b: ReturnType<typeof block>) => ({
        ...b,
        shares: {
          met: b.n ? round(b.counts.met / b.n, 4) : null,
          partly_met: b.n ? round(b.counts.partly_met / b.n, 4) : null,
          not_met: b.n ? round(b.counts.not_met / b.n, 4) : null,
        },
      });
      return {
        overall: withShares(overall),
        byThematicArea: [...perArea.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([thematicArea, b]) => ({ thematicArea, ...withShares(b) })),
      };
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
