import type { DatabaseHandle } from '../../db/client.js';

/**
 * The rows of a raw SQL query, typed, from either driver (postgres.js or PGlite), with bound
 * parameters. Tests compare these values, never a JSON rendering of them (`'"n":1'` is also
 * found in `"n":12`).
 */
export function rows<T extends Record<string, unknown>>(t: { db: DatabaseHandle }, text: string, params: unknown[] = []): Promise<T[]> {
  return t.db.query<T>(text, params);
}

/** The single number a `select count(*)::int as n …` answers. */
export async function count(t: { db: DatabaseHandle }, text: string, params: unknown[] = []): Promise<number> {
  const found = await rows<{ n: number }>(t, text, params);
  if (found.length !== 1 || typeof found[0].n !== 'number') throw new Error(`expected one row with a number n, got ${JSON.stringify(found)}`);
  return found[0].n;
}
