import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/modules/webhooks/webhook-signature.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { startReceiver, waitFor } from '../helpers/webhook-receiver.js';

describe('the whole path over PostgreSQL and BullMQ', () => {
  let t: TestApp;
  let c: Cast;
  let entityHook: Awaited<ReturnType<typeof startReceiver>>;
  let providerHook: Awaited<ReturnType<typeof startReceiver>>;
  let entitySecret: string;
  let providerSecret: string;

  beforeAll(async () => {
    // Everything waits for CTED: no auto-routing in this walk-through.
    t = await buildTestApp({ queue: 'bullmq', env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    entityHook = await startReceiver();
    providerHook = await startReceiver({ failFirst: 2 });
    entitySecret = (await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodc, payload: { url: entityHook.url } })).body.secret;
    const sub = await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodcProvider, payload: { url: providerHook.url } });
    expect(sub.status).toBe(201);
    providerSecret = sub.body.secret;
  });
  afterAll(async () => { await t?.close(); await entityHook?.close(); await providerHook?.close(); });

  it('files, matches, approves, forwards, accepts, delivers and completes, with signed webhooks', async () => {
    const offering = await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: { ...fiuOffering, eligibility: { regions: ['202'] } } });
    expect(offering.status).toBe(201);
    await t.drain();

    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
    expect(filed.status).toBe(202);
    const id = filed.body.id as string;
    await waitFor(async () => (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateA })).body.matchedAt !== null, 15_000, 'matching');

    const matched = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateA })).body;
    expect(matched.status).toBe('in_review');
    expect(matched.routing).toEqual({ entity: 'UNODC', reason: expect.any(String) });
    expect(matched.matches[0]).toMatchObject({ offeringId: offering.body.id, rank: 1, status: 'proposed' });
    expect(Object.keys(matched.matches[0].explanation.components ?? matched.matches[0].explanation)).toEqual(expect.arrayContaining(['thematic']));

    const queue = await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted });
    const item = queue.body.items.find((i: { requestId: string }) => i.requestId === id);
    expect(item).toMatchObject({ id: matched.matches[0].id, offeringId: offering.body.id, entity: 'UNODC' });

    const approve = await t.call({ method: 'POST', url: `/v1/matches/${item.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    expect(approve.status).toBe(200);
    expect(approve.body).toMatchObject({ status: 'approved', requestStatus: 'routed', entity: 'UNODC' });

    const eq = await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.unodc });
    expect(eq.body.items.map((i: { requestId: string }) => i.requestId)).toContain(id);
    const fwd = await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: item.id } });
    expect(fwd.status).toBe(200);

    const inbox = await t.call({ method: 'GET', url: '/v1/inbox', key: c.unodcProvider });
    expect(inbox.body.items.map((i: { matchId: string }) => i.matchId)).toContain(item.id);
    const accept = await t.call({ method: 'POST', url: `/v1/matches/${item.id}/response`, key: c.unodcProvider, payload: { decision: 'accept' } });
    expect(accept.body).toMatchObject({ status: 'accepted', requestStatus: 'accepted' });

    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/start-delivery`, key: c.unodcProvider })).body.status).toBe('in_delivery');
    const done = await t.call({ method: 'POST', url: `/v1/requests/${id}/feedback`, key: c.stateA, payload: { outcome: 'met', comment: 'Analysts trained.' } });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');

    await t.drain();
    const entityTopics = ['request.routed', 'match.decided', 'match.accepted', 'request.completed'];
    await waitFor(() => entityTopics.every((tp) => entityHook.received.some((r) => r.json.type === tp)), 15_000, 'entity webhooks');
    await waitFor(() => ['match.forwarded', 'match.decided', 'request.completed'].every((tp) => providerHook.received.some((r) => r.json.type === tp)), 20_000, 'provider webhooks after retries');

    for (const [hook, secret] of [[entityHook, entitySecret], [providerHook, providerSecret]] as const) {
      const ids = hook.received.map((r) => r.json.id);
      expect(new Set(ids).size, 'each event once').toBe(ids.length);
      for (const r of hook.received) {
        expect(verifyWebhook(secret, { signature: r.headers['onedoor-signature'] as string, timestamp: r.headers['onedoor-timestamp'] as string, delivery: r.headers['onedoor-delivery'] as string }, r.body)).toBe(true);
        expect(r.json.data.requestId).toBe(id);
      }
    }
    // The failing receiver was tried again: two refusals, then every event arrived.
    expect(providerHook.attempts).toBe(providerHook.received.length + 2);

    const history = await t.db.db.execute(`select to_status from request_transitions where request_id = '${id}' order by at`);
    expect(JSON.stringify(history).match(/"to_status":"(\w+)"/g)!.map((s) => s.split(':')[1].replaceAll('"', ''))).toEqual(
      ['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed'],
    );
  });
});
