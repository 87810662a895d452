import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, ilike, inArray, ne, or, sql } from 'drizzle-orm';
import type { Db, Query } from '../../../db/client.js';
import {
  idempotencyKeys, matches, offerings, requestDuplicates, requestNeedLinks, requests, requestTransitions,
} from '../../../db/schema/index.js';
import { AppError, badRequest, conflict, forbidden, isConnectionError, notFound, sqlState } from '../../errors.js';
import { requireMay, type Principal } from '../../plugins/auth.plugin.js';
import { detectLanguage } from '../../matching/language.detect.js';
import { uniq } from '../common.schemas.js';
import { actorLabel, recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas } from './request-areas.js';
import { INITIAL_STATUS, nextStep, REPARTABLE, transition, type RequestStatus } from './request-lifecycle.js';
import { canViewRequest, PROVIDER_VISIBLE_MATCH } from './request-visibility.js';
import type { CreateRequestBody, RequestView } from './requests.schemas.js';
import { createWriteBatcher, WriteDeadlineError } from './write-batcher.js';
import { decodeCursor, pageOf } from '../keyset-cursor.js';
import { withTimeout } from '../../../db/client.js';

type RequestRow = typeof requests.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function canonicalHash(body: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex');
}

const isUniqueViolation = (err: unknown) => sqlState(err) === '23505';

/** One new request as the intake statement takes it (a row of its JSON input). */
interface NewRequest {
  id: string; member_state: string; title: string; description: string; language: string; language_detected: boolean;
  thematic_areas: string[]; modalities: string[]; urgency: string; confidentiality: string; consent_to_share: boolean;
  created_by_key: string | null; actor: string; actor_role: string; actor_user_id: string | null; actor_organisation_id: string | null; summary: Record<string, unknown>; trace_id: string | null;
  idem_scope: string | null; idem_key: string | null; body_hash: string | null;
}

/**
 * The hot path of the door: one statement (one round trip, one implicit transaction) writes, for
 * every request of a batch, the request, its first transition, the audit record, the outbox event
 * and the idempotency key — the same rows recordChange() writes elsewhere. Requests filed at the
 * same moment share it (see write-batcher.ts), each with its own submitted_at (clock_timestamp(),
 * per row; now() would be the transaction's), so they keep their order. Measured in docs/benchmarks.md.
 */
const SUBMIT = `
  with x as (
    select * from jsonb_to_recordset($1::jsonb) as x(
      id uuid, member_state text, title text, description text, language text, language_detected boolean,
      thematic_areas text[], modalities text[], urgency text, confidentiality text, consent_to_share boolean,
      created_by_key uuid, actor text, actor_role text, actor_user_id uuid, actor_organisation_id uuid, summary jsonb, trace_id text,
      idem_scope text, idem_key text, body_hash text)
  ), r as (
    insert into requests (id, member_state, title, description, language, language_detected, thematic_areas, modalities,
                          urgency, confidentiality, consent_to_share, status, created_by_key, submitted_at)
    select id, member_state, title, description, language, language_detected, thematic_areas, modalities,
           urgency, confidentiality, consent_to_share, '${INITIAL_STATUS}', created_by_key, clock_timestamp()
    from x
    returning id
  ), t as (
    insert into request_transitions (request_id, from_status, to_status, actor, actor_role, actor_org)
    select id, null, '${INITIAL_STATUS}', actor, actor_role, member_state from x
  ), a as (
    insert into audit_events (actor_key_id, actor_role, actor_user_id, actor_organisation_id, actor_label, action, target_type, target_id, summary)
    select created_by_key, actor_role, actor_user_id, actor_organisation_id, actor, 'request.submit', 'request', id::text, summary from x
  ), o as (
    insert into outbox (topic, payload, request_id) select 'request.submitted', jsonb_build_object('requestId', id), trace_id from x
  ), k as (
    insert into idempotency_keys (scope, key, body_hash, request_id) select idem_scope, idem_key, body_hash, id from x where idem_key is not null
  )
  select count(*)::int as n from r`.replace(/\s+/g, ' ').trim(); // postgres.js keys prepared statements by the text, hashed on every call

