import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyRescreenJob } from '../../src/modules/screening/screening.events.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/screening/${name}`, import.meta.url), 'utf8');
const V1 = fixture('consolidated.xml');
const V2 = fixture('consolidated-update.xml');
const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'Test Admin', userId: null, organisationId: null, memberRole: null };
const CTED: Principal = { ...ADMIN, role: 'cted', label: 'CTED analyst' };

/** A small list in the published format with one entity, for the "no longer listed" case. */
const ONLY_ADF = `<CONSOLIDATED_LIST dateGenerated="2026-09-10T23:00:00.000Z"><INDIVIDUALS/><ENTITIES><ENTITY><DATAID>6908402</DATAID>
  <FIRST_NAME>ADF</FIRST_NAME><UN_LIST_TYPE>DRC</UN_LIST_TYPE><REFERENCE_NUMBER>CDe.001</REFERENCE_NUMBER><LISTED_ON>2014-06-30</LISTED_ON>
  <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Allied Democratic Forces</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES></CONSOLIDATED_LIST>`;

const errCode = async (p: Promise<unknown>) => {
  try { await p; } catch (err) { return { status: (err as { statusCode?: number }).statusCode, code: (err as { code?: string }).code, details: (err as { details?: unknown }).details }; }
  throw new Error('expected a rejection');
};

