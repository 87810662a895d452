import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { schema, type DatabaseHandle, type Db } from './client.js';
import { loadReferenceData } from './reference/index.js';
import { seedReferenceData } from './seed.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
// Arbitrary constant: serialises migrations when an API and a worker start together.
const MIGRATION_LOCK = 7_413_001;

/**
 * Whether the database already has every migration and this reference data, asked in one statement
 * on the process's own pool (every start but the first after an upgrade): then no migration connection,
 * advisory lock, DDL or reading of the migration files is needed. Anything unexpected (a new
 * database without drizzle's table) answers no, and the full path decides.
 */
async function upToDate(handle: DatabaseHandle): Promise<boolean> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = await handle.query<{ last: string | null; ref: string | null }>(
      `select (select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1)::text as last,
        (select value from db_meta where key = 'reference_hash') as ref`, []);
    return !!row && Number(row.last) >= newest && row.ref === loadReferenceData().hash;
  } catch {
    return false;
  }
}

/** Applies the SQL migrations and loads the reference data, on either database kind. */
export async function migrateAndSeed(handle: DatabaseHandle, url?: string): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    await seedReferenceData(handle.db);
    return;
  }
  if (!url) throw new Error('migrateAndSeed: a PostgreSQL handle needs its URL');
  if (await upToDate(handle)) return;
  // Migrations run on their own single connection so the advisory lock and DDL share a session.
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      const db = drizzlePostgres(sql, { schema });
      await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER });
      await seedReferenceData(db as unknown as Db);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { openDatabase } = await import('./client.js');
  const url = process.env.DATABASE_URL || undefined;
  const handle = await openDatabase({ url, dataDir: process.env.DATA_DIR ?? './data' });
  await migrateAndSeed(handle, url);
  console.log(`migrated and seeded (${handle.kind})`);
  await handle.close();
}
