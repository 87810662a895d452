import type { NotificationKind } from './notification-kinds.js';

/**
 * Who an event concerns (issue 14 item 1): the one home of that rule. Parties are written as in the
 * conversation (`state:SEN`, `cted`, `entity:UNODC`, `provider:<uuid>`); the people module resolves
 * each to the members of its organisation.
 */
export interface RequestFacts {
  id: string;
  memberState: string;
  routedEntity: string | null;
  confidentiality: string;
  consentToShare: boolean;
  status: string;
}

/** `key`, when set, is what makes the notification once per person instead of the event (a match is proposed once, whichever event says so). */
export interface Concerned { party: string; kind: NotificationKind; key?: string }

/** Providers hear of a request only with the state's consent, and never of a restricted one. */
export const providersMayHear = (r: Pick<RequestFacts, 'confidentiality' | 'consentToShare'>) => r.consentToShare && r.confidentiality !== 'restricted';

/** State decisions the filing state is told of (status_changed events). */
const DECIDED_STATUSES = new Set(['rejected', 'in_delivery', 'routed', 'in_review']);

/**
 * The parties an outbox event concerns and the kind each is told. `match` is the match the event
 * names (its provider); `acceptedProviders` the providers of the request's accepted matches.
 */
export function concernedParties(
  topic: string,
  payload: Record<string, unknown>,
  r: RequestFacts | null,
  extra: { matchProvider?: string | null; acceptedProviders?: readonly string[]; approvedMatches?: readonly { id: string; providerId: string }[] } = {},
): Concerned[] {
  if (!r) return [];
  const out: Concerned[] = [];
  const add = (party: string | null | undefined, kind: NotificationKind, key?: string) => {
    if (party && !out.some((c) => c.party === party && c.kind === kind && c.key === key)) out.push({ party, kind, ...(key ? { key } : {}) });
  };
  const matchKey = typeof payload.matchId === 'string' ? `match:${payload.matchId}` : undefined;
  const state = `state:${r.memberState}`;
  const entity = (code: unknown) => (typeof code === 'string' && code ? `entity:${code}` : null);
  const provider = (id: string | null | undefined) => (id && providersMayHear(r) ? `provider:${id}` : null);
  switch (topic) {
    case 'match.forwarded':
      add(provider(extra.matchProvider), 'match_proposed', matchKey);
      break;
    case 'match.decided':
      // Approved or reassigned: the offering's provider now has it in its inbox (as the webhooks judge it).
      if (payload.decision === 'approve' || payload.decision === 'reassign') add(provider(extra.matchProvider), 'match_proposed', matchKey);
      break;
    case 'request.routed':
      add(entity(payload.entity ?? r.routedEntity), 'request_routed');
      add(state, 'request_decision');
      // Routed by the engine with its top proposal approved: that offering's provider has it in its inbox.
      for (const m of extra.approvedMatches ?? []) add(provider(m.providerId), 'match_proposed', `match:${m.id}`);
      break;
    case 'request.status_changed':
      if (payload.parked) break;
      if (typeof payload.status === 'string' && DECIDED_STATUSES.has(payload.status)) add(state, 'request_decision');
      if (payload.status === 'in_review' && payload.reason !== undefined) add('cted', 'request_decision');
      break;
    case 'match.accepted':
      add(state, 'request_decision');
      add(entity(r.routedEntity), 'request_decision');
      break;
    case 'match.declined':
      add(entity(r.routedEntity), 'request_decision');
      add('cted', 'request_decision');
      break;
    case 'request.withdrawn':
      add(entity(r.routedEntity), 'request_decision');
      break;
    case 'request.completed':
      add(entity(r.routedEntity), 'request_decision');
      for (const p of extra.acceptedProviders ?? []) add(provider(p), 'request_decision');
      break;
    case 'request.escalated':
      add(entity(payload.entity ?? r.routedEntity), 'overdue');
      add('cted', 'overdue');
      break;
    case 'question.asked': {
      const to = payload.addressee;
      // A question to a provider on a request it may no longer hear of is not sent.
      if (typeof to === 'string' && to) add(to.startsWith('provider:') ? provider(to.slice('provider:'.length)) : to, 'question');
      break;
    }
    default:
      break;
  }
  return out;
}

/** Topics whose events may concern someone (the relay starts a fan-out job for these only). */
export const NOTIFYING_TOPICS: ReadonlySet<string> = new Set([
  'match.forwarded', 'match.decided', 'request.routed', 'request.status_changed', 'match.accepted', 'match.declined',
  'request.withdrawn', 'request.completed', 'request.escalated', 'question.asked', 'request.matched',
]);
