import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

/** A keyset cursor as a client could forge one: any JSON array of the right length and types, base64url. */
const forge = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
const FORGED = [
  ['x', 'y'], ['2026-01-01T00:00:00Z', 'not-a-uuid'], ['2026-13-45 10:00:00+00', '00000000-0000-4000-8000-000000000000'],
  ['0000-01-01 00:00:00+00', '00000000-0000-4000-8000-000000000000'], ['a', 1, 'b'], ['SEN', 'yesterday', 'x'],
  ['SEN', '2026-01-01 00:00:00+00', 'x'], [1, 'x', 'y'], [1, 'x'], [1.5, 'x', 'y'], [1e300, 'x'],
  ['2026-01-01 00:00:00+00', 1.5, '00000000-0000-4000-8000-000000000000'], ['2026-01-01 00:00:00+00', 1e300, '00000000-0000-4000-8000-000000000000'],
].map(forge);

describe('attack: forged keyset cursors', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    await routedRequestWithProviders(t, c);
    expect((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'A second FIU request' } })).status).toBe(202);
    await t.drain();
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  it('are refused with 400 on every paged list, API and web, never a 500', async () => {
    const api: [string, string][] = [
      ['/v1/requests', c.stateA], ['/v1/requests', c.cted], ['/v1/offerings', c.providerA], ['/v1/offerings', c.admin], ['/v1/needs', c.cted],
      ['/v1/review/queue', c.cted], ['/v1/review/queue?urgency=high', c.cted], ['/v1/entities/UNODC/queue', c.unodc], ['/v1/inbox', c.providerA],
      ['/v1/analytics/overlaps', c.cted],
    ];
    const web: [string, string][] = [['/requests', c.stateA], ['/review', c.cted], ['/entity', c.unodc], ['/inbox', c.providerA]];
    const failures: string[] = [];
    const answered: number[] = [];
    for (const cursor of FORGED) {
      for (const [path, key] of api) {
        const res = await t.call({ method: 'GET', url: `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`, key });
        answered.push(res.status);
        if (res.status >= 500) failures.push(`${path} ${Buffer.from(cursor, 'base64url').toString()} -> ${res.status}`);
      }
      for (const [path, key] of web) {
        const res = await (await webSession(t, key)).get(`${path}?cursor=${cursor}`);
        if (res.status >= 500) failures.push(`web ${path} ${Buffer.from(cursor, 'base64url').toString()} -> ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(answered.every((s) => s === 200 || s === 400)).toBe(true);
  }, 120_000);

  it('still pages with the cursors the lists hand out', async () => {
    let paged = 0;
    for (const [path, key] of [['/v1/requests', c.cted], ['/v1/review/queue', c.cted], ['/v1/entities/UNODC/queue', c.unodc], ['/v1/offerings', c.admin]] as const) {
      const first = await t.call({ method: 'GET', url: `${path}?limit=1`, key });
      expect(first.status, path).toBe(200);
      if (first.body.nextCursor) {
        const next = await t.call({ method: 'GET', url: `${path}?limit=1&cursor=${first.body.nextCursor}`, key });
        expect(next.status, path).toBe(200);
        expect(next.body.items[0]?.id).not.toBe(first.body.items[0]?.id);
        paged++;
      }
    }
    expect(paged).toBeGreaterThan(0);
  });
});
