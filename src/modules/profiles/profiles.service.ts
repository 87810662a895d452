import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client.js';
import { forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { visibleNeedSql } from '../needs/need-visibility.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { visibleRequestSql } from '../requests/request-visibility.js';

/** A need counts as covered once a linked request (that the reader may see) reached an entity or went further. */
const COVERED_STATUSES = sql.raw(`('routed', 'accepted', 'in_delivery', 'completed')`);
/** Matches that put a provider to work on a request. */
const ACTIVE_MATCH = sql.raw(`('approved', 'forwarded', 'accepted')`);
const TIMELINE_MAX = 25;

/** What a profile is of: one member state, or an M49 region / sub-region / intermediate region. */
export type ProfileScope = { kind: 'state'; iso3: string } | { kind: 'region'; m49: string };

export interface Profile {
  scope: ProfileScope;
  /** The member states the figures are over (one for a state). */
  states: string[];
  totals: { requests: number; openNeeds: number };
  needs: { thematicArea: string | null; priority: string; needs: number; covered: number; medianAgeDays: number; oldestAgeDays: number }[];
  requests: { status: string; requests: number; medianWaitDays: number; longestWaitDays: number }[];
  matches: { proposed: number; accepted: number; declined: number; delivered: number };
  providers: { providerId: string; name: string; requests: number }[];
  feedback: { outcome: string; requests: number }[];
  timeline: { at: string; requestId: string; title: string; memberState: string; fromStatus: string | null; toStatus: string }[];
  /** Region views: the same counts per member state (states without any figure left out). */
  byState: { memberState: string; requests: number; openNeeds: number }[];
}

const days = (v: unknown) => Math.round(Number(v ?? 0) * 10) / 10;

/**
 * Country and region profiles (issue 17): one state's (or one M49 region's) needs, requests, matches,
 * providers, feedback and timeline. Every figure is counted by PostgreSQL over the rows its reader may
 * see (visibleRequestSql, visibleNeedSql: the SQL forms of the visibility rules), so a restricted
 * request changes no figure shown to a provider, another state or an entity it was not routed to.
 */
export function createProfilesService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  async function rows<T>(q: SQL): Promise<T[]> {
    return rowsOf<T>(await db.execute(q));
  }

  /** Who opens which profile: a state its own, CTED, admins and entities any; region views also providers and states (each sees its own share). */
  function mayOpen(p: Principal, scope: ProfileScope): boolean {
    if (p.role === 'cted' || p.role === 'admin' || p.role === 'entity') return true;
    if (scope.kind === 'state') return p.role === 'member_state' && p.memberState === scope.iso3;
    return p.role === 'member_state' || p.role === 'provider';
  }

  return {
    mayOpen,

    /** The profile as `p` may see it; 404 for an unknown state or region, 403 for a profile not theirs. */
    async get(p: Principal, scope: ProfileScope, now = new Date()): Promise<Profile> {
      const ref = await deps.reference.get();
      const states = scope.kind === 'state'
        ? (ref.stateByIso3.has(scope.iso3) ? [scope.iso3] : [])
        : ref.states.filter((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].includes(scope.m49)).map((s) => s.iso3);
      if (!states.length) throw notFound(scope.kind === 'state' ? 'Member state' : 'Region');
      if (!mayOpen(p, scope)) throw forbidden('This profile is not yours to open.');
      const at = now.toISOString();
      const inStates = (col: string) => sql`${sql.raw(col)} = any(${sql.param(states)}::text[])`;
      const visR = visibleRequestSql(p, 'r');
      const visN = visibleNeedSql(p, 'n');
      // A provider counts its own matches only; everyone else every match on the requests they see.
      const ownMatch = p.role === 'provider' ? sql`m.provider_id = ${p.providerId ?? '00000000-0000-0000-0000-000000000000'}::uuid` : sql`true`;
      const age = sql`extract(epoch from (${at}::timestamptz - coalesce(n.identified_at::timestamptz, n.created_at))) / 86400`;
      const wait = sql`extract(epoch from (${at}::timestamptz - coalesce((select max(t.at) from request_transitions t where t.request_id = r.id), r.submitted_at))) / 86400`;

      const [needs, reqs, ms, providers, feedback, timeline, byStateR, byStateN] = await Promise.all([
        rows<{ area: string | null; priority: string; n: number; covered: number; median: number; oldest: number }>(sql`
          select a.area, n.priority, count(*)::int as n,
            count(*) filter (where exists (select 1 from request_need_links l join requests r on r.id = l.request_id
              where l.need_id = n.id and r.status in ${COVERED_STATUSES} and ${visR}))::int as covered,
            percentile_cont(0.5) within group (order by ${age})::float8 as median, max(${age})::float8 as oldest
          from needs n cross join lateral unnest(case when cardinality(n.thematic_areas) > 0 then n.thematic_areas else array[null::text] end) as a(area)
          where n.status = 'open' and ${inStates('n.member_state')} and ${visN}
          group by a.area, n.priority order by a.area nulls last, n.priority`),
        rows<{ status: string; n: number; median: number; longest: number }>(sql`
          select status, count(*)::int as n, percentile_cont(0.5) within group (order by w)::float8 as median, max(w)::float8 as longest
          from (select r.status, ${wait} as w from requests r where ${inStates('r.member_state')} and ${visR}) x
          group by status order by status`),
        rows<{ proposed: number; accepted: number; declined: number; delivered: number }>(sql`
          select count(*) filter (where m.status = 'proposed')::int as proposed, count(*) filter (where m.status = 'accepted')::int as accepted,
            count(*) filter (where m.status = 'declined')::int as declined, count(*) filter (where m.status = 'accepted' and r.status = 'completed')::int as delivered
          from matches m join requests r on r.id = m.request_id where ${inStates('r.member_state')} and ${visR} and ${ownMatch}`),
        rows<{ provider_id: string; name: string; n: number }>(sql`
          select m.provider_id, pr.name, count(distinct m.request_id)::int as n
          from matches m join requests r on r.id = m.request_id join providers pr on pr.id = m.provider_id
          where m.status in ${ACTIVE_MATCH} and ${inStates('r.member_state')} and ${visR} and ${ownMatch}
          group by m.provider_id, pr.name order by n desc, pr.name`),
        rows<{ outcome: string; n: number }>(sql`
          select r.feedback ->> 'outcome' as outcome, count(*)::int as n from requests r
          where r.feedback is not null and ${inStates('r.member_state')} and ${visR} group by 1 order by 1`),
        rows<{ at: Date | string; id: string; title: string; member_state: string; from_status: string | null; to_status: string }>(sql`
          select t.at, r.id, r.title, r.member_state, t.from_status, t.to_status
          from request_transitions t join requests r on r.id = t.request_id
          where ${inStates('r.member_state')} and ${visR} order by t.at desc, t.id limit ${TIMELINE_MAX}`),
        rows<{ member_state: string; n: number }>(sql`select r.member_state, count(*)::int as n from requests r where ${inStates('r.member_state')} and ${visR} group by 1`),
        rows<{ member_state: string; n: number }>(sql`select n.member_state, count(*)::int as n from needs n where n.status = 'open' and ${inStates('n.member_state')} and ${visN} group by 1`),
      ]);
      const reqBy = new Map(byStateR.map((x) => [x.member_state, Number(x.n)]));
      const needBy = new Map(byStateN.map((x) => [x.member_state, Number(x.n)]));
      const m = ms[0] ?? { proposed: 0, accepted: 0, declined: 0, delivered: 0 };
      return {
        scope, states,
        totals: { requests: [...reqBy.values()].reduce((a, b) => a + b, 0), openNeeds: [...needBy.values()].reduce((a, b) => a + b, 0) },
        needs: needs.map((x) => ({ thematicArea: x.area, priority: x.priority, needs: Number(x.n), covered: Number(x.covered), medianAgeDays: days(x.median), oldestAgeDays: days(x.oldest) })),
        requests: reqs.map((x) => ({ status: x.status, requests: Number(x.n), medianWaitDays: days(x.median), longestWaitDays: days(x.longest) })),
        matches: { proposed: Number(m.proposed), accepted: Number(m.accepted), declined: Number(m.declined), delivered: Number(m.delivered) },
        providers: providers.map((x) => ({ providerId: x.provider_id, name: x.name, requests: Number(x.n) })),
        feedback: feedback.map((x) => ({ outcome: x.outcome, requests: Number(x.n) })),
        timeline: timeline.map((x) => ({ at: new Date(x.at).toISOString(), requestId: x.id, title: x.title, memberState: x.member_state, fromStatus: x.from_status, toStatus: x.to_status })),
        byState: scope.kind === 'region' ? states.filter((s) => reqBy.has(s) || needBy.has(s)).map((s) => ({ memberState: s, requests: reqBy.get(s) ?? 0, openNeeds: needBy.get(s) ?? 0 })) : [],
      };
    },
  };
}
export type ProfilesService = ReturnType<typeof createProfilesService>;
