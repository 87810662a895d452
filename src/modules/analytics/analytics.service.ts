import { and, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import {
  m49Regions, matches, needs, offerings, providers, requestNeedLinks, requests, requestTransitions,
} from '../../../db/schema/index.js';
import { badRequest, forbidden, type ErrorDetail } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { regionScope, servesRegion } from '../directory/directory.service.js';
import { readsNeedDescription } from '../needs/need-visibility.js';
import { isProposable } from '../offerings/offerings.service.js';
import type { ReferenceService, ReferenceSnapshot } from '../reference/reference.service.js';
import { requestAreas } from '../requests/request-areas.js';
import { OPEN_STATUSES } from '../requests/request-lifecycle.js';
import type {
  AnalyticsFilter, DurationStats, NeedsMatrix, Outcomes, Overlaps, SupplyDemand, SupplyDemandQuery, Timings, UnmatchedNeeds, UnmatchedNeedsQuery,
} from './analytics.schemas.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A need counts as matched once a linked request has reached an entity (or gone further). */
const MATCHED_STATUSES = ['routed', 'accepted', 'in_delivery', 'completed'];
const PRIORITY_RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };
const OUTCOMES = ['met', 'partly_met', 'not_met'] as const;

/** Whose numbers: everything (CTED, admins) or what one Task Force entity may see. */
export interface AnalyticsScope { entity: string | null }

/** CTED and admins see all; an entity sees all but restricted requests not routed to it; others none. */
export function analyticsScope(p: Principal): AnalyticsScope {
  if (p.role === 'cted' || p.role === 'admin') return { entity: null };
  if (p.role === 'entity' && p.entity) return { entity: p.entity };
  throw forbidden('Analytics are for CTED, Task Force entities and admins.');
}

/** The request rows a scope may count (mirrors canViewRequest for entities). */
function visibleRequests(scope: AnalyticsScope): SQL | undefined {
  if (scope.entity === null) return undefined;
  return or(
    ne(requests.confidentiality, 'restricted'),
    and(eq(requests.routedEntity, scope.entity), inArray(requests.status, MATCHED_STATUSES)),
  );
}

/** Linear interpolation between closest ranks (the usual "type 7" percentile; the median of 1,2,3,4 is 2.5). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function durationStats(hours: number[]): DurationStats {
  const s = [...hours].sort((a, b) => a - b);
  const med = percentile(s, 0.5);
  const p90 = percentile(s, 0.9);
  return { n: s.length, medianHours: med === null ? null : round(med, 2), p90Hours: p90 === null ? null : round(p90, 2) };
}

/** A request's thematic areas as its view shows them: explicit ones, else the classified ones. */

const stateCodes = (s: ReferenceSnapshot['states'][number]) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x);

/**
 * CTED's needs matrix and gap analytics (issue 5): where identified needs are met, where supply and
 * demand diverge, where providers duplicate effort, how long requests take and how they end.
 * Answers are counts and codes, never the titles or descriptions of requests.
 */
