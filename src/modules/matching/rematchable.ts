import { sql, type SQL } from 'drizzle-orm';
import { requests } from '../../../db/schema/index.js';

/**
 * Open requests whose proposals may still be refreshed when an offering or a need changes: those in
 * CTED's review and those routed to an entity, as long as no provider has accepted one of their
 * matches (a request that met nothing on the day it was filed is routed without an offering, and
 * must still get the one that arrives later).
 */
export const REMATCHABLE_STATUSES = ['in_review', 'routed'] as const;

/** The same rule as an SQL condition on `requests` (the one home of it for queries). */
export function rematchableSql(): SQL {
  return sql`(${requests.status} in ('in_review', 'routed') and not exists (select 1 from matches a where a.request_id = ${requests.id} and a.status = 'accepted'))`;
}
