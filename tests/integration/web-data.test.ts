import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession, type WebSession } from '../helpers/web-session.js';

const offeringForm = (extra: Record<string, string | string[]>) => ({
  title: 'Border management and travel document examination',
  description: 'Workshops for border police on passenger screening and the examination of fraudulent travel documents.',
  languages: ['en'], ...extra,
});

describe('the web interface: budgets, names, upload problems a person can act on', () => {
  let t: TestApp;
  let c: Cast;
  let provider: WebSession;
  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    provider = await webSession(t, c.providerA);
  });
  afterAll(async () => { await t?.close(); });

  const mine = async () => (await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerA })).body.items as { id: string; title: string; budget: { amount: number; currency: string } | null; eligibility: { regions: string[]; countries: string[] } }[];

  it('stores the form\'s amount in minor units like the API, CSV and IATI, and shows it back as typed', async () => {
    for (const [amount, currency, minor] of [['800000', 'CAD', 80_000_000], ['2500000', 'JPY', 2_500_000], ['1250.125', 'KWD', 1_250_125], ['12500.50', 'USD', 1_250_050]] as const) {
      const res = await provider.post('/offerings', offeringForm({ title: `Budget in ${currency}`, budgetAmount: amount, budgetCurrency: currency }));
      expect(res.status, res.html.slice(0, 300)).toBe(303);
      const o = (await mine()).find((x) => x.title === `Budget in ${currency}`)!;
      expect(o.budget).toEqual({ amount: minor, currency });
      const edit = await provider.get(`/offerings/${o.id}/edit`);
      expect(edit.html).toContain(`name="budgetAmount" type="number" value="${amount}"`);
    }
    // A CSV's CAD 800,000 shows as 800000 in the edit form, not 80000000.
    const csv = 'title,description,languages,budgetAmount,budgetCurrency,externalRef\n"Canadian programme","A programme budgeted in Canadian dollars for border training.",en,800000,CAD,cad-1\n';
    expect((await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, headers: { 'content-type': 'text/csv' }, payload: csv })).status).toBe(201);
    const cad = (await mine()).find((x) => x.title === 'Canadian programme')!;
    expect(cad.budget).toEqual({ amount: 80_000_000, currency: 'CAD' });
    expect((await provider.get(`/offerings/${cad.id}/edit`)).html).toContain('name="budgetAmount" type="number" value="800000"');
  });

  it('refuses an amount with too many decimals for its currency, naming the currency and the decimals, in French', async () => {
    const res = await provider.post('/offerings', offeringForm({ budgetAmount: '100.5', budgetCurrency: 'JPY' }), 'fr');
    expect(res.status).toBe(400);
    expect(res.html).toContain('Saisissez un montant en JPY avec au plus 0 décimales');
  });

  it('picks eligible countries and regions by their UN names in the page\'s language', async () => {
    const form = await provider.get('/offerings/new', 'fr');
    expect(form.html).toMatch(/<option value="SEN">Sénégal<\/option>/);
    expect(form.html).toMatch(/<option value="202">[\s\u00a0]*Afrique subsaharienne<\/option>/);
    expect(form.html).toContain('<select id="f-countries" name="countries" multiple');
    const res = await provider.post('/offerings', offeringForm({ title: 'Sahel only', regions: ['011'], countries: ['SEN', 'MLI'] }));
    expect(res.status).toBe(303);
    expect((await mine()).find((x) => x.title === 'Sahel only')!.eligibility).toEqual({ regions: ['011'], countries: ['SEN', 'MLI'] });
  });

  it('reports every problem of an upload at once, on its spreadsheet line, in the user\'s language', async () => {
    // Line 3: a reversed date and an unknown country; line 4: a title too short and an unknown region.
    const csv = [
      'title,description,languages,countries,regions,availableFrom,availableUntil',
      '"A good offering","A description that is long enough to pass.",en,,,,',
      '"Reversed dates","A description that is long enough to pass.",en,XXX,,2026-05-01,2026-01-01',
      'ab,"A description that is long enough to pass.",en,,999,,',
    ].join('\n');
    const fr = await provider.postRaw('/offerings/upload?format=csv', csv, 'text/csv', 'fr');
    expect(fr.status).toBe(400);
    const problems = fr.body.error.details as { line: number; field: string; problem: string }[];
    expect(problems.map((d) => [d.line, d.field])).toEqual(expect.arrayContaining([[3, 'availableUntil'], [3, 'eligibility.countries.0'], [4, 'title'], [4, 'eligibility.regions.0']]));
    expect(problems.find((d) => d.field === 'availableUntil')!.problem).toBe('La date de fin 2026-01-01 précède la date de début 2026-05-01.');
    expect(problems.find((d) => d.field === 'eligibility.countries.0')!.problem).toBe('« XXX » n’est pas un État Membre de l’ONU.');
    expect(fr.body.error.message).toContain('Rien n’a été importé');
    const ar = await provider.postRaw('/offerings/upload?format=csv', csv, 'text/csv', 'ar');
    expect((ar.body.error.details as { field: string; problem: string }[]).find((d) => d.field === 'title')!.problem).toBe('قصير جدًا: 3 حرف على الأقل.');
    // The form post without script gets the same report as a page.
    const page = await provider.post('/offerings/upload', { format: 'csv', content: csv }, 'fr');
    expect(page.status).toBe(400);
    expect(page.html).toContain('<th scope="col">Ligne</th>');
    expect(page.html).toContain('<td>3</td><td><code>availableUntil</code>');
  });

  it('lists the allowed values instead of "not valid"', async () => {
    const csv = 'title,description,languages,modalities\n"Course","A description that is long enough to pass.",de,teleportation\n';
    const res = await provider.postRaw('/offerings/upload?format=csv', csv, 'text/csv', 'es');
    const texts = (res.body.error.details as { problem: string }[]).map((d) => d.problem);
    expect(texts).toContain('«de» no es un código de idioma; use en, fr, es, ru, ar, zh.');
    expect(texts.join(' ')).toContain('training, workshop, mentoring');
  });

  it('shows the state and the entity by name in the header, not by code', async () => {
    const state = await webSession(t, c.stateA);
    expect((await state.get('/requests', 'fr')).html).toContain('Connecté : Sénégal (');
    const mli = await webSession(t, await t.key({ role: 'member_state', memberState: 'MLI' }));
    expect((await mli.get('/requests', 'fr')).html).not.toContain('MLI (');
    const entity = await webSession(t, c.unodc);
    expect((await entity.get('/entity', 'ar')).html).toContain('مكتب الأمم المتحدة المعني بالمخدرات والجريمة (');
  });

  it('imports CTED\'s needs through the needs service, problems on their lines in the user\'s language', async () => {
    const cted = await webSession(t, c.cted);
    const bad = 'memberState,description,priority\nSEN,"Strengthen the FIU and STR reporting",high\nXXX,"A need of a state that does not exist",urgent\n';
    const res = await cted.post('/needs/import', { csv: bad }, 'fr');
    expect(res.status).toBe(400);
    expect(res.html).toContain('Ligne 3 · <code>priority</code>: « urgent » n’est pas une priorité');
    expect(res.html).toContain('« XXX » n’est pas un État Membre de l’ONU.');
  });
});

describe('web pages call the services, never the API through app.inject', () => {
  it('has no app.inject left in src/web', () => {
    const root = fileURLToPath(new URL('../../src/web/', import.meta.url));
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) => /\.inject\(/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
