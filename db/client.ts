import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export { schema };
export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; it has the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;
/** A prepared-statement runner over the same database. */
export type Query = DatabaseHandle['query'];

/** The rows of `db.execute`: postgres.js answers an array of them, PGlite an object holding them. */
export const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The raw postgres.js client (postgres mode only), for hot paths that want prepared statements. */
  sql?: postgres.Sql;
  /** The PGlite instance (embedded mode only). */
  pglite?: PGlite;
  /** One SQL statement with $n parameters, prepared once per connection (hot paths). */
  query<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>;
  /** Runs `select 1`; rejects when the database does not answer. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** An existing PGlite instance to wrap (tests clone one migrated instance). */
  pglite?: PGlite;
  poolMax?: number;
}

/** Rejects with a DATABASE_UNAVAILABLE error when `p` has not settled within `ms` (it may still settle later). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'DATABASE_UNAVAILABLE' })), ms); }),
  ]);
}

/** Opens PostgreSQL (postgres.js) when a URL is given, else an embedded PGlite database. */
export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const sql = postgres(opts.url, {
      max: opts.poolMax ?? 10,
      onnotice: () => {},
      // A dead server must surface as an error quickly, never as a hung request.
      connect_timeout: 5,
      idle_timeout: 30,
      // Between failed connection attempts postgres.js waits up to 20 s by default, and every query
      // queued meanwhile waits with it (intake hung ~22 s during a restart). A refused connection
      // costs nothing, so try again soon: 50 ms doubling to 1 s, with jitter.
      backoff: (retries: number) => Math.min(1, 0.05 * 2 ** retries) * (0.5 + Math.random() / 2),
    });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    return {
      db, kind: 'postgres', sql,
      query: async <T>(text: string, params: unknown[]) => (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[],
      ping: async (ms = 2000) => { await withTimeout(sql`select 1`.execute(), ms, 'database ping'); },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let pglite = opts.pglite;
  if (!pglite) {
    const dir = opts.dataDir ?? 'memory://';
    if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
    pglite = await (await import('@electric-sql/pglite')).PGlite.create(dir);
  }
  const lite = pglite;
  // Loaded here, not at the top: a PostgreSQL process never needs PGlite's modules (resident memory).
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db = drizzlePglite(lite, { schema }) as unknown as Db;
  return {
    db, kind: 'pglite', pglite: lite,
    query: async <T>(text: string, params: unknown[]) => (await lite.query<T>(text, params)).rows,
    ping: async (ms = 2000) => { await withTimeout(lite.query('select 1'), ms, 'database ping'); },
    close: async () => { if (!lite.closed) await lite.close(); },
  };
}
