import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/**
 * Points every live reference to a superseded entity code at its current successor (DPKO → DPO),
 * following chains (A → B → C). Live references are the routed entity of requests, the entity of
 * matches, and the entity bound to API keys, providers and webhook subscriptions; history
 * (routing and review decisions, audit records) keeps the code it was written with. Run after
 * the reference data is loaded and whenever an admin records a successor.
 */
export async function remapSupersededCodes(tx: DbOrTx): Promise<void> {
  const chain = sql`with recursive c(code, target, depth) as (
      select code, successor, 1 from entities where successor is not null
      union all
      select c.code, e.successor, c.depth + 1 from c join entities e on e.code = c.target
      where e.successor is not null and c.depth < 20
    ), final as (select distinct on (code) code, target from c order by code, depth desc)`;
  for (const [table, column] of [
    ['requests', 'routed_entity'], ['matches', 'entity_code'], ['api_keys', 'entity_code'],
    ['providers', 'entity_code'], ['webhook_subscriptions', 'entity_code'],
  ] as const) {
    await tx.execute(sql`${chain} update ${sql.identifier(table)} t set ${sql.identifier(column)} = final.target
      from final where t.${sql.identifier(column)} = final.code`);
  }
}
