import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import {
  auditEvents, learnedModels, matches, needs, offerings, outbox, providers, requestDuplicates, requestNeedLinks, requests, requestTransitions, routingDecisions,
  type StoredPart, type StoredRouting,
} from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { LearnedModel } from '../../matching/learning.js';
import type { Lang, MatchableOffering, MatchableRequest, MatchResult, Modality, Routing } from '../../matching/types.js';
import { matchingTexts } from '../attachments/attachments.repository.js';
import { recordChange, SYSTEM } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas } from '../requests/request-areas.js';
import { firstMatchMoves, OPEN_STATUSES, SYSTEM_NOTES, triageNote } from '../requests/request-lifecycle.js';
import { createEngine, type Engine } from './engine.adapter.js';

/** Statuses in which a request's proposals may still be refreshed by a new or changed offering. */
const REMATCHABLE = ['in_review'];
/** Requests a need links to when it arrives after them: seen by matching, and not withdrawn or rejected. */
const LINKABLE_STATUSES = ['matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed'] as const;
/** Statuses a first match starts from: `matched` too, for one left there (the sweeper re-enqueues it). */
const UNMATCHED = ['submitted', 'matched'];
const ACTOR = 'system:matcher';

const storedRouting = (r: Routing): StoredRouting => ({ entity: r.entity, reason: r.reason, area: r.area, concept: r.concept ?? null });

/** What the request row keeps of the engine's decision: its route, confidence, triage and parts. */
function engineColumns(result: MatchResult) {
  const parts: StoredPart[] = result.parts.map((p) => ({
    index: p.index, text: p.text, thematicAreas: p.thematicAreas, routing: storedRouting(p.routing), confidence: p.confidence,
    matches: p.matches.map((m) => ({ offeringId: m.offeringId, providerId: m.providerId, rank: m.rank, score: m.score, confidence: m.confidence })),
  }));
  return {
    engineRouting: storedRouting(result.routing), confidence: result.confidence, parts,
    triage: result.triage ? { reason: result.triage.reason, confidence: result.triage.confidence, detail: result.triage.detail, candidates: result.triage.candidates } : null,
  };
}

/**
 * Runs the matching engine against the database: keeps the in-memory offering index current
 * (incremental sync on updated_at), matches and routes requests in one transaction, idempotently.
 */
