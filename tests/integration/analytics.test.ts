import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, needs, offerings, requestNeedLinks, requests, requestTransitions } from '../../db/schema/index.js';
import { toCsv } from '../../src/modules/analytics/analytics.csv.js';
import { percentile } from '../../src/modules/analytics/analytics.service.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The calendar day n days ago (UTC): a need identified then is exactly n days old today. */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
const T0 = new Date('2026-01-05T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

const SECRET_TITLE = 'RESTRICTED-TITLE-do-not-leak';
const SECRET_TEXT = 'RESTRICTED-DESCRIPTION-do-not-leak about our intelligence services';
const TF = 'terrorist_financing';
const AV = 'aviation_security';
const MAR = 'maritime_security';

/*
 * The fixture, written out so every expected number below can be checked by hand.
 *
 * Needs (open unless said):
 *   N1 SEN [TF]       high    10 days     linked to R1 (completed)             -> matched
 *   N2 SEN [TF]       low     200 days    linked to R2 (in_review)             -> unmatched
 *   N3 SEN [AV]       medium  45 days     linked to R5 (completed, restricted, routed to UNODC)
 *   N4 KEN [TF]       medium  100 days    linked to R3 (routed, restricted, routed to UNODC)
 *   N5 KEN []         low     no date (loaded now: 0 days)                     -> unmatched
 *   N6 KEN [TF]       high    closed: not counted anywhere
 *   N7 EGY [MAR, TF]  high    31 days     linked to R4 (accepted)              -> matched, in two cells
 *   N8 SEN [MAR]      low     120 days                                         -> unmatched
 *   N9 KEN [TF]       medium  60 days                                          -> unmatched
 *
 * Requests:
 *   R1 SEN completed   task_force  UNODC  [TF]       met         routed +10h accepted +30h completed +100h
 *   R2 SEN in_review   task_force  -      [TF]
 *   R3 KEN routed      restricted  UNODC  [TF]                   routed +2h
 *   R4 EGY accepted    task_force  IMO    [MAR]                  routed +20h accepted +40h
 *   R5 KEN completed   restricted  UNODC  [AV]       not_met     routed +4h accepted +24h completed +200h
 *   R6 SEN completed   public      ICAO   [TF, AV]   partly_met  routed +6h (again +8h) accepted +12h completed +60h
 *   R7 SEN submitted   task_force  -      classified [AV]
 *
 * ICAO (an entity) may not count R3 and R5 (restricted, routed to UNODC); UNODC may.
 *
 * Offerings (A = Norway, B = OSCE, U = UNODC provider):
 *   O1 A [TF]       regions 011 (Western Africa)   proposable
 *   O2 B [TF]       countries SEN                  proposable
 *   O3 U [TF]       worldwide                      proposable
 *   O4 A [AV]       countries KEN                  proposable
 *   O5 B [TF]       regions 002                    closed
 *   O6 B [AV]       countries KEN, SEN             stale (confirmed 200 days ago)
 *   O7 U [MAR, TF]  regions 015 (Northern Africa)  proposable
 *   O8 B [TF]       regions 202 (Sub-Saharan)      proposable
 *
 * Accepted matches: R1 by B; R4 by A and U; R5 by A and B. (R1 also has a declined match from A.)
 */
describe('analytics: needs matrix and gap analytics', () => {
  let t: TestApp;
  let c: Cast;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    const db = t.db.db;
    const A = c.providerAId; const B = c.providerBId; const U = c.unodcProviderId;

    const needRows = await db.insert(needs).values([
      { memberState: 'SEN', description: 'FIU lacks analysts', priority: 'high', thematicAreas: [TF], identifiedAt: daysAgo(10) },
      { memberState: 'SEN', description: '=HYPERLINK("http://evil.example","click")', priority: 'low', thematicAreas: [TF], identifiedAt: daysAgo(200) },
      { memberState: 'SEN', description: 'Airport screening gaps', priority: 'medium', thematicAreas: [AV], identifiedAt: daysAgo(45) },
      { memberState: 'KEN', description: 'Hawala oversight', priority: 'medium', thematicAreas: [TF], identifiedAt: daysAgo(100) },
      { memberState: 'KEN', description: 'Something unclassified', priority: 'low', thematicAreas: [] },
      { memberState: 'KEN', description: 'Closed need', priority: 'high', thematicAreas: [TF], identifiedAt: daysAgo(300), status: 'closed' },
      { memberState: 'EGY', description: 'Port security and financing', priority: 'high', thematicAreas: [MAR, TF], identifiedAt: daysAgo(31) },
      { memberState: 'SEN', description: 'Port facility security plan', priority: 'low', thematicAreas: [MAR], identifiedAt: daysAgo(120) },
      { memberState: 'KEN', description: 'NPO risk assessment', priority: 'medium', thematicAreas: [TF], identifiedAt: daysAgo(60) },
    ]).returning({ id: needs.id });
    needRows.forEach((r, i) => { id[`N${i + 1}`] = r.id; });

    const req = (memberState: string, status: string, confidentiality: string, routedEntity: string | null, thematicAreas: string[], extra: Partial<typeof requests.$inferInsert> = {}) => ({
      memberState, status, confidentiality, routedEntity, thematicAreas, title: `Request of ${memberState}`, description: 'A request used by the analytics tests.',
      language: 'en', submittedAt: T0, ...extra,
    });
    const reqRows = await db.insert(requests).values([
      req('SEN', 'completed', 'task_force', 'UNODC', [TF], { feedback: { outcome: 'met', at: at(100).toISOString() } }),
      req('SEN', 'in_review', 'task_force', null, [TF]),
      req('KEN', 'routed', 'restricted', 'UNODC', [TF], { title: SECRET_TITLE, description: SECRET_TEXT }),
      req('EGY', 'accepted', 'task_force', 'IMO', [MAR]),
      req('KEN', 'completed', 'restricted', 'UNODC', [AV], { title: SECRET_TITLE, description: SECRET_TEXT, feedback: { outcome: 'not_met', at: at(200).toISOString() } }),
      req('SEN', 'completed', 'public', 'ICAO', [TF, AV], { feedback: { outcome: 'partly_met', at: at(60).toISOString() } }),
      req('SEN', 'submitted', 'task_force', null, [], { classifiedAreas: [{ code: AV, score: 0.8 }] }),
    ]).returning({ id: requests.id });
    reqRows.forEach((r, i) => { id[`R${i + 1}`] = r.id; });

    await db.insert(requestNeedLinks).values([
      { requestId: id.R1, needId: id.N1, score: 0.9 },
      { requestId: id.R2, needId: id.N2, score: 0.8 },
      { requestId: id.R5, needId: id.N3, score: 0.7 },
      { requestId: id.R3, needId: id.N4, score: 0.8 },
      { requestId: id.R4, needId: id.N7, score: 0.6 },
    ]);

    const path = (requestId: string, steps: [string, number][]) => {
      let from: string | null = null;
      return steps.map(([to, h]) => { const row = { requestId, fromStatus: from, toStatus: to, actor: 'test', at: at(h) }; from = to; return row; });
    };
    await db.insert(requestTransitions).values([
      ...path(id.R1, [['submitted', 0], ['matched', 1], ['routed', 10], ['accepted', 30], ['in_delivery', 50], ['completed', 100]]),
      ...path(id.R2, [['submitted', 0], ['matched', 1], ['in_review', 1]]),
      ...path(id.R3, [['submitted', 0], ['matched', 1], ['routed', 2]]),
      ...path(id.R4, [['submitted', 0], ['matched', 1], ['routed', 20], ['accepted', 40]]),
      ...path(id.R5, [['submitted', 0], ['matched', 1], ['routed', 4], ['accepted', 24], ['in_delivery', 30], ['completed', 200]]),
      ...path(id.R6, [['submitted', 0], ['matched', 1], ['routed', 6], ['routed', 8], ['accepted', 12], ['in_delivery', 20], ['completed', 60]]),
      ...path(id.R7, [['submitted', 0]]),
    ]);

    const now = new Date();
    const off = (providerId: string, thematicAreas: string[], eligibilityRegions: string[], eligibilityCountries: string[], extra: Partial<typeof offerings.$inferInsert> = {}) => ({
      providerId, thematicAreas, eligibilityRegions, eligibilityCountries, title: `Offering in ${thematicAreas.join('+')}`, description: 'An offering used by the analytics tests.',
      language: 'en', languages: ['en'], modalities: ['training'], status: 'open', lastConfirmedAt: now, ...extra,
    });
    const offRows = await db.insert(offerings).values([
      off(A, [TF], ['011'], []),
      off(B, [TF], [], ['SEN']),
      off(U, [TF], [], []),
      off(A, [AV], [], ['KEN']),
      off(B, [TF], ['002'], [], { status: 'closed' }),
      off(B, [AV], [], ['KEN', 'SEN'], { lastConfirmedAt: new Date(Date.now() - 200 * DAY) }),
      off(U, [MAR, TF], ['015'], []),
      off(B, [TF], ['202'], []),
    ]).returning({ id: offerings.id });
    offRows.forEach((r, i) => { id[`O${i + 1}`] = r.id; });

    const m = (requestId: string, offeringId: string, providerId: string, status: string) => ({ requestId, offeringId, providerId, rank: 1, score: 0.8, explanation: {}, status });
    await db.insert(matches).values([
      m(id.R1, id.O2, B, 'accepted'),
      m(id.R1, id.O1, A, 'declined'),
      m(id.R4, id.O4, A, 'accepted'),
      m(id.R4, id.O7, U, 'accepted'),
      m(id.R5, id.O1, A, 'accepted'),
      m(id.R5, id.O2, B, 'accepted'),
    ]);
  });
  afterAll(async () => { await t?.close(); });

  const get = (url: string, key?: string, headers?: Record<string, string>) => t.call({ method: 'GET', url, key, headers });

  describe('roles', () => {
    const urls = ['needs-matrix', 'unmatched-needs', 'supply-demand', 'overlaps', 'timings', 'outcomes'].map((p) => `/v1/analytics/${p}`);

    it('answers 401 without a key and 403 to member states and providers', async () => {
      for (const url of urls) {
        expect((await get(url)).status, url).toBe(401);
        const state = await get(url, c.stateA);
        expect(state.status, url).toBe(403);
        expect(state.body.error.code).toBe('forbidden');
        expect((await get(url, c.providerA)).status, url).toBe(403);
      }
    });

    it('lets CTED, admins and entities in', async () => {
      for (const url of urls) {
        for (const key of [c.cted, c.admin, c.icao]) expect((await get(url, key)).status, url).toBe(200);
      }
    });

    it('never returns the title or description of a restricted request', async () => {
      for (const url of urls) {
        for (const key of [c.cted, c.unodc, c.icao]) {
          const body = JSON.stringify((await get(url, key)).body) + (await get(`${url}?format=csv`, key)).body;
          expect(body).not.toContain(SECRET_TITLE);
          expect(body).not.toContain('RESTRICTED-DESCRIPTION');
        }
      }
    });
  });

  describe('GET /v1/analytics/needs-matrix', () => {
    // Seven cells from the eight open needs (N7 sits in two; N6 is closed).
    const all = [
      { memberState: 'EGY', thematicArea: MAR, needs: 1, highestPriority: 'high', matched: 1, state: 'matched' }, // N7 via R4 (accepted)
      { memberState: 'EGY', thematicArea: TF, needs: 1, highestPriority: 'high', matched: 1, state: 'matched' }, // N7 again
      { memberState: 'KEN', thematicArea: TF, needs: 2, highestPriority: 'medium', matched: 1, state: 'partly' }, // N4 (R3 routed), N9 (none)
      { memberState: 'KEN', thematicArea: null, needs: 1, highestPriority: 'low', matched: 0, state: 'unmatched' }, // N5
      { memberState: 'SEN', thematicArea: AV, needs: 1, highestPriority: 'medium', matched: 1, state: 'matched' }, // N3 via R5 (completed)
      { memberState: 'SEN', thematicArea: MAR, needs: 1, highestPriority: 'low', matched: 0, state: 'unmatched' }, // N8
      { memberState: 'SEN', thematicArea: TF, needs: 2, highestPriority: 'high', matched: 1, state: 'partly' }, // N1 (R1 completed), N2 (R2 only in review)
    ];

    it('gives CTED every cell with matched counts', async () => {
      const res = await get('/v1/analytics/needs-matrix', c.cted);
      expect(res.status).toBe(200);
      expect(res.body.cells).toEqual(all);
      // distinct needs: N1 N2 N3 N4 N5 N7 N8 N9 = 8; matched: N1 N3 N4 N7 = 4
      expect(res.body.totals).toEqual({ cells: 7, needs: 8, matchedNeeds: 4 });
    });

    it('does not count, for ICAO, restricted requests routed to UNODC; UNODC counts them', async () => {
      const icao = await get('/v1/analytics/needs-matrix', c.icao);
      expect(icao.body.cells).toEqual(all.map((cell) => (
        (cell.memberState === 'KEN' && cell.thematicArea === TF) ? { ...cell, matched: 0, state: 'unmatched' } // N4's R3 is hidden
          : (cell.memberState === 'SEN' && cell.thematicArea === AV) ? { ...cell, matched: 0, state: 'unmatched' } // N3's R5 is hidden
            : cell)));
      expect(icao.body.totals).toEqual({ cells: 7, needs: 8, matchedNeeds: 2 }); // N1, N7
      const unodc = await get('/v1/analytics/needs-matrix', c.unodc);
      expect(unodc.body.cells).toEqual(all);
    });

    it('filters by member state, region (any M49 level) and thematic area', async () => {
      expect((await get('/v1/analytics/needs-matrix?memberState=SEN', c.cted)).body.cells).toEqual(all.slice(4));
      expect((await get('/v1/analytics/needs-matrix?region=011', c.cted)).body.cells).toEqual(all.slice(4)); // Western Africa: SEN only
      expect((await get('/v1/analytics/needs-matrix?region=202', c.cted)).body.cells).toEqual(all.slice(2)); // Sub-Saharan: KEN, SEN
      expect((await get('/v1/analytics/needs-matrix?region=002', c.cted)).body.cells).toEqual(all); // Africa: all three
      expect((await get('/v1/analytics/needs-matrix?region=150', c.cted)).body.cells).toEqual([]);
      const tf = await get(`/v1/analytics/needs-matrix?thematicArea=${TF}`, c.cted);
      expect(tf.body.cells).toEqual([all[1], all[2], all[6]]);
      expect(tf.body.totals).toEqual({ cells: 3, needs: 5, matchedNeeds: 3 }); // N7 N4 N9 N1 N2; matched N7 N4 N1
    });

    it('rejects unknown codes with 400', async () => {
      const res = await get('/v1/analytics/needs-matrix?region=999&thematicArea=astrology&memberState=XXX', c.cted);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['querystring.memberState', 'querystring.region', 'querystring.thematicArea']);
      expect((await get('/v1/analytics/needs-matrix?colour=red', c.cted)).status).toBe(400);
    });

    it('exports CSV that parses back to the same numbers (format=csv and Accept: text/csv)', async () => {
      for (const res of [await get('/v1/analytics/needs-matrix?format=csv', c.cted), await get('/v1/analytics/needs-matrix', c.cted, { accept: 'text/csv' })]) {
        expect(res.status).toBe(200);
        expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
        expect(String(res.headers['content-disposition'])).toMatch(/attachment; filename="onedoor-needs-matrix-\d{4}-\d{2}-\d{2}\.csv"/);
        const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
        expect(rows).toEqual(all.map((cell) => ({
          memberState: cell.memberState, thematicArea: cell.thematicArea ?? '', needs: String(cell.needs),
          highestPriority: cell.highestPriority, matched: String(cell.matched), state: cell.state,
        })));
      }
      // format=json wins over the Accept header
      const json = await get('/v1/analytics/needs-matrix?format=json', c.cted, { accept: 'text/csv' });
      expect(json.body.cells).toEqual(all);
    });
  });

  describe('GET /v1/analytics/unmatched-needs', () => {
    it('lists open unmatched needs oldest first with age buckets (CTED sees descriptions)', async () => {
      const res = await get('/v1/analytics/unmatched-needs', c.cted);
      expect(res.status).toBe(200);
      // N2 (200 days), N8 (120), N9 (60), N5 (identified_at missing: loaded today, 0)
      expect(res.body.items.map((n: { id: string }) => n.id)).toEqual([id.N2, id.N8, id.N9, id.N5]);
      expect(res.body.items.map((n: { ageDays: number }) => n.ageDays)).toEqual([200, 120, 60, 0]);
      expect(res.body.items[0]).toMatchObject({ memberState: 'SEN', priority: 'low', thematicAreas: [TF], identifiedAt: daysAgo(200), description: expect.stringContaining('HYPERLINK') });
      expect(res.body.total).toBe(4);
      expect(res.body.buckets).toEqual({ '0-30': 1, '31-90': 1, '91-180': 1, '>180': 1 });
    });

    it('shows an entity more unmatched needs when their requests are hidden from it, and no descriptions', async () => {
      const res = await get('/v1/analytics/unmatched-needs', c.icao);
      // + N4 (100 days, its R3 is hidden) and N3 (45 days, its R5 is hidden)
      expect(res.body.items.map((n: { id: string }) => n.id)).toEqual([id.N2, id.N8, id.N4, id.N9, id.N3, id.N5]);
      expect(res.body.buckets).toEqual({ '0-30': 1, '31-90': 2, '91-180': 2, '>180': 1 }); // 0 | 60,45 | 120,100 | 200
      expect(res.body.items.every((n: Record<string, unknown>) => !('description' in n))).toBe(true);
    });

    it('pages the list but keeps buckets over all of it; filters', async () => {
      const page = await get('/v1/analytics/unmatched-needs?limit=2&offset=1', c.cted);
      expect(page.body.items.map((n: { id: string }) => n.id)).toEqual([id.N8, id.N9]);
      expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1, buckets: { '0-30': 1, '31-90': 1, '91-180': 1, '>180': 1 } });
      const ken = await get('/v1/analytics/unmatched-needs?memberState=KEN', c.cted);
      expect(ken.body.items.map((n: { id: string }) => n.id)).toEqual([id.N9, id.N5]);
      const mar = await get(`/v1/analytics/unmatched-needs?thematicArea=${MAR}`, c.cted);
      expect(mar.body.items.map((n: { id: string }) => n.id)).toEqual([id.N8]);
    });

    it('neutralises a cell starting with "=" in the CSV export', async () => {
      const res = await get('/v1/analytics/unmatched-needs?format=csv', c.cted);
      expect(res.status).toBe(200);
      const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
      expect(rows.map((r) => r.id)).toEqual([id.N2, id.N8, id.N9, id.N5]);
      expect(rows.map((r) => r.ageDays)).toEqual(['200', '120', '60', '0']);
      expect(rows[0].description).toBe('\'=HYPERLINK("http://evil.example","click")');
      expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
    });
  });

  describe('GET /v1/analytics/supply-demand', () => {
    const area = (body: any, code: string) => body.byThematicArea.find((a: { thematicArea: string }) => a.thematicArea === code);
    const region = (body: any, code: string) => body.byRegion.find((r: { region: string }) => r.region === code);

    it('balances open requests and needs against proposable offerings per thematic area', async () => {
      const { body } = await get('/v1/analytics/supply-demand', c.cted);
      // TF: requests R2, R3 = 2; needs N1 N2 N4 N7 N9 = 5; supply O1 O2 O3 O7 O8 = 5 (O5 closed); 5 / 7 = 0.71
      expect(area(body, TF)).toEqual({ thematicArea: TF, openRequests: 2, openNeeds: 5, supply: 5, ratio: 0.71 });
      // AV: R7 (classified) = 1; N3 = 1; O4 = 1 (O6 stale); 1 / 2 = 0.5
      expect(area(body, AV)).toEqual({ thematicArea: AV, openRequests: 1, openNeeds: 1, supply: 1, ratio: 0.5 });
      // MAR: R4 = 1; N7 N8 = 2; O7 = 1; 1 / 3 = 0.33
      expect(area(body, MAR)).toEqual({ thematicArea: MAR, openRequests: 1, openNeeds: 2, supply: 1, ratio: 0.33 });
    });

    it('balances them per M49 region at each level', async () => {
      const top = (await get('/v1/analytics/supply-demand', c.cted)).body;
      expect(top.byRegion.map((r: { region: string }) => r.region)).toEqual(['002', '009', '019', '142', '150']);
      // Africa: R2 R3 R4 R7 = 4; all 8 open needs; O1 O2 O3 O4 O7 O8 = 6; 6 / 12 = 0.5
      expect(region(top, '002')).toEqual({ region: '002', name: 'Africa', level: 'region', openRequests: 4, openNeeds: 8, supply: 6, ratio: 0.5 });
      // Europe: only the worldwide O3, no demand
      expect(region(top, '150')).toMatchObject({ openRequests: 0, openNeeds: 0, supply: 1, ratio: null });

      const sub = (await get('/v1/analytics/supply-demand?level=subRegion', c.cted)).body;
      // Sub-Saharan: R2 R3 R7 = 3; SEN N1 N2 N3 N8 + KEN N4 N5 N9 = 7; O1 O2 O3 O4 O8 = 5; 5 / 10 = 0.5
      expect(region(sub, '202')).toMatchObject({ level: 'subRegion', openRequests: 3, openNeeds: 7, supply: 5, ratio: 0.5 });
      // Northern Africa: R4; N7; O3 O7; 2 / 2 = 1
      expect(region(sub, '015')).toMatchObject({ openRequests: 1, openNeeds: 1, supply: 2, ratio: 1 });

      const fine = (await get('/v1/analytics/supply-demand?level=intermediateRegion', c.cted)).body;
      // Western Africa (SEN): R2 R7; N1 N2 N3 N8; O1 O2 O3 O8; 4 / 6 = 0.67
      expect(region(fine, '011')).toMatchObject({ openRequests: 2, openNeeds: 4, supply: 4, ratio: 0.67 });
      // Eastern Africa (KEN): R3; N4 N5 N9; O3 O4 O8; 3 / 4 = 0.75
      expect(region(fine, '014')).toMatchObject({ openRequests: 1, openNeeds: 3, supply: 3, ratio: 0.75 });
      // Northern Africa has no intermediate region: it stands in at this level
      expect(region(fine, '015')).toMatchObject({ openRequests: 1, openNeeds: 1, supply: 2, ratio: 1 });
    });

    it('leaves out, for ICAO, the restricted request routed to UNODC', async () => {
      const { body } = await get('/v1/analytics/supply-demand', c.icao);
      expect(area(body, TF)).toEqual({ thematicArea: TF, openRequests: 1, openNeeds: 5, supply: 5, ratio: 0.83 }); // 5 / 6
      expect(region(body, '002')).toMatchObject({ openRequests: 3, openNeeds: 8, supply: 6, ratio: 0.55 }); // 6 / 11 = 0.545
    });

    it('exports CSV rows per area and region', async () => {
      const res = await get('/v1/analytics/supply-demand?format=csv', c.cted);
      const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
      expect(rows.find((r) => r.dimension === 'thematicArea' && r.code === TF)).toEqual({ dimension: 'thematicArea', code: TF, name: '', openRequests: '2', openNeeds: '5', supply: '5', ratio: '0.71' });
      expect(rows.find((r) => r.dimension === 'region' && r.code === '002')).toEqual({ dimension: 'region', code: '002', name: 'Africa', openRequests: '4', openNeeds: '8', supply: '6', ratio: '0.5' });
    });
  });

  describe('GET /v1/analytics/overlaps', () => {
    // Western Africa (011): BEN BFA CIV CPV GHA GIN GMB GNB LBR MLI MRT NER NGA SEN SLE TGO = 16 member states.
    const WEST_AFRICA = ['BEN', 'BFA', 'CIV', 'CPV', 'GHA', 'GIN', 'GMB', 'GNB', 'LBR', 'MLI', 'MRT', 'NER', 'NGA', 'SEN', 'SLE', 'TGO'];

    it('finds the provider pair covering the same states in the same area, ignoring worldwide, closed and stale offerings', async () => {
      const { status, body } = await get('/v1/analytics/overlaps', c.cted);
      expect(status).toBe(200);
      // Only Norway (O1, Western Africa) and OSCE (O8 Sub-Saharan, O2 SEN) meet, in TF, in the 16 states of 011.
      // UNODC's O3 is worldwide (ignored); O7 covers Northern Africa only; O4 (AV, KEN) has no rival (O6 is stale).
      expect(body.providerPairs).toHaveLength(1);
      const pair = body.providerPairs[0];
      const ids = pair.providers.map((p: { id: string }) => p.id);
      expect([...ids].sort()).toEqual([c.providerAId, c.providerBId].sort());
      expect(pair.cells).toBe(16);
      expect(pair.memberStates).toEqual(WEST_AFRICA);
      expect(pair.thematicAreas).toEqual([TF]);
      const offeringsOf = (providerId: string) => pair.offerings[ids.indexOf(providerId)];
      expect(offeringsOf(c.providerAId)).toEqual([id.O1]);
      expect([...offeringsOf(c.providerBId)].sort()).toEqual([id.O2, id.O8].sort());
    });

    it('lists requests accepted by two or more providers (R4, R5), hiding restricted ones from other entities', async () => {
      const cted = (await get('/v1/analytics/overlaps', c.cted)).body.requestsAcceptedByMany;
      expect(cted.map((r: { requestId: string }) => r.requestId).sort()).toEqual([id.R4, id.R5].sort());
      const r4 = cted.find((r: { requestId: string }) => r.requestId === id.R4);
      expect(r4).toMatchObject({ memberState: 'EGY', status: 'accepted', thematicAreas: [MAR] });
      expect(r4.providers.map((p: { id: string }) => p.id).sort()).toEqual([c.providerAId, c.unodcProviderId].sort());
      // R1 was accepted by OSCE only (Norway declined): not an overlap.
      const icao = (await get('/v1/analytics/overlaps', c.icao)).body.requestsAcceptedByMany;
      expect(icao.map((r: { requestId: string }) => r.requestId)).toEqual([id.R4]);
    });

    it('exports one CSV row per pair cell and per request', async () => {
      const res = await get('/v1/analytics/overlaps?format=csv', c.cted);
      const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
      expect(rows.filter((r) => r.type === 'provider_pair')).toHaveLength(16);
      expect(rows.filter((r) => r.type === 'request_accepted_by_many')).toHaveLength(2);
    });
  });

  describe('GET /v1/analytics/timings', () => {
    it('gives median, p90 and n in hours from the status history', async () => {
      const { body } = await get('/v1/analytics/timings', c.cted);
      expect(body).toEqual({
        // first routing: R3 2, R5 4, R6 6 (not its second routing at 8), R1 10, R4 20 -> median 6; p90 at rank 3.6: 10 + 0.6 × 10 = 16
        toRouting: { n: 5, medianHours: 6, p90Hours: 16 },
        // R6 12, R5 24, R1 30, R4 40 -> median (24 + 30) / 2 = 27; p90 at rank 2.7: 30 + 0.7 × 10 = 37
        toAcceptance: { n: 4, medianHours: 27, p90Hours: 37 },
        // R6 60, R1 100, R5 200 -> median 100; p90 at rank 1.8: 100 + 0.8 × 100 = 180
        toCompletion: { n: 3, medianHours: 100, p90Hours: 180 },
      });
    });

    it('leaves out, for ICAO, R3 and R5; filters', async () => {
      expect((await get('/v1/analytics/timings', c.icao)).body).toEqual({
        toRouting: { n: 3, medianHours: 10, p90Hours: 18 }, // 6 10 20 -> p90 at 1.8: 10 + 0.8 × 10
        toAcceptance: { n: 3, medianHours: 30, p90Hours: 38 }, // 12 30 40 -> p90 at 1.8: 30 + 0.8 × 10
        toCompletion: { n: 2, medianHours: 80, p90Hours: 96 }, // 60 100 -> median 80; p90 at 0.9: 60 + 0.9 × 40
      });
      expect((await get('/v1/analytics/timings?memberState=EGY', c.cted)).body).toEqual({
        toRouting: { n: 1, medianHours: 20, p90Hours: 20 },
        toAcceptance: { n: 1, medianHours: 40, p90Hours: 40 },
        toCompletion: { n: 0, medianHours: null, p90Hours: null },
      });
      const csv = parse((await get('/v1/analytics/timings?format=csv', c.cted)).body as string, { columns: true, bom: true });
      expect(csv).toEqual([
        { measure: 'toRouting', n: '5', medianHours: '6', p90Hours: '16' },
        { measure: 'toAcceptance', n: '4', medianHours: '27', p90Hours: '37' },
        { measure: 'toCompletion', n: '3', medianHours: '100', p90Hours: '180' },
      ]);
    });
  });

  describe('GET /v1/analytics/outcomes', () => {
    it('gives shares of met, partly met and not met, overall and per area', async () => {
      const { body } = await get('/v1/analytics/outcomes', c.cted);
      // completed: R1 met [TF], R5 not_met [AV], R6 partly_met [TF, AV]
      expect(body.overall).toEqual({ n: 3, counts: { met: 1, partly_met: 1, not_met: 1 }, shares: { met: 0.3333, partly_met: 0.3333, not_met: 0.3333 } });
      expect(body.byThematicArea).toEqual([
        { thematicArea: AV, n: 2, counts: { met: 0, partly_met: 1, not_met: 1 }, shares: { met: 0, partly_met: 0.5, not_met: 0.5 } }, // R5, R6
        { thematicArea: TF, n: 2, counts: { met: 1, partly_met: 1, not_met: 0 }, shares: { met: 0.5, partly_met: 0.5, not_met: 0 } }, // R1, R6
      ]);
    });

    it('leaves out, for ICAO, the restricted R5', async () => {
      const { body } = await get('/v1/analytics/outcomes', c.icao);
      expect(body.overall).toEqual({ n: 2, counts: { met: 1, partly_met: 1, not_met: 0 }, shares: { met: 0.5, partly_met: 0.5, not_met: 0 } });
      expect(body.byThematicArea[0]).toEqual({ thematicArea: AV, n: 1, counts: { met: 0, partly_met: 1, not_met: 0 }, shares: { met: 0, partly_met: 1, not_met: 0 } });
      const tf = (await get(`/v1/analytics/outcomes?thematicArea=${TF}`, c.cted)).body;
      expect(tf.overall).toEqual({ n: 2, counts: { met: 1, partly_met: 1, not_met: 0 }, shares: { met: 0.5, partly_met: 0.5, not_met: 0 } });
      expect(tf.byThematicArea.map((a: { thematicArea: string }) => a.thematicArea)).toEqual([TF]);
    });
  });

  describe('CSV and statistics helpers', () => {
    it('quotes per RFC 4180 and neutralises formula starts', () => {
      // A one-column CSV per value shows exactly how each cell is written.
      const cell = (v: unknown) => toCsv([{ v }], ['v']).slice(1).split('\r\n')[1];
      expect(cell('=1+2')).toBe("'=1+2");
      expect(cell('+CMD')).toBe("'+CMD");
      expect(cell('-2+3')).toBe("'-2+3");
      expect(cell('@SUM(A1)')).toBe("'@SUM(A1)");
      expect(cell('＝1')).toBe("'＝1");
      expect(cell(-5)).toBe('-5');
      expect(cell('a,b')).toBe('"a,b"');
      expect(cell('say "hi"')).toBe('"say ""hi"""');
      expect(cell('=x,"y"')).toBe('"\'=x,""y"""');
      expect(cell(null)).toBe('');
      expect(cell(['SEN', 'KEN'])).toBe('SEN;KEN');
      const csv = toCsv([{ a: '金融情报', b: 'line\nbreak' }], ['a', 'b']);
      expect(csv.startsWith('\uFEFFa,b\r\n')).toBe(true);
      expect(parse(csv, { columns: true, bom: true })).toEqual([{ a: '金融情报', b: 'line\nbreak' }]);
    });

    it('interpolates percentiles between ranks', () => {
      expect(percentile([], 0.5)).toBeNull();
      expect(percentile([7], 0.9)).toBe(7);
      expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
      expect(percentile([0, 10], 0.9)).toBe(9);
    });
  });
});

