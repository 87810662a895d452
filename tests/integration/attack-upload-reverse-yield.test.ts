import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTick } from '../../src/job-pacer.js';
import { createMatchingService, SCORE_SLICE } from '../../src/modules/matching/matching.service.js';
import { fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const REQUESTS = 100;
const STATES = ['SEN', 'KEN', 'MLI', 'NER', 'GHA'];
const TOPICS = ['banks', 'money transfer operators', 'hawala brokers', 'casinos', 'charities', 'notaries', 'real estate agents', 'crypto exchanges', 'insurers', 'lawyers'];

/**
 * After a 3,000-offering import in the embedded default, the in-process re-matching job held the event
 * loop ~20 s: each page of up to REMATCH_PAGE_SIZE requests was scored against the changed offerings
 * in one synchronous stretch. It now breaks (the pacer's pause) every SCORE_SLICE requests, so the API
 * is answered while it works. Checked by ordering: the job's breaks, and a /health request sent at
 * one of its first breaks answered before the job ends.
 */
describe('attack: a long re-matching job in the embedded default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ db: 'pglite' });
    await t.startWorkers();
    const keys = await Promise.all(STATES.map((s) => t.key({ role: 'member_state', memberState: s })));
    for (let i = 0; i < REQUESTS; i++) {
      const res = await t.call({
        method: 'POST', url: '/v1/requests', key: keys[i % keys.length],
        payload: { ...fiuRequest, title: `${fiuRequest.title} (${i})`, description: `${fiuRequest.description} Reports from ${TOPICS[i % TOPICS.length]} are rare (case ${i}).` },
      });
      expect(res.status).toBe(202);
    }
    await t.drain();
  }, 600_000);
  afterAll(async () => { await t?.close(); });

  it('breaks for the event loop every few requests it scores, and /health is answered while it runs', async () => {
    const provider = (await t.call({ method: 'POST', url: '/v1/providers', key: 'test-admin-key-0123456789abcdef', payload: { name: 'Yield test provider', kind: 'ngo' } })).body.id as string;
    const key = await t.key({ role: 'provider', providerId: provider });
    const made = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key, payload: [0, 1, 2].map((n) => ({ ...fiuOffering, title: `${fiuOffering.title} ${n}`, externalRef: `y${n}` })) });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const ids = (await t.db.query<{ id: string }>('select id from offerings where provider_id = $1', [provider])).map((r) => r.id);
    expect(ids).toHaveLength(3);

    const events: string[] = [];
    let breaks = 0;
    let health: Promise<void> | undefined;
    // Another matching service over the same database, whose breaks the test sees (the app's own is paced).
    const matching = createMatchingService({
      db: t.db.db, query: t.db.query, reference: t.services.reference, config: t.config,
      pace: async () => {
        breaks++;
        if (breaks === 2) {
          events.push('health sent');
          health = t.app.inject({ method: 'GET', url: '/health' }).then((r) => { events.push(`health answered ${r.statusCode}`); });
        }
        await nextTick();
      },
    });
    const result = await matching.reverseMatch('offering', ids);
    events.push('job done');
    await health;

    expect(result.candidates).toBeGreaterThanOrEqual(REQUESTS);
    // At least one break per slice of requests scored (before: one per page of up to 1,000, and one per write chunk).
    expect(breaks).toBeGreaterThanOrEqual(Math.ceil(result.candidates / SCORE_SLICE));
    expect(events).toEqual(['health sent', 'health answered 200', 'job done']);
  }, 300_000);
});
