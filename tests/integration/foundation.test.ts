import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

for (const mode of [{ db: 'postgres', queue: 'bullmq' }, { db: 'pglite', queue: 'in-process' }] as const) {
  describe(`foundation on ${mode.db} + ${mode.queue}`, () => {
    let t: TestApp;
    beforeAll(async () => { t = await buildTestApp(mode); });
    afterAll(async () => { await t?.close(); });

    it('applies the same migrations and reference data', async () => {
      const tables = await t.db.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
      const names = (Array.isArray(tables) ? tables : (tables as { rows: unknown[] }).rows).map((r) => (r as { table_name: string }).table_name);
      for (const n of ['requests', 'offerings', 'needs', 'matches', 'outbox', 'audit_events', 'api_keys', 'idempotency_keys', 'member_states', 'thematic_areas', 'working_groups', 'dead_letters', 'routing_decisions', 'review_decisions']) {
        expect(names).toContain(n);
      }
      const applied = await t.db.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const n = (Array.isArray(applied) ? applied : (applied as { rows: unknown[] }).rows)[0] as { n: number };
      expect(n.n).toBeGreaterThan(0);
    });

    it('answers /health with both parts ok', async () => {
      const res = await t.call({ method: 'GET', url: '/health' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', db: 'ok', queue: 'ok', mode: { db: mode.db, queue: mode.queue } });
    });

    it('serves the reference endpoints without a key', async () => {
      const ents = await t.call({ method: 'GET', url: '/v1/reference/entities' });
      expect(ents.status).toBe(200);
      // The report's 25 entities and the 7 of today (UNOCT, DPPA, DPO, DGC, IOM, IPU, FATF).
      expect(ents.body).toHaveLength(32);
      expect(ents.body.find((e: { code: string }) => e.code === 'UNODC').workingGroups.length).toBeGreaterThan(0);
      const areas = await t.call({ method: 'GET', url: '/v1/reference/thematic-areas' });
      expect(areas.status).toBe(200);
      const tf = areas.body.find((a: { code: string }) => a.code === 'terrorist_financing');
      expect(Object.keys(tf.names).sort()).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh']);
      expect(tf.entities[0]).toBe('UNODC');
      const states = await t.call({ method: 'GET', url: '/v1/reference/member-states' });
      expect(states.body).toHaveLength(193);
      expect(states.body.find((s: { iso3: string }) => s.iso3 === 'SEN')).toEqual({ iso3: 'SEN', name: expect.any(String), names: expect.objectContaining({ fr: 'Sénégal', ar: 'السنغال' }), m49Region: '002', m49SubRegion: '202', m49IntermediateRegion: '011' });
    });

    it('serves OpenAPI 3.1 at /docs', async () => {
      const spec = await t.call({ method: 'GET', url: '/docs/json' });
      expect(spec.status).toBe(200);
      expect(spec.body.openapi).toBe('3.1.0');
      expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/requests', '/v1/offerings', '/v1/needs', '/v1/review/queue', '/health']));
      const ui = await t.call({ method: 'GET', url: '/docs' });
      expect([200, 302]).toContain(ui.status);
    });

    it('answers unknown routes and bad keys in the error shape', async () => {
      const res = await t.call({ method: 'GET', url: '/v1/nothing-here' });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: expect.any(String), details: [] });
      const unauth = await t.call({ method: 'GET', url: '/v1/requests', key: 'not-a-real-key-at-all-0000' });
      expect(unauth.status).toBe(401);
      expect(unauth.body.error.code).toBe('unauthorized');
    });

    it('gives a browser an HTML 404 page in its language, and API clients the error shape', async () => {
      const page = await t.call({ method: 'GET', url: '/no-such-page', headers: { accept: 'text/html,application/xhtml+xml', cookie: 'od_lang=fr' } });
      expect(page.status).toBe(404);
      expect(String(page.headers['content-type'])).toContain('text/html');
      expect(String(page.body)).toContain('<html lang="fr"');
      expect(String(page.body)).toContain('Cette page ou cet élément n’existe pas');
      const ar = await t.call({ method: 'GET', url: '/no-such-page', headers: { accept: 'text/html', 'accept-language': 'ar' } });
      expect(String(ar.body)).toContain('dir="rtl"');
      for (const url of ['/v1/nothing-here', '/no-such-page']) {
        const api = await t.call({ method: 'GET', url, headers: url.startsWith('/v1') ? { accept: 'text/html' } : {} });
        expect(api.status).toBe(404);
        expect(api.body.error.code).toBe('not_found');
      }
    });

    it('times every route for /metrics, feature modules included', async () => {
      await t.call({ method: 'GET', url: '/v1/reference/entities' });
      await t.call({ method: 'GET', url: '/v1/requests', key: 'not-a-real-key-at-all-0000' });
      const res = await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY });
      expect(res.status).toBe(200);
      const text = String(res.body);
      expect(text).toMatch(/onedoor_http_request_duration_seconds_count\{method="GET",route="\/v1\/reference\/entities",status="200"\} [1-9]/);
      expect(text).toMatch(/onedoor_http_request_duration_seconds_count\{method="GET",route="\/v1\/requests",status="401"\} [1-9]/);
    });
  });
}
