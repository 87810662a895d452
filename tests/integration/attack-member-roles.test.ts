import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson } from '../helpers/web-session.js';

describe('attack: a reader or contributor acting as a focal point', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } }); c = await castOf(t); await t.startWorkers(); });
  afterAll(async () => { await t?.close(); });

  it('cannot file, decide, withdraw, consent, answer or respond', async () => {
    const r = await routedRequestWithProviders(t, c);
    const before = JSON.stringify((await t.call({ method: 'GET', url: `/v1/requests/${r.id}`, key: c.cted })).body);
    const failures: string[] = [];
    for (const [kind, binding] of [['member_state', { memberState: 'SEN' }], ['provider', { providerId: c.providerAId }], ['entity', { entity: 'UNODC' }], ['cted', {}]] as const) {
      for (const role of ['reader', 'contributor'] as const) {
        const s = await signInPerson(t, await createPerson(t, { kind, binding, role }));
        const tries: [string, Record<string, string>][] = [
          [`/requests/${r.id}/withdraw`, { reason: 'x' }], [`/requests/${r.id}/consent`, { consentToShare: 'false', consent: 'false' }],
          [`/requests/${r.id}/feedback`, { outcome: 'met' }], [`/inbox/${r.matchA}`, { response: 'accept', action: 'accept' }],
          [`/entity/${r.id}/action`, { action: 'hand_back', reason: 'other_entity', note: 'x' }], [`/requests/${r.id}/route`, { entity: 'ICAO', note: 'x' }],
          [`/requests/${r.id}/park`, { reason: 'x' }], [`/requests/${r.id}/close`, { reason: 'x' }], [`/requests/${r.id}/start-delivery`, {}],
        ];
        if (role === 'reader') tries.push(['/requests', { ...fiuRequest, modalities: 'training' } as unknown as Record<string, string>]);
        for (const [url, form] of tries) {
          const res = await s.post(url, form);
          if (res.status < 400 && res.status !== 303) failures.push(`${kind}:${role} ${url} -> ${res.status}`);
        }
      }
    }
    const after = JSON.stringify((await t.call({ method: 'GET', url: `/v1/requests/${r.id}`, key: c.cted })).body);
    expect(failures).toEqual([]);
    expect(after).toBe(before);
    const filed = await t.db.query<{ n: number }>(`select count(*)::int as n from requests`, []);
    expect(filed[0]!.n).toBe(1);
  }, 120_000);
});
