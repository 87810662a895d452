import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession, type WebSession } from '../helpers/web-session.js';
import { multipart } from '../helpers/zip.js';

const pdf = readFileSync(new URL('../fixtures/attachments/letter-fr.pdf', import.meta.url));

/**
 * Every write route of the API and every web form, called by readers the rules keep out of Senegal's
 * records (another state, a provider whose offering never reached the request, an entity it was not
 * routed to) with Senegal's ids and bodies that would pass validation: nothing of Senegal's changes.
 */
describe('attack: outsiders writing to a state\'s records', () => {
  let t: TestApp;
  let c: Cast;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    const r0 = await routedRequestWithProviders(t, c);
    const restricted = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Restricted FIU request', confidentiality: 'restricted' } })).body.id;
    await t.drain();
    const msg = (await t.call({ method: 'POST', url: `/v1/requests/${r0.id}/messages`, key: c.stateA, payload: { visibility: 'shared', body: 'How many analysts?', addressee: 'cted' } })).body.id;
    const { payload, headers } = multipart({ purpose: 'request_letter' }, [{ name: 'letter.pdf', data: pdf }]);
    const att = (await t.call({ method: 'POST', url: `/v1/requests/${r0.id}/attachments`, key: c.stateA, payload, headers })).body.items[0].id;
    const need = (await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'SEN', description: 'Financial intelligence analysts need training', priority: 'high' } })).body.id;
    ids = { request: r0.id, restricted, match: r0.matchA, matchB: r0.matchB, message: msg, attachment: att, need };
    await t.drain();
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  /** Senegal's records, as one text: any write that reached them changes it. */
  const snapshot = async () => JSON.stringify(await Promise.all([
    t.db.query(`select id, status, title, description, consent_to_share, confidentiality, routed_entity, cted_parts, parked_at, feedback, duplicate_of from requests where member_state = 'SEN' order by id`, []),
    t.db.query(`select m.id, m.status, m.entity_code, m.decision_note from matches m join requests r on r.id = m.request_id where r.member_state = 'SEN' order by m.id`, []),
    t.db.query(`select x.* from request_messages x join requests r on r.id = x.request_id where r.member_state = 'SEN' order by x.id`, []),
    t.db.query(`select a.id, a.use_for_matching, a.filename from attachments a order by a.id`, []),
    t.db.query(`select count(*)::int from request_transitions x join requests r on r.id = x.request_id where r.member_state = 'SEN'`, []),
    t.db.query(`select id, description, priority from needs where member_state = 'SEN' order by id`, []),
  ]));

  it('changes nothing, whatever the route, the id and the body', async () => {
    const spec = (await t.call({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => [m.toUpperCase(), p] as const))
      .filter(([, p]) => p.includes('{'));
    const bodies: Record<string, unknown>[] = [
      {}, { consentToShare: false }, { reason: 'not needed any more' }, { outcome: 'met', comment: 'done' }, { decision: 'approve', entity: 'UNODC' }, { decision: 'reject', note: 'no' },
      { action: 'forward', matchId: ids.match }, { action: 'hand_back', reason: 'other_entity', note: 'x' }, { response: 'accept' }, { response: 'decline', reason: 'no_capacity' },
      { visibility: 'shared', body: 'Edited by an outsider' }, { parts: ['one part', 'another part'] }, { useForMatching: false }, { entity: 'ICAO', note: 'x' },
      { offeringId: ids.match }, { title: 'Changed by an outsider' }, { status: 'suspended' },
    ];
    const fill = (path: string, id: string) => path.replace('{code}', 'UNODC').replace('{otherId}', ids.restricted).replace('{messageId}', ids.message).replace(/\{(\w+)\}/g, id);
    const outsiders: [string, string][] = [['stateB', c.stateB], ['providerB-not-participant', c.unodcProvider], ['icao', c.icao]];
    const sessions: [string, WebSession][] = await Promise.all(outsiders.map(async ([n, k]) => [n, await webSession(t, k)] as [string, WebSession]));
    const before = await snapshot();
    const changed: string[] = [];
    for (const [method, path] of writes) {
      for (const id of Object.values(ids)) {
        const url = fill(path, id);
        for (const body of bodies) {
          for (const [who, key] of outsiders) {
            if (url.startsWith('/v1/')) await t.call({ method: method as 'POST', url, key, payload: method === 'DELETE' ? undefined : body });
            else {
              const s = sessions.find(([n]) => n === who)![1];
              await s.post(url, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)])));
            }
          }
        }
        if ((await snapshot()) !== before) { changed.push(`${method} ${url}`); return expect(changed).toEqual([]); }
      }
    }
    expect(changed).toEqual([]);
    // The snapshot sees a write: the owner's own consent change moves it.
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${ids.request}/consent`, key: c.stateA, payload: { consentToShare: false } })).status).toBe(200);
    expect(await snapshot()).not.toBe(before);
  }, 900_000);
});
