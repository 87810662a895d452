import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { matches, offerings, providers, requestDuplicates, requests, reviewDecisions } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { isEligible, unavailableReason } from '../../matching/filters.js';
import { requireMay, type Principal } from '../../plugins/auth.plugin.js';
import { actorLabel, recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas } from '../requests/request-areas.js';
import { systemNote, transition, UNANSWERED_STATUSES } from '../requests/request-lifecycle.js';
import { recordDecision } from '../learning/decision-recorder.js';
import { assertUnanswered, lockRequest, routeTo, type RequestRow } from './request-routing.js';
import { TRIAGE_REASONS } from './review.schemas.js';

type TriageReason = (typeof TRIAGE_REASONS)[number];
const TRIAGE_REASONS_SET: ReadonlySet<string> = new Set(TRIAGE_REASONS);
const DAY = 86_400_000;

const ms = (col: string) => sql.raw(`(extract(epoch from ${col}) * 1000)::float8`);
// Written out in full: drizzle leaves the table name off a column in a single-table select, and inside
// a subquery a bare "id" would be the subquery's own.
const RID = sql.raw('"requests"."id"');

/**
 * CTED's triage of requests (issue 12, "What to build"): every open request without an accepted
 * offering that needs a person — no proposal, handed back, not acted on in time, every offering
 * declined, the engine's own triage (no area fits, areas tie, nothing eligible, low confidence), a
 * possible duplicate, or waiting too long — with the reason and the age;
 * and what CTED can do about one: attach an offering, route to an entity (or ask the same one
 * again), mark it unanswerable for now, close it, confirm or dismiss a duplicate.
 */
