import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

describe('what people read, in Chromium: upload problems, names, explanations, the needs picture', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(lang: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${base}/language/${lang}?next=/`);
    return page;
  }

  beforeAll(async () => {
    ({ t, base } = await startServer({ AUTO_ROUTE_CONFIDENCE: '1' }));
    c = await castOf(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('a provider reads every upload problem in French, on its spreadsheet line, from one upload', async () => {
    const page = await newPage('fr');
    await signIn(page, base, c.providerA);
    await page.goto(`${base}/offerings/upload`);
    const csv = 'title,description,languages,countries,availableFrom,availableUntil\n"Good one","A description that is long enough.",en,,,\n"Reversed","A description that is long enough.",en,XXX,2026-05-01,2026-01-01\n';
    await page.locator('#f-file').setInputFiles({ name: 'offres.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#upload-form button[type=submit]').click();
    const rows = page.locator('#upload-errors tbody tr');
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (td) => td.textContent)));
    expect(cells).toEqual(expect.arrayContaining([
      ['3', 'availableUntil', 'La date de fin 2026-01-01 précède la date de début 2026-05-01.'],
      ['3', 'eligibility.countries.0', '« XXX » n’est pas un État Membre de l’ONU.'],
    ]));
    expect(await page.locator('#upload-errors thead th').first().textContent()).toBe('Ligne');
    await shot(page, 'offerings-upload-errors-fr');
  });

  it('a state in Arabic sees its own name in the header and explanations addressed to it, with the topical fit', async () => {
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: { title: 'FIU analyst training on terrorist financing', description: 'Two-week training for financial intelligence unit analysts on suspicious transaction reports and terrorist financing typologies.', languages: ['en', 'ar'], modalities: ['training'] } });
    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, urgency: 'normal' } });
    await t.drain();
    const page = await newPage('ar');
    await signIn(page, base, c.stateA);
    expect(await page.locator('header .who span').first().textContent()).toContain('السنغال');
    await page.goto(`${base}/requests/${filed.body.id}`);
    const why = page.locator('article.match').first();
    await why.waitFor();
    expect(await why.locator('li[data-component="gate"]').count()).toBe(1);
    expect(await why.locator('li[data-component="thematic"]').textContent()).toContain('طلبكم');
    expect(await why.locator('li[data-component="urgency"]').textContent()).toContain('غير موسوم بأنه عاجل');
    await shot(page, 'request-explanation-ar');
  });

  it('CTED opens a cell of the needs matrix on the needs and the requests behind it', async () => {
    const csv = 'memberState,description,priority,thematicArea\nSEN,"Train the analysts of the financial intelligence unit on terrorist financing typologies",high,terrorist_financing\n';
    await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: csv });
    await t.drain();
    const page = await newPage('en');
    await signIn(page, base, c.cted);
    await page.goto(`${base}/needs`);
    await Promise.all([page.waitForURL(/\/needs\/cell\?state=SEN/), page.locator('#needs-matrix a.cell-link').first().click()]);
    expect(await page.locator('h1').textContent()).toContain('Senegal');
    expect(await page.locator('article.need').count()).toBeGreaterThan(0);
    expect(await page.locator('article.need a[href^="/requests/"]').count()).toBeGreaterThan(0);
    await shot(page, 'needs-cell');
  });
});
