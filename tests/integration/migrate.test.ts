import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAndSeed } from '../../db/migrate.js';
import { loadReferenceData } from '../../db/reference/index.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

/** The lock db/migrate.ts serialises migrations with. */
const MIGRATION_LOCK = 7_413_001;

describe('migrations at start (issue 16: a worker starts fast)', () => {
  let t: TestApp;
  let other: postgres.Sql;
  beforeAll(async () => { t = await buildTestApp(); other = postgres(t.config.DATABASE_URL!, { max: 1, onnotice: () => {} }); });
  afterAll(async () => { await other?.end(); await t?.close(); });

  it('an up-to-date database is checked in one statement, without waiting for the migration lock', async () => {
    const reserved = await other.reserve();
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      // Another process holds the lock (it is migrating): the full path would wait for it, the check does not.
      await migrateAndSeed(t.db, t.config.DATABASE_URL);
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      reserved.release();
    }
  });

  it('changed reference data takes the full path again', async () => {
    await t.db.query(`update db_meta set value = 'an older reference' where key = 'reference_hash'`, []);
    await migrateAndSeed(t.db, t.config.DATABASE_URL);
    const [row] = await t.db.query<{ value: string }>(`select value from db_meta where key = 'reference_hash'`, []);
    expect(row!.value).toBe(loadReferenceData().hash);
  });
});