export function createTriageService(deps: { db: Db; reference: ReferenceService; config: Pick<Config, 'REVIEW_DUE_DAYS'> }) {
  const { db } = deps;
  const cted = (p: Principal) => {
    if (p.role !== 'cted' && p.role !== 'admin') throw forbidden('Only CTED decides on requests here.');
  };

  /** The entity's current code (an old one, DPKO, answers as its successor, DPO); 400 when unknown. */
  async function entityOrThrow(code: string): Promise<string> {
    const current = (await deps.reference.get()).canonicalEntity(code);
    if (!current) throw badRequest('Unknown entity.', [{ path: 'entity', message: `"${code}" is not a Task Force entity code` }]);
    return current;
  }

  /** The request's responsible entity when none is set: the first entity of its first area. */
  async function defaultEntity(r: RequestRow): Promise<string | null> {
    if (r.routedEntity) return r.routedEntity;
    const ref = await deps.reference.get();
    for (const code of requestAreas(r)) {
      const e = ref.areaByCode.get(code)?.entities[0];
      if (e) return e;
    }
    return null;
  }

  return {
    /** The requests that need CTED, most pressing reason first per request, oldest first. */
    async queue(p: Principal, q: { view: 'open' | 'parked'; reason?: TriageReason; limit: number; offset: number }, now = new Date()) {
      cted(p);
      const rows = await db.select({
        r: requests,
        proposals: sql<number>`(select count(*)::int from ${matches} m where m.request_id = ${RID} and m.status = 'proposed')`,
        live: sql<number>`(select count(*)::int from ${matches} m where m.request_id = ${RID} and m.status in ('proposed', 'approved', 'forwarded', 'accepted'))`,
        declined: sql<number>`(select count(*)::int from ${matches} m where m.request_id = ${RID} and m.status = 'declined')`,
        topScore: sql<number | null>`(select max(m.score)::float8 from ${matches} m where m.request_id = ${RID} and m.status = 'proposed' and m.origin = 'engine')`,
        newestProposalMs: sql<number | null>`(select ${ms('max(m.updated_at)')} from ${matches} m where m.request_id = ${RID} and m.status = 'proposed')`,
        lastFrom: sql<string | null>`(select t.from_status from request_transitions t where t.request_id = ${RID} order by t.at desc limit 1)`,
        lastRole: sql<string | null>`(select t.actor_role from request_transitions t where t.request_id = ${RID} order by t.at desc limit 1)`,
        lastNote: sql<string | null>`(select t.note from request_transitions t where t.request_id = ${RID} order by t.at desc limit 1)`,
        // The engine's reason for sending the request to CTED (the first match's note; see triageNote).
        matchNote: sql<string | null>`(select t.note from request_transitions t where t.request_id = ${RID} and t.from_status = 'matched' order by t.at limit 1)`,
        sinceMs: sql<number>`(select ${ms('max(t.at)')} from request_transitions t where t.request_id = ${RID})`,
        duplicates: sql<number>`(select count(*)::int from ${requestDuplicates} d where d.status = 'open' and (d.request_id = ${RID} or d.other_request_id = ${RID}))`,
      }).from(requests).where(and(inArray(requests.status, [...UNANSWERED_STATUSES]), sql`${requests.matchedAt} is not null`)).limit(20_000);

      const waitMs = deps.config.REVIEW_DUE_DAYS * DAY;
      const items = rows.map((x) => {
        const { r } = x;
        const since = x.sinceMs ?? r.submittedAt.getTime();
        const reasons: { code: TriageReason; note: string | null }[] = [];
        if (x.duplicates > 0) reasons.push({ code: 'possible_duplicate', note: null });
        if (r.status === 'in_review' && x.lastFrom === 'routed') reasons.push({ code: x.lastRole === 'system' ? 'not_acted' : 'handed_back', note: x.lastNote });
        // The engine's own reason, while it still holds: until someone acted on the request, and for
        // "nothing fits" or "nothing eligible" only while there is no proposal.
        const engine = systemNote(x.matchNote);
        const said = engine?.code === 'triage' ? engine.reason as TriageReason : null;
        const holds = x.lastFrom === 'matched' && (said === 'no_area_fits' || said === 'nothing_eligible' ? x.live === 0 : true);
        const engineSays = said && holds && TRIAGE_REASONS_SET.has(said) ? said : null;
        // "Nothing eligible" and "no area fits" already say there is no proposal.
        if (x.live === 0 && engineSays !== 'nothing_eligible' && engineSays !== 'no_area_fits') reasons.push({ code: x.declined > 0 ? 'all_declined' : 'no_proposal', note: null });
        if (engineSays) reasons.push({ code: engineSays, note: null });
        if (r.parkedAt && x.newestProposalMs !== null && x.newestProposalMs > r.parkedAt.getTime()) reasons.push({ code: 'new_proposal', note: null });
        if ((r.status === 'in_review' || x.live === 0) && now.getTime() - since > waitMs) reasons.push({ code: 'waiting_too_long', note: null });
        return {
          requestId: r.id, memberState: r.memberState, title: r.title, status: r.status, urgency: r.urgency, routedEntity: r.routedEntity,
          thematicAreas: requestAreas(r), submittedAt: r.submittedAt.toISOString(), reasons,
          since: new Date(since).toISOString(), ageDays: Math.max(0, Math.floor((now.getTime() - since) / DAY)),
          proposals: x.proposals, topScore: x.topScore === null ? null : Math.round(x.topScore * 10_000) / 10_000,
          parked: r.parkedAt ? { at: r.parkedAt.toISOString(), reason: r.parkedReason } : null,
          sinceMs: since,
        };
      }).filter((it) => {
        if (q.view === 'parked') return it.parked !== null;
        // Marked unanswerable for now: out of the way until a new proposal arrives.
        if (it.parked && !it.reasons.some((x) => x.code === 'new_proposal')) return false;
        if (q.reason) return it.reasons.some((x) => x.code === q.reason);
        return it.reasons.length > 0;
      }).sort((a, b) => a.sinceMs - b.sinceMs || a.requestId.localeCompare(b.requestId));
      return { items: items.slice(q.offset, q.offset + q.limit).map(({ sinceMs: _s, ...it }) => it), total: items.length };
    },

    /**
     * CTED attaches an offering it found (the directory search lists the proposable ones) and approves
     * it: the request goes to `entity` (else where it is routed, else the area's responsible entity).
     */
    async attachOffering(p: Principal, requestId: string, body: { offeringId: string; entity?: string; note?: string }, now = new Date()) {
      requireMay(p, 'decide');
      cted(p);
      const chosen = body.entity ? await entityOrThrow(body.entity) : undefined;
      const ref = await deps.reference.get();
      return db.transaction(async (tx) => {
        const r = await lockRequest(tx, requestId);
        assertUnanswered(r);
        const [o] = await tx.select({ o: offerings, entity: providers.entityCode }).from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId)).where(eq(offerings.id, body.offeringId));
        if (!o) throw notFound('Offering');
        const why = unavailableReason(o.o, now);
        if (why) throw conflict('not_proposable', `This offering cannot be proposed (${why}).`);
        const s = ref.stateByIso3.get(r.memberState);
        const geo = s ? { iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion } : { iso3: r.memberState, region: '', subRegion: '', intermediateRegion: null };
        if (!isEligible({ eligibility: { regions: o.o.eligibilityRegions, countries: o.o.eligibilityCountries } }, geo)) {
          throw conflict('not_eligible', 'The requesting state is not eligible for this offering.');
        }
        const entity = chosen ?? (await defaultEntity(r)) ?? o.entity;
        if (!entity) throw badRequest('Choose the entity that carries the request on.', [{ path: 'entity', message: 'required: the request has no responsible entity' }]);
        const [existing] = await tx.select().from(matches).where(and(eq(matches.requestId, r.id), eq(matches.offeringId, o.o.id))).for('update');
        if (existing && ['approved', 'forwarded', 'accepted'].includes(existing.status)) throw conflict('already_attached', `This offering is already ${existing.status} for the request.`);
        if (existing?.status === 'declined') throw conflict('declined', 'The provider already declined this offering for this request.');
        const note = body.note ?? null;
        const decided = { status: 'approved', origin: 'cted', entityCode: entity, decidedAt: now, decidedBy: actorLabel(p), decisionNote: note, updatedAt: now };
        let matchId: string;
        let row: typeof matches.$inferSelect;
        if (existing) {
          [row] = await tx.update(matches).set(decided).where(eq(matches.id, existing.id)).returning();
          matchId = existing.id;
        } else {
          const [{ n }] = await tx.select({ n: sql<number>`coalesce(max(${matches.rank}), 0)::int` }).from(matches).where(eq(matches.requestId, r.id));
          const [m] = await tx.insert(matches).values({
            requestId: r.id, offeringId: o.o.id, providerId: o.o.providerId, rank: n + 1,
            // Not scored by the engine: CTED chose it. The view says so instead of a percentage.
            score: 0, explanation: { attachedBy: 'cted', components: {}, notes: ['attached by CTED from the directory'] }, ...decided,
          }).returning();
          row = m;
          matchId = m.id;
        }
        await tx.insert(reviewDecisions).values({ matchId, decision: 'attach', entityCode: entity, note, actor: actorLabel(p) });
        // CTED choosing an offering itself is an approval: a labelled example like any other.
        await recordDecision(tx, { kind: 'cted_approve', request: r, match: row, decidedEntity: entity, actor: actorLabel(p), note });
        await recordChange(tx, p, {
          action: 'match.attach', targetType: 'match', targetId: matchId, summary: { offeringId: o.o.id, entity, note },
          event: { topic: 'match.decided', payload: { matchId, requestId: r.id, decision: 'attach', entity } },
        });
        await tx.update(requests).set({ parkedAt: null, parkedReason: null }).where(eq(requests.id, r.id));
        if (r.status === 'in_review' || r.routedEntity !== entity || r.status === 'matched') await routeTo(tx, p, r, entity, 'attached_by_cted', note);
        return { requestId: r.id, status: r.status, entity, matchId };
      });
    },

    /** CTED routes the request to an entity of its choice, or asks the same entity again (the due clock restarts). */
    async route(p: Principal, requestId: string, body: { entity: string; note?: string }) {
      requireMay(p, 'decide');
      cted(p);
      const entity = await entityOrThrow(body.entity);
      return db.transaction(async (tx) => {
        const r = await lockRequest(tx, requestId);
        assertUnanswered(r);
        const reason = r.routedEntity === entity ? 'asked_again' : 'routed_by_cted';
        await routeTo(tx, p, r, entity, reason, body.note);
        // CTED choosing the entity is a routing decision (a correction when it is not the engine's).
        await recordDecision(tx, { kind: 'cted_reassign', request: r, decidedEntity: entity, actor: actorLabel(p), note: body.note });
        // The approved offerings go with the request to its new entity.
        await tx.update(matches).set({ entityCode: entity }).where(and(eq(matches.requestId, r.id), inArray(matches.status, ['proposed', 'approved'])));
        return { requestId: r.id, status: r.status, entity };
      });
    },

    /** Marks the request unanswerable for now: it stays open and re-matchable, and comes back when a proposal arrives. */
    async park(p: Principal, requestId: string, reason: string, now = new Date()) {
      requireMay(p, 'decide');
      cted(p);
      return db.transaction(async (tx) => {
        const r = await lockRequest(tx, requestId);
        assertUnanswered(r);
        await tx.update(requests).set({ parkedAt: now, parkedReason: reason, updatedAt: now }).where(eq(requests.id, r.id));
        await recordChange(tx, p, {
          action: 'request.park', targetType: 'request', targetId: r.id, summary: { reason },
          event: { topic: 'request.status_changed', payload: { requestId: r.id, status: r.status, parked: true } },
        });
        return { requestId: r.id, status: r.status, entity: r.routedEntity };
      });
    },

    /** CTED closes a request that cannot or need not be answered (status rejected, with its reason). */
    async close(p: Principal, requestId: string, reason: string) {
      requireMay(p, 'decide');
      cted(p);
      return db.transaction(async (tx) => {
        const r = await lockRequest(tx, requestId);
        assertUnanswered(r);
        await transition(tx, r, 'rejected', p, reason, { parkedAt: null, parkedReason: null });
        await tx.update(matches).set({ status: 'withdrawn', updatedAt: new Date() }).where(and(eq(matches.requestId, r.id), inArray(matches.status, ['proposed', 'approved', 'forwarded'])));
        await recordChange(tx, p, {
          action: 'request.close', targetType: 'request', targetId: r.id, summary: { reason },
          event: { topic: 'request.status_changed', payload: { requestId: r.id, status: 'rejected' } },
        });
        return { requestId: r.id, status: r.status, entity: r.routedEntity };
      });
    },

    /**
     * CTED confirms a possible duplicate (merge: the later request points to the earlier and is closed)
     * or dismisses the flag. Either request of the pair may be named first.
     */
    async decideDuplicate(p: Principal, requestId: string, otherId: string, body: { decision: 'confirm' | 'dismiss'; note?: string }, now = new Date()) {
      requireMay(p, 'decide');
      cted(p);
      return db.transaction(async (tx) => {
        const [pair] = await tx.select().from(requestDuplicates).where(or(
          and(eq(requestDuplicates.requestId, requestId), eq(requestDuplicates.otherRequestId, otherId)),
          and(eq(requestDuplicates.requestId, otherId), eq(requestDuplicates.otherRequestId, requestId)),
        )).for('update');
        if (!pair) throw notFound('Possible duplicate');
        if (pair.status !== 'open') throw conflict('already_decided', `This possible duplicate was already ${pair.status}.`);
        // Both requests, in id order (no deadlock with a decision on the same pair from the other side).
        const [first, second] = [pair.requestId, pair.otherRequestId].sort();
        const locked = new Map([[first, await lockRequest(tx, first)], [second, await lockRequest(tx, second)]]);
        const later = locked.get(pair.requestId)!;
        const earlier = locked.get(pair.otherRequestId)!;
        const status = body.decision === 'confirm' ? 'confirmed' as const : 'dismissed' as const;
        if (status === 'confirmed') {
          if (!UNANSWERED_STATUSES.includes(later.status as never)) throw conflict('invalid_transition', `The later request is ${later.status}; only an open request without an accepted offering can be merged.`);
          await transition(tx, later, 'rejected', p, body.note ?? `merged into the earlier request “${earlier.title}”`, { duplicateOf: earlier.id, parkedAt: null, parkedReason: null });
          await tx.update(matches).set({ status: 'withdrawn', updatedAt: now }).where(and(eq(matches.requestId, later.id), inArray(matches.status, ['proposed', 'approved', 'forwarded'])));
        }
        await tx.update(requestDuplicates).set({ status, decidedBy: actorLabel(p), decidedAt: now, note: body.note ?? null })
          .where(and(eq(requestDuplicates.requestId, pair.requestId), eq(requestDuplicates.otherRequestId, pair.otherRequestId)));
        await recordChange(tx, p, {
          action: `request.duplicate_${body.decision}`, targetType: 'request', targetId: later.id, summary: { earlier: earlier.id, note: body.note ?? null },
          event: { topic: 'request.status_changed', payload: { requestId: later.id, duplicateOf: status === 'confirmed' ? earlier.id : null, status: later.status } },
        });
        return { requestId: later.id, status: later.status, entity: later.routedEntity, duplicateOf: status === 'confirmed' ? earlier.id : null, decision: status };
      });
    },
  };
}
export type TriageService = ReturnType<typeof createTriageService>;
