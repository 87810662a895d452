import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../plugins/auth.plugin.js';

export interface VisibilityFacts {
  memberState: string;
  confidentiality: string;
  consentToShare: boolean;
  routedEntity: string | null;
  status: string;
}

/** Statuses in which a request has reached its routed entity. */
const ROUTED_STATES = new Set(['routed', 'accepted', 'in_delivery', 'completed']);
/** Match statuses that mean the provider was shown the request. */
export const PROVIDER_VISIBLE_MATCH = ['approved', 'forwarded', 'accepted', 'declined', 'not_needed'] as const;

/**
 * Who may see a request (issue 3, CTED and 1540 practice): the owner, CTED and admins always;
 * the routed entity always; other Task Force entities unless restricted; a provider only with the
 * state's consent, never when restricted, and for task_force only when matched with it.
 */
export function canViewRequest(p: Principal, r: VisibilityFacts, providerHasMatch: boolean): boolean {
  switch (p.role) {
    case 'admin':
    case 'cted':
      return true;
    case 'member_state':
      return p.memberState === r.memberState;
    case 'entity':
      if (r.routedEntity === p.entity && ROUTED_STATES.has(r.status)) return true;
      return r.confidentiality !== 'restricted';
    case 'provider':
      if (r.confidentiality === 'restricted' || !r.consentToShare) return false;
      return r.confidentiality === 'public' || providerHasMatch;
    default:
      return false;
  }
}

const sqlList = (xs: Iterable<string>) => sql.raw(`(${[...xs].map((x) => `'${x}'`).join(', ')})`);

/**
 * canViewRequest as an SQL condition on the requests row aliased `alias`, for figures counted by
 * PostgreSQL (the country profiles): the same rule, so a count never includes a request its reader
 * could not open. tests/integration/profiles.test.ts checks the two agree for every role.
 */
export function visibleRequestSql(p: Principal, alias = 'r'): SQL {
  const c = (col: string) => sql.raw(`${alias}.${col}`);
  switch (p.role) {
    case 'admin':
    case 'cted':
      return sql`true`;
    case 'member_state':
      return sql`${c('member_state')} = ${p.memberState ?? ''}`;
    case 'entity':
      return sql`(${c('confidentiality')} <> 'restricted' or (${c('routed_entity')} = ${p.entity ?? ''} and ${c('status')} in ${sqlList(ROUTED_STATES)}))`;
    case 'provider':
      return sql`(${c('confidentiality')} <> 'restricted' and ${c('consent_to_share')} and (${c('confidentiality')} = 'public'
        or exists (select 1 from matches vm where vm.request_id = ${c('id')} and vm.provider_id = ${p.providerId ?? '00000000-0000-0000-0000-000000000000'}::uuid and vm.status in ${sqlList(PROVIDER_VISIBLE_MATCH)})))`;
    default:
      return sql`false`;
  }
}

/**
 * The conversation on a request (issue 14): its parties, written `state:SEN`, `cted`,
 * `entity:UNODC`, `provider:<uuid>` and `admin`. The participants follow from the request's state:
 * the filing state, CTED, the routed entity, and each provider once its offering is proposed to it
 * (a match in PROVIDER_VISIBLE_MATCH) with the state's consent, never on a restricted request.
 */
export interface ConversationFacts extends VisibilityFacts {
  /** Providers whose offering reached them on this request (match status in PROVIDER_VISIBLE_MATCH). */
  proposedProviders: readonly string[];
}

/** `shared`: the state and every participant; `internal`: the UN side (CTED and entities) only. */
export const MESSAGE_VISIBILITIES = ['shared', 'internal'] as const;
export type MessageVisibility = (typeof MESSAGE_VISIBILITIES)[number];

/** Where a party sits: the UN side (CTED, entities, admins), the requesting state, or a provider. */
export type ConversationSide = 'un' | 'state' | 'provider';

/** A principal's place in one request's conversation. */
export interface ConversationSeat { party: string; side: ConversationSide; visibilities: readonly MessageVisibility[] }

export const partyKind = (party: string) => party.split(':')[0] as 'state' | 'cted' | 'entity' | 'provider' | 'admin';

const providersMaySee = (r: ConversationFacts) => r.consentToShare && r.confidentiality !== 'restricted';
const routedTo = (r: ConversationFacts) => (r.routedEntity && ROUTED_STATES.has(r.status) ? r.routedEntity : null);

/** The parties of a request's conversation, in the order people read them. */
export function conversationParticipants(r: ConversationFacts): string[] {
  const entity = routedTo(r);
  return [`state:${r.memberState}`, 'cted', ...(entity ? [`entity:${entity}`] : []), ...(providersMaySee(r) ? [...new Set(r.proposedProviders)].map((id) => `provider:${id}`) : [])];
}

/** The principal's seat in the conversation, or null when it takes no part (then it reads nothing of it). */
export function conversationSeat(p: Principal, r: ConversationFacts): ConversationSeat | null {
  switch (p.role) {
    case 'admin': return { party: 'admin', side: 'un', visibilities: MESSAGE_VISIBILITIES };
    case 'cted': return { party: 'cted', side: 'un', visibilities: MESSAGE_VISIBILITIES };
    case 'member_state': return p.memberState === r.memberState ? { party: `state:${r.memberState}`, side: 'state', visibilities: ['shared'] } : null;
    case 'entity': return p.entity && routedTo(r) === p.entity ? { party: `entity:${p.entity}`, side: 'un', visibilities: MESSAGE_VISIBILITIES } : null;
    case 'provider':
      return p.providerId && providersMaySee(r) && r.proposedProviders.includes(p.providerId) ? { party: `provider:${p.providerId}`, side: 'provider', visibilities: ['shared'] } : null;
    default: return null;
  }
}

/**
 * Whether a seat reads a message. Internal messages: the UN side only. Shared ones: everyone in the
 * conversation, except that providers never read each other's exchanges (a message written by, or
 * addressed to, another provider).
 */
export function canReadMessage(seat: ConversationSeat, m: { visibility: string; authorParty: string; addresseeParty: string | null }): boolean {
  if (m.visibility !== 'shared') return seat.side === 'un';
  if (seat.side !== 'provider') return true;
  const otherProvider = (party: string | null) => !!party && partyKind(party) === 'provider' && party !== seat.party;
  return !otherProvider(m.authorParty) && !otherProvider(m.addresseeParty);
}

/** Whether a message of this visibility may be addressed to `party`: it must be able to read it. */
export function canAddress(visibility: MessageVisibility, party: string): boolean {
  return visibility === 'shared' || !['state', 'provider'].includes(partyKind(party));
}

/** Who may mark a question answered: its addressee, its asker, CTED and admins. */
export function mayMarkAnswered(seat: ConversationSeat, q: { authorParty: string; addresseeParty: string | null }): boolean {
  return seat.party === q.addresseeParty || seat.party === q.authorParty || seat.party === 'cted' || seat.party === 'admin';
}
