import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../plugins/auth.plugin.js';

/**
 * Who reads the wording of a need (CTED's description may quote a confidential assessment): CTED,
 * admins and the member state the need is of. Task Force entities (and anyone else) see a need's
 * state, thematic areas, priority and dates, never its description. The one home of this rule:
 * GET /v1/needs and the analytics both apply it.
 */
export function readsNeedDescription(p: Principal, needMemberState: string): boolean {
  return p.role === 'cted' || p.role === 'admin' || (p.role === 'member_state' && p.memberState === needMemberState);
}

/**
 * Whose needs a principal may count (GET /v1/needs' rule, as SQL on the needs row aliased `alias`):
 * CTED, admins and Task Force entities all, a member state its own, anyone else none.
 */
export function visibleNeedSql(p: Principal, alias = 'n'): SQL {
  if (p.role === 'cted' || p.role === 'admin' || p.role === 'entity') return sql`true`;
  if (p.role === 'member_state') return sql`${sql.raw(`${alias}.member_state`)} = ${p.memberState ?? ''}`;
  return sql`false`;
}
