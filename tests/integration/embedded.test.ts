import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeChanged } from '../../db/maintenance.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('embedded default: PGlite + in-process queue run the same path', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp({ db: 'pglite', queue: 'in-process' }); c = await castOf(t); await t.startWorkers(); });
  afterAll(async () => { await t?.close(); });

  it('matches and routes a filed request without Redis or PostgreSQL', async () => {
    const o = await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    expect(o.status).toBe(201);
    const r = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
    await t.drain();
    const view = await t.call({ method: 'GET', url: `/v1/requests/${r.body.id}`, key: c.stateA });
    expect(view.body.matchedAt).not.toBeNull();
    expect(['in_review', 'routed']).toContain(view.body.status);
    expect(view.body.routing.entity).toBe('UNODC');
    expect(view.body.matches[0].offeringId).toBe(o.body.id);
  });

  it('is idempotent: running the job again changes nothing', async () => {
    const r = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Second FIU request for idempotency' } });
    await t.drain();
    const before = await t.call({ method: 'GET', url: `/v1/requests/${r.body.id}`, key: c.cted });
    expect(await t.services.matching.matchAndRoute(r.body.id)).toBe('skipped');
    const after = await t.call({ method: 'GET', url: `/v1/requests/${r.body.id}`, key: c.cted });
    expect(after.body).toEqual(before.body);
  });

  it('analyses the tables that changed enough (PGlite has no autovacuum), and only those', async () => {
    await analyzeChanged(t.db);
    await t.db.query(`insert into audit_events (actor_role, action, target_type, target_id, summary)
      select 'system', 'bench.fill', 'request', g::text, '{}'::jsonb from generate_series(1, 500) g`, []);
    // A backend hands its row counts to the statistics at most once a second; the test does not wait for it.
    await t.db.query('select pg_stat_force_next_flush()', []);
    const analysed: string[] = [];
    expect(await analyzeChanged(t.db, async (analyse) => { analysed.push('turn'); await analyse(); })).toContain('public.audit_events');
    expect(analysed.length).toBeGreaterThan(0); // each table in its own turn (the embedded default paces them as jobs)
    const [row] = await t.db.query<{ n: number; analysed: boolean }>(`select n_mod_since_analyze::int as n, last_analyze is not null as analysed from pg_stat_user_tables where relname = 'audit_events'`, []);
    expect(row).toEqual({ n: 0, analysed: true });
    expect(await analyzeChanged(t.db)).not.toContain('public.audit_events');
  });
});
