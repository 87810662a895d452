import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { dbMeta } from '../../../db/schema/index.js';

/** The db_meta row counting revocations of API keys (a key revoked, an organisation suspended or reactivated). */
const GENERATION_KEY = 'api_key_generation';

/**
 * Counts one more change to which keys are valid, in the transaction that makes it: from its commit
 * on, every process's key cache stops trusting what it looked up before (auth.plugin's
 * `revocationGeneration`). Several revocations at once only serialise on this one row.
 */
export async function keysChanged(tx: DbOrTx): Promise<void> {
  await tx.insert(dbMeta).values({ key: GENERATION_KEY, value: '1' })
    .onConflictDoUpdate({ target: dbMeta.key, set: { value: sql`(${dbMeta.value}::bigint + 1)::text` } });
}

/** The revocation generation now (0 before the first revocation): one primary-key read, a prepared statement. */
export function keyGenerationReader(query: <T>(text: string, params: unknown[]) => Promise<T[]>): () => Promise<number> {
  return async () => {
    const [row] = await query<{ value: string }>('select value from db_meta where key = $1', [GENERATION_KEY]);
    return row ? Number(row.value) : 0;
  };
}
