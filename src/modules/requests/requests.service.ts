import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db, Query } from '../../../db/client.js';
import {
  idempotencyKeys, matches, requestDuplicates, requestNeedLinks, requests,
} from '../../../db/schema/index.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { detectLanguage } from '../../matching/language.detect.js';
import { uniq } from '../common.schemas.js';
import { actorLabel, recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas } from './request-areas.js';
import { transition } from './request-lifecycle.js';
import { canViewRequest, PROVIDER_VISIBLE_MATCH } from './request-visibility.js';
import type { CreateRequestBody, RequestView } from './requests.schemas.js';

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

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/**
 * The hot path of the door: one prepared statement (one round trip, one implicit transaction) writes
 * the request, its first transition, the audit record, the outbox event and the idempotency key —
 * the same rows recordChange() writes elsewhere. Measured in docs/benchmarks.md.
 */
const submitSql = (idempotent: boolean) => `
  with r as (
    insert into requests (member_state, title, description, language, language_detected, thematic_areas, modalities,
                          urgency, confidentiality, consent_to_share, status, created_by_key)
    values ($1, $2, $3, $4, $5,
            $6::text[], $7::text[],
            $8, $9, $10, 'submitted', $11::uuid)
    returning id, status
  ), t as (
    insert into request_transitions (request_id, from_status, to_status, actor) select id, null, 'submitted', $12 from r
  ), a as (
    insert into audit_events (actor_key_id, actor_role, action, target_type, target_id, summary)
    select $11::uuid, $13, 'request.submit', 'request', id::text, $14::jsonb from r
  ), o as (
    insert into outbox (topic, payload, request_id)
    select 'request.submitted', jsonb_build_object('requestId', id), $15::text from r
  )${idempotent ? `, k as (
    insert into idempotency_keys (scope, key, body_hash, request_id) select $16, $17, $18, id from r
  )` : ''}
  select id::text as id, status from r`;

const SUBMIT_PLAIN = submitSql(false);
const SUBMIT_IDEMPOTENT = submitSql(true);

