import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { personForKey, webSession, type WebSession } from '../helpers/web-session.js';
import { multipart } from '../helpers/zip.js';

const pdf = readFileSync(new URL('../fixtures/attachments/letter-fr.pdf', import.meta.url));
type Who = 'stateA' | 'stateB' | 'providerA' | 'providerB' | 'unodcProvider' | 'unodc' | 'icao' | 'cted';

describe('attack: nothing marked secret reaches a reader the rules exclude, on any GET route', () => {
  let t: TestApp;
  let c: Cast;
  let ids: string[] = [];
  /** canary -> who must never read it */
  const forbidden: Record<string, Who[]> = {};
  const sessions: Partial<Record<Who, WebSession>> = {};

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    for (const who of ['stateA', 'stateB', 'providerA', 'providerB', 'unodcProvider', 'unodc', 'icao', 'cted'] as Who[]) sessions[who] = await webSession(t, c[who]);
    // A provider's saved search that every FIU request meets.
    const saved = await sessions.providerA!.post('/saved-searches', { name: 'FIU', areas: 'terrorist_financing', words: 'financial intelligence' });
    expect(saved.status).toBe(303);
    const r0 = await routedRequestWithProviders(t, c);
    // R1: restricted, routed to UNODC with Norway's offering forwarded anyway.
    const r1 = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'CANARYR1 financial intelligence unit', confidentiality: 'restricted' } })).body.id;
    // R2: no consent to share with providers.
    const r2 = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'CANARYNC2 financial intelligence unit', consentToShare: false } })).body.id;
    await t.drain();
    for (const r of [r1, r2]) {
      const view = (await t.call({ method: 'GET', url: `/v1/requests/${r}`, key: c.cted })).body;
      for (const m of view.matches) {
        ids.push(m.id);
        await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve', entity: 'UNODC' } });
        await t.call({ method: 'POST', url: `/v1/requests/${r}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: m.id } });
      }
    }
    const msg = async (key: string, r: string, body: Record<string, unknown>) => {
      const res = await t.call({ method: 'POST', url: `/v1/requests/${r}/messages`, key, payload: body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    };
    await msg(c.stateA, r1, { visibility: 'shared', body: 'CANARYM1 our unit has nine analysts' });
    await msg(c.cted, r0.id, { visibility: 'internal', body: 'CANARYINT0 internal assessment' });
    await msg(c.providerB, r0.id, { visibility: 'shared', body: 'CANARYPB0 what is your budget' });
    const { payload, headers } = multipart({ purpose: 'request_letter' }, [{ name: 'CANARYF1.pdf', data: pdf }]);
    const up = await t.call({ method: 'POST', url: `/v1/requests/${r1}/attachments`, key: c.stateA, payload, headers });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    ids.push(up.body.items[0].id);
    const need = await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'SEN', description: 'CANARYNEED financial intelligence analysts need training', priority: 'high' } });
    expect(need.status).toBe(201);
    ids.push(need.body.id);
    await t.drain();
    const offerings = (await t.call({ method: 'GET', url: '/v1/offerings', key: c.admin })).body.items.map((o: { id: string }) => o.id);
    ids = [...new Set([r0.id, r1, r2, r0.matchA, r0.matchB, ...ids, ...offerings])];
    const outsiders: Who[] = ['stateB', 'providerA', 'providerB', 'unodcProvider'];
    forbidden.CANARYR1 = [...outsiders, 'icao'];
    forbidden.CANARYM1 = [...outsiders, 'icao'];
    forbidden.CANARYF1 = [...outsiders, 'icao'];
    forbidden.CANARYNC2 = outsiders;
    forbidden.CANARYINT0 = ['stateA', ...outsiders];
    forbidden.CANARYPB0 = ['stateB', 'providerA', 'unodcProvider'];
    forbidden.CANARYNEED = [...outsiders, 'unodc', 'icao'];
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  const leaksIn = (who: Who, text: string) => Object.entries(forbidden).filter(([canary, whom]) => whom.includes(who) && text.includes(canary)).map(([canary]) => canary);

  it('on every /v1 GET route and every web page, with every id', async () => {
    const spec = (await t.call({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(spec.paths).filter(([p, ops]) => 'get' in ops && !/^\/(docs|static|health|metrics)(\/|$)/.test(p)).map(([p]) => p);
    const fixed: Record<string, string[]> = {
      lang: ['fr'], iso3: ['SEN'], m49: ['002', '202', '011'], code: ['UNODC', 'ICAO'], report: ['needsMatrix', 'unmatchedNeeds', 'supplyDemand', 'overlaps', 'timings', 'outcomes'],
      list: ['requests', 'offerings', 'needs', 'review', 'triage', 'inbox', 'unmatchedNeeds', 'profile'],
    };
    const urls: string[] = [];
    for (const path of gets) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      let variants = [path];
      for (const n of names) variants = variants.flatMap((v) => (fixed[n] ?? ids).map((x) => v.replace(`{${n}}`, x)));
      for (const v of variants) urls.push(v, `${v}${v.includes('?') ? '&' : '?'}q=CANARY&memberState=SEN&iso3=SEN&profile=SEN&words=CANARY`);
    }
    const found: string[] = [];
    const seen = new Set<string>();
    for (const who of Object.keys(sessions) as Who[]) {
      for (const url of urls) {
        const api = url.startsWith('/v1/');
        const res = api ? await t.call({ method: 'GET', url, key: c[who] }) : await sessions[who]!.get(url);
        const text = api ? JSON.stringify((res as { body: unknown }).body) : (res as { html: string }).html;
        if (res.status >= 500) found.push(`${who} ${url} -> ${res.status}`);
        for (const leak of leaksIn(who, text)) found.push(`${who} ${url} -> ${leak}`);
        for (const canary of Object.keys(forbidden)) if (text.includes(canary)) seen.add(canary);
      }
    }
    expect(found).toEqual([]);
    // The oracle works: each secret is read by someone allowed to.
    expect([...seen].sort()).toEqual(Object.keys(forbidden).sort());
  }, 600_000);

  it('in notifications and mail', async () => {
    const found: string[] = [];
    for (const who of Object.keys(sessions) as Who[]) {
      const person = await personForKey(t, c[who]);
      const mail = await t.db.query(`select params::text as p from mail_messages where "to" = $1`, [person.email]) as { p: string }[];
      const notes = await t.db.query(`select params::text as p from notifications where user_id = $1`, [person.userId]) as { p: string }[];
      for (const leak of leaksIn(who, JSON.stringify([mail, notes]))) found.push(`${who} mail/notification rows -> ${leak}`);
      const n = await sessions[who]!.get('/notifications');
      for (const leak of leaksIn(who, n.html)) found.push(`${who} /notifications -> ${leak}`);
    }
    expect(found).toEqual([]);
  });
});