export function createMatchingService(deps: { db: Db; reference: ReferenceService; config: Pick<Config, 'AUTO_ROUTE_CONFIDENCE' | 'ATTACHMENT_MATCH_CHARS'>; onMatched?: (topScore: number | null) => void }) {
  const { db } = deps;
  let engine: Promise<Engine> | undefined;
  // Watermark and versions as PostgreSQL's own text (microseconds): a JS Date would round them down
  // and make every sync re-index the newest offerings again.
  let watermark = '-infinity';
  const indexed = new Map<string, string>();
  let syncing: Promise<void> | undefined;

  // The reads every job makes, built once (drizzle's query builder costs more per call than the
  // queries themselves at this size) and run with placeholders.
  const q = {
    changedOfferings: db.select({ o: offerings, entity: providers.entityCode, version: sql<string>`${offerings.updatedAt}::text` }).from(offerings)
      .innerJoin(providers, eq(providers.id, offerings.providerId))
      .where(or(gt(offerings.updatedAt, sql`${sql.placeholder('watermark')}::timestamptz`), sql`${offerings.updatedAt} > now() - interval '5 seconds'`))
      .orderBy(asc(offerings.updatedAt)).prepare('match_changed_offerings'),
    request: db.select().from(requests).where(eq(requests.id, sql.placeholder('id'))).prepare('match_request'),
    stateNeeds: db.select().from(needs).where(and(eq(needs.memberState, sql.placeholder('state')), eq(needs.status, 'open'))).prepare('match_state_needs'),
    activeModel: db.select({ id: learnedModels.id }).from(learnedModels).where(eq(learnedModels.status, 'active')).prepare('match_active_model'),
    modelById: db.select({ model: learnedModels.model }).from(learnedModels).where(eq(learnedModels.id, sql.placeholder('id'))).prepare('match_model_by_id'),
    openRequests: db.select({
      id: requests.id, memberState: requests.memberState, title: requests.title, description: requests.description,
      language: requests.language, thematicAreas: requests.thematicAreas,
    }).from(requests).where(and(
      eq(requests.memberState, sql.placeholder('state')),
      inArray(requests.status, [...OPEN_STATUSES]),
      // Filed before this one (compared in the database, to the microsecond); at the same instant the
      // smaller id counts as first, so of two requests one may flag the other, never both.
      sql`(${requests.submittedAt}, ${requests.id}) < (select r.submitted_at, r.id from requests r where r.id = ${sql.placeholder('id')}::uuid)`,
    )).limit(200).prepare('match_open_requests'),
  };

  function getEngine(): Promise<Engine> {
    engine ??= deps.reference.get().then((ref) => createEngine(
      ref.areas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes })),
      ref.states.map((s) => ({ iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion })),
    )).catch((err) => { engine = undefined; throw err; });
    return engine;
  }

  /**
   * Brings the index up to date with offerings changed since the last sync (any process may have
   * changed them). It also re-reads the last few seconds, because updated_at is a transaction's
   * start time and a transaction that started earlier can commit later; versions already indexed
   * are skipped.
   */
  async function syncIndex(): Promise<void> {
    syncing ??= (async () => {
      const e = await getEngine();
      const rows = await q.changedOfferings.execute({ watermark });
      for (const { o, entity, version } of rows) {
        if (indexed.get(o.id) === version) continue;
        e.upsertOffering({
          id: o.id, providerId: o.providerId, providerEntity: entity, title: o.title, description: o.description,
          language: o.language as Lang, languages: o.languages as Lang[], modalities: o.modalities as Modality[],
          thematicAreas: o.thematicAreas, eligibility: { regions: o.eligibilityRegions, countries: o.eligibilityCountries },
          versions: o.translations.map((t) => ({ language: t.language as Lang, title: t.title, description: t.description })),
          availableFrom: o.availableFrom, availableUntil: o.availableUntil, lastConfirmedAt: o.lastConfirmedAt,
          status: o.status as 'open' | 'closed', capacity: o.capacity,
        } satisfies MatchableOffering);
        indexed.set(o.id, version);
      }
      if (rows.length && rows[rows.length - 1].version > watermark) watermark = rows[rows.length - 1].version;
    })().finally(() => { syncing = undefined; });
    return syncing;
  }

  /**
   * Applies the active learning model if it changed since the last job (another process may have applied
   * it). Nothing changes in matching until an admin applies a model (learning.service.ts, audited).
   */
  async function useModel(active: { id: string }[]): Promise<void> {
    const e = await getEngine();
    const id = active[0]?.id ?? null;
    if (id === e.learnedVersion) return;
    if (!id) { e.setLearned(undefined); return; }
    const [row] = await q.modelById.execute({ id });
    e.setLearned(row ? (row.model as unknown as LearnedModel) : undefined);
  }

  async function compute(req: typeof requests.$inferSelect, now: Date): Promise<MatchResult> {
    // Independent reads, sent together (postgres.js pipelines them on the pool).
    const [, stateNeeds, openReqs, attachmentTexts, active] = await Promise.all([
      syncIndex(),
      q.stateNeeds.execute({ state: req.memberState }),
      q.openRequests.execute({ state: req.memberState, id: req.id }),
      matchingTexts(db, req.id),
      q.activeModel.execute(),
    ]);
    await useModel(active);
    const e = await getEngine();
    const input: MatchableRequest = {
      id: req.id, memberState: req.memberState, title: req.title, description: req.description, language: req.language as Lang,
      thematicAreas: req.thematicAreas, modalities: req.modalities as Modality[], urgency: req.urgency as MatchableRequest['urgency'],
      submittedAt: req.submittedAt,
      ...(req.ctedParts ? { parts: req.ctedParts } : {}),
    };
    return e.matchRequest(input, {
      now,
      needs: stateNeeds.map((n) => ({ id: n.id, memberState: n.memberState, description: n.description, priority: n.priority as 'high' | 'medium' | 'low', thematicAreas: n.thematicAreas })),
      openRequests: openReqs.map((r) => ({ id: r.id, memberState: r.memberState, title: r.title, description: r.description, language: r.language as Lang, thematicAreas: r.thematicAreas })),
    }, { texts: attachmentTexts, maxChars: deps.config.ATTACHMENT_MATCH_CHARS });
  }

  /**
   * Classifies, scores, links needs, flags duplicates and routes one request, writing it all in one
   * transaction. Safe to run again: a request already past `submitted` is only refreshed when in review.
   */
  async function matchAndRoute(requestId: string, opts: { rematch?: boolean; statuses?: readonly string[] } = {}): Promise<'matched' | 'refreshed' | 'skipped'> {
    const [pre] = await q.request.execute({ id: requestId });
    if (!pre) return 'skipped';
    const again = opts.statuses ?? REMATCHABLE;
    if (!UNMATCHED.includes(pre.status) && !(opts.rematch && again.includes(pre.status))) return 'skipped';
    const now = new Date();
    const result = await compute(pre, now);
    const routingEntity = result.routing.entity;

    const outcome = await db.transaction(async (tx) => {
      // Lock the row; whoever comes second sees the new status and stops.
      const [req] = await tx.select({ id: requests.id, status: requests.status }).from(requests).where(eq(requests.id, requestId)).for('update');
      if (!req || (!UNMATCHED.includes(req.status) && !(opts.rematch && again.includes(req.status)))) return 'skipped';
      const first = UNMATCHED.includes(req.status);

      const top = result.matches[0];
      // Confident enough (or nothing to review): straight to the responsible entity, the top proposal approved.
      // A request the engine sends to CTED triage (no area fits, areas tie, nothing eligible, low
      // confidence) is never routed by the engine itself, nor is a likely duplicate of an earlier
      // request: CTED decides that first (issue 12 item 8).
      const autoRoute = first && !!routingEntity && !result.triage && result.possibleDuplicates.length === 0 && (!top || top.score >= deps.config.AUTO_ROUTE_CONFIDENCE);
      // One statement for all proposals, its rows as one JSON parameter (drizzle's builder spent more
      // time on ~150 bound values than PostgreSQL on the insert); decided ones (approved, rejected, ...)
      // are left as they are.
      const matchRows = result.matches.map((m) => ({
        request_id: req.id, offering_id: m.offeringId, provider_id: m.providerId, entity_code: routingEntity,
        rank: m.rank, score: m.score, confidence: m.confidence, explanation: m.explanation,
        ...(autoRoute && m === top
          ? { status: 'approved', decided_at: now.toISOString(), decided_by: ACTOR, decision_note: 'auto-approved above the confidence threshold' }
          : { status: 'proposed', decided_at: null, decided_by: null, decision_note: null }),
      }));
      const insertMatches = () => tx.execute(sql`
        insert into matches (request_id, offering_id, provider_id, entity_code, rank, score, confidence, explanation, status, decided_at, decided_by, decision_note)
        select request_id, offering_id, provider_id, entity_code, rank, score, confidence, explanation, status, decided_at, decided_by, decision_note
        from jsonb_to_recordset(${JSON.stringify(matchRows)}::jsonb) as x(request_id uuid, offering_id uuid, provider_id uuid, entity_code text,
          rank integer, score real, confidence real, explanation jsonb, status text, decided_at timestamptz, decided_by text, decision_note text)
        on conflict (request_id, offering_id) do update set rank = excluded.rank, score = excluded.score, confidence = excluded.confidence, explanation = excluded.explanation,
          status = excluded.status, entity_code = excluded.entity_code, updated_at = ${now.toISOString()}::timestamptz
        where matches.status in ('superseded', 'proposed')`);
      // A need imported meanwhile may have linked itself to this request already (linkNeed): same link.
      const insertLinks = () => tx.insert(requestNeedLinks).values(result.linkedNeeds.map((l) => ({ requestId: req.id, needId: l.needId, score: l.score }))).onConflictDoNothing();
      // A flag CTED already confirmed or dismissed stays as decided.
      const insertDuplicates = () => tx.insert(requestDuplicates).values(result.possibleDuplicates.map((d) => ({ requestId: req.id, otherRequestId: d.requestId, similarity: d.similarity }))).onConflictDoNothing();
      const classifiedAreas = result.thematicAreas;

      if (!first) {
        // A refresh replaces what is undecided, in order: each delete before its insert.
        await tx.update(matches).set({ status: 'superseded', updatedAt: now }).where(and(eq(matches.requestId, req.id), eq(matches.status, 'proposed')));
        if (result.matches.length) await insertMatches();
        await tx.delete(requestNeedLinks).where(eq(requestNeedLinks.requestId, req.id));
        if (result.linkedNeeds.length) await insertLinks();
        await tx.delete(requestDuplicates).where(and(eq(requestDuplicates.requestId, req.id), eq(requestDuplicates.status, 'open')));
        if (result.possibleDuplicates.length) await insertDuplicates();
        await tx.update(requests).set({ classifiedAreas, ...engineColumns(result), updatedAt: now }).where(eq(requests.id, req.id));
        await recordChange(tx, SYSTEM, {
          action: 'request.rematch', targetType: 'request', targetId: req.id,
          summary: { matches: result.matches.length, parts: result.parts.length, ctedParts: pre.ctedParts?.length ?? null, triage: result.triage?.reason ?? null },
        });
        return 'refreshed';
      }
      // A first match has nothing to replace.
      const writes = [
        ...(result.matches.length ? [insertMatches()] : []),
        ...(result.linkedNeeds.length ? [insertLinks()] : []),
        ...(result.possibleDuplicates.length ? [insertDuplicates()] : []),
      ];
      // submitted → matched → routed | in_review, written as one update and one insert per table, all
      // sent at once: postgres.js pipelines them on the transaction's connection (one round trip, not
      // eight). They touch different rows, so their order does not matter.
      const final = autoRoute ? 'routed' : 'in_review';
      // Written by hand (one round trip), checked against TRANSITIONS here and in tests/unit/request-lifecycle.test.ts.
      const moves = firstMatchMoves(req.status as 'submitted' | 'matched', final);
      const note = result.triage ? triageNote(result.triage.reason) : autoRoute ? (top ? SYSTEM_NOTES.autoRouted : SYSTEM_NOTES.noOffering)
        : result.possibleDuplicates.length ? SYSTEM_NOTES.duplicate : SYSTEM_NOTES.review;
      const matchSummary = { matches: result.matches.length, top: top?.score ?? null, routing: result.routing, confidence: result.confidence, triage: result.triage, parts: result.parts.length };
      await Promise.all([
        ...writes,
        tx.update(requests).set({
          status: final, classifiedAreas, matchedAt: now, routedEntity: routingEntity, routingReason: result.routing.reason, ...engineColumns(result),
          language: result.language, routedAt: autoRoute ? now : null, updatedAt: now,
        }).where(and(eq(requests.id, req.id), eq(requests.status, req.status))),
        tx.insert(requestTransitions).values(moves.map(([from, to], k) => ({
          requestId: req.id, fromStatus: from, toStatus: to, actor: ACTOR, actorRole: 'system', at: new Date(now.getTime() + k), note: to === final ? note : null,
        }))),
        tx.insert(auditEvents).values([
          { actorRole: SYSTEM.role, action: 'request.match', targetType: 'request', targetId: req.id, summary: matchSummary },
          ...(autoRoute ? [{ actorRole: SYSTEM.role, action: 'request.route', targetType: 'request', targetId: req.id, summary: { entity: routingEntity, reason: result.routing.reason } }] : []),
        ]),
        tx.insert(outbox).values([
          { topic: 'request.matched', payload: { requestId: req.id } },
          ...(autoRoute ? [{ topic: 'request.routed', payload: { requestId: req.id, entity: routingEntity } }] : []),
        ]),
        ...(autoRoute ? [tx.insert(routingDecisions).values({ requestId: req.id, entityCode: routingEntity!, areaCode: result.routing.area, reason: result.routing.reason, actor: ACTOR })] : []),
      ]);
      return 'matched' as const;
    });
    if (outcome === 'matched') deps.onMatched?.(result.matches[0]?.score ?? null);
    return outcome;
  }

  /**
   * Links a need to the requests of its state that matching has already seen (any status after
   * `submitted`, but not withdrawn or rejected), so that a need CTED imports after a request was filed,
   * routed or even delivered counts as covered by it: links are made both ways, whatever the order.
   * Requests still `submitted` link at their first match. Rewrites only this need's links.
   */
  async function linkNeed(needId: string): Promise<number> {
    const [n] = await db.select().from(needs).where(eq(needs.id, needId));
    if (!n) return 0;
    const e = await getEngine();
    await syncIndex();
    const reqs = n.status === 'open'
      ? await db.select({ id: requests.id, memberState: requests.memberState, title: requests.title, description: requests.description, language: requests.language, thematicAreas: requests.thematicAreas })
        .from(requests).where(and(eq(requests.memberState, n.memberState), inArray(requests.status, [...LINKABLE_STATUSES]))).limit(2000)
      : [];
    const need = { id: n.id, memberState: n.memberState, description: n.description, priority: n.priority as 'high' | 'medium' | 'low', thematicAreas: n.thematicAreas };
    const links = reqs.flatMap((r) => e.linkNeeds({ ...r, language: r.language as Lang }, [need]).map((l) => ({ requestId: r.id, needId: l.needId, score: l.score })));
    await db.transaction(async (tx) => {
      await tx.delete(requestNeedLinks).where(and(eq(requestNeedLinks.needId, needId), inArray(requestNeedLinks.requestId, reqs.length ? reqs.map((r) => r.id) : ['00000000-0000-0000-0000-000000000000'])));
      if (links.length) await tx.insert(requestNeedLinks).values(links).onConflictDoUpdate({ target: [requestNeedLinks.requestId, requestNeedLinks.needId], set: { score: sql`excluded.score` } });
    });
    return links.length;
  }

  /** After an offering or need changes, refreshes the open requests it may affect. */
  async function reverseMatch(kind: 'offering' | 'need', id: string): Promise<number> {
    if (kind === 'offering') {
      await syncIndex();
      const [o] = await db.select().from(offerings).where(eq(offerings.id, id));
      if (!o) return 0;
      const candidates = await db.select({ id: requests.id, areas: requests.classifiedAreas, explicit: requests.thematicAreas })
        .from(requests).where(inArray(requests.status, REMATCHABLE)).limit(5000);
      const touched = candidates.filter((r) => requestAreas({ thematicAreas: r.explicit, classifiedAreas: r.areas }).some((c) => o.thematicAreas.includes(c)));
      for (const r of touched) await matchAndRoute(r.id, { rematch: true });
      return touched.length;
    }
    await linkNeed(id);
    const [n] = await db.select().from(needs).where(eq(needs.id, id));
    if (!n) return 0;
    const candidates = await db.select({ id: requests.id }).from(requests).where(and(eq(requests.memberState, n.memberState), inArray(requests.status, REMATCHABLE)));
    for (const r of candidates) await matchAndRoute(r.id, { rematch: true });
    return candidates.length;
  }

  return {
    matchAndRoute,
    reverseMatch,
    linkNeed,
    syncIndex,
    /** Thematic areas of a text, for offerings and needs that came without any. */
    async inferAreas(text: string, lang: Lang): Promise<string[]> {
      return (await getEngine()).inferAreas(text, lang);
    },
    /** Every area's score for a text, best first (IATI sectors are weighed against it). */
    async scoreAreas(text: string, lang: Lang): Promise<{ code: string; score: number }[]> {
      return (await getEngine()).scoreAreas(text, lang);
    },
    /** The engine itself (tests, benchmarks and the directory search use it). */
    engine: getEngine,
  };
}
export type MatchingService = ReturnType<typeof createMatchingService>;
