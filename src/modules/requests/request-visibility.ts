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
