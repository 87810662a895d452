import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

describe('the public directory\'s own pages: an offering, a provider', () => {
  let t: TestApp;
  let c: Cast;
  let open: string;
  let closed: string;
  const get = async (url: string, lang = 'en') => {
    const r = await t.app.inject({ method: 'GET', url, headers: { cookie: `od_lang=${lang}` } });
    return { status: r.statusCode, html: r.body };
  };

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    const made = async (body: Record<string, unknown>) => {
      const r = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, ...body } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    open = await made({ eligibility: { regions: ['011'], countries: ['KEN'] }, budget: { amount: 1_250_050, currency: 'USD' }, modalities: ['training'] });
    closed = await made({ title: 'A closed offering of Norway' });
    expect((await t.call({ method: 'POST', url: `/v1/offerings/${closed}/close`, key: c.providerA })).status).toBe(200);
  });
  afterAll(async () => { await t?.close(); });

  it('an offering\'s page says what it is, who offers it, where, in which languages and how a state asks for it, in the reader\'s language', async () => {
    const en = await get(`/directory/offerings/${open}`);
    expect(en.status).toBe(200);
    expect(en.html).toContain(fiuOffering.title);
    expect(en.html).toContain(`href="/directory/providers/${c.providerAId}"`);
    expect(en.html).toContain('Government of Norway');
    expect(en.html).toMatch(/Western Africa, Kenya/);
    expect(en.html).toContain('English, French');
    expect(en.html).toContain('12500.50 USD');
    expect(en.html).toContain('How a state asks for it');
    expect(en.html).toContain('href="/sign-in?next=/requests/new"');
    const fr = await get(`/directory/offerings/${open}`, 'fr');
    expect(fr.html).toContain('Comment un État la demande');
    expect(fr.html).toContain('Afrique occidentale, Kenya');
    // A member state signed in is sent straight to the request form.
    const state = await (await webSession(t, c.stateA)).get(`/directory/offerings/${open}`);
    expect(state.html).toContain('<a class="button" href="/requests/new">');
    // A closed offering keeps its page, marked as not proposed; an unknown one is a 404.
    expect((await get(`/directory/offerings/${closed}`)).html).toContain('Not proposed to requests at the moment');
    expect((await get('/directory/offerings/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/directory/offerings/nope')).status).toBe(404);
  });

  it('a provider\'s page lists its public offerings only, and the directory links to both pages', async () => {
    const p = await get(`/directory/providers/${c.providerAId}`, 'es');
    expect(p.status).toBe(200);
    expect(p.html).toContain('Government of Norway');
    expect(p.html).toContain('Estado Miembro');
    expect(p.html).toContain(`href="/directory/offerings/${open}"`);
    expect(p.html).not.toContain(`href="/directory/offerings/${closed}"`);
    expect((await get(`/directory/providers/${c.providerBId}`)).html).toContain('This provider has no offering open in the directory now.');
    expect((await get('/directory/providers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const list = await get('/directory');
    expect(list.html).toContain(`href="/directory/offerings/${open}"`);
    expect(list.html).toContain(`href="/directory/providers/${c.providerAId}"`);
  });
});