/** Requests filed by member states: intake, visibility, lifecycle and the state's feedback. */
export function createRequestsService(deps: { db: Db; query: Query; reference: ReferenceService }) {
  const { db } = deps;

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

  async function toView(p: Principal, row: RequestRow): Promise<RequestView> {
    const matchFilter = p.role === 'provider'
      ? and(eq(matches.requestId, row.id), eq(matches.providerId, p.providerId ?? ''), inArray(matches.status, [...PROVIDER_VISIBLE_MATCH]))
      : and(eq(matches.requestId, row.id), ne(matches.status, 'superseded'));
    const [ms, links, dups] = await Promise.all([
      db.select().from(matches).where(matchFilter).orderBy(asc(matches.rank)),
      p.role === 'provider' ? Promise.resolve([]) : db.select().from(requestNeedLinks).where(eq(requestNeedLinks.requestId, row.id)).orderBy(desc(requestNeedLinks.score)),
      p.role === 'provider' ? Promise.resolve([]) : db.select().from(requestDuplicates).where(eq(requestDuplicates.requestId, row.id)).orderBy(desc(requestDuplicates.similarity)),
    ]);
    return {
      id: row.id, memberState: row.memberState, title: row.title, description: row.description,
      language: row.language as RequestView['language'], status: row.status as RequestView['status'],
      thematicAreas: requestAreas(row), modalities: row.modalities as RequestView['modalities'],
      urgency: row.urgency as RequestView['urgency'], confidentiality: row.confidentiality as RequestView['confidentiality'],
      consentToShare: row.consentToShare,
      submittedAt: row.submittedAt.toISOString(), matchedAt: iso(row.matchedAt),
      routing: row.routedEntity ? { entity: row.routedEntity, reason: row.routingReason ?? 'unknown' } : null,
      matches: ms.map((m) => ({
        id: m.id, offeringId: m.offeringId, providerId: m.providerId, rank: m.rank, score: m.score,
        explanation: m.explanation, status: m.status, entity: m.entityCode,
      })),
      linkedNeeds: links.map((l) => ({ needId: l.needId, score: l.score })),
      possibleDuplicates: dups.map((d) => ({ requestId: d.otherRequestId, similarity: d.similarity })),
      feedback: row.feedback ?? null,
    };
  }

  return {
    /** Files a request; with an Idempotency-Key the same body returns the same request. */
    async submit(p: Principal, body: CreateRequestBody, idempotencyKey?: string): Promise<{ id: string; status: string; replayed: boolean }> {
      if (p.role !== 'member_state' || !p.memberState) throw forbidden('Only a member state key can file requests.');
      await validateAreas(body.thematicAreas);
      if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
        throw badRequest('Invalid Idempotency-Key header.', [{ path: 'headers.idempotency-key', message: '1-200 visible ASCII characters' }]);
      }
      const bodyHash = idempotencyKey ? canonicalHash(body) : '';
      const scope = p.memberState;
      if (idempotencyKey) {
        const earlier = await replay(scope, idempotencyKey, bodyHash);
        if (earlier) return earlier;
      }
      const text = `${body.title}\n${body.description}`;
      const language = body.language ?? detectLanguage(text);
      const confidentiality = body.confidentiality ?? 'task_force';
      try {
        const params: unknown[] = [
          p.memberState, body.title, body.description, language, !body.language,
          uniq(body.thematicAreas ?? []), uniq(body.modalities ?? []),
          body.urgency ?? 'normal', confidentiality, body.consentToShare ?? true, p.keyId, actorLabel(p), p.role,
          JSON.stringify({ after: { status: 'submitted', language, confidentiality } }), p.requestId ?? null,
        ];
        if (idempotencyKey) params.push(scope, idempotencyKey, bodyHash);
        const rows = await deps.query<{ id: string; status: string }>(idempotencyKey ? SUBMIT_IDEMPOTENT : SUBMIT_PLAIN, params);
        return { id: rows[0].id, status: rows[0].status, replayed: false };
      } catch (err) {
        // Two submissions with the same key raced: the loser answers like a replay.
        if (idempotencyKey && isUniqueViolation(err)) {
          const earlier = await replay(scope, idempotencyKey, bodyHash);
          if (earlier) return earlier;
        }
        throw err;
      }
    },

    /** The request as the principal may see it. */
    async view(p: Principal, id: string): Promise<RequestView> {
      return toView(p, await loadVisible(p, id));
    },

    /** Lists requests: a state its own; CTED and admins all; an entity those routed to it. */
    async list(p: Principal, q: { status?: string; memberState?: string; limit: number; offset: number }) {
      const conds = [];
      if (p.role === 'member_state') conds.push(eq(requests.memberState, p.memberState ?? ''));
      else if (p.role === 'entity') conds.push(eq(requests.routedEntity, p.entity ?? ''));
      else if (p.role !== 'cted' && p.role !== 'admin') throw forbidden();
      if (q.memberState && p.role !== 'member_state') conds.push(eq(requests.memberState, q.memberState));
      if (q.status) conds.push(eq(requests.status, q.status));
      const rows = await db.select().from(requests).where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(requests.submittedAt), desc(requests.id)).limit(q.limit + 1).offset(q.offset);
      return {
        items: rows.slice(0, q.limit).map((r) => ({
          id: r.id, memberState: r.memberState, title: r.title, language: r.language as RequestView['language'],
          status: r.status as RequestView['status'], thematicAreas: requestAreas(r),
          urgency: r.urgency as RequestView['urgency'], confidentiality: r.confidentiality as RequestView['confidentiality'],
          submittedAt: r.submittedAt.toISOString(), matchedAt: iso(r.matchedAt), routedEntity: r.routedEntity,
        })),
        nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
      };
    },

    /** The owning state withdraws its request; the record is kept. */
    async withdraw(p: Principal, id: string, reason?: string) {
      const row = await loadVisible(p, id);
      if (p.role !== 'member_state') throw forbidden('Only the requesting state can withdraw a request.');
      await db.transaction(async (tx) => {
        await transition(tx, row, 'withdrawn', actorLabel(p), reason);
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
      const row = await loadVisible(p, id);
      if (p.role !== 'member_state') throw forbidden('Only the requesting state gives feedback.');
      const feedback = { outcome: fb.outcome, comment: fb.comment, at: new Date().toISOString() };
      await db.transaction(async (tx) => {
        await transition(tx, row, 'completed', actorLabel(p), fb.comment, { feedback });
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
