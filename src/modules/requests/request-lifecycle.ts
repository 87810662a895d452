import { requests, requestTransitions } from '../../../db/schema/index.js';
import type { DbOrTx } from '../../../db/client.js';
import { and, eq } from 'drizzle-orm';
import { conflict } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import type { REQUEST_STATUSES } from '../common.schemas.js';

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** The status every request is filed in (the intake statement writes it: requests.service.ts SUBMIT). */
export const INITIAL_STATUS = 'submitted' satisfies RequestStatus;

/**
 * The only status moves a request can make; anything else is refused with 409. Every status change
 * goes through transition() below, except two written by hand for speed, which are checked against
 * this table (tests/unit/request-lifecycle.test.ts finds every status write in src/): the intake
 * statement (INITIAL_STATUS) and the first match (FIRST_MATCH_MOVES).
 */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  submitted: ['matched', 'rejected', 'withdrawn'],
  matched: ['in_review', 'routed', 'rejected', 'withdrawn'],
  // in_review → rejected: CTED closes it (or merges it into an earlier duplicate).
  in_review: ['routed', 'rejected', 'withdrawn'],
  // routed → in_review: the entity hands the request back to CTED (or nobody acted in time);
  // routed → routed: CTED routes it to another entity, or asks the same one again.
  routed: ['accepted', 'in_review', 'routed', 'rejected', 'withdrawn'],
  accepted: ['in_delivery', 'routed', 'withdrawn'],
  in_delivery: ['completed', 'withdrawn'],
  completed: [],
  rejected: [],
  withdrawn: [],
};

export const OPEN_STATUSES: readonly RequestStatus[] = ['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery'];
/** Open and without an accepted offering: what CTED's triage looks at and what re-matching may refresh. */
export const UNANSWERED_STATUSES: readonly RequestStatus[] = ['matched', 'in_review', 'routed'];
/** Match statuses still in play (an offering proposed, approved, forwarded or accepted). */
export const LIVE_MATCH_STATUSES = ['proposed', 'approved', 'forwarded', 'accepted'] as const;

