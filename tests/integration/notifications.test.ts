import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { startSmtpSink, type ReceivedMail } from '../helpers/smtp-sink.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
type Sink = Awaited<ReturnType<typeof startSmtpSink>>;

const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

/** A person in an organisation of the given kind and binding, straight in the people module's tables. */
async function person(t: TestApp, o: { kind: string; memberState?: string; providerId?: string; entity?: string; language: string; email: string }) {
  const [org] = rowsOf<{ id: string }>(await t.db.db.execute(sql`insert into organisations (kind, name, member_state, provider_id, entity_code, status)
    values (${o.kind}, ${`${o.kind} ${o.email}`}, ${o.memberState ?? null}, ${o.providerId ?? null}, ${o.entity ?? null}, 'active') returning id`));
  const [user] = rowsOf<{ id: string }>(await t.db.db.execute(sql`insert into users (email, name, language, status) values (${o.email}, ${o.email.split('@')[0]}, ${o.language}, 'active') returning id`));
  await t.db.db.execute(sql`insert into memberships (user_id, organisation_id, role) values (${user.id}, ${org.id}, 'focal_point')`);
  return { userId: user.id, organisationId: org.id, email: o.email };
}
const asPerson = (base: Partial<Principal>, userId: string): Principal => ({ keyId: null, memberState: null, providerId: null, entity: null, label: 'person', role: 'member_state', ...base, userId } as Principal);

async function count(t: TestApp, q: ReturnType<typeof sql>): Promise<number> {
  return Number(rowsOf<{ n: number }>(await t.db.db.execute(q))[0].n);
}