export function createAnalyticsService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  let regionNames: Promise<Map<string, string>> | undefined;

  const getRegionNames = () => {
    regionNames ??= db.select({ code: m49Regions.code, name: m49Regions.name }).from(m49Regions)
      .then((rows) => new Map(rows.map((r) => [r.code, r.name])))
      .catch((err) => { regionNames = undefined; throw err; });
    return regionNames;
  };

  /** Validates the filter codes and returns a test on (member state, areas). */
  async function filterOf(f: Pick<AnalyticsFilter, 'memberState' | 'region' | 'thematicArea'>) {
    const ref = await deps.reference.get();
    const problems: ErrorDetail[] = [];
    if (f.memberState && !ref.stateByIso3.has(f.memberState)) problems.push({ path: 'querystring.memberState', message: `"${f.memberState}" is not a UN member state` });
    if (f.region && !ref.regionCodes.has(f.region)) problems.push({ path: 'querystring.region', message: `"${f.region}" is not an M49 region, sub-region or intermediate region of any member state` });
    if (f.thematicArea && !ref.areaByCode.has(f.thematicArea)) problems.push({ path: 'querystring.thematicArea', message: `unknown thematic area "${f.thematicArea}"` });
    if (problems.length) throw badRequest('The query is not valid.', problems);
    const inRegion = (iso3: string) => {
      const s = ref.stateByIso3.get(iso3);
      return !!s && stateCodes(s).includes(f.region!);
    };
    return {
      ref,
      state: (iso3: string) => (!f.memberState || iso3 === f.memberState) && (!f.region || inRegion(iso3)),
      areas: (areas: readonly string[]) => !f.thematicArea || areas.includes(f.thematicArea),
    };
  }

  /** Ids of needs linked to a request (that the scope may count) which reached an entity or went further. */
  async function matchedNeedIds(scope: AnalyticsScope): Promise<Set<string>> {
    const rows = await db.selectDistinct({ id: requestNeedLinks.needId }).from(requestNeedLinks)
      .innerJoin(requests, eq(requests.id, requestNeedLinks.requestId))
      .where(and(inArray(requests.status, MATCHED_STATUSES), visibleRequests(scope)));
    return new Set(rows.map((r) => r.id));
  }

  const openNeeds = () => db.select({
    id: needs.id, memberState: needs.memberState, priority: needs.priority, thematicAreas: needs.thematicAreas,
    identifiedAt: needs.identifiedAt, createdAt: needs.createdAt, source: needs.source, description: needs.description,
  }).from(needs).where(eq(needs.status, 'open'));

  /** Proposable offerings now (src/matching/filters.ts: unavailableAt). */
  async function supplyNow(now: Date) {
    const rows = await db.select({
      id: offerings.id, providerId: offerings.providerId, status: offerings.status, availableFrom: offerings.availableFrom,
      availableUntil: offerings.availableUntil, lastConfirmedAt: offerings.lastConfirmedAt, capacity: offerings.capacity, thematicAreas: offerings.thematicAreas,
      eligibilityRegions: offerings.eligibilityRegions, eligibilityCountries: offerings.eligibilityCountries,
    }).from(offerings).where(eq(offerings.status, 'open'));
    return rows.filter((o) => isProposable(o, now));
  }

  return {
    /** Member state × thematic area cells of CTED's open needs, with how many are matched. */
    async needsMatrix(p: Principal, f: AnalyticsFilter): Promise<NeedsMatrix> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      const [rows, matched] = await Promise.all([openNeeds(), matchedNeedIds(scope)]);
      const cells = new Map<string, NeedsMatrix['cells'][number]>();
      const counted = new Set<string>();
      for (const n of rows) {
        if (!keep.state(n.memberState)) continue;
        const areas: (string | null)[] = n.thematicAreas.length ? n.thematicAreas : [null];
        for (const area of areas) {
          if (f.thematicArea && area !== f.thematicArea) continue;
          counted.add(n.id);
          const key = `${n.memberState}|${area ?? ''}`;
          const cell = cells.get(key) ?? { memberState: n.memberState, thematicArea: area, needs: 0, highestPriority: 'low' as const, matched: 0, state: 'unmatched' as const };
          cell.needs++;
          if ((PRIORITY_RANK[n.priority] ?? 0) > PRIORITY_RANK[cell.highestPriority]!) cell.highestPriority = n.priority as 'high' | 'medium' | 'low';
          if (matched.has(n.id)) cell.matched++;
          cells.set(key, cell);
        }
      }
      const list = [...cells.values()].map((c) => ({ ...c, state: c.matched === 0 ? 'unmatched' as const : c.matched === c.needs ? 'matched' as const : 'partly' as const }));
      list.sort((a, b) => a.memberState.localeCompare(b.memberState) || (a.thematicArea ?? '\uffff').localeCompare(b.thematicArea ?? '\uffff'));
      return {
        cells: list,
        totals: { cells: list.length, needs: counted.size, matchedNeeds: [...counted].filter((id) => matched.has(id)).length },
      };
    },

    /**
     * What one cell of the matrix holds: its open needs (CTED's wording for CTED and admins) and, for
     * each, the requests linked to it that the principal may see, with whether each counts as covering
     * it (routed or later). The same needs, areas and "matched" rule as needsMatrix.
     */
    async needsCell(p: Principal, cell: { memberState: string; thematicArea: string | null }) {
      const scope = analyticsScope(p);
      await filterOf({ memberState: cell.memberState, ...(cell.thematicArea ? { thematicArea: cell.thematicArea } : {}) });
      const rows = (await openNeeds()).filter((n) => n.memberState === cell.memberState
        && (cell.thematicArea === null ? n.thematicAreas.length === 0 : n.thematicAreas.includes(cell.thematicArea)));
      const links = rows.length ? await db.select({
        needId: requestNeedLinks.needId, score: requestNeedLinks.score, id: requests.id, title: requests.title, status: requests.status,
        submittedAt: requests.submittedAt, routedEntity: requests.routedEntity, confidentiality: requests.confidentiality,
      }).from(requestNeedLinks).innerJoin(requests, eq(requests.id, requestNeedLinks.requestId))
        .where(and(inArray(requestNeedLinks.needId, rows.map((n) => n.id)), visibleRequests(scope))) : [];
      return rows.map((n) => ({
        id: n.id, priority: n.priority, identifiedAt: n.identifiedAt, source: n.source, thematicAreas: n.thematicAreas,
        ...(scope.entity === null ? { description: n.description } : {}),
        requests: links.filter((l) => l.needId === n.id).sort((a, b) => b.score - a.score).map((l) => ({
          id: l.id, title: l.title, status: l.status, submittedAt: l.submittedAt.toISOString(), routedEntity: l.routedEntity,
          score: l.score, covers: MATCHED_STATUSES.includes(l.status),
        })),
      }));
    },

    /** Open needs no routed (or later) request is linked to, oldest first, with age buckets. */
    async unmatchedNeeds(p: Principal, q: UnmatchedNeedsQuery, now = new Date()): Promise<UnmatchedNeeds> {
      const scope = analyticsScope(p);
      const keep = await filterOf(q);
      const [rows, matched] = await Promise.all([openNeeds(), matchedNeedIds(scope)]);
      const items = rows
        .filter((n) => !matched.has(n.id) && keep.state(n.memberState) && keep.areas(n.thematicAreas))
        .map((n) => {
          // identified_at is a calendar date: the need existed from the start of that day (UTC).
          const since = n.identifiedAt ? new Date(`${n.identifiedAt}T00:00:00Z`) : n.createdAt;
          return {
            id: n.id, memberState: n.memberState, priority: n.priority, thematicAreas: n.thematicAreas,
            identifiedAt: n.identifiedAt, createdAt: n.createdAt.toISOString(), since: since.getTime(),
            ageDays: Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY)), source: n.source,
            ...(readsNeedDescription(p, n.memberState) ? { description: n.description } : {}),
          };
        })
        .sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));
      const buckets = { '0-30': 0, '31-90': 0, '91-180': 0, '>180': 0 };
      for (const n of items) {
        if (n.ageDays <= 30) buckets['0-30']++;
        else if (n.ageDays <= 90) buckets['31-90']++;
        else if (n.ageDays <= 180) buckets['91-180']++;
        else buckets['>180']++;
      }
      return {
        items: items.slice(q.offset, q.offset + q.limit).map(({ since: _since, ...rest }) => rest),
        total: items.length, limit: q.limit, offset: q.offset, buckets,
      };
    },

    /** Open requests and needs against proposable offerings, per thematic area and per M49 region. */
    async supplyDemand(p: Principal, q: SupplyDemandQuery, now = new Date()): Promise<SupplyDemand> {
      const scope = analyticsScope(p);
      const ref = await deps.reference.get();
      const [reqs, needRows, supply, names] = await Promise.all([
        db.select({ memberState: requests.memberState, thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas })
          .from(requests).where(and(inArray(requests.status, [...OPEN_STATUSES]), visibleRequests(scope))),
        openNeeds(),
        supplyNow(now),
        getRegionNames(),
      ]);
      const ratio = (s: number, d: number) => (d > 0 ? round(s / d, 2) : null);
      const byThematicArea = ref.areas.map((a) => {
        const openRequests = reqs.filter((r) => requestAreas(r).includes(a.code)).length;
        const openNeeds = needRows.filter((n) => n.thematicAreas.includes(a.code)).length;
        const s = supply.filter((o) => o.thematicAreas.includes(a.code)).length;
        return { thematicArea: a.code, openRequests, openNeeds, supply: s, ratio: ratio(s, openRequests + openNeeds) };
      });
      const regionAt = (iso3: string): string | null => {
        const s = ref.stateByIso3.get(iso3);
        if (!s) return null;
        return q.level === 'region' ? s.m49Region : q.level === 'subRegion' ? s.m49SubRegion : s.m49IntermediateRegion ?? s.m49SubRegion;
      };
      const codes = [...new Set(ref.states.map((s) => regionAt(s.iso3)!))].sort();
      const byRegion = codes.map((code) => {
        const openRequests = reqs.filter((r) => regionAt(r.memberState) === code).length;
        const openNeeds = needRows.filter((n) => regionAt(n.memberState) === code).length;
        const scopeOfRegion = regionScope(ref, code);
        const s = supply.filter((o) => servesRegion(o, scopeOfRegion)).length;
        return { region: code, name: names.get(code) ?? null, level: q.level, openRequests, openNeeds, supply: s, ratio: ratio(s, openRequests + openNeeds) };
      });
      return { byThematicArea, byRegion };
    },

    /**
     * Duplication of effort. Provider pairs: two providers whose proposable offerings both cover a
     * member state (by naming it or one of its M49 regions) in the same thematic area; worldwide
     * offerings are left out, since they would make every worldwide provider overlap everywhere.
     * Requests: those with accepted matches from two or more providers.
     */
    async overlaps(p: Principal, now = new Date()): Promise<Overlaps> {
      const scope = analyticsScope(p);
      const ref = await deps.reference.get();
      const [supply, provs, accepted] = await Promise.all([
        supplyNow(now),
        db.select({ id: providers.id, name: providers.name, kind: providers.kind }).from(providers),
        db.select({
          requestId: matches.requestId, providerId: matches.providerId, memberState: requests.memberState, status: requests.status,
          thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas,
        }).from(matches).innerJoin(requests, eq(requests.id, matches.requestId))
          .where(and(eq(matches.status, 'accepted'), visibleRequests(scope))),
      ]);
      const providerById = new Map(provs.map((x) => [x.id, x]));
      const statesIn = new Map<string, string[]>();
      for (const s of ref.states) for (const c of stateCodes(s)) statesIn.set(c, [...(statesIn.get(c) ?? []), s.iso3]);

      // (state, area) → provider → its offerings there
      const cells = new Map<string, Map<string, Set<string>>>();
      for (const o of supply) {
        if (o.eligibilityRegions.length === 0 && o.eligibilityCountries.length === 0) continue;
        const states = new Set([...o.eligibilityCountries, ...o.eligibilityRegions.flatMap((r) => statesIn.get(r) ?? [])]);
        for (const iso3 of states) {
          for (const area of new Set(o.thematicAreas)) {
            const key = `${iso3}|${area}`;
            const byProvider = cells.get(key) ?? new Map<string, Set<string>>();
            byProvider.set(o.providerId, (byProvider.get(o.providerId) ?? new Set()).add(o.id));
            cells.set(key, byProvider);
          }
        }
      }
      const pairs = new Map<string, { a: string; b: string; cells: { memberState: string; thematicArea: string }[]; offA: Set<string>; offB: Set<string> }>();
      for (const [key, byProvider] of cells) {
        if (byProvider.size < 2) continue;
        const [memberState, thematicArea] = key.split('|') as [string, string];
        const ids = [...byProvider.keys()].sort();
        for (let i = 0; i < ids.length; i++) {
          for (let j = i + 1; j < ids.length; j++) {
            const pk = `${ids[i]}|${ids[j]}`;
            const pair = pairs.get(pk) ?? { a: ids[i]!, b: ids[j]!, cells: [], offA: new Set<string>(), offB: new Set<string>() };
            pair.cells.push({ memberState, thematicArea });
            for (const id of byProvider.get(ids[i]!)!) pair.offA.add(id);
            for (const id of byProvider.get(ids[j]!)!) pair.offB.add(id);
            pairs.set(pk, pair);
          }
        }
      }
      const ref2 = (id: string) => providerById.get(id) ?? { id, name: '', kind: '' };
      const providerPairs = [...pairs.values()].map((x) => {
        const cellList = [...x.cells].sort((c, d) => c.memberState.localeCompare(d.memberState) || c.thematicArea.localeCompare(d.thematicArea));
        return {
          providers: [ref2(x.a), ref2(x.b)] as [ReturnType<typeof ref2>, ReturnType<typeof ref2>],
          cells: cellList.length,
          memberStates: [...new Set(cellList.map((c) => c.memberState))].sort(),
          thematicAreas: [...new Set(cellList.map((c) => c.thematicArea))].sort(),
          cellList,
          offerings: [[...x.offA].sort(), [...x.offB].sort()] as [string[], string[]],
        };
      }).sort((x, y) => y.cells - x.cells || x.providers[0].id.localeCompare(y.providers[0].id) || x.providers[1].id.localeCompare(y.providers[1].id));

      const byRequest = new Map<string, { row: (typeof accepted)[number]; providers: Set<string> }>();
      for (const row of accepted) {
        const e = byRequest.get(row.requestId) ?? { row, providers: new Set<string>() };
        e.providers.add(row.providerId);
        byRequest.set(row.requestId, e);
      }
      const requestsAcceptedByMany = [...byRequest.values()].filter((e) => e.providers.size >= 2).map(({ row, providers: ps }) => ({
        requestId: row.requestId, memberState: row.memberState, status: row.status, thematicAreas: requestAreas(row),
        providers: [...ps].sort().map(ref2),
      })).sort((x, y) => y.providers.length - x.providers.length || x.requestId.localeCompare(y.requestId));
      return { providerPairs, requestsAcceptedByMany };
    },

    /** Hours from submission to the first routing, acceptance and completion (median, p90, n). */
    async timings(p: Principal, f: AnalyticsFilter): Promise<Timings> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      const rows = await db.select({
        id: requests.id, memberState: requests.memberState, submittedAt: requests.submittedAt,
        thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas,
        toStatus: requestTransitions.toStatus, at: sql<Date>`min(${requestTransitions.at})`.mapWith(requestTransitions.at),
      }).from(requests)
        .innerJoin(requestTransitions, eq(requestTransitions.requestId, requests.id))
        .where(and(inArray(requestTransitions.toStatus, ['submitted', 'routed', 'accepted', 'completed']), visibleRequests(scope)))
        .groupBy(requests.id, requestTransitions.toStatus);
      const firsts = new Map<string, { submittedAt: Date; memberState: string; areas: string[]; at: Map<string, Date> }>();
      for (const r of rows) {
        const e = firsts.get(r.id) ?? { submittedAt: r.submittedAt, memberState: r.memberState, areas: requestAreas(r), at: new Map<string, Date>() };
        e.at.set(r.toStatus, r.at);
        firsts.set(r.id, e);
      }
      const spans = { routed: [] as number[], accepted: [] as number[], completed: [] as number[] };
      for (const e of firsts.values()) {
        if (!keep.state(e.memberState) || !keep.areas(e.areas)) continue;
        const start = (e.at.get('submitted') ?? e.submittedAt).getTime();
        for (const k of ['routed', 'accepted', 'completed'] as const) {
          const t = e.at.get(k);
          if (t) spans[k].push((t.getTime() - start) / HOUR);
        }
      }
      return { toRouting: durationStats(spans.routed), toAcceptance: durationStats(spans.accepted), toCompletion: durationStats(spans.completed) };
    },

    /** Shares of completed requests the state judged met, partly met or not met: overall and per thematic area. */
    async outcomes(p: Principal, f: AnalyticsFilter): Promise<Outcomes> {
      const scope = analyticsScope(p);
      const keep = await filterOf(f);
      const rows = await db.select({
        memberState: requests.memberState, thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas,
        outcome: sql<string | null>`${requests.feedback}->>'outcome'`,
      }).from(requests).where(and(eq(requests.status, 'completed'), visibleRequests(scope)));
      const block = () => ({ n: 0, counts: { met: 0, partly_met: 0, not_met: 0 } });
      const overall = block();
      const perArea = new Map<string, ReturnType<typeof block>>();
      for (const r of rows) {
        const outcome = OUTCOMES.find((o) => o === r.outcome);
        const areas = requestAreas(r);
        if (!outcome || !keep.state(r.memberState) || !keep.areas(areas)) continue;
        overall.n++; overall.counts[outcome]++;
        for (const a of new Set(areas)) {
          if (f.thematicArea && a !== f.thematicArea) continue;
          const b = perArea.get(a) ?? block();
          b.n++; b.counts[outcome]++;
          perArea.set(a, b);
        }
      }
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
