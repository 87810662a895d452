import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { offerings, organisations } from '../../../db/schema/index.js';
import type { Principal } from '../../plugins/auth.plugin.js';

/**
 * The one home of who sees an offering at all (issue 13, item 2). A provider whose organisation waits
 * for approval (a self-registered one) may draft offerings, but they are drafts: nobody sees them but
 * the provider itself and admins — not the directory, not CTED, not matching. Every query that shows
 * or matches offerings goes through these.
 */

/** True (SQL) while the offering's provider has an organisation awaiting approval. */
export function providerPendingSql(providerId: AnyPgColumn = offerings.providerId): SQL {
  return sql`exists (select 1 from ${organisations} where ${organisations.providerId} = ${providerId} and ${organisations.status} = 'pending')`;
}

/** The condition on `offerings` (or any provider id column) for what `p` may see; `null` is the public. */
export function offeringVisibleSql(p: Principal | null, providerId: AnyPgColumn = offerings.providerId): SQL {
  if (p?.role === 'admin') return sql`true`;
  if (p?.role === 'provider' && p.providerId) return sql`(${providerId} = ${p.providerId} or not ${providerPendingSql(providerId)})`;
  return sql`not ${providerPendingSql(providerId)}`;
}

/** Whether `p` may see the offerings of a provider, given whether it is pending. */
export function seesProviderOfferings(p: Principal | null, providerId: string, pending: boolean): boolean {
  return !pending || p?.role === 'admin' || (p?.role === 'provider' && p.providerId === providerId);
}