describe('notifications to people, by mail through a real SMTP server', () => {
  let t: TestApp;
  let c: Cast;
  let sink: Sink;
  let state: Awaited<ReturnType<typeof person>>;
  let entity: Awaited<ReturnType<typeof person>>;
  let cted: Awaited<ReturnType<typeof person>>;
  let provider: Awaited<ReturnType<typeof person>>;
  const mailsTo = (email: string) => sink.mails.filter((m) => m.to === email);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp({ env: { SMTP_URL: sink.url, PUBLIC_URL: 'https://onedoor.example', SESSION_SECRET: 'a-session-secret-for-notification-tests-0123' } });
    await t.startWorkers();
    c = await castOf(t);
    state = await person(t, { kind: 'member_state', memberState: 'SEN', language: 'fr', email: 'focal@senegal.example' });
    entity = await person(t, { kind: 'entity', entity: 'UNODC', language: 'ru', email: 'desk@unodc.example' });
    cted = await person(t, { kind: 'cted', language: 'en', email: 'analyst@cted.example' });
    provider = await person(t, { kind: 'provider', providerId: c.providerAId, language: 'es', email: 'focal@norway.example' });
  }, 120_000);
  afterAll(async () => { await t?.close(); await sink?.close(); });

  /** Files a request and has CTED route it to UNODC; returns its id. */
  async function fileAndRoute(body: Record<string, unknown>): Promise<string> {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: body })).body.id as string;
    await t.drain();
    const routed = await t.call({ method: 'POST', url: `/v1/requests/${id}/route`, key: c.cted, payload: { entity: 'UNODC' } });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    await t.drain();
    return id;
  }

  it('tells the routed entity and the state once each, in their language, with no confidential text, and a one-click unsubscribe', async () => {
    const title = 'Confidential FIU capacity gaps of Senegal';
    const id = await fileAndRoute({ ...fiuRequest, title, confidentiality: 'restricted' });
    await sink.waitFor(2);
    const toEntity = mailsTo(entity.email);
    const toState = mailsTo(state.email);
    expect(toEntity.length).toBeGreaterThanOrEqual(1);
    expect(toState.length).toBeGreaterThanOrEqual(1);
    const check = (m: ReceivedMail, lang: string) => {
      expect(m.headers.get('content-language')).toBe(lang);
      expect(m.raw).not.toContain(title);
      expect(m.raw).not.toContain('Confidential FIU');
      expect(m.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/onedoor\.example\/unsubscribe\?token=[^>]+>$/);
      expect(m.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(m.text).toContain(`https://onedoor.example/requests/${id}`);
    };
    const routedMail = toEntity.find((m) => m.subject.includes('Запрос направлен вам'))!;
    expect(routedMail, toEntity.map((m) => m.subject).join(' | ')).toBeDefined();
    check(routedMail, 'ru');
    expect(routedMail.text).toContain('запрос ограниченного доступа');
    check(toState[0], 'fr');
    expect(toState[0].subject).toContain('Décision sur une demande');

    // Running the fan-out of every event again (a retried job) makes no second notification nor mail.
    const before = sink.mails.length;
    const notified = await count(t, sql`select count(*)::int as n from notifications`);
    const events = rowsOf<{ id: string }>(await t.db.db.execute(sql`select id from outbox where payload->>'requestId' = ${id}`));
    for (const e of events) await t.services.notifications.fanout(e.id);
    await t.drain();
    expect(await count(t, sql`select count(*)::int as n from notifications`)).toBe(notified);
    expect(sink.mails.length).toBe(before);
    // A provider never hears of a restricted request.
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${provider.userId} and request_id = ${id}`)).toBe(0);
  }, 120_000);

  it('stops mail of a kind after the List-Unsubscribe POST (no session), while the list in the interface keeps it', async () => {
    const m = mailsTo(entity.email).find((x) => x.subject.includes('Запрос направлен вам'))!;
    const url = new URL(/^<(.+)>$/.exec(m.headers.get('list-unsubscribe')!)![1]);
    const res = await t.call({ method: 'POST', url: `${url.pathname}${url.search}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unsubscribed: true, kind: 'request_routed' });
    // A token that was not signed by us is refused.
    const forged = url.search.replace(/token=[^&]+/, `token=${entity.userId}.request_routed.AAAA`);
    expect((await t.call({ method: 'POST', url: `/unsubscribe${forged}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })).status).toBe(400);
    const page = await t.call({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('lang="ru"');

    const before = mailsTo(entity.email).length;
    const id = await fileAndRoute({ ...fiuRequest, title: 'A second request for the FIU of Senegal' });
    await sink.waitFor(sink.mails.length + 1, 3000);
    expect(mailsTo(entity.email).length).toBe(before);
    const listed = await t.services.notifications.list(asPerson({ role: 'entity', entity: 'UNODC' }, entity.userId));
    expect(listed.items.some((n) => n.requestId === id && n.kind === 'request_routed')).toBe(true);
    expect(listed.unread).toBeGreaterThan(0);
  }, 120_000);

  it('gathers a daily digest and sends it on the next (simulated) day, once', async () => {
    const me = asPerson({ role: 'member_state', memberState: 'SEN' }, state.userId);
    await t.services.notifications.setPreferences(me, { question: 'daily' });
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Digest request for the FIU' } })).body.id as string;
    await t.drain();
    const before = mailsTo(state.email).length;
    const q = await t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key: c.cted, payload: { visibility: 'shared', body: 'How many analysts work in the unit?', addressee: 'state' } });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    await t.drain();
    expect(mailsTo(state.email).length).toBe(before);
    expect(await t.services.notifications.sendDigests('daily', new Date())).toBe(0);
    const tomorrow = new Date(Date.now() + DAY);
    expect(await t.services.notifications.sendDigests('daily', tomorrow)).toBe(1);
    await t.drain();
    const digests = (await sink.waitFor(sink.mails.length, 5000)) && mailsTo(state.email).filter((m) => m.subject.includes('résumé quotidien'));
    expect(digests).toHaveLength(1);
    expect(digests[0].text).toContain('Une question vous a été posée');
    expect(digests[0].headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(await t.services.notifications.sendDigests('daily', tomorrow)).toBe(0);
    // Read in the interface: marked read, the count goes down.
    const listed = await t.services.notifications.list(me);
    const n = listed.items.find((x) => x.kind === 'question')!;
    expect((await t.services.notifications.markRead(me, n.id)).unread).toBe(listed.unread - 1);
  }, 120_000);

  it('follows up: deadline in 3 days, stale offering, feedback after delivery and 30 days later, unanswered question, yearly check — each once', async () => {
    const now = new Date();
    const dueDays = t.config.ENTITY_DUE_DAYS;
    const soon = await fileAndRoute({ ...fiuRequest, title: 'Deadline request for the FIU' });
    await t.db.db.execute(sql`update requests set routed_at = ${new Date(now.getTime() - (dueDays - 2) * DAY).toISOString()}::timestamptz, entity_acted_at = null where id = ${soon}`);
    const oid = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, title: 'An old FIU offering' } })).body.id as string;
    await t.db.db.execute(sql`update offerings set last_confirmed_at = now() - interval '151 days' where id = ${oid}`);
    const delivered = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Delivered request for the FIU' } })).body.id as string;
    await t.drain();
    await t.db.db.execute(sql`update requests set status = 'in_delivery' where id = ${delivered}`);
    await t.db.db.execute(sql`insert into request_transitions (request_id, from_status, to_status, actor, at) values (${delivered}, 'accepted', 'in_delivery', 'test', now() - interval '125 days')`);
    const asked = await t.call({ method: 'POST', url: `/v1/requests/${soon}/messages`, key: c.cted, payload: { visibility: 'internal', body: 'Can UNODC take this one?', addressee: 'entity' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await t.db.db.execute(sql`update request_messages set created_at = now() - interval '8 days' where id = ${asked.body.id}`);
    await t.db.db.execute(sql`update requests set submitted_at = now() - interval '370 days' where id = ${delivered}`);

    const first = await t.services.notifications.runFollowUps(now);
    expect(first.deadlines).toBeGreaterThanOrEqual(1);
    expect(first.staleOfferings).toBe(1);
    expect(first.feedback).toBe(2); // delivery ended 35 days ago (90-day default): the first ask and the one 30 days later
    expect(first.questions).toBe(1);
    expect(first.yearly).toBeGreaterThanOrEqual(1);
    const again = await t.services.notifications.runFollowUps(now);
    expect(Object.values(again).every((n) => n === 0), JSON.stringify(again)).toBe(true);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${provider.userId} and kind = 'offering_stale'`)).toBe(1);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${state.userId} and kind = 'feedback_due' and request_id = ${delivered}`)).toBe(2);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${entity.userId} and kind = 'question_reminder'`)).toBe(1);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${entity.userId} and kind = 'deadline_soon' and request_id = ${soon}`)).toBe(1);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${state.userId} and kind = 'yearly_check' and request_id = ${delivered}`)).toBe(1);
    await t.drain();
    await sink.waitFor(sink.mails.length, 3000);
    // Mailed at once in Spanish (the provider keeps the default, daily, for stale offerings: no mail yet).
    expect(mailsTo(provider.email).filter((m) => m.subject.includes('Oferta por confirmar'))).toHaveLength(0);
    expect(mailsTo(state.email).filter((m) => m.subject.includes('Avis attendu'))).toHaveLength(2);

    // Past its due date nobody acted: the escalation tells the entity and CTED.
    await t.db.db.execute(sql`update requests set routed_at = ${new Date(now.getTime() - (dueDays + 1) * DAY).toISOString()}::timestamptz where id = ${soon}`);
    expect(await t.services.review.escalateOverdue()).toBeGreaterThanOrEqual(1);
    await t.drain();
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${cted.userId} and kind = 'overdue' and request_id = ${soon}`)).toBe(1);
    expect(await count(t, sql`select count(*)::int as n from notifications where user_id = ${entity.userId} and kind = 'overdue' and request_id = ${soon}`)).toBe(1);
  }, 120_000);

  it('tells a provider of a new request its saved search finds, in any language, never a restricted one', async () => {
    const me = asPerson({ role: 'provider', providerId: c.providerAId }, provider.userId);
    const saved = await t.services.savedSearches.create(me, { name: 'Formation judiciaire', areas: [], regions: ['SEN'], modalities: [], words: 'formation judiciaire' });
    expect(saved.words).toBe('formation judiciaire');
    const body = { title: 'Judicial training for prosecutors', description: 'We ask for judicial training of our prosecutors and judges on terrorism cases, and mentoring of investigating judges.', language: 'en', modalities: ['training'], confidentiality: 'public' };
    const open = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: body })).body.id as string;
    const secret = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...body, title: 'Restricted judicial training', confidentiality: 'restricted' } })).body.id as string;
    const other = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: body })).body.id as string;
    await t.drain();
    const found = rowsOf<{ request_id: string }>(await t.db.db.execute(sql`select request_id from notifications where user_id = ${provider.userId} and kind = 'saved_search'`)).map((r) => r.request_id);
    expect(found).toContain(open);
    expect(found).not.toContain(secret);
    expect(found).not.toContain(other); // Kenya is not in the search's regions
    expect((await t.services.savedSearches.list(me)).map((s) => s.id)).toContain(saved.id);
    await t.services.savedSearches.remove(me, saved.id);
    expect(await t.services.savedSearches.list(me)).toEqual([]);
  }, 120_000);

  it('tells a provider once that its offering was proposed (approved by the engine or by CTED), in Spanish', async () => {
    const oid = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).body.id as string;
    await t.drain();
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'FIU analysts need training on typologies' } })).body.id as string;
    await t.drain();
    const view = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    const m = (view.matches as { id: string; offeringId: string; status: string }[]).find((x) => x.offeringId === oid)!;
    expect(m, JSON.stringify(view.matches)).toBeDefined();
    if (m.status === 'proposed') {
      const d = await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      await t.drain();
    }
    const rows = rowsOf<{ event_key: string }>(await t.db.db.execute(sql`select event_key from notifications where user_id = ${provider.userId} and kind = 'match_proposed' and request_id = ${id}`));
    expect(rows).toEqual([{ event_key: `match:${m.id}` }]);
    await sink.waitFor(sink.mails.length + 1, 3000);
    const mail = mailsTo(provider.email).find((x) => x.subject.includes('Oferta propuesta'));
    expect(mail).toBeDefined();
    expect(mail!.text).toContain('FIU analysts need training on typologies');
    expect(mail!.text).toContain('https://onedoor.example/inbox');
  }, 120_000);

  it('answers forged and random unsubscribe tokens with 400, never 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.constant(`${state.userId}.all.x`), fc.constant(`${state.userId}.nope.x`)), async (token) => {
      const res = await t.call({ method: 'POST', url: `/unsubscribe?token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBeLessThan(500);
      expect([400, 429]).toContain(res.status);
    }), { numRuns: 200 });
  }, 60_000);
});