/** Statuses in which CTED may merge or split a request's parts (which re-runs matching with its parts). */
export const REPARTABLE: readonly RequestStatus[] = ['in_review', 'routed'];

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws (a programming error, not a user's) unless every move of the chain is in TRANSITIONS. */
export function assertMoves(...chain: RequestStatus[]): void {
  for (let i = 1; i < chain.length; i++) {
    if (!canTransition(chain[i - 1], chain[i])) throw new Error(`illegal status move ${chain[i - 1]} → ${chain[i]} (see TRANSITIONS)`);
  }
}

/**
 * The moves of a first match, written by hand in matching.service.ts: submitted → matched → in_review
 * or routed; from `matched` for a request left there (the sweeper re-enqueues it), only the last move.
 */
export function firstMatchMoves(from: typeof INITIAL_STATUS | 'matched', final: 'in_review' | 'routed'): [RequestStatus, RequestStatus][] {
  const chain: RequestStatus[] = from === INITIAL_STATUS ? [INITIAL_STATUS, 'matched', final] : ['matched', final];
  assertMoves(...chain);
  return chain.slice(1).map((to, k) => [chain[k], to]);
}

/** The notes the system itself writes on a status change (English in the record; the web translates them by code). */
export const SYSTEM_NOTES = {
  review: 'waiting for CTED review',
  duplicate: 'possible duplicate of an earlier request: waiting for CTED',
  autoRouted: 'auto-routed above the confidence threshold',
  noOffering: 'no offering matched; routed to the responsible entity',
} as const;
/** The note of a first match the engine sent to CTED's triage (reason: no_area_fits, areas_tie, nothing_eligible, low_confidence). */
export const triageNote = (reason: string) => `waiting for CTED triage: ${reason}`;
/** The note of an overdue escalation. */
export const overdueNote = (entity: string | null, days: number) => `no action by ${entity ?? 'the entity'} within ${days} days`;

/** A system note's code and values, for translation; null for a person's note. */
export function systemNote(note: string | null): { code: keyof typeof SYSTEM_NOTES | 'overdue' | 'triage'; entity?: string; days?: number; reason?: string } | null {
  if (!note) return null;
  const known = (Object.keys(SYSTEM_NOTES) as (keyof typeof SYSTEM_NOTES)[]).find((k) => SYSTEM_NOTES[k] === note);
  if (known) return { code: known };
  const t = /^waiting for CTED triage: (\w+)$/.exec(note);
  if (t) return { code: 'triage', reason: t[1] };
  const m = /^no action by (\S+) within (\d+) days$/.exec(note);
  return m ? { code: 'overdue', entity: m[1], days: Number(m[2]) } : null;
}

/** Who acted, as recorded with each status change and shown to the state: a role and an organisation, never a key. */
export function actorOf(p: Principal): { actor: string; actorRole: string; actorOrg: string | null } {
  const system = !p.keyId && p.label.startsWith('system');
  return {
    actor: p.label,
    actorRole: system ? 'system' : p.role,
    actorOrg: p.role === 'member_state' ? p.memberState : p.role === 'entity' ? p.entity : p.role === 'provider' ? p.providerId : p.role === 'cted' ? 'CTED' : null,
  };
}

/** Moves a request to `to`, recording who and when; 409 when the move is not allowed. */
export async function transition(tx: DbOrTx, req: { id: string; status: string }, to: RequestStatus, by: Principal, note?: string | null, extra: Partial<typeof requests.$inferInsert> = {}): Promise<void> {
  const from = req.status as RequestStatus;
  if (!canTransition(from, to)) {
    throw conflict('invalid_transition', `A request that is ${from} cannot become ${to}.`);
  }
  const now = new Date();
  // Guarded on the old status so two concurrent moves cannot both succeed.
  const moved = await tx.update(requests).set({ ...extra, status: to, updatedAt: now })
    .where(and(eq(requests.id, req.id), eq(requests.status, from))).returning({ id: requests.id });
  if (moved.length === 0) throw conflict('invalid_transition', `The request changed meanwhile; it is no longer ${from}.`);
  await tx.insert(requestTransitions).values({ requestId: req.id, fromStatus: from, toStatus: to, ...actorOf(by), note: note ?? null, at: now });
  req.status = to;
}

/** Who acts next on a request, and what they do: each page and the API view say it. */
export type NextActor = 'system' | 'cted' | 'entity' | 'provider' | 'member_state';
export type NextStepCode =
  | 'matching' | 'cted_duplicate' | 'cted_review' | 'cted_triage' | 'waiting_offering' | 'entity_forward' | 'entity_find'
  | 'provider_answer' | 'start_delivery' | 'state_feedback' | 'done' | 'merged' | 'closed' | 'withdrawn';

export interface LifecycleFacts {
  status: string;
  routedEntity: string | null;
  parkedAt: Date | null;
  duplicateOf: string | null;
  /** Statuses of the request's matches (any; only live ones count). */
  matchStatuses: readonly string[];
  /** Possible duplicates (either way) CTED has not yet confirmed or dismissed. */
  openDuplicates: number;
}

/** The next step of a request's life: who acts (null when it is over) and what they do. */
export function nextStep(f: LifecycleFacts): { actor: NextActor | null; step: NextStepCode; entity: string | null } {
  const has = (s: string) => f.matchStatuses.includes(s);
  const entity = f.routedEntity;
  switch (f.status as RequestStatus) {
    case 'submitted':
    case 'matched':
      return { actor: 'system', step: 'matching', entity };
    case 'in_review':
      if (f.openDuplicates > 0) return { actor: 'cted', step: 'cted_duplicate', entity };
      if (has('proposed')) return { actor: 'cted', step: 'cted_review', entity };
      if (f.parkedAt) return { actor: 'system', step: 'waiting_offering', entity };
      return { actor: 'cted', step: 'cted_triage', entity };
    case 'routed':
      if (has('forwarded')) return { actor: 'provider', step: 'provider_answer', entity };
      if (has('approved')) return { actor: 'entity', step: 'entity_forward', entity };
      if (has('proposed')) return { actor: 'cted', step: 'cted_review', entity };
      if (f.parkedAt) return { actor: 'system', step: 'waiting_offering', entity };
      return { actor: 'entity', step: 'entity_find', entity };
    case 'accepted':
      return { actor: 'provider', step: 'start_delivery', entity };
    case 'in_delivery':
      return { actor: 'member_state', step: 'state_feedback', entity };
    case 'completed':
      return { actor: null, step: 'done', entity };
    case 'withdrawn':
      return { actor: null, step: 'withdrawn', entity };
    case 'rejected':
    default:
      return { actor: null, step: f.duplicateOf ? 'merged' : 'closed', entity };
  }
}