/** Failures that prove the intake statement never ran to a commit: refused, unreachable, or aborted by the server. */
const NEVER_COMMITTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '53300']);
const codeOf = (err: unknown): string => {
  const e = err as { code?: unknown; cause?: unknown } | undefined;
  return typeof e?.code === 'string' ? e.code : e?.cause ? codeOf(e.cause) : '';
};

/**
 * The 503 intake answers when the database is away. It must not claim more than it knows: a write
 * that never reached PostgreSQL was not recorded, but one whose connection broke while PostgreSQL had
 * it (or that was not confirmed within DB_WAIT_MS) may have committed, and then it is kept and matched.
 * Sending it again with the same Idempotency-Key is safe either way.
 */
function intakeUnavailable(err: unknown): AppError | null {
  if (err instanceof WriteDeadlineError ? err.sent : !NEVER_COMMITTED.has(codeOf(err))) {
    return new AppError(503, 'service_unavailable', 'The database did not confirm in time whether the request was recorded. Send it again with the same Idempotency-Key header: if it was recorded you get the same request back, if not it is filed then.');
  }
  return new AppError(503, 'service_unavailable', 'The request was not recorded: the database is not reachable at the moment. Send it again in a few seconds.');
}

type Log = { warn(o: object, m?: string): void };

/** Requests filed by member states: intake, visibility, lifecycle and the state's feedback. */
export function createRequestsService(deps: { db: Db; query: Query; reference: ReferenceService; dbWaitMs?: number; log?: Log }) {
  const { db } = deps;
  const dbWaitMs = deps.dbWaitMs ?? 3000;
  const intake = createWriteBatcher<NewRequest>(async (rows) => {
    // Idempotency keys in one order in every batch, so two batches never wait on each other's keys (deadlock).
    if (rows.some((r) => r.idem_key)) rows = [...rows].sort((a, b) => `${a.idem_scope}\u0000${a.idem_key}`.localeCompare(`${b.idem_scope}\u0000${b.idem_key}`));
    await deps.query(SUBMIT, [JSON.stringify(rows)]);
  }, {
    onLate: (err) => deps.log?.warn({ committed: err === null, err: err ? String(err) : undefined },
      err === null ? 'a request answered 503 was committed after all: it is kept and will be matched' : 'a request answered 503 was not committed'),
  });

  async function validateAreas(codes: string[] | undefined) {
    if (!codes?.length) return;
    const ref = await deps.reference.get();
    const bad = codes.map((c, i) => ({ c, i })).filter(({ c }) => !ref.areaByCode.has(c));
    if (bad.length) throw badRequest('Unknown thematic area.', bad.map(({ c, i }) => ({ path: `thematicAreas.${i}`, message: `unknown thematic area "${c}" (see /v1/reference/thematic-areas)` })));
  }

  /** The request an earlier submission with this Idempotency-Key created, if any (409 when its body differs). */
  async function replay(scope: string, key: string, bodyHash: string): Promise<{ id: string; status: string; replayed: true } | null> {
    const [k] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!k) return null;
    if (k.bodyHash !== bodyHash) throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different body.');
    const [r] = await db.select({ id: requests.id, status: requests.status }).from(requests).where(eq(requests.id, k.requestId));
    return { id: r.id, status: r.status, replayed: true };
  }

  async function providerHasMatch(providerId: string | null, requestId: string): Promise<boolean> {
    if (!providerId) return false;
    const rows = await db.select({ id: matches.id }).from(matches).where(and(
      eq(matches.requestId, requestId), eq(matches.providerId, providerId), inArray(matches.status, [...PROVIDER_VISIBLE_MATCH]),
    )).limit(1);
    return rows.length > 0;
  }

  /** Loads a request the principal may see; 404 otherwise, never revealing that it exists. */
  async function loadVisible(p: Principal, id: string): Promise<RequestRow> {
    const [row] = await db.select().from(requests).where(eq(requests.id, id));
    if (!row) throw notFound('Request');
    const hasMatch = p.role === 'provider' ? await providerHasMatch(p.providerId, id) : false;
    if (!canViewRequest(p, row, hasMatch)) throw notFound('Request');
    return row;
  }

  /** The possible duplicates of a request, both ways, with the other request's title and status where `p` may see it. */
  async function duplicatesOf(p: Principal, row: RequestRow): Promise<RequestView['possibleDuplicates']> {
    const pairs = await db.select().from(requestDuplicates)
      .where(and(or(eq(requestDuplicates.requestId, row.id), eq(requestDuplicates.otherRequestId, row.id)), ne(requestDuplicates.status, 'dismissed')))
      .orderBy(desc(requestDuplicates.similarity));
    if (!pairs.length) return [];
    const otherIds = pairs.map((d) => (d.requestId === row.id ? d.otherRequestId : d.requestId));
    const others = new Map((await db.select().from(requests).where(inArray(requests.id, otherIds))).map((o) => [o.id, o]));
    return Promise.all(pairs.map(async (d) => {
      const earlier = d.requestId === row.id;
      const other = others.get(earlier ? d.otherRequestId : d.requestId);
      const visible = !!other && canViewRequest(p, other, p.role === 'provider' ? await providerHasMatch(p.providerId, other.id) : false);
      return {
        requestId: earlier ? d.otherRequestId : d.requestId, similarity: d.similarity, direction: earlier ? 'earlier' as const : 'later' as const,
        decision: d.status === 'confirmed' ? 'confirmed' as const : 'open' as const,
        title: visible ? other!.title : null, status: visible ? other!.status as RequestView['status'] : null,
      };
    }));
  }

  async function toView(p: Principal, row: RequestRow, now = new Date()): Promise<RequestView> {
    const matchFilter = p.role === 'provider'
      ? and(eq(matches.requestId, row.id), eq(matches.providerId, p.providerId ?? ''), inArray(matches.status, [...PROVIDER_VISIBLE_MATCH]))
      : and(eq(matches.requestId, row.id), ne(matches.status, 'superseded'));
    const [ms, links, dups, moves, allStatuses] = await Promise.all([
      db.select({ m: matches, title: offerings.title, from: offerings.availableFrom }).from(matches).innerJoin(offerings, eq(offerings.id, matches.offeringId))
        .where(matchFilter).orderBy(asc(matches.rank)),
      p.role === 'provider' ? Promise.resolve([]) : db.select().from(requestNeedLinks).where(eq(requestNeedLinks.requestId, row.id)).orderBy(desc(requestNeedLinks.score)),
      duplicatesOf(p, row),
      // Internal notes (CTED's, entities') are for the state and the Task Force, not for providers.
      p.role === 'provider' ? Promise.resolve([]) : db.select().from(requestTransitions).where(eq(requestTransitions.requestId, row.id)).orderBy(asc(requestTransitions.at)),
      db.select({ status: matches.status }).from(matches).where(eq(matches.requestId, row.id)),
    ]);
    return {
      id: row.id, memberState: row.memberState, title: row.title, description: row.description,
      language: row.language as RequestView['language'], status: row.status as RequestView['status'],
      thematicAreas: requestAreas(row), modalities: row.modalities as RequestView['modalities'],
      urgency: row.urgency as RequestView['urgency'], confidentiality: row.confidentiality as RequestView['confidentiality'],
      consentToShare: row.consentToShare,
      submittedAt: row.submittedAt.toISOString(), matchedAt: iso(row.matchedAt),
      routing: row.routedEntity ? { entity: row.routedEntity, reason: row.routingReason ?? 'unknown' } : null,
      matches: ms.map(({ m, title, from }) => ({
        id: m.id, offeringId: m.offeringId, providerId: m.providerId, rank: m.rank, score: m.score, confidence: m.confidence,
        explanation: m.explanation, status: m.status, entity: m.entityCode, offeringTitle: title,
        origin: m.origin === 'cted' ? 'cted' as const : 'engine' as const,
        startsAt: from && from.getTime() > now.getTime() ? from.toISOString() : null,
        decidedAt: iso(m.decidedAt), decisionNote: m.decisionNote,
        declineReason: m.status === 'declined' ? m.responseReason : null, declineNote: m.status === 'declined' ? m.responseNote : null,
      })),
      triage: row.triage ? { reason: row.triage.reason as NonNullable<RequestView['triage']>['reason'], confidence: row.triage.confidence, detail: row.triage.detail } : null,
      confidence: row.confidence ?? null,
      engineRouting: row.engineRouting ?? null,
      // A provider sees, in each part, only its own proposals (as in `matches`).
      parts: row.parts.map((part) => ({ ...part, matches: p.role === 'provider' ? part.matches.filter((m) => m.providerId === p.providerId) : part.matches })),
      ctedParts: row.ctedParts ?? null,
      linkedNeeds: links.map((l) => ({ needId: l.needId, score: l.score })),
      possibleDuplicates: dups,
      feedback: row.feedback ?? null,
      nextStep: nextStep({
        status: row.status, routedEntity: row.routedEntity, parkedAt: row.parkedAt, duplicateOf: row.duplicateOf,
        matchStatuses: allStatuses.map((x) => x.status), openDuplicates: dups.filter((d) => d.decision === 'open').length,
      }),
      history: moves.map((t) => ({
        from: t.fromStatus as RequestView['status'] | null, to: t.toStatus as RequestView['status'], at: t.at.toISOString(),
        actorRole: t.actorRole ?? (t.actor.startsWith('system') ? 'system' : null), actorOrg: t.actorOrg, note: t.note,
      })),
      duplicateOf: row.duplicateOf,
      parked: row.parkedAt ? { at: row.parkedAt.toISOString(), reason: row.parkedReason } : null,
    };
  }

  return {
    /** Files a request; with an Idempotency-Key the same body returns the same request. */
    async submit(p: Principal, body: CreateRequestBody, idempotencyKey?: string): Promise<{ id: string; status: string; replayed: boolean }> {
      if (p.role !== 'member_state' || !p.memberState) throw forbidden('Only a member state key can file requests.');
      requireMay(p, 'file');
      await validateAreas(body.thematicAreas);
      if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
        throw badRequest('Invalid Idempotency-Key header.', [{ path: 'headers.idempotency-key', message: '1-200 visible ASCII characters' }]);
      }
      const bodyHash = idempotencyKey ? canonicalHash(body) : null;
      const scope = p.memberState;
      // Intake never waits for the database longer than DB_WAIT_MS in all: a 503 at once beats a hung client.
      const until = Date.now() + dbWaitMs;
      const left = () => Math.max(1, until - Date.now());
      if (idempotencyKey) {
        const earlier = await withTimeout(replay(scope, idempotencyKey, bodyHash!), left(), 'idempotency lookup')
          .catch((err) => { throw isConnectionError(err) ? intakeUnavailable(new WriteDeadlineError(false, dbWaitMs)) : err; });
        if (earlier) return earlier;
      }
      const language = body.language ?? detectLanguage(`${body.title}\n${body.description}`);
      const confidentiality = body.confidentiality ?? 'task_force';
      const id = randomUUID();
      try {
        await intake.write({
          id, member_state: p.memberState, title: body.title, description: body.description, language, language_detected: !body.language,
          thematic_areas: uniq(body.thematicAreas ?? []), modalities: uniq(body.modalities ?? []),
          urgency: body.urgency ?? 'normal', confidentiality, consent_to_share: body.consentToShare ?? true,
          created_by_key: p.keyId, actor: actorLabel(p), actor_role: p.role, actor_user_id: p.userId ?? null, actor_organisation_id: p.organisationId ?? null,
          summary: { after: { status: INITIAL_STATUS, language, confidentiality } }, trace_id: p.requestId ?? null,
          idem_scope: idempotencyKey ? scope : null, idem_key: idempotencyKey ?? null, body_hash: bodyHash,
        }, { waitMs: left() });
        return { id, status: INITIAL_STATUS, replayed: false };
      } catch (err) {
        if (err instanceof WriteDeadlineError || isConnectionError(err)) throw intakeUnavailable(err) ?? err;
        // Two submissions with the same key raced: the loser answers like a replay.
        if (idempotencyKey && isUniqueViolation(err)) {
          const earlier = await replay(scope, idempotencyKey, bodyHash!);
          if (earlier) return earlier;
        }
        throw err;
      }
    },

    /** The request as the principal may see it. */
    async view(p: Principal, id: string): Promise<RequestView> {
      return toView(p, await loadVisible(p, id));
    },

    /**
     * Lists requests: a state its own; CTED and admins all; an entity those routed to it. Filters: one
     * status or several (a stage), the state, an area (explicit or classified), urgency, and words of
     * the title or description (`q`, case-insensitive). Newest first, paged by keyset cursor
     * (submitted_at, id); `offset` still works, but rescans what it skips.
     */
    async list(p: Principal, q: { status?: string; statuses?: readonly string[]; memberState?: string; thematicArea?: string; urgency?: string; q?: string; limit: number; offset?: number; cursor?: string }) {
      const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const offset = after ? 0 : q.offset ?? 0;
      const conds = [];
      if (p.role === 'member_state') conds.push(eq(requests.memberState, p.memberState ?? ''));
      else if (p.role === 'entity') conds.push(eq(requests.routedEntity, p.entity ?? ''));
      else if (p.role !== 'cted' && p.role !== 'admin') throw forbidden();
      if (q.memberState && p.role !== 'member_state') conds.push(eq(requests.memberState, q.memberState));
      if (q.status) conds.push(eq(requests.status, q.status));
      if (q.statuses?.length) conds.push(inArray(requests.status, [...q.statuses]));
      if (q.urgency) conds.push(eq(requests.urgency, q.urgency));
      if (q.thematicArea) conds.push(or(sql`${q.thematicArea} = any(${requests.thematicAreas})`, sql`${requests.classifiedAreas} @> ${JSON.stringify([{ code: q.thematicArea }])}::jsonb`)!);
      if (q.q?.trim()) {
        const like = `%${q.q.trim().slice(0, 200).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conds.push(or(ilike(requests.title, like), ilike(requests.description, like))!);
      }
      if (after) conds.push(sql`(${requests.submittedAt}, ${requests.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await db.select({
        id: requests.id, memberState: requests.memberState, title: requests.title, language: requests.language, status: requests.status,
        thematicAreas: requests.thematicAreas, classifiedAreas: requests.classifiedAreas, urgency: requests.urgency, confidentiality: requests.confidentiality,
        submittedAt: requests.submittedAt, matchedAt: requests.matchedAt, routedEntity: requests.routedEntity, key: sql<string>`${requests.submittedAt}::text`,
      }).from(requests).where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(requests.submittedAt), desc(requests.id)).limit(q.limit + 1).offset(offset);
      const page = pageOf(rows, q.limit, (r) => [r.key, r.id]);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => ({
          id: r.id, memberState: r.memberState, title: r.title, language: r.language as RequestView['language'],
          status: r.status as RequestView['status'], thematicAreas: requestAreas(r),
          urgency: r.urgency as RequestView['urgency'], confidentiality: r.confidentiality as RequestView['confidentiality'],
          submittedAt: r.submittedAt.toISOString(), matchedAt: iso(r.matchedAt), routedEntity: r.routedEntity,
        })),
        nextOffset: rows.length > q.limit ? offset + q.limit : null,
      };
    },

    /**
     * CTED merges the request into one part or splits it into the given parts (or, with null, lets the
     * engine split it again); matching then runs again with them (job match-request, reason "parts").
     * Audited with the parts before and after.
     */
    async setParts(p: Principal, id: string, parts: string[] | null, note?: string) {
      requireMay(p, 'decide');
      if (p.role !== 'cted' && p.role !== 'admin') throw forbidden('Only CTED merges or splits a request.');
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
        if (!row) throw notFound('Request');
        if (!REPARTABLE.includes(row.status as RequestStatus)) {
          throw conflict('invalid_transition', `A request that is ${row.status} cannot be split or merged; only one ${REPARTABLE.join(' or ')} can.`);
        }
        const next = parts ? parts.map((t) => t.trim()) : null;
        await tx.update(requests).set({ ctedParts: next, updatedAt: new Date() }).where(eq(requests.id, id));
        await recordChange(tx, p, {
          action: next === null ? 'request.parts_reset' : next.length === 1 ? 'request.parts_merge' : 'request.parts_split', targetType: 'request', targetId: id,
          summary: { before: { ctedParts: row.ctedParts, engineParts: row.parts.length }, after: { ctedParts: next }, note: note ?? null },
          event: { topic: 'request.parts_changed', payload: { requestId: id } },
        });
        return { id, ctedParts: next, status: row.status as RequestView['status'], rematching: true };
      });
    },

    /** The owning state withdraws its request; the record is kept. */
    async withdraw(p: Principal, id: string, reason?: string) {
      requireMay(p, 'decide');
      const row = await loadVisible(p, id);
      if (p.role !== 'member_state') throw forbidden('Only the requesting state can withdraw a request.');
      await db.transaction(async (tx) => {
        await transition(tx, row, 'withdrawn', p, reason);
        await tx.update(matches).set({ status: 'withdrawn', updatedAt: new Date() })
          .where(and(eq(matches.requestId, id), inArray(matches.status, ['proposed', 'approved', 'forwarded'])));
        await recordChange(tx, p, {
          action: 'request.withdraw', targetType: 'request', targetId: id, summary: { reason: reason ?? null },
          event: { topic: 'request.withdrawn', payload: { requestId: id } },
        });
      });
      return { id, status: 'withdrawn' as const };
    },

    /** The owning state gives or withdraws consent to share the request with providers. */
    async setConsent(p: Principal, id: string, consent: boolean) {
      requireMay(p, 'decide');
      const row = await loadVisible(p, id);
      if (p.role !== 'member_state') throw forbidden('Only the requesting state can change its consent.');
      await db.transaction(async (tx) => {
        await tx.update(requests).set({ consentToShare: consent, updatedAt: new Date() }).where(eq(requests.id, id));
        await recordChange(tx, p, {
          action: 'request.consent', targetType: 'request', targetId: id,
          summary: { before: { consentToShare: row.consentToShare }, after: { consentToShare: consent } },
        });
      });
      return { id, consentToShare: consent };
    },

    /** The owning state closes a delivered request with its feedback (met / partly met / not met). */
    async complete(p: Principal, id: string, fb: { outcome: string; comment?: string }) {
      requireMay(p, 'decide');
      const row = await loadVisible(p, id);
      if (p.role !== 'member_state') throw forbidden('Only the requesting state gives feedback.');
      const feedback = { outcome: fb.outcome, comment: fb.comment, at: new Date().toISOString() };
      await db.transaction(async (tx) => {
        await transition(tx, row, 'completed', p, fb.comment, { feedback });
        await recordChange(tx, p, {
          action: 'request.complete', targetType: 'request', targetId: id, summary: { feedback },
          event: { topic: 'request.completed', payload: { requestId: id, outcome: fb.outcome } },
        });
      });
      return { id, status: 'completed' as const, feedback };
    },

    loadVisible,
  };
}
export type RequestsService = ReturnType<typeof createRequestsService>;
