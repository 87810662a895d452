import { and, asc, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client.js';
import { matches, memberStates, offerings, requestDuplicates, requests, reviewDecisions } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { requireMay, type Principal } from '../../plugins/auth.plugin.js';
import { actorLabel, recordChange, SYSTEM } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas, requestHasAreaSql } from '../requests/request-areas.js';
import { nextStep, overdueNote, transition } from '../requests/request-lifecycle.js';
import { lockRequest, routeAfterDecisions, type MatchRow, type RequestRow } from './request-routing.js';
import { assignBatch, assignGreedy } from '../../matching/index.js';
import { canViewRequest } from '../requests/request-visibility.js';
import { decodeCursor, pageOf } from '../keyset-cursor.js';
import { recordDecision } from '../learning/decision-recorder.js';

type Decision = { decision: 'approve' | 'reject' | 'reassign'; entity?: string; note?: string };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Matching proposes, people decide: CTED's review queue, entity queues and provider inboxes. */
export function createReviewService(deps: { db: Db; reference: ReferenceService; config: Pick<Config, 'ENTITY_DUE_DAYS'> }) {
  const { db } = deps;
  const dueAt = (r: Pick<RequestRow, 'routedAt'>) => (r.routedAt ? new Date(r.routedAt.getTime() + deps.config.ENTITY_DUE_DAYS * DAY) : null);

  async function lockMatch(tx: Tx, id: string): Promise<{ m: MatchRow; r: RequestRow }> {
    const [m] = await tx.select().from(matches).where(eq(matches.id, id)).for('update');
    if (!m) throw notFound('Match');
    const [r] = await tx.select().from(requests).where(eq(requests.id, m.requestId)).for('update');
    return { m, r };
  }

  /** Writes one CTED decision on one proposed match (the request is already locked); routing is left to the caller. */
  async function applyDecision(tx: Tx, p: Principal, m: MatchRow, r: RequestRow, d: Decision) {
    if (m.requestId !== r.id) throw notFound('Match');
    if (m.status !== 'proposed') throw conflict('already_decided', `This match is ${m.status}, not waiting for review.`);
    if (!['in_review', 'routed', 'matched'].includes(r.status)) throw conflict('invalid_transition', `The request is ${r.status}; its proposals can no longer be decided.`);
    if (d.decision === 'reassign') {
      const ref = await deps.reference.get();
      if (!d.entity || !ref.entityCodes.has(d.entity)) throw badRequest('Unknown entity.', [{ path: 'entity', message: 'not a Task Force entity code' }]);
    }
    const now = new Date();
    const status = d.decision === 'reject' ? 'rejected' : 'approved';
    // An old code (DPKO) is accepted and answers as its successor (DPO).
    const entity = d.decision === 'reassign' ? (await deps.reference.get()).canonicalEntity(d.entity!)! : (m.entityCode ?? r.routedEntity);
    await tx.update(matches).set({ status, entityCode: entity, decidedAt: now, decidedBy: actorLabel(p), decisionNote: d.note ?? null, updatedAt: now }).where(eq(matches.id, m.id));
    await tx.insert(reviewDecisions).values({ matchId: m.id, decision: d.decision, entityCode: d.entity ?? null, note: d.note ?? null, actor: actorLabel(p) });
    await recordDecision(tx, { kind: `cted_${d.decision}`, request: r, match: m, decidedEntity: entity, actor: actorLabel(p), note: d.note });
    await recordChange(tx, p, {
      action: `match.${d.decision}`, targetType: 'match', targetId: m.id, summary: { before: { status: m.status }, after: { status, entity }, note: d.note ?? null },
      event: { topic: 'match.decided', payload: { matchId: m.id, requestId: r.id, decision: d.decision, entity } },
    });
    // A decision is CTED answering: a mark "unanswerable for now" is lifted.
    if (r.parkedAt) await tx.update(requests).set({ parkedAt: null, parkedReason: null }).where(eq(requests.id, r.id));
    return { id: m.id, status, entity };
  }

  /** One CTED decision on one proposed match; the other proposals of the request stay waiting for CTED. */
  async function decideIn(tx: Tx, p: Principal, id: string, d: Decision) {
    const { m, r } = await lockMatch(tx, id);
    const done = await applyDecision(tx, p, m, r, d);
    await routeAfterDecisions(tx, p, r, done.status === 'approved' ? done.entity : null, d.decision === 'reassign', d.note);
    return { id, status: done.status, requestId: r.id, requestStatus: r.status, entity: done.entity };
  }

  // Every proposal waits for CTED until decided, also when another one was already approved and the
  // request routed (approving one never drops the others); none once an offering was accepted. Literals,
  // not parameters: a prepared plan must see status = 'proposed' to use the queue's partial index.
  const QUEUE_CONDS = [sql`${matches.status} = 'proposed'`, sql`${requests.status} in ('in_review', 'routed')`];
  const afterCond = (t: unknown, rank: unknown, id: unknown) => sql`(${matches.createdAt}, ${matches.rank}, ${matches.id}) > (${t}::timestamptz, ${rank}, ${id}::uuid)`;
  /** The review queue's page query over `conds`, oldest first. */
  const queueSelect = (conds: SQL[]) => db.select({
    m: { id: matches.id, requestId: matches.requestId, offeringId: matches.offeringId, providerId: matches.providerId, entityCode: matches.entityCode, score: matches.score, rank: matches.rank, createdAt: matches.createdAt, explanation: matches.explanation },
    key: sql<string>`${matches.createdAt}::text`,
    r: { memberState: requests.memberState, title: requests.title, urgency: requests.urgency, thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas, status: requests.status },
    title: offerings.title,
    duplicates: sql<number>`(select count(*)::int from ${requestDuplicates} d where d.status = 'open' and (d.request_id = "requests"."id" or d.other_request_id = "requests"."id"))`,
  }).from(matches)
    .innerJoin(requests, eq(requests.id, matches.requestId))
    .innerJoin(memberStates, eq(memberStates.iso3, requests.memberState))
    .innerJoin(offerings, eq(offerings.id, matches.offeringId))
    .where(and(...conds)).orderBy(asc(matches.createdAt), asc(matches.rank), asc(matches.id));
  const queuePrepared = {
    first: queueSelect(QUEUE_CONDS).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare('review_queue_first'),
    after: queueSelect([...QUEUE_CONDS, afterCond(sql.placeholder('t'), sql.placeholder('rank'), sql.placeholder('id'))]).limit(sql.placeholder('limit')).prepare('review_queue_after'),
  };
  /** The queue's conditions with the filters of `q` (only QUEUE_CONDS when it has none). */
  async function filterConds(q: Parameters<ReturnType<typeof createReviewService>['reviewQueue']>[0]): Promise<SQL[]> {
    const conds = [...QUEUE_CONDS];
    if (q.entity) conds.push(eq(matches.entityCode, (await deps.reference.get()).canonicalEntity(q.entity) ?? q.entity));
    if (q.urgency) conds.push(eq(requests.urgency, q.urgency));
    if (q.minScore !== undefined) conds.push(sql`${matches.score} >= ${q.minScore}`);
    if (q.maxScore !== undefined) conds.push(sql`${matches.score} <= ${q.maxScore}`);
    if (q.region) conds.push(or(eq(memberStates.region, q.region), eq(memberStates.subRegion, q.region), eq(memberStates.intermediateRegion, q.region))!);
    if (q.thematicArea) conds.push(requestHasAreaSql(q.thematicArea));
    return conds;
  }

  return {
    /**
     * Pending proposals, oldest first, with filters; a page at a time in keyset order (created_at, rank,
     * id), so the first page costs what the SQL does and later pages never skip or repeat a proposal.
     */
    async reviewQueue(q: { region?: string; thematicArea?: string; entity?: string; urgency?: string; minScore?: number; maxScore?: number; limit: number; offset?: number; cursor?: string }) {
      const after = decodeCursor(q.cursor, ['timestamp', 'number', 'uuid']);
      const conds = await filterConds(q);
      // The unfiltered queue (what CTED opens) runs one statement prepared once per connection, so its plan
      // is not made again at each page (planning took about as long as running it: 1-2 ms each at 10k offerings).
      const rows = conds.length > QUEUE_CONDS.length
        ? await queueSelect(after ? [...conds, afterCond(after[0], after[1], after[2])] : conds).limit(q.limit + 1).offset(after ? 0 : q.offset ?? 0)
        : after ? await queuePrepared.after.execute({ limit: q.limit + 1, t: after[0], rank: after[1], id: after[2] })
          : await queuePrepared.first.execute({ limit: q.limit + 1, offset: q.offset ?? 0 });
      const now = Date.now();
      const page = pageOf(rows, q.limit, (x) => [x.key, x.m.rank, x.m.id]);
      return {
        items: page.items.map(({ m, r, title, duplicates }) => ({
          id: m.id, requestId: m.requestId, offeringId: m.offeringId, providerId: m.providerId, entity: m.entityCode, score: m.score, rank: m.rank,
          createdAt: m.createdAt.toISOString(), ageHours: Math.round(((now - m.createdAt.getTime()) / HOUR) * 10) / 10,
          memberState: r.memberState, title: r.title, urgency: r.urgency,
          thematicAreas: requestAreas(r),
          offeringTitle: title, explanation: m.explanation, requestStatus: r.status, possibleDuplicate: duplicates > 0,
        })),
        nextCursor: page.nextCursor,
      };
    },

    async decide(p: Principal, id: string, d: Decision) {

      requireMay(p, 'decide');
      return db.transaction((tx) => decideIn(tx, p, id, d));
    },

    /**
     * Partial decisions on one request's proposals, all or nothing (issue 12 item 4): approve one or
     * several, reject others each with its reason, leave the rest waiting; the request is routed once,
     * to `entity` when given (else the approved match's entity).
     */
    async decideRequest(p: Principal, requestId: string, body: { approve: string[]; reject: { matchId: string; note: string }[]; entity?: string; note?: string }) {
      requireMay(p, 'decide');
      const ids = [...body.approve, ...body.reject.map((x) => x.matchId)];
      if (new Set(ids).size !== ids.length) throw badRequest('A match cannot be both approved and rejected.', [{ path: 'reject', message: 'each match once' }]);
      if (!ids.length) throw badRequest('Nothing to decide.', [{ path: 'approve', message: 'approve or reject at least one proposal' }]);
      if (body.entity) {
        const current = (await deps.reference.get()).canonicalEntity(body.entity);
        if (!current) throw badRequest('Unknown entity.', [{ path: 'entity', message: 'not a Task Force entity code' }]);
        body = { ...body, entity: current };
      }
      return db.transaction(async (tx) => {
        // Matches first, then the request: the same lock order as a single decision.
        const ms = await tx.select().from(matches).where(and(eq(matches.requestId, requestId), inArray(matches.id, ids))).orderBy(asc(matches.id)).for('update');
        if (ms.length !== ids.length) throw notFound('Match');
        const r = await lockRequest(tx, requestId);
        const byId = new Map(ms.map((m) => [m.id, m]));
        const results: { id: string; status: string; entity: string | null }[] = [];
        let approvedEntity: string | null = null;
        for (const id of body.approve) {
          const d: Decision = body.entity ? { decision: 'reassign', entity: body.entity, note: body.note ?? 'routed by CTED' } : { decision: 'approve', ...(body.note ? { note: body.note } : {}) };
          const done = await applyDecision(tx, p, byId.get(id)!, r, d);
          approvedEntity ??= done.entity;
          results.push(done);
        }
        for (const x of body.reject) results.push(await applyDecision(tx, p, byId.get(x.matchId)!, r, { decision: 'reject', note: x.note }));
        await routeAfterDecisions(tx, p, r, approvedEntity, !!body.entity, body.note);
        return { requestId, requestStatus: r.status, entity: r.routedEntity, results };
      });
    },

    /** Many decisions at once; each is its own transaction so one refusal does not undo the rest. */
    async decideMany(p: Principal, ids: string[], d: { decision: 'approve' | 'reject' | 'reassign'; entity?: string; note?: string }) {
      requireMay(p, 'decide');
      const results = [];
      for (const id of ids) {
        try {
          results.push({ id, ok: true, result: await db.transaction((tx) => decideIn(tx, p, id, d)) });
        } catch (err) {
          results.push({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
        }
      }
      return results;
    },

    /**
     * What is routed to an entity, with its matches (new proposals included: a request routed without an
     * offering gets the one that arrives later) and a due date; first routed first, a page at a time
     * (keyset on routed_at, id) instead of a silent cut at 1,000.
     */
    async entityQueue(p: Principal, asked: string, q: { status?: string; limit?: number; cursor?: string } = {}) {
      const ref = await deps.reference.get();
      // An old code (DPKO) answers as its successor's queue (DPO).
      const code = ref.canonicalEntity(asked);
      if (!code) throw notFound('Entity');
      if (p.role === 'entity' && p.entity !== code) throw forbidden('An entity key sees only its own queue.');
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const statuses = q.status ? [q.status] : ['routed', 'accepted', 'in_delivery'];
      const conds = [eq(requests.routedEntity, code), inArray(requests.status, statuses)];
      if (p.role === 'entity') conds.push(sql`(${requests.confidentiality} <> 'restricted' or ${requests.routedEntity} = ${p.entity})`);
      if (after) conds.push(sql`(coalesce(${requests.routedAt}, '-infinity'::timestamptz), ${requests.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const found = await db.select({ r: requests, key: sql<string>`coalesce(${requests.routedAt}, '-infinity'::timestamptz)::text` }).from(requests).where(and(...conds))
        .orderBy(sql`coalesce(${requests.routedAt}, '-infinity'::timestamptz)`, asc(requests.id)).limit(limit + 1);
      const page = pageOf(found.filter(({ r }) => canViewRequest(p, r, false)), limit, (x) => [x.key, x.r.id]);
      const rows = page.items.map(({ r }) => r);
      const ms = rows.length ? await db.select().from(matches).where(and(inArray(matches.requestId, rows.map((r) => r.id)), inArray(matches.status, ['proposed', 'approved', 'forwarded', 'accepted', 'declined']))).orderBy(asc(matches.rank)) : [];
      const dups = rows.length ? await db.select({ a: requestDuplicates.requestId, b: requestDuplicates.otherRequestId }).from(requestDuplicates)
        .where(and(eq(requestDuplicates.status, 'open'), or(inArray(requestDuplicates.requestId, rows.map((r) => r.id)), inArray(requestDuplicates.otherRequestId, rows.map((r) => r.id))))) : [];
      const now = Date.now();
      return {
        items: rows.map((r) => {
          const due = dueAt(r);
          return {
            requestId: r.id, memberState: r.memberState, title: r.title, status: r.status, routedAt: r.routedAt?.toISOString() ?? null,
            dueAt: due?.toISOString() ?? null, overdue: r.status === 'routed' && !r.entityActedAt && !!due && due.getTime() < now,
            confidentiality: r.confidentiality, urgency: r.urgency,
            thematicAreas: requestAreas(r),
            matches: ms.filter((m) => m.requestId === r.id).map((m) => ({
              id: m.id, offeringId: m.offeringId, providerId: m.providerId, score: m.score, status: m.status, explanation: m.explanation,
              declineReason: m.status === 'declined' ? m.responseReason : null, declineNote: m.status === 'declined' ? m.responseNote : null,
            })),
            possibleDuplicate: dups.some((d) => d.a === r.id || d.b === r.id),
            nextStep: nextStep({
              status: r.status, routedEntity: r.routedEntity, parkedAt: r.parkedAt, duplicateOf: r.duplicateOf,
              matchStatuses: ms.filter((m) => m.requestId === r.id).map((m) => m.status), openDuplicates: dups.filter((d) => d.a === r.id || d.b === r.id).length,
            }),
          };
        }),
        nextCursor: page.nextCursor,
      };
    },

    /** The routed entity acknowledges, forwards a match to its provider, or hands the request back to CTED. */
    async entityAction(p: Principal, requestId: string, a: { action: 'acknowledge' | 'forward' | 'hand_back'; matchId?: string; note?: string }) {
      requireMay(p, 'decide');
      return db.transaction(async (tx) => {
        const [r] = await tx.select().from(requests).where(eq(requests.id, requestId)).for('update');
        if (!r || !canViewRequest(p, r, false)) throw notFound('Request');
        if (p.role === 'entity' && r.routedEntity !== p.entity) throw forbidden('Only the entity the request is routed to can act on it.');
        if (r.status !== 'routed') throw conflict('invalid_transition', `The request is ${r.status}, not routed.`);
        const now = new Date();
        if (a.action === 'hand_back') {
          const handedBack = r.routedEntity;
          await transition(tx, r, 'in_review', p, a.note);
          await tx.update(matches).set({ status: 'proposed', updatedAt: now }).where(and(eq(matches.requestId, r.id), eq(matches.status, 'approved')));
          await recordChange(tx, p, {
            action: 'request.hand_back', targetType: 'request', targetId: r.id, summary: { note: a.note },
            event: { topic: 'request.status_changed', payload: { requestId: r.id, status: 'in_review', reason: a.note ?? null } },
          });
          await recordDecision(tx, { kind: 'entity_hand_back', request: r, decidedEntity: handedBack, actor: actorLabel(p), note: a.note });
          return { requestId, status: r.status };
        }
        await tx.update(requests).set({ entityActedAt: now, updatedAt: now }).where(eq(requests.id, r.id));
        if (a.action === 'forward') {
          const [m] = await tx.select().from(matches).where(and(eq(matches.id, a.matchId!), eq(matches.requestId, r.id)));
          if (!m) throw notFound('Match');
          if (!r.consentToShare || r.confidentiality === 'restricted') throw conflict('no_consent', 'The state has not consented to share this request with providers (or it is restricted).');
          if (!['approved', 'proposed'].includes(m.status)) throw conflict('invalid_transition', `This match is ${m.status}.`);
          await tx.update(matches).set({ status: 'forwarded', updatedAt: now, decidedBy: m.decidedBy ?? actorLabel(p), decidedAt: m.decidedAt ?? now }).where(eq(matches.id, m.id));
          await recordChange(tx, p, {
            action: 'match.forward', targetType: 'match', targetId: m.id, summary: { note: a.note ?? null },
            event: { topic: 'match.forwarded', payload: { matchId: m.id, requestId: r.id, providerId: m.providerId } },
          });
        } else {
          await recordChange(tx, p, { action: 'request.acknowledge', targetType: 'request', targetId: r.id, summary: { note: a.note ?? null } });
        }
        return { requestId, status: r.status };
      });
    },

    /** Matches forwarded to (or approved for) a provider, for it to accept or decline; newest first, a page at a time (keyset). */
    async providerInbox(p: Principal, q: { limit?: number; cursor?: string } = {}) {
      if (p.role !== 'provider') throw forbidden();
      const limit = q.limit ?? 25;
      const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const rows = await db.select({ m: matches, r: requests, key: sql<string>`${matches.updatedAt}::text` }).from(matches).innerJoin(requests, eq(requests.id, matches.requestId))
        .where(and(
          eq(matches.providerId, p.providerId!), inArray(matches.status, ['forwarded', 'approved', 'accepted', 'not_needed']), eq(requests.consentToShare, true), sql`${requests.confidentiality} <> 'restricted'`,
          ...(after ? [sql`(${matches.updatedAt}, ${matches.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`] : []),
        ))
        .orderBy(desc(matches.updatedAt), desc(matches.id)).limit(limit + 1);
      const page = pageOf(rows, limit, (x) => [x.key, x.m.id]);
      return {
        items: page.items.map(({ m, r }) => ({
          matchId: m.id, requestId: r.id, offeringId: m.offeringId, status: m.status, score: m.score, memberState: r.memberState,
          title: r.title, description: r.description, requestStatus: r.status, explanation: m.explanation, forwardedAt: m.updatedAt.toISOString(),
          canStartDelivery: m.status === 'accepted' && r.status === 'accepted',
        })),
        nextCursor: page.nextCursor,
      };
    },

    /** The provider accepts (request → accepted) or declines with a reason code. */
    async respond(p: Principal, matchId: string, body: { decision: 'accept' | 'decline'; reason?: string; note?: string }) {
      requireMay(p, 'decide');
      return db.transaction(async (tx) => {
        const { m, r } = await lockMatch(tx, matchId);
        const visible = p.role === 'admin' || (p.role === 'provider' && m.providerId === p.providerId && r.consentToShare && r.confidentiality !== 'restricted');
        if (!visible || !['approved', 'forwarded'].includes(m.status)) {
          if (!visible || m.status === 'proposed' || m.status === 'superseded') throw notFound('Match');
          throw conflict('already_answered', `This match is ${m.status}.`);
        }
        const now = new Date();
        const status = body.decision === 'accept' ? 'accepted' : 'declined';
        if (status === 'accepted' && r.status !== 'routed') throw conflict('invalid_transition', `The request is ${r.status}; it can be accepted only while routed to an entity.`);
        await tx.update(matches).set({ status, responseReason: body.reason ?? null, responseNote: body.note ?? null, updatedAt: now }).where(eq(matches.id, m.id));
        await recordDecision(tx, { kind: status === 'accepted' ? 'provider_accept' : 'provider_decline', request: r, match: m, actor: actorLabel(p), note: body.reason ?? body.note });
        if (status === 'accepted') {
          await transition(tx, r, 'accepted', p, body.note);
          // One offering answers the request: the others still in play are no longer needed (and say so).
          await tx.update(matches).set({ status: 'not_needed', updatedAt: now })
            .where(and(eq(matches.requestId, r.id), ne(matches.id, m.id), inArray(matches.status, ['proposed', 'approved', 'forwarded'])));
        } else {
          // The state and the entity read the reason on the request's history too.
          await tx.update(requests).set({ updatedAt: now }).where(eq(requests.id, r.id));
        }
        await recordChange(tx, p, {
          action: `match.${status}`, targetType: 'match', targetId: m.id, summary: { reason: body.reason ?? null, note: body.note ?? null },
          event: { topic: status === 'accepted' ? 'match.accepted' : 'match.declined', payload: { matchId: m.id, requestId: r.id, reason: body.reason ?? null } },
        });
        return { matchId: m.id, status, requestId: r.id, requestStatus: r.status };
      });
    },

    /** The accepting provider (or the entity) starts delivery. */
    async startDelivery(p: Principal, requestId: string) {
      requireMay(p, 'decide');
      return db.transaction(async (tx) => {
        const [r] = await tx.select().from(requests).where(eq(requests.id, requestId)).for('update');
        if (!r) throw notFound('Request');
        const [accepted] = await tx.select().from(matches).where(and(eq(matches.requestId, requestId), eq(matches.status, 'accepted')));
        const allowed = p.role === 'admin' || p.role === 'cted' || (p.role === 'entity' && r.routedEntity === p.entity) || (p.role === 'provider' && accepted?.providerId === p.providerId);
        if (!allowed) throw notFound('Request');
        await transition(tx, r, 'in_delivery', p);
        await recordChange(tx, p, { action: 'request.start_delivery', targetType: 'request', targetId: r.id, event: { topic: 'request.status_changed', payload: { requestId: r.id, status: 'in_delivery' } } });
        return { id: r.id, status: r.status };
      });
    },

    /**
     * Capacity-aware assignment over everything waiting in review: each request gets at most one
     * offering, no offering beyond its remaining capacity, the worst-served request as well served as
     * possible, then the most total fit (src/matching/batch.assign.ts). With `apply`, the chosen
     * proposals are approved as CTED decisions. Greedy's figures come alongside for comparison.
     */
    async planAssignments(p: Principal, opts: { apply: boolean; limit: number }) {
      const pending = await db.select({ m: matches, capacity: offerings.capacity }).from(matches)
        .innerJoin(requests, eq(requests.id, matches.requestId)).innerJoin(offerings, eq(offerings.id, matches.offeringId))
        .where(and(eq(matches.status, 'proposed'), eq(requests.status, 'in_review'))).orderBy(asc(matches.createdAt)).limit(opts.limit);
      const offeringIds = [...new Set(pending.map((x) => x.m.offeringId))];
      // Capacity already taken by approved, forwarded or accepted matches.
      const load = offeringIds.length ? await db.select({ id: matches.offeringId, n: sql<number>`count(*)::int` }).from(matches)
        .where(and(inArray(matches.offeringId, offeringIds), inArray(matches.status, ['approved', 'forwarded', 'accepted']))).groupBy(matches.offeringId) : [];
      const used = new Map(load.map((l) => [l.id, l.n]));
      const capacities = new Map<string, number>();
      for (const x of pending) capacities.set(x.m.offeringId, x.capacity === null ? Number.MAX_SAFE_INTEGER : Math.max(0, x.capacity - (used.get(x.m.offeringId) ?? 0)));
      const byRequest = new Map<string, { offeringId: string; score: number }[]>();
      const matchOf = new Map<string, string>();
      for (const { m } of pending) {
        byRequest.set(m.requestId, [...(byRequest.get(m.requestId) ?? []), { offeringId: m.offeringId, score: m.score }]);
        matchOf.set(`${m.requestId}|${m.offeringId}`, m.id);
      }
      const input = [...byRequest].map(([requestId, candidates]) => ({ requestId, candidates }));
      const plan = assignBatch(input, capacities);
      const greedy = assignGreedy(input, capacities);
      const assignments = plan.assignments.map((a) => ({ ...a, matchId: matchOf.get(`${a.requestId}|${a.offeringId}`)! }));
      let applied = 0;
      if (opts.apply) {
        for (const a of assignments) {
          await db.transaction((tx) => decideIn(tx, p, a.matchId, { decision: 'approve', note: 'capacity-aware batch assignment' }));
          applied++;
        }
      }
      const round = (x: number) => Math.round(x * 10_000) / 10_000;
      return {
        assignments, unassigned: plan.unassigned, served: assignments.length, totalScore: round(plan.totalScore), minScore: round(plan.minScore), applied,
        greedy: { served: greedy.assignments.length, totalScore: round(greedy.totalScore), minScore: round(greedy.minScore) },
      };
    },

    /** Routed requests nobody acted on within the due days go back to CTED's queue. */
    async escalateOverdue(now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - deps.config.ENTITY_DUE_DAYS * DAY);
      const rows = await db.select({ id: requests.id }).from(requests).where(and(eq(requests.status, 'routed'), isNull(requests.entityActedAt), lt(requests.routedAt, cutoff)));
      let n = 0;
      for (const { id } of rows) {
        await db.transaction(async (tx) => {
          const [r] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
          if (!r || r.status !== 'routed' || r.entityActedAt || !r.routedAt || r.routedAt >= cutoff) return;
          await transition(tx, r, 'in_review', { ...SYSTEM, label: 'system:escalation' }, overdueNote(r.routedEntity, deps.config.ENTITY_DUE_DAYS));
          await tx.update(matches).set({ status: 'proposed', updatedAt: now }).where(and(eq(matches.requestId, r.id), eq(matches.status, 'approved')));
          await recordChange(tx, SYSTEM, {
            action: 'request.escalate', targetType: 'request', targetId: r.id, summary: { entity: r.routedEntity },
            // Its entity and CTED are told (notifications).
            event: { topic: 'request.escalated', payload: { requestId: r.id, entity: r.routedEntity } },
          });
          n++;
        });
      }
      return n;
    },
  };
}
export type ReviewService = ReturnType<typeof createReviewService>;
