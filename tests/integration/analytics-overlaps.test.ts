import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { offerings } from '../../db/schema/index.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const TF = 'terrorist_financing';
const AV = 'aviation_security';
const MAR = 'maritime_security';
const DAY = 86_400_000;

type Off = { key: string; provider: string; areas: string[]; countries?: string[]; regions?: string[]; status?: 'open' | 'closed'; lastConfirmedAt?: Date; availableUntil?: Date; capacity?: number };

/**
 * The provider-pair half of GET /v1/analytics/overlaps, fixed on a small real dataset (the seeded member
 * states and their M49 regions) in both database modes: the whole answer, page by page and in the CSV,
 * against what the report's definition gives when worked out here in plain code. Five providers, offerings
 * naming countries, regions at each M49 level, several areas; closed, stale, expired, full and worldwide
 * ones left out; pairs above 100 cells (their lists cut), pairs with equal counts (ordered by ids).
 */
describe.each(['postgres', 'pglite'] as const)('overlap pairs on %s: the same whole answer as the definition gives', (mode) => {
  let t: TestApp;
  let c: Cast;
  const prov: Record<string, string> = {};
  const names: Record<string, string> = {};
  const offId: Record<string, string> = {};
  let fixture: Off[] = [];
  let geo: { iso3: string; region: string; sub_region: string; intermediate_region: string | null }[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ db: mode });
    c = await castOf(t);
    prov.A = c.providerAId; prov.B = c.providerBId; prov.U = c.unodcProviderId;
    for (const k of ['D', 'E']) {
      const res = await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name: `Donor ${k}`, kind: 'member_state' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      prov[k] = res.body.id;
    }
    const old = new Date(Date.now() - 200 * DAY);
    fixture = [
      { key: 'A1', provider: 'A', areas: [TF], regions: ['011'] },
      { key: 'A2', provider: 'A', areas: [AV, MAR], countries: ['KEN', 'SEN', 'EGY'] },
      { key: 'A3', provider: 'A', areas: [TF], regions: ['002'], status: 'closed' },
      { key: 'B1', provider: 'B', areas: [TF], regions: ['202'] },
      { key: 'B2', provider: 'B', areas: [TF, AV], countries: ['SEN', 'NGA'], regions: ['015'] },
      { key: 'B3', provider: 'B', areas: [AV], countries: ['KEN'], lastConfirmedAt: old },
      { key: 'B4', provider: 'B', areas: [MAR], regions: ['150'], availableUntil: new Date(Date.now() - 2 * DAY) },
      { key: 'U1', provider: 'U', areas: [TF] },
      { key: 'U2', provider: 'U', areas: [MAR], regions: ['002'] },
      { key: 'U3', provider: 'U', areas: [AV], regions: ['014'] },
      { key: 'U4', provider: 'U', areas: [TF], regions: ['002'] },
      { key: 'D1', provider: 'D', areas: [MAR, TF], regions: ['002'] },
      { key: 'D2', provider: 'D', areas: [AV], regions: ['150'] },
      { key: 'D3', provider: 'D', areas: [AV], countries: ['KEN'], capacity: 0 },
      { key: 'E1', provider: 'E', areas: [AV], countries: ['KEN'], regions: ['150'] },
      { key: 'E2', provider: 'E', areas: [TF], countries: ['SEN', 'KEN'] },
      { key: 'E3', provider: 'E', areas: [MAR], countries: ['EGY', 'FRA'] },
    ];
    const inserted = await t.db.db.insert(offerings).values(fixture.map((o) => ({
      providerId: prov[o.provider]!, title: `Offering ${o.key}`, description: 'An offering of the overlap report tests.', language: 'en', languages: ['en'],
      thematicAreas: o.areas, eligibilityCountries: o.countries ?? [], eligibilityRegions: o.regions ?? [],
      ...(o.status ? { status: o.status } : {}), ...(o.lastConfirmedAt ? { lastConfirmedAt: o.lastConfirmedAt } : {}),
      ...(o.availableUntil ? { availableUntil: o.availableUntil } : {}), ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
    }))).returning({ id: offerings.id, title: offerings.title });
    for (const r of inserted) offId[r.title.replace('Offering ', '')] = r.id;
    geo = rowsOf(await t.db.db.execute(sql`select iso3, region, sub_region, intermediate_region from member_states`));
    for (const r of rowsOf<{ id: string; name: string }>(await t.db.db.execute(sql`select id::text, name from providers`))) names[r.id] = r.name;
  });
  afterAll(async () => { await t?.close(); });

  /** The report's definition worked out in plain code: every pair, most cells first, then by the two ids. */
  function expectedPairs(listMax: number | null) {
    const cover = new Map<string, Map<string, Set<string>>>(); // provider -> "ISO3|area" -> offering ids
    for (const o of fixture) {
      const proposable = !o.status && !o.lastConfirmedAt && !o.availableUntil && o.capacity !== 0;
      if (!proposable || (!o.countries?.length && !o.regions?.length)) continue;
      const p = prov[o.provider]!;
      const cells = cover.get(p) ?? new Map<string, Set<string>>();
      cover.set(p, cells);
      for (const s of geo) {
        const names = [s.region, s.sub_region, s.intermediate_region].filter((x): x is string => !!x);
        if (!(o.countries ?? []).includes(s.iso3) && !names.some((n) => (o.regions ?? []).includes(n))) continue;
        for (const area of o.areas) {
          const k = `${s.iso3}|${area}`;
          cells.set(k, (cells.get(k) ?? new Set()).add(offId[o.key]!));
        }
      }
    }
    const ids = [...cover.keys()].sort();
    const pairs = [];
    for (const a of ids) {
      for (const b of ids) {
        if (b <= a) continue;
        const both = [...cover.get(a)!.keys()].filter((k) => cover.get(b)!.has(k)).sort();
        if (!both.length) continue;
        const cut = <T>(xs: T[]) => (listMax === null ? xs : xs.slice(0, listMax));
        const cellList = cut(both).map((k) => ({ memberState: k.split('|')[0]!, thematicArea: k.split('|')[1]! }));
        const offs = (p: string) => cut([...new Set(both.flatMap((k) => [...cover.get(p)!.get(k)!]))].sort());
        pairs.push({
          providers: [a, b].map((id) => ({ id, name: names[id], kind: expect.any(String) })),
          cells: both.length,
          memberStates: [...new Set(cellList.map((x) => x.memberState))].sort(),
          thematicAreas: [...new Set(cellList.map((x) => x.thematicArea))].sort(),
          cellList,
          cellListComplete: listMax === null || both.length <= listMax,
          offerings: [offs(a), offs(b)],
        });
      }
    }
    return pairs.sort((x, y) => y.cells - x.cells || (x.providers[0]!.id < y.providers[0]!.id ? -1 : x.providers[0]!.id > y.providers[0]!.id ? 1 : x.providers[1]!.id < y.providers[1]!.id ? -1 : 1));
  }

  const get = async (url: string) => {
    const res = await t.call({ method: 'GET', url, key: c.cted });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('the fixture has what the answer must get right: pairs above 100 cells, equal counts, several areas', () => {
    const pairs = expectedPairs(100);
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    expect(pairs.some((p) => p.cells > 100)).toBe(true);
    const counts = pairs.map((p) => p.cells);
    expect(new Set(counts).size).toBeLessThan(counts.length);
    expect(new Set(pairs.flatMap((p) => p.thematicAreas))).toEqual(new Set([TF, AV, MAR]));
  });

  it('answers one page with every pair, in order, each with its first 100 cells and offerings', async () => {
    const body = await get('/v1/analytics/overlaps?limit=200');
    expect(body.providerPairs).toEqual(expectedPairs(100));
    expect(body.nextCursor).toBeNull();
    expect(body.requestsAcceptedByMany).toEqual([]);
    expect(body.nextRequestsCursor).toBeNull();
  });

  it('gives the same pairs two at a time by cursor, and the default page of 20', async () => {
    const all = expectedPairs(100);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await get(`/v1/analytics/overlaps?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.providerPairs.length).toBeLessThanOrEqual(2);
      seen.push(...body.providerPairs);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect((await get('/v1/analytics/overlaps')).providerPairs).toEqual(all.slice(0, 20));
  });

  it('streams every cell of every pair in the CSV, in the same order', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/analytics/overlaps?format=csv', key: c.cted });
    expect(res.status).toBe(200);
    const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
    const expected = expectedPairs(null).flatMap((p) => p.cellList.map((x) => ({
      providerA: p.providers[0]!.id, providerAName: p.providers[0]!.name, providerB: p.providers[1]!.id, providerBName: p.providers[1]!.name, ...x,
    })));
    expect(rows.filter((r) => r.type === 'provider_pair').map((r) => ({
      providerA: r.providerA, providerAName: r.providerAName, providerB: r.providerB, providerBName: r.providerBName, memberState: r.memberState, thematicArea: r.thematicArea,
    }))).toEqual(expected);
  });
});
