import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerings } from '../../db/schema/index.js';
import { castOf, fiuOffering, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const TF = 'terrorist_financing';
const AV = 'aviation_security';
const MAR = 'maritime_security';

/*
 * Offerings (A = Norway, B = OSCE, U = UNODC provider):
 *   D1 A  FIU analyst training (TF)         regions 011 (Western Africa)  en fr  training mentoring    proposable
 *   D2 B  Airport screening workshop (AV)   countries KAZ                 en ru  workshop              proposable
 *   D3 U  Port facility assessment (MAR)    worldwide                     ar fr  assessment advisory   proposable
 *   D4 A  NPO oversight against TF (TF)     regions 419 (Latin America)   es     legislative_drafting  proposable
 *   D5 B  Virtual assets (TF)               expired yesterday
 *   D6 B  Cash couriers (TF)                closed
 *   D7 A  Cabin crew training (AV)          stale: confirmed 200 days ago
 *   D8 B  Port security drills (MAR)        worldwide, starts next month  en     workshop              proposable (issue 12 item 7)
 */
describe('directory: public search of offerings', () => {
  let t: TestApp;
  let c: Cast;
  const id: Record<string, string> = {};

  const create = async (key: string, body: Record<string, unknown>) => {
    const res = await t.call({ method: 'POST', url: '/v1/offerings', key, payload: body });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    id.D1 = await create(c.providerA, { ...fiuOffering, eligibility: { regions: ['011'] }, thematicAreas: [TF], budget: { amount: 5_000_000, currency: 'USD' } });
    id.D2 = await create(c.providerB, {
      title: 'Airport security screening workshop',
      description: 'A three-day workshop for airport security staff on passenger and hold baggage screening, access control and insider threats in civil aviation.',
      languages: ['en', 'ru'], modalities: ['workshop'], eligibility: { countries: ['KAZ'] }, thematicAreas: [AV],
    });
    id.D3 = await create(c.unodcProvider, {
      title: 'Port facility security assessment (ISPS Code)',
      description: 'Assessment of port facility security plans under the ISPS Code, with advisory missions to port authorities on maritime security.',
      languages: ['ar', 'fr'], modalities: ['assessment', 'advisory_mission'], thematicAreas: [MAR],
    });
    id.D4 = await create(c.providerA, {
      title: 'Protecting non-profit organizations from terrorist financing abuse',
      description: 'Legislative drafting support for risk-based oversight of non-profit organizations, in line with FATF Recommendation 8, to prevent terrorist financing.',
      languages: ['es'], modalities: ['legislative_drafting'], eligibility: { regions: ['419'] }, thematicAreas: [TF],
    });
    id.D5 = await create(c.providerB, {
      title: 'Virtual assets and terrorist financing typologies',
      description: 'Training for supervisors of virtual asset service providers on terrorist financing typologies and blockchain analytics.',
      languages: ['en'], modalities: ['training'], thematicAreas: [TF], availableUntil: new Date(Date.now() - DAY).toISOString(),
    });
    id.D6 = await create(c.providerB, {
      title: 'Cash couriers and hawala supervision',
      description: 'Training for customs and financial intelligence staff on cash couriers, hawala and informal value transfer systems.',
      languages: ['en'], modalities: ['training'], thematicAreas: [TF],
    });
    expect((await t.call({ method: 'POST', url: `/v1/offerings/${id.D6}/close`, key: c.providerB })).status).toBe(200);
    id.D7 = await create(c.providerA, {
      title: 'Cabin crew security training',
      description: 'Training for cabin crew on in-flight security procedures and unruly passengers in civil aviation.',
      languages: ['en'], modalities: ['training'], thematicAreas: [AV],
    });
    // Unconfirmed for 200 days; updated_at moves like any change so the index sees it.
    await t.db.db.update(offerings).set({ lastConfirmedAt: new Date(Date.now() - 200 * DAY), updatedAt: sql`now()` }).where(eq(offerings.id, id.D7));
    id.D8 = await create(c.providerB, {
      title: 'Port security drills and exercises',
      description: 'Table-top and live exercises for port facility security officers on maritime security incidents.',
      languages: ['en'], modalities: ['workshop'], thematicAreas: [MAR], availableFrom: new Date(Date.now() + 30 * DAY).toISOString(),
    });
  });
  afterAll(async () => { await t?.close(); });

  const search = async (query: string, key?: string) => {
    const res = await t.call({ method: 'GET', url: `/v1/directory/offerings${query ? `?${query}` : ''}`, key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: { id: string; proposable: boolean; score: number | null }[]; total: number; limit: number; offset: number };
  };
  const ids = async (query: string) => (await search(query)).items.map((o) => o.id).sort();
  const idsOf = (...names: string[]) => names.map((n) => id[n]).sort();

  it('answers without any API key, listing only proposable offerings', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/directory/offerings' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.items.map((o: { id: string }) => o.id).sort()).toEqual(idsOf('D1', 'D2', 'D3', 'D4', 'D8'));
    // A key does not change the answer.
    expect((await search('', c.stateA)).total).toBe(5);
  });

  it('shows public fields only', async () => {
    const { items } = await search('');
    const d1 = items.find((o) => o.id === id.D1)!;
    expect(Object.keys(d1).sort()).toEqual([
      'availableFrom', 'availableUntil', 'budget', 'description', 'eligibility', 'id', 'language', 'languages', 'lastConfirmedAt',
      'modalities', 'proposable', 'provider', 'score', 'thematicAreas', 'title',
    ]);
    expect(d1).toMatchObject({
      title: fiuOffering.title, language: 'en', provider: { id: c.providerAId, name: 'Government of Norway', kind: 'member_state' },
      thematicAreas: [TF], modalities: ['training', 'mentoring'], languages: ['en', 'fr'],
      eligibility: { worldwide: false, regions: ['011'], countries: [] }, budget: { amount: 5_000_000, currency: 'USD' },
      proposable: true, score: null,
    });
    expect(Object.keys((d1 as unknown as { provider: object }).provider).sort()).toEqual(['id', 'kind', 'name']);
    const text = JSON.stringify(items);
    for (const internal of ['externalRef', 'source', 'createdAt', 'updatedAt', 'thematicAreasInferred', 'entityCode', 'capacity']) expect(text).not.toContain(`"${internal}"`);
  });

  describe('text search in any UN language', () => {
    it('finds the English FIU offering from a Chinese query ("financial intelligence")', async () => {
      const res = await search(`q=${encodeURIComponent('金融情报')}`);
      expect(res.items[0].id).toBe(id.D1);
      expect(res.items[0].score).toBeGreaterThan(0);
      // Only terrorist-financing offerings: the FIU one first (fine concept), the NPO one through its area.
      expect(res.items.map((o) => o.id).every((x) => [id.D1, id.D4].includes(x))).toBe(true);
    });

    it('finds it from Arabic too, and the terrorist-financing offerings from "تمويل الإرهاب"', async () => {
      const fiu = await search(`q=${encodeURIComponent('وحدة الاستخبارات المالية')}`);
      expect(fiu.items[0].id).toBe(id.D1);
      expect(fiu.items.map((o) => o.id)).not.toContain(id.D2);
      expect(fiu.items.map((o) => o.id)).not.toContain(id.D3);
      expect(await ids(`q=${encodeURIComponent('تمويل الإرهاب')}`)).toEqual(idsOf('D1', 'D4'));
    });

    it('finds offerings from Russian, Spanish and English queries', async () => {
      // Both port offerings (D8 starts next month) answer a Russian query on port security.
      const ports = (await search(`q=${encodeURIComponent('морская безопасность портов')}`)).items.map((o) => o.id);
      expect(ports.slice(0, 2).sort()).toEqual(idsOf('D3', 'D8'));
      expect((await search(`q=${encodeURIComponent('organizaciones sin fines de lucro')}`)).items[0].id).toBe(id.D4);
      expect((await search('q=airport%20screening')).items[0].id).toBe(id.D2);
    });

    it('combines text with filters and finds nothing for noise', async () => {
      // D1 matches better but Peru is not eligible for it; D4 (TF, Latin America) is.
      expect(await ids(`q=${encodeURIComponent('金融情报')}&country=PER`)).toEqual(idsOf('D4'));
      expect((await search('q=zzzzqqqq')).total).toBe(0);
    });
  });

  describe('filters', () => {
    it('region matches offerings open to a state of it, at every M49 level', async () => {
      // D3 and D8 are worldwide.
      expect(await ids('region=011')).toEqual(idsOf('D1', 'D3', 'D8')); // intermediate region listed by D1
      expect(await ids('region=202')).toEqual(idsOf('D1', 'D3', 'D8')); // sub-region containing 011
      expect(await ids('region=002')).toEqual(idsOf('D1', 'D3', 'D8')); // region containing 011
      expect(await ids('region=014')).toEqual(idsOf('D3', 'D8')); // Eastern Africa: only the worldwide ones
      expect(await ids('region=143')).toEqual(idsOf('D2', 'D3', 'D8')); // Central Asia, where KAZ is
      expect(await ids('region=142')).toEqual(idsOf('D2', 'D3', 'D8')); // Asia
      expect(await ids('region=419')).toEqual(idsOf('D3', 'D4', 'D8')); // sub-region listed by D4
      expect(await ids('region=005')).toEqual(idsOf('D3', 'D4', 'D8')); // South America, inside 419
      expect(await ids('region=150')).toEqual(idsOf('D3', 'D8'));
    });

    it('country matches worldwide offerings, ones listing it and ones listing one of its regions', async () => {
      expect(await ids('country=SEN')).toEqual(idsOf('D1', 'D3', 'D8'));
      expect(await ids('country=KAZ')).toEqual(idsOf('D2', 'D3', 'D8'));
      expect(await ids('country=PER')).toEqual(idsOf('D3', 'D4', 'D8'));
      expect(await ids('country=KEN')).toEqual(idsOf('D3', 'D8'));
    });

    it('filters by modality, provider, delivery language and thematic area', async () => {
      expect(await ids('modality=assessment')).toEqual(idsOf('D3'));
      expect(await ids('modality=training')).toEqual(idsOf('D1'));
      expect(await ids(`providerId=${c.providerAId}`)).toEqual(idsOf('D1', 'D4'));
      expect(await ids('language=ru')).toEqual(idsOf('D2'));
      expect(await ids('language=fr')).toEqual(idsOf('D1', 'D3'));
      expect(await ids(`thematicArea=${TF}`)).toEqual(idsOf('D1', 'D4'));
    });

    it('leaves out expired, closed and stale offerings unless includeInactive=true; one that starts later is listed with its start date', async () => {
      const all = await search('includeInactive=true');
      expect(all.total).toBe(8);
      expect(all.items.filter((o) => !o.proposable).map((o) => o.id).sort()).toEqual(idsOf('D5', 'D6', 'D7'));
      const later = (await search(`thematicArea=${MAR}`)).items.find((o) => o.id === id.D8) as unknown as { proposable: boolean; availableFrom: string };
      expect(later.proposable).toBe(true);
      expect(new Date(later.availableFrom).getTime()).toBeGreaterThan(Date.now() + 25 * DAY);
      expect(await ids(`thematicArea=${TF}&includeInactive=true`)).toEqual(idsOf('D1', 'D4', 'D5', 'D6'));
      expect(await ids(`providerId=${c.providerAId}&includeInactive=true`)).toEqual(idsOf('D1', 'D4', 'D7'));
      expect(await ids('q=cash%20couriers')).not.toContain(id.D6);
      expect(await ids('q=cash%20couriers&includeInactive=true')).toContain(id.D6);
    });

    it('rejects unknown codes and parameters with 400', async () => {
      for (const q of ['region=999', 'country=XXX', 'thematicArea=astrology', 'modality=dancing', 'language=de', 'limit=0', 'colour=red', 'providerId=nope']) {
        const res = await t.call({ method: 'GET', url: `/v1/directory/offerings?${q}` });
        expect(res.status, q).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  });

  it('pages with limit and offset, with the total', async () => {
    const first = await search('limit=3');
    const second = await search('limit=3&offset=3');
    expect(first).toMatchObject({ total: 5, limit: 3, offset: 0 });
    expect(second).toMatchObject({ total: 5, limit: 3, offset: 3 });
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(2);
    expect([...first.items, ...second.items].map((o) => o.id).sort()).toEqual(idsOf('D1', 'D2', 'D3', 'D4', 'D8'));
    // Most recently confirmed first: D8 was created last of the five.
    expect(first.items[0].id).toBe(id.D8);
    expect((await search('offset=10')).items).toEqual([]);
  });

  it('GET /v1/directory/offerings/:id answers without a key, also for a closed offering', async () => {
    const d1 = await t.call({ method: 'GET', url: `/v1/directory/offerings/${id.D1}` });
    expect(d1.status).toBe(200);
    expect(d1.body).toMatchObject({ id: id.D1, title: fiuOffering.title, proposable: true, score: null });
    expect(d1.body).not.toHaveProperty('source');
    const d6 = await t.call({ method: 'GET', url: `/v1/directory/offerings/${id.D6}` });
    expect(d6.body).toMatchObject({ id: id.D6, proposable: false });
    expect((await t.call({ method: 'GET', url: '/v1/directory/offerings/00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await t.call({ method: 'GET', url: '/v1/directory/offerings/not-a-uuid' })).status).toBe(400);
  });

  it('keeps the index current as offerings change (incremental, by updated_at)', async () => {
    expect(await ids('q=zanzibar')).toEqual([]);
    const patch = await t.call({ method: 'PATCH', url: `/v1/offerings/${id.D2}`, key: c.providerB, payload: { title: 'Airport security screening workshop in Zanzibar' } });
    expect(patch.status).toBe(200);
    expect(await ids('q=zanzibar')).toEqual(idsOf('D2'));
    await t.call({ method: 'POST', url: `/v1/offerings/${id.D1}/close`, key: c.providerA });
    expect(await ids(`q=${encodeURIComponent('金融情报')}`)).not.toContain(id.D1);
    const created = await create(c.providerB, {
      title: 'Financial intelligence unit mentoring',
      description: 'Mentoring of financial intelligence unit analysts on strategic analysis of suspicious transaction reports.',
      languages: ['en'], modalities: ['mentoring'], thematicAreas: [TF],
    });
    expect((await search(`q=${encodeURIComponent('金融情报')}`)).items[0].id).toBe(created);
  });
});
