import { expect } from 'vitest';
import type { Cast } from './fixtures.js';
import { fiuOffering, fiuRequest } from './fixtures.js';
import type { TestApp } from './test-app.js';

/**
 * A request routed to UNODC with two providers' offerings forwarded to them (Norway's and OSCE's),
 * so the conversation has every kind of participant. Needs an app built with AUTO_ROUTE_CONFIDENCE=1
 * and its workers started.
 */
export async function routedRequestWithProviders(t: TestApp, c: Cast, body: Record<string, unknown> = {}): Promise<{ id: string; matchA: string; matchB: string }> {
  const oa = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering });
  const ob = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerB, payload: { ...fiuOffering, title: 'Financial intelligence analysis course for FIU staff' } });
  expect([oa.status, ob.status]).toEqual([201, 201]);
  await t.drain();
  const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, ...body } })).body.id as string;
  await t.drain();
  const view = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
  const matchA = view.matches.find((m: { offeringId: string }) => m.offeringId === oa.body.id).id as string;
  const matchB = view.matches.find((m: { offeringId: string }) => m.offeringId === ob.body.id).id as string;
  for (const m of [matchA, matchB]) expect((await t.call({ method: 'POST', url: `/v1/matches/${m}/decision`, key: c.cted, payload: { decision: 'approve', entity: 'UNODC' } })).status).toBe(200);
  for (const m of [matchA, matchB]) expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: m } })).status).toBe(200);
  return { id, matchA, matchB };
}