describe('analytics and directory on PGlite (embedded mode)', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp({ db: 'pglite' }); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('answers every report with the same SQL', async () => {
    const db = t.db.db;
    const [n] = await db.insert(needs).values({ memberState: 'SEN', description: 'FIU lacks analysts', priority: 'high', thematicAreas: [TF], identifiedAt: daysAgo(40) }).returning({ id: needs.id });
    const [r] = await db.insert(requests).values({
      memberState: 'SEN', title: 'FIU training', description: 'A request used by the analytics tests.', language: 'en', status: 'completed', routedEntity: 'UNODC',
      thematicAreas: [TF], submittedAt: T0, feedback: { outcome: 'met', at: at(48).toISOString() },
    }).returning({ id: requests.id });
    await db.insert(requestNeedLinks).values({ requestId: r.id, needId: n.id, score: 0.9 });
    await db.insert(requestTransitions).values([
      { requestId: r.id, toStatus: 'submitted', actor: 'test', at: at(0) },
      { requestId: r.id, fromStatus: 'submitted', toStatus: 'routed', actor: 'test', at: at(3) },
      { requestId: r.id, fromStatus: 'routed', toStatus: 'accepted', actor: 'test', at: at(5) },
      { requestId: r.id, fromStatus: 'accepted', toStatus: 'completed', actor: 'test', at: at(48) },
    ]);
    const [o1, o2] = await db.insert(offerings).values([
      { providerId: c.providerAId, title: 'FIU analyst training', description: 'Training of financial intelligence unit analysts.', language: 'en', languages: ['en'], thematicAreas: [TF], eligibilityCountries: ['SEN'] },
      { providerId: c.providerBId, title: 'FIU mentoring', description: 'Mentoring of financial intelligence unit analysts.', language: 'en', languages: ['en'], thematicAreas: [TF], eligibilityRegions: ['011'] },
    ]).returning({ id: offerings.id });
    await db.insert(matches).values([
      { requestId: r.id, offeringId: o1.id, providerId: c.providerAId, rank: 1, score: 0.9, explanation: {}, status: 'accepted' },
      { requestId: r.id, offeringId: o2.id, providerId: c.providerBId, rank: 2, score: 0.8, explanation: {}, status: 'accepted' },
    ]);
    const get = async (url: string) => { const res = await t.call({ method: 'GET', url, key: c.cted }); expect(res.status, url).toBe(200); return res.body; };
    expect((await get('/v1/analytics/needs-matrix')).cells).toEqual([{ memberState: 'SEN', thematicArea: TF, needs: 1, highestPriority: 'high', matched: 1, state: 'matched' }]);
    expect((await get('/v1/analytics/unmatched-needs')).total).toBe(0);
    // Africa: no open request, 1 open need, 2 offerings -> 2 / 1 = 2
    expect((await get('/v1/analytics/supply-demand')).byRegion[0]).toEqual({ region: '002', name: 'Africa', level: 'region', openRequests: 0, openNeeds: 1, supply: 2, ratio: 2 });
    const overlaps = await get('/v1/analytics/overlaps');
    expect(overlaps.providerPairs.map((p: { cells: number; memberStates: string[] }) => [p.cells, p.memberStates])).toEqual([[1, ['SEN']]]);
    expect(overlaps.requestsAcceptedByMany.map((x: { requestId: string }) => x.requestId)).toEqual([r.id]);
    expect(await get('/v1/analytics/timings')).toEqual({
      toRouting: { n: 1, medianHours: 3, p90Hours: 3 }, toAcceptance: { n: 1, medianHours: 5, p90Hours: 5 }, toCompletion: { n: 1, medianHours: 48, p90Hours: 48 },
    });
    expect((await get('/v1/analytics/outcomes')).overall).toEqual({ n: 1, counts: { met: 1, partly_met: 0, not_met: 0 }, shares: { met: 1, partly_met: 0, not_met: 0 } });
    // Offerings written straight into the table carry no analysis: the index's first sync analyses them once and stores it, search vector included.
    expect((await t.call({ method: 'GET', url: `/v1/directory/offerings?q=${encodeURIComponent('金融情报')}` })).body.total).toBe(0);
    await t.services.matching.syncIndex();
    const found = await t.call({ method: 'GET', url: `/v1/directory/offerings?q=${encodeURIComponent('金融情报')}&country=SEN` });
    expect(found.body.items.map((o: { id: string }) => o.id).sort()).toEqual([o1.id, o2.id].sort());
  });
});
