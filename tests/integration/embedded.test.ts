import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
