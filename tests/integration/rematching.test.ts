import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, matches, outbox, requests } from '../../db/schema/index.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { analysisHash } from '../../src/modules/matching/matching.service.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

type Match = { offeringId: string; status: string; rank: number; score: number };
const aviationTitle = 'Aviation security screening at our airports';
const aviationText = 'We ask for support on passenger and cargo screening at airports, aviation security oversight and the implementation of ICAO standards for civil aviation.';
const aviationOffering = (i: number) => ({
  title: `Aviation security training: airport screening and ICAO standards, course ${i}`,
  description: `Training for airport security staff on passenger and cargo screening, aviation security oversight and the implementation of ICAO standards for civil aviation. Edition ${i}.`,
  languages: ['en'], modalities: ['training'],
});

const offering = (i: number, extra: Record<string, unknown> = {}) => ({
  ...fiuOffering,
  title: `FIU analyst training on terrorist financing, course ${i}`,
  description: `${fiuOffering.description} Edition ${i} of the course for financial intelligence unit analysts.`,
  ...extra,
});

describe('re-matching when offerings change (issue 12 item 1, issue 16 item 1)', () => {
  let t: TestApp;
  let c: Cast;

  const post = async (url: string, key: string, payload: object) => {
    const res = await t.call({ method: 'POST', url, key, payload });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const view = async (id: string) => (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body as { status: string; matches: Match[]; routing: { entity: string } | null };
  const allMatches = async (id: string) => t.db.db.select({ offeringId: matches.offeringId, status: matches.status, rank: matches.rank, score: matches.score, updatedAt: matches.updatedAt })
    .from(matches).where(eq(matches.requestId, id));
  const rematchAudits = async (id: string) => (await t.db.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, 'request.rematch')))).length;

  beforeAll(async () => {
    // Page size 2: every re-matching below reads its candidates over several pages.
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1', REMATCH_PAGE_SIZE: '2' } });
    c = await castOf(t);
    await t.startWorkers();
  });
  afterAll(async () => { await t?.close(); });

  it('gives the day-one request that met nothing the offering that arrives later, through the outbox and the job', async () => {
    // Kenya files before any offering in its area exists: nothing to propose (CTED's triage: nothing eligible).
    const id = (await post('/v1/requests', c.stateB, { ...fiuRequest, title: 'Day one: our financial intelligence unit needs analysts trained' })).id;
    await t.drain();
    const before = await view(id);
    expect(['in_review', 'routed']).toContain(before.status);
    expect(before.matches).toEqual([]);

    const later = (await post('/v1/offerings', c.unodcProvider, fiuOffering)).id;
    await t.drain();
    const after = await view(id);
    expect(after.status).toBe(before.status);
    expect(after.matches.map((m) => [m.offeringId, m.status, m.rank])).toEqual([[later, 'proposed', 1]]);
    // CTED sees the new proposal in its queue, to approve it.
    const queue = (await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items as { requestId: string; offeringId: string }[];
    expect(queue.filter((q) => q.requestId === id).map((q) => q.offeringId)).toEqual([later]);
  });

  it('reaches every candidate over several pages, in review or routed, but not a request with an accepted offering', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post('/v1/requests', c.stateA, { ...fiuRequest, title: `${fiuRequest.title} (${i})` })).id);
    await t.drain();
    // One of them has an accepted offering: it is no longer re-matched.
    const [first] = (await view(ids[0]!)).matches;
    await t.db.db.update(matches).set({ status: 'accepted' }).where(and(eq(matches.requestId, ids[0]!), eq(matches.offeringId, first!.offeringId)));
    const fresh = (await post('/v1/offerings', c.providerB, offering(99, { eligibility: { countries: ['SEN'] } }))).id;
    await t.drain();
    for (const id of ids.slice(1)) expect((await view(id)).matches.map((m) => m.offeringId), id).toContain(fresh);
    expect((await view(ids[0]!)).matches.map((m) => m.offeringId)).not.toContain(fresh);
  });

  it('enters a full list only where it belongs, keeps decided matches as they are and superseded ones on record', async () => {
    // Eleven offerings, a request in review with a full list of ten.
    const bulk = await post('/v1/offerings/bulk', c.providerA, Array.from({ length: 11 }, (_, i) => offering(i, { eligibility: { regions: ['011'] } })));
    expect(bulk.created).toBe(11);
    await t.drain();
    const id = (await post('/v1/requests', c.stateA, { ...fiuRequest, title: 'Training FIU analysts on terrorist financing typologies' })).id;
    await t.drain();
    const listed = (await view(id)).matches;
    expect(listed).toHaveLength(10);
    // CTED rejects the best and approves none; the rejection stays whatever arrives.
    const rejected = listed[0]!;
    const matchRow = (await t.db.db.select({ id: matches.id }).from(matches).where(and(eq(matches.requestId, id), eq(matches.offeringId, rejected.offeringId))))[0]!;
    expect((await t.call({ method: 'POST', url: `/v1/matches/${matchRow.id}/decision`, key: c.cted, payload: { decision: 'reject', note: 'not this one' } })).status).toBe(200);
    const stored = await allMatches(id);

    // A weak newcomer (another area, a word in common) does not belong: nothing is written at all.
    const audits = await rematchAudits(id);
    await post('/v1/offerings', c.providerB, { title: 'Port facility security assessment', description: 'Assessment of port facility security plans under the ISPS Code for port authorities, with a note on financial controls.', languages: ['en'], eligibility: { regions: ['011'] } });
    await t.drain();
    expect(await allMatches(id)).toEqual(stored);
    expect(await rematchAudits(id)).toBe(audits);

    // A better one enters at its rank; the weakest undecided one is superseded, kept on record.
    const best = (await post('/v1/offerings', c.unodcProvider, { ...fiuOffering, title: 'FIU analyst training on terrorist financing typologies and suspicious transaction reports', eligibility: { countries: ['SEN'] } })).id;
    await t.drain();
    const after = await allMatches(id);
    const live = after.filter((m) => m.status !== 'superseded').sort((a, b) => a.rank - b.rank);
    expect(live.filter((m) => m.status === 'proposed')).toHaveLength(9);
    expect(live.map((m) => m.offeringId)).toContain(best);
    const superseded = after.filter((m) => m.status === 'superseded');
    expect(superseded).toHaveLength(1);
    expect(listed.map((m) => m.offeringId)).toContain(superseded[0]!.offeringId);
    // The rejected match is untouched: same status, rank, score and time.
    const rejectedNow = after.find((m) => m.offeringId === rejected.offeringId)!;
    expect(rejectedNow).toEqual(stored.find((m) => m.offeringId === rejected.offeringId));
    // Ranks of the undecided ones follow the scores, and the newcomer's place is where its score puts it.
    const ranked = [...live].sort((a, b) => b.score - a.score || (a.offeringId < b.offeringId ? -1 : 1));
    for (const m of live.filter((x) => x.status === 'proposed')) expect(m.rank).toBe(ranked.indexOf(m) + 1);
    expect(await rematchAudits(id)).toBe(audits + 1);

    // The same change announced again (a replayed event) writes nothing.
    const again = await t.services.matching.reverseMatch('offering', [best]);
    expect(again.changed).toBe(0);
    expect(await allMatches(id)).toEqual(after);
    expect(await rematchAudits(id)).toBe(audits + 1);

    // The incremental score is the one a full match gives (the text value may differ by the catalogue's drift).
    await t.services.matching.matchAndRoute(id, { rematch: true });
    const full = (await allMatches(id)).find((m) => m.offeringId === best)!;
    expect(Math.abs(full.score - after.find((m) => m.offeringId === best)!.score)).toBeLessThan(0.02);
  });

  it('takes a closed offering out of the lists that proposed it, and fills a full list again from a full match', async () => {
    const id = (await post('/v1/requests', c.stateA, { ...fiuRequest, title: 'FIU analysts: terrorist financing typologies training' })).id;
    await t.drain();
    const listed = (await view(id)).matches.filter((m) => m.status === 'proposed');
    expect(listed.length).toBeGreaterThanOrEqual(10);
    const victim = listed[2]!.offeringId;
    const owner = [c.providerA, c.providerB, c.unodcProvider];
    let closed = false;
    for (const key of owner) {
      const res = await t.call({ method: 'POST', url: `/v1/offerings/${victim}/close`, key });
      if (res.status === 200) { closed = true; break; }
    }
    expect(closed).toBe(true);
    await t.drain();
    const after = await allMatches(id);
    expect(after.find((m) => m.offeringId === victim)?.status).toBe('superseded');
    // The list is full again (an offering that was 11th moved up).
    expect(after.filter((m) => m.status === 'proposed').length).toBeGreaterThanOrEqual(listed.length);
  });

  it('does not wait for a match a decision holds: the job fails while it is held, and succeeds once it is not', async () => {
    await post('/v1/requests', c.stateA, { ...fiuRequest, title: 'FIU analysts: a decision in progress on one proposal' });
    await t.drain();
    const fresh = (await post('/v1/offerings', c.providerA, offering(301))).id;
    await t.drain();
    // A request the new offering entered: its job concerns it again.
    const [held] = await t.db.db.select({ id: matches.id, requestId: matches.requestId }).from(matches).where(and(eq(matches.offeringId, fresh), eq(matches.status, 'proposed'))).limit(1);
    expect(held).toBeDefined();
    const id = held!.requestId;
    // A CTED decision's transaction holds one of the request's matches while the job runs (on other connections of the pool).
    let failure: unknown;
    await t.db.db.transaction(async (tx) => {
      await tx.select({ id: matches.id }).from(matches).where(eq(matches.id, held!.id)).for('update');
      failure = await t.services.matching.reverseMatch('offering', [fresh]).then(() => null, (err: unknown) => err);
    });
    expect(String(failure)).toMatch(/being decided during re-matching/);
    await expect(t.services.matching.reverseMatch('offering', [fresh])).resolves.toMatchObject({ full: 0 });
    expect((await allMatches(id)).map((m) => m.offeringId)).toContain(fresh);
  });

  it('announces an import as one event, one job', async () => {
    const before = (await t.db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.topic, 'offering.changed')))[0]!.n;
    const res = await post('/v1/offerings/bulk', c.providerB, [offering(201), offering(202), offering(203)]);
    const events = await t.db.db.select().from(outbox).where(eq(outbox.topic, 'offering.changed'));
    expect(events.length - before).toBe(1);
    const last = events.find((e) => JSON.stringify(e.payload).includes(res.ids[0]))!;
    expect((last.payload as { offeringIds: string[] }).offeringIds.sort()).toEqual([...res.ids].sort());
    await t.drain();
  });

  it('scores a request from the analysis it has now, never from one a previous job read (its text or analysis changed since)', async () => {
    // Three requests on airport screening (no offering on it yet); a first offering's job reads (and keeps) their analyses.
    const asked = { title: aviationTitle, description: aviationText, language: 'en', modalities: ['training'], urgency: 'normal' };
    const kept = (await post('/v1/requests', c.stateA, { ...asked, title: `${aviationTitle}: kept as it is` })).id;
    const edited = (await post('/v1/requests', c.stateA, { ...asked, title: `${aviationTitle}: re-analysed behind the worker` })).id;
    const changedText = (await post('/v1/requests', c.stateA, { ...asked, title: `${aviationTitle}: its text changes` })).id;
    const fiu = (await post('/v1/requests', c.stateA, { ...fiuRequest, title: 'FIU analysts: the analysis another request is given' })).id;
    await t.drain();
    await post('/v1/offerings', c.unodcProvider, aviationOffering(1));
    await t.drain();
    const first = (await view(kept)).matches.length;
    // Another process rewrites one request's stored analysis (same text: still fresh) with the FIU request's,
    // and changes the other's text (to the FIU one) without analysing it again.
    const [theirs] = await t.db.db.select({ analysis: requests.analysis }).from(requests).where(eq(requests.id, fiu));
    await t.db.db.update(requests).set({ analysis: theirs!.analysis }).where(eq(requests.id, edited));
    await t.db.db.update(requests).set({ title: fiuRequest.title, description: fiuRequest.description }).where(eq(requests.id, changedText));
    const next = (await post('/v1/offerings', c.unodcProvider, aviationOffering(2))).id;
    await t.drain();
    const keptNow = (await view(kept)).matches.map((m) => m.offeringId);
    expect(keptNow).toContain(next);
    expect(keptNow.length).toBe(first + 1);
    // Scored from the FIU analysis it now holds, the aviation course does not enter its list.
    expect((await view(edited)).matches.map((m) => m.offeringId)).not.toContain(next);
    // Its new text gets a full match: analysed again, and the aviation course is not proposed for an FIU.
    const [row] = await t.db.db.select({ hash: requests.analysisHash, language: requests.language, areas: requests.thematicAreas }).from(requests).where(eq(requests.id, changedText));
    expect(row!.hash).toBe(analysisHash({ language: row!.language!, thematicAreas: row!.areas, title: fiuRequest.title, description: fiuRequest.description }));
    expect((await view(changedText)).matches.map((m) => m.offeringId)).not.toContain(next);
  });

  it('never re-matches a request that has left review and routing (withdrawn)', async () => {
    const id = (await post('/v1/requests', c.stateA, { ...fiuRequest, title: 'A request the state withdraws' })).id;
    await t.drain();
    await post(`/v1/requests/${id}/withdraw`, c.stateA, { reason: 'no longer needed' });
    const stored = await allMatches(id);
    await post('/v1/offerings', c.unodcProvider, offering(300));
    await t.drain();
    expect(await allMatches(id)).toEqual(stored);
    expect((await t.db.db.select({ s: requests.status }).from(requests).where(eq(requests.id, id)))[0]!.s).toBe('withdrawn');
  });
});
