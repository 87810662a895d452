import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, dbMeta } from '../../db/schema/index.js';
import { seedReferenceData } from '../../db/seed.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

describe('UN names and today\'s entities, with the old codes as aliases, managed by admins without a migration', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('names member states and entities in the six languages with the UN\'s own names', async () => {
    const states = (await t.call({ method: 'GET', url: '/v1/reference/member-states' })).body as { iso3: string; names: Record<string, string> }[];
    const byIso = new Map(states.map((s) => [s.iso3, s.names]));
    expect(byIso.get('COD')).toEqual({ en: 'Democratic Republic of the Congo', fr: 'République démocratique du Congo', es: 'República Democrática del Congo', ru: 'Демократическая Республика Конго', ar: 'جمهورية الكونغو الديمقراطية', zh: '刚果民主共和国' });
    expect(byIso.get('PRK')!.en).toBe("Democratic People's Republic of Korea");
    expect(byIso.get('MMR')!.en).toBe('Myanmar');
    expect(byIso.get('NLD')!.fr).toBe('Pays-Bas (Royaume des)');
    const ents = (await t.call({ method: 'GET', url: '/v1/reference/entities' })).body as { code: string; names: Record<string, string>; successor: string | null; aliases: string[] }[];
    const byCode = new Map(ents.map((e) => [e.code, e]));
    expect(byCode.get('UNOCT')!.names.fr).toBe('Bureau de lutte contre le terrorisme');
    expect(byCode.get('DPO')!.aliases).toEqual(['DPKO']);
    expect(byCode.get('DPKO')!.successor).toBe('DPO');
    expect(byCode.get('DPPA')!.aliases).toEqual(['DPA']);
    expect(byCode.get('DGC')!.aliases).toEqual(['DPI']);
    // Every code of the contract is still there.
    for (const code of 'CTED DPKO DPA DPI DSS 1540-EXPERTS IAEA ICAO IMO IMF INTERPOL 1267-MT UNODA OHCHR OLA OPCW SR-HRCT UNDP UNESCO UNICRI UNODC WCO WORLD-BANK WHO EOSG'.split(' ')) expect(byCode.has(code), code).toBe(true);
  });

  it('routes the report\'s areas to today\'s departments', async () => {
    const areas = (await t.call({ method: 'GET', url: '/v1/reference/thematic-areas' })).body as { code: string; entities: string[] }[];
    expect(areas.find((a) => a.code === 'conflict_prevention')!.entities.slice(0, 2)).toEqual(['DPPA', 'DPO']);
    expect(areas.find((a) => a.code === 'public_information')!.entities).toEqual(['DGC']);
  });

  it('accepts an old code wherever a code is accepted: it answers as its successor', async () => {
    const created = await t.call({ method: 'POST', url: '/v1/api-keys', key: c.admin, payload: { role: 'entity', label: 'DPKO desk (old code)', entity: 'DPKO' } });
    const dpkoKey = created.body.key as string;
    const [row] = await t.db.db.select().from(apiKeys).where(eq(apiKeys.id, created.body.id));
    expect(row!.entityCode).toBe('DPO');
    // The key acts for DPO; both codes open the same queue.
    expect((await t.call({ method: 'GET', url: '/v1/entities/DPO/queue', key: dpkoKey })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: '/v1/entities/DPKO/queue', key: dpkoKey })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: dpkoKey })).status).toBe(403);
    const prov = await t.call({ method: 'POST', url: '/v1/providers', key: c.admin, payload: { name: 'UN Department of Political Affairs', kind: 'task_force_entity', entity: 'DPA' } });
    expect(prov.body.entity).toBe('DPPA');
  });

  it('lets an admin add and rename entities and record a successor, without a migration', async () => {
    const added = await t.call({ method: 'POST', url: '/v1/admin/entities', key: c.admin, payload: { code: 'UN-WOMEN', names: { en: 'United Nations Entity for Gender Equality and the Empowerment of Women', fr: 'Entité des Nations Unies pour l’égalité des sexes et l’autonomisation des femmes' }, kind: 'un_programme_fund' } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.names.ru).toBe('United Nations Entity for Gender Equality and the Empowerment of Women');
    expect((await t.call({ method: 'POST', url: '/v1/admin/entities', key: c.admin, payload: { code: 'UN-WOMEN', names: { en: 'Again the same code' } } })).status).toBe(409);
    expect((await t.call({ method: 'POST', url: '/v1/api-keys', key: c.admin, payload: { role: 'entity', label: 'UN Women desk', entity: 'UN-WOMEN' } })).status).toBe(201);
    expect((await t.call({ method: 'POST', url: '/v1/admin/entities', key: c.stateA, payload: { code: 'X-1', names: { en: 'Not allowed' } } })).status).toBe(403);

    const renamed = await t.call({ method: 'PATCH', url: '/v1/admin/entities/UNODC', key: c.admin, payload: { names: { fr: 'ONUDC (nom révisé)' } } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.names).toMatchObject({ fr: 'ONUDC (nom révisé)', en: 'United Nations Office on Drugs and Crime' });
    // A reload of the reference data (a new deploy) keeps the admin's name.
    await t.db.db.delete(dbMeta).where(eq(dbMeta.key, 'reference_hash'));
    expect((await seedReferenceData(t.db.db)).changed).toBe(true);
    t.services.reference.invalidate();
    const ents = (await t.call({ method: 'GET', url: '/v1/reference/entities' })).body as { code: string; names: Record<string, string> }[];
    expect(ents.find((e) => e.code === 'UNODC')!.names.fr).toBe('ONUDC (nom révisé)');

    // A successor recorded at run time: keys bound to the old code follow it.
    const wcoKey = await t.key({ role: 'entity', entity: 'WCO' });
    const merged = await t.call({ method: 'POST', url: '/v1/admin/entities', key: c.admin, payload: { code: 'WCO-NEW', names: { en: 'World Customs Organization (renamed for the test)' }, kind: 'international_organization', replaces: ['WCO'] } });
    expect(merged.status).toBe(201);
    expect(merged.body.aliases).toEqual(['WCO']);
    t.app.forgetKeyCache();
    expect((await t.call({ method: 'GET', url: '/v1/entities/WCO-NEW/queue', key: wcoKey })).status).toBe(200);
    expect((await t.call({ method: 'PATCH', url: '/v1/admin/entities/OLA', key: c.admin, payload: { successor: 'DPKO' } })).status).toBe(400);
  });

  it('has the admin page to add an entity, names in the page\'s language', async () => {
    const admin = await webSession(t, c.admin);
    const page = await admin.get('/admin/entities', 'fr');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Direction exécutive du Comité contre le terrorisme');
    expect(page.html).toMatch(/<th scope="row">DPKO<\/th>[\s\S]*?<td>DPO<\/td>/);
    const res = await admin.post('/admin/entities', { code: 'unitar', name_en: 'United Nations Institute for Training and Research', name_fr: 'Institut des Nations Unies pour la formation et la recherche', kind: 'research_institute' }, 'fr');
    expect(res.status, res.html.slice(0, 500)).toBe(303);
    expect((await admin.get('/admin/entities?added&code=UNITAR', 'fr')).html).toContain('Ajoutée : UNITAR.');
    const bad = await admin.post('/admin/entities', { code: 'X', name_en: '' }, 'fr');
    expect(bad.status).toBe(400);
    expect((await (await webSession(t, c.cted)).get('/admin/entities')).status).toBe(403);
  });
});
