import { requests, requestTransitions } from '../../../db/schema/index.js';
import type { DbOrTx } from '../../../db/client.js';
import { and, eq } from 'drizzle-orm';
import { conflict } from '../../errors.js';
import type { REQUEST_STATUSES } from '../common.schemas.js';

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** The only status moves a request can make; anything else is refused with 409. */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  submitted: ['matched', 'rejected', 'withdrawn'],
  matched: ['in_review', 'routed', 'rejected', 'withdrawn'],
  in_review: ['routed', 'rejected', 'withdrawn'],
  // routed → in_review: the entity hands the request back to CTED.
  routed: ['accepted', 'in_review', 'routed', 'rejected', 'withdrawn'],
  accepted: ['in_delivery', 'routed', 'withdrawn'],
  in_delivery: ['completed', 'withdrawn'],
  completed: [],
  rejected: [],
  withdrawn: [],
};

export const OPEN_STATUSES: readonly RequestStatus[] = ['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery'];

/** Statuses in which CTED may merge or split a request's parts (which re-runs matching with its parts). */
export const REPARTABLE: readonly RequestStatus[] = ['in_review', 'routed'];

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Moves a request to `to`, recording who and when; 409 when the move is not allowed. */
export async function transition(tx: DbOrTx, req: { id: string; status: string }, to: RequestStatus, actor: string, note?: string, extra: Partial<typeof requests.$inferInsert> = {}): Promise<void> {
  const from = req.status as RequestStatus;
  if (!canTransition(from, to)) {
    throw conflict('invalid_transition', `A request that is ${from} cannot become ${to}.`);
  }
  const now = new Date();
  // Guarded on the old status so two concurrent moves cannot both succeed.
  const moved = await tx.update(requests).set({ ...extra, status: to, updatedAt: now })
    .where(and(eq(requests.id, req.id), eq(requests.status, from))).returning({ id: requests.id });
  if (moved.length === 0) throw conflict('invalid_transition', `The request changed meanwhile; it is no longer ${from}.`);
  await tx.insert(requestTransitions).values({ requestId: req.id, fromStatus: from, toStatus: to, actor, note: note ?? null, at: now });
  req.status = to;
}