for (const db of ['postgres', 'pglite'] as const) {
  describe(`screening service on ${db}`, () => {
    let t: TestApp;
    const s = () => t.services.screening;
    const audit = async (action: string) => (await t.db.db.execute(sql`select count(*)::int as n from audit_events where action = ${action}`) as unknown as { rows?: { n: number }[] } & { n: number }[]);
    const auditCount = async (action: string) => { const r = await audit(action); return Number((r.rows ?? r)[0].n); };

    beforeAll(async () => { t = await buildTestApp({ db }); });
    afterAll(async () => { await t?.close(); });

    it('refuses to screen while no list is loaded, but keeps the subject for later', async () => {
      const e = await errCode(s().screen({ type: 'organisation', id: 'org-early', names: ['Allied Democratic Forces'], kind: 'entity' }));
      expect(e).toMatchObject({ status: 409, code: 'screening_list_not_loaded' });
      expect((await s().status()).subjects).toBe(1);
      expect(await s().hasOpenHits('organisation', 'org-early')).toBe(false);
    });

    it('loads the list atomically, records dateGenerated, and treats the same file again as no change', async () => {
      const r = await s().loadList(ADMIN, V1, { source: 'consolidated.xml' });
      expect(r).toMatchObject({ unchanged: false, individuals: 5, entities: 4, dateGenerated: '2026-09-02T23:00:02.141Z', source: 'consolidated.xml', loadedBy: 'Test Admin', added: 9, removed: 0 });
      expect((await s().loadList(ADMIN, V1, { source: 'again' })).unchanged).toBe(true);
      expect((await s().status()).list?.id).toBe(r.id);
      expect(await auditCount('screening.list_loaded')).toBe(1);
    });

    it('refuses a file that is not the list and leaves the loaded list as it was', async () => {
      const before = (await s().status()).list;
      const e = await errCode(s().loadList(ADMIN, fixture('entity-expansion.xml'), { source: 'evil.xml' }));
      expect(e).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(await errCode(s().loadList(ADMIN, '<sdnList/>', { source: 'ofac.xml' }))).toMatchObject({ status: 400 });
      expect((await s().status()).list).toEqual(before);
    });

    it('finds an organisation on the list, stores one hit per entry, and the hit blocks', async () => {
      const subject = { type: 'organisation' as const, id: 'org-asc', names: ['The Afghan Support Committee Ltd.', 'ASC Relief'], kind: 'entity' as const };
      const { hits } = await s().screen(subject);
      expect(hits).toEqual([{ id: expect.any(String), entryRef: 'QDe.069', entryName: 'AFGHAN SUPPORT COMMITTEE (ASC)', matchedName: 'The Afghan Support Committee Ltd.', score: 1 }]);
      expect(await s().hasOpenHits('organisation', 'org-asc')).toBe(true);
      const again = await s().screen(subject);
      expect(again.hits.map((h) => h.id)).toEqual([hits[0].id]);
      const listed = await s().listHits({ subjectId: 'org-asc' });
      expect(listed.total).toBe(1);
      expect(listed.items[0]).toMatchObject({
        status: 'open', subject: { type: 'organisation', id: 'org-asc', kind: 'entity', names: subject.names },
        entry: { referenceNumber: 'QDe.069', unListType: 'Al-Qaida', listedOn: '2002-01-11', onCurrentList: true },
      });
      expect(listed.items[0].entry.names.map((n) => n.name)).toContain('Jamiat Ihya ul Turath al Islamia');
      expect(await auditCount('screening.hit')).toBe(1);
    });

    it('a clear organisation and a clear person have no hits', async () => {
      expect((await s().screen({ type: 'organisation', id: 'org-nrc', names: ['Norwegian Refugee Council'], kind: 'entity' })).hits).toEqual([]);
      expect((await s().screen({ type: 'user', id: 'user-amina', names: ['Amina Diallo'], kind: 'individual' })).hits).toEqual([]);
      expect(await s().hasOpenHits('organisation', 'org-nrc')).toBe(false);
    });

    it('an admin clears a hit only with a note saying why; it is audited and no longer blocks', async () => {
      const [hit] = (await s().listHits({ subjectId: 'org-asc' })).items;
      expect(await errCode(s().decide(hit.id, 'cleared', ADMIN))).toMatchObject({ status: 400, details: [{ path: 'note', message: 'required to clear a hit' }] });
      expect(await errCode(s().decide(hit.id, 'cleared', CTED, 'not them'))).toMatchObject({ status: 403 });
      expect(await errCode(s().decide('00000000-0000-4000-8000-000000000000', 'confirmed', ADMIN))).toMatchObject({ status: 404 });
      const cleared = await s().decide(hit.id, 'cleared', ADMIN, 'Registered in Oslo in 2019, unrelated to the listed committee.');
      expect(cleared).toMatchObject({ status: 'cleared', decidedBy: 'Test Admin', decisionNote: 'Registered in Oslo in 2019, unrelated to the listed committee.' });
      expect(await s().hasOpenHits('organisation', 'org-asc')).toBe(false);
      expect(await auditCount('screening.hit_cleared')).toBe(1);
      // Screening again with the same names does not bring it back.
      expect((await s().screen({ type: 'organisation', id: 'org-asc', names: ['The Afghan Support Committee Ltd.', 'ASC Relief'], kind: 'entity' })).hits).toEqual([]);
      expect((await s().listHits({ subjectId: 'org-asc', status: 'all' })).items[0].status).toBe('cleared');
    });

    it('a cleared hit opens again when the names that matched change', async () => {
      const { hits } = await s().screen({ type: 'organisation', id: 'org-asc', names: ['Afghan Support Committee'], kind: 'entity' });
      expect(hits.map((h) => h.entryRef)).toEqual(['QDe.069']);
      expect(await s().hasOpenHits('organisation', 'org-asc')).toBe(true);
      expect(await auditCount('screening.hit_reopened')).toBe(1);
    });

    it('a confirmed hit keeps blocking', async () => {
      const { hits } = await s().screen({ type: 'user', id: 'user-tuah', names: ['Febriwansyah Tuah'], kind: 'individual' });
      expect(hits.map((h) => h.entryRef)).toEqual(['QDi.393']);
      const confirmed = await s().decide(hits[0].id, 'confirmed', ADMIN);
      expect(confirmed.status).toBe('confirmed');
      expect(await s().hasOpenHits('user', 'user-tuah')).toBe(true);
      expect((await s().screen({ type: 'user', id: 'user-tuah', names: ['Febriwansyah Tuah'], kind: 'individual' })).hits.map((h) => h.id)).toEqual([hits[0].id]);
      expect((await s().listHits({ status: 'confirmed' })).items.map((h) => h.id)).toEqual([hits[0].id]);
    });

    it('refuses bad subjects with the field that is wrong', async () => {
      const e = await errCode(s().register({ type: 'organisation', id: '', names: [], kind: 'entity' }));
      expect(e).toMatchObject({ status: 400 });
      expect((e.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['id', 'names']);
    });

    it('a file older than the loaded list is refused unless forced', async () => {
      await s().loadList(ADMIN, V2, { source: 'update.xml' });
      expect(await errCode(s().loadList(ADMIN, V1, { source: 'old.xml' }))).toMatchObject({ status: 409, code: 'screening_list_older' });
    });

    it('a hit whose entry left the list stays for the admin, marked as no longer listed', async () => {
      await s().screen({ type: 'organisation', id: 'org-adf', names: ['Allied Democratic Forces'], kind: 'entity' });
      await s().loadList(ADMIN, ONLY_ADF, { source: 'only-adf.xml' });
      const all = (await s().listHits({ status: 'all' })).items;
      expect(all.find((h) => h.entry.referenceNumber === 'QDe.069')?.entry.onCurrentList).toBe(false);
      expect(all.find((h) => h.entry.referenceNumber === 'CDe.001')?.entry.onCurrentList).toBe(true);
      expect(await s().hasOpenHits('organisation', 'org-asc')).toBe(true); // never cleared by the system
      // Two loads at the same moment: exactly one list is current, with only its own entries.
      await Promise.all([s().loadList(ADMIN, V1, { source: 'a.xml', force: true }), s().loadList(ADMIN, V2, { source: 'b.xml', force: true })]);
      const rows = await t.db.db.execute(sql`select (select count(*)::int from screening_lists where status = 'current') as current,
        (select count(distinct list_id)::int from screening_entries) as lists`) as unknown as { rows?: { current: number; lists: number }[] } & { current: number; lists: number }[];
      expect((rows.rows ?? rows)[0]).toEqual({ current: 1, lists: 1 });
    });
  });
}

for (const mode of [{ db: 'postgres', queue: 'bullmq' }, { db: 'pglite', queue: 'in-process' }] as const) describe(`re-screening after a list load and every night (${mode.db}, ${mode.queue})`, () => {
  let t: TestApp;
  const s = () => t.services.screening;
  beforeAll(async () => {
    t = await buildTestApp(mode);
    await t.startWorkers();
    await t.drain();
  });
  afterAll(async () => { await t?.close(); });

  it('loading a list with a new entry re-screens the registered subjects and records the new hit', async () => {
    await s().loadList(ADMIN, V1, { source: 'consolidated.xml' });
    await t.drain();
    expect((await s().screen({ type: 'user', id: 'user-zahedi', names: ['Mohammad Reza Zahedi'], kind: 'individual' })).hits).toEqual([]);
    await s().loadList(ADMIN, V2, { source: 'consolidated-update.xml' });
    await t.drain(); // the outbox event starts the re-screen of this list
    const hits = (await s().listHits({ subjectId: 'user-zahedi' })).items;
    expect(hits.map((h) => [h.entry.referenceNumber, h.status])).toEqual([['IRi.042', 'open']]);
    expect(await s().hasOpenHits('user', 'user-zahedi')).toBe(true);
    const status = await s().status();
    expect(status.lastRun).toMatchObject({ runKey: `list:${status.list!.id}`, subjects: 1, newHits: 1 });
  });

  it('the nightly job screens subjects registered or renamed since, once per day', async () => {
    await s().register({ type: 'organisation', id: 'org-yazd', names: ['Yazd Metallurgy Industries Co.'], kind: 'entity' });
    await s().register({ type: 'user', id: 'user-frank', names: ['Frank Bwalya'], kind: 'individual' });
    const day1 = nightlyRescreenJob(new Date('2031-03-01T00:05:00Z'));
    await t.queue.enqueue('screening-rescreen', day1.data, { jobId: day1.jobId });
    await t.drain();
    expect((await s().listHits({ subjectId: 'org-yazd' })).items.map((h) => h.entry.referenceNumber)).toEqual(['IRe.078']);
    expect(await s().hasOpenHits('user', 'user-frank')).toBe(false);
    expect((await s().status()).lastRun).toMatchObject({ runKey: 'day:2031-03-01', subjects: 2, newHits: 1 });

    // The same day again does nothing, even for a subject renamed meanwhile; the next night screens it.
    await s().register({ type: 'user', id: 'user-frank', names: ['Frank Kakorere'], kind: 'individual' });
    expect(await s().rescreen('day:2031-03-01')).toEqual({ subjects: 0, newHits: 0, skipped: true });
    expect(await s().hasOpenHits('user', 'user-frank')).toBe(false);
    const day2 = nightlyRescreenJob(new Date('2031-03-02T00:05:00Z'));
    await t.queue.enqueue('screening-rescreen', day2.data, { jobId: day2.jobId });
    await t.drain();
    expect((await s().listHits({ subjectId: 'user-frank' })).items.map((h) => h.entry.referenceNumber)).toEqual(['CDi.002']);
    expect((await s().status()).lastRun).toMatchObject({ runKey: 'day:2031-03-02', subjects: 1, newHits: 1 });
  });
});

describe('screening API', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('loads the list as XML, lists hits and takes decisions, with errors in the contract shape', async () => {
    const status0 = await t.call({ method: 'GET', url: '/v1/admin/screening/status', key: ADMIN_KEY });
    expect(status0.body).toMatchObject({ list: null, subjects: 0, openHits: 0 });
    const load = await t.call({ method: 'POST', url: '/v1/admin/screening/list?source=consolidated.xml', key: ADMIN_KEY, headers: { 'content-type': 'application/xml' }, payload: V1 });
    expect(load.status).toBe(201);
    expect(load.body).toMatchObject({ individuals: 5, entities: 4, unchanged: false });
    expect((await t.call({ method: 'POST', url: '/v1/admin/screening/list', key: ADMIN_KEY, headers: { 'content-type': 'application/xml' }, payload: V1 })).status).toBe(200);
    const bad = await t.call({ method: 'POST', url: '/v1/admin/screening/list', key: ADMIN_KEY, headers: { 'content-type': 'application/xml' }, payload: '<CONSOLIDATED_LIST><INDIVIDUALS>' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/not well-formed XML/);
    expect((await t.call({ method: 'POST', url: '/v1/admin/screening/list', key: ADMIN_KEY, payload: { xml: 'no' } })).status).toBe(400);

    await t.services.screening.screen({ type: 'user', id: 'u-1', names: ['Мохаммад Багер Зольгадр'], kind: 'individual' });
    const hits = await t.call({ method: 'GET', url: '/v1/admin/screening/hits', key: ADMIN_KEY });
    expect(hits.status).toBe(200);
    expect(hits.body.total).toBe(1);
    const hit = hits.body.items[0];
    expect(hit).toMatchObject({ matchedName: 'Мохаммад Багер Зольгадр', entry: { referenceNumber: 'IRi.043', details: { designations: ['General', 'IRGC officer'] } } });
    expect((await t.call({ method: 'GET', url: `/v1/admin/screening/hits/${hit.id}`, key: ADMIN_KEY })).body.id).toBe(hit.id);

    const noNote = await t.call({ method: 'POST', url: `/v1/admin/screening/hits/${hit.id}/decision`, key: ADMIN_KEY, payload: { decision: 'cleared' } });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details).toEqual([{ path: 'note', message: 'required to clear a hit' }]);
    const wrong = await t.call({ method: 'POST', url: `/v1/admin/screening/hits/${hit.id}/decision`, key: ADMIN_KEY, payload: { decision: 'maybe' } });
    expect(wrong.status).toBe(400);
    const ok = await t.call({ method: 'POST', url: `/v1/admin/screening/hits/${hit.id}/decision`, key: ADMIN_KEY, payload: { decision: 'cleared', note: 'Date of birth 1990, not the listed general.' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'cleared', decidedBy: 'ADMIN_API_KEY' });
    expect((await t.call({ method: 'GET', url: '/v1/admin/screening/hits', key: ADMIN_KEY })).body.total).toBe(0);
    expect((await t.call({ method: 'GET', url: '/v1/admin/screening/hits?status=cleared', key: ADMIN_KEY })).body.total).toBe(1);
    expect((await t.call({ method: 'GET', url: '/v1/admin/screening/hits?status=bogus', key: ADMIN_KEY })).status).toBe(400);
  });
});
