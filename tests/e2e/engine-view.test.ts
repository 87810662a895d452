import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, criminalJusticeOffering, legalFrameworkOffering, twoPartsRequest as twoParts, vagueRequest as vague, type Cast } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

describe('what the engine decided, on the request page, and CTED’s merge and split', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const file = async (key: string, body: Record<string, unknown>) => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key, payload: body })).body.id as string;
    await t.drain();
    return id;
  };
  async function newPage(lang?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    if (lang) await page.goto(`${base}/language/${lang}?next=/`);
    return page;
  }

  beforeAll(async () => {
    ({ t, base } = await startServer({ AUTO_ROUTE_CONFIDENCE: '1' }));
    c = await castOf(t);
    for (const o of [criminalJusticeOffering, legalFrameworkOffering]) await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: o });
    await t.drain();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('shows CTED the parts of a request in French, with area, entity, offerings and confidence, and lets it merge and split them', async () => {
    const id = await file(c.stateA, twoParts);
    const page = await newPage('fr');
    await signIn(page, base, c.cted);
    await page.goto(`${base}/requests/${id}`);
    const section = page.locator('section.engine-view');
    await expect.poll(() => section.locator('h2').textContent()).toBe('Comment OneDoor a lu cette demande');
    expect(await section.locator('ol.parts > li').count()).toBe(2);
    expect(await section.textContent()).toContain('Partie 1');
    expect(await section.textContent()).toContain('Criminal justice response to terrorism in West and Central Africa');
    expect(await page.locator('.match').first().textContent()).toContain('Probabilité d’acceptation');
    await shot(page, 'request-parts-fr');

    // Merge: one paragraph.
    await page.locator('#f-parts').fill(twoParts.description);
    await Promise.all([page.waitForURL(/parts=set/), page.locator('form[action$="/parts"] button[value=set]').click()]);
    expect(await page.locator('.notice').first().textContent()).toContain('Enregistré');
    await t.drain();
    await page.reload();
    expect(await page.locator('section.engine-view ol.parts').count()).toBe(0);
    expect(await page.locator('section.engine-view [data-parts=merged]').textContent()).toContain('La DECT a fusionné cette demande en une seule partie');

    // Split into two paragraphs again; an empty form is refused next to the field, in French.
    await page.locator('#f-parts').fill('  ');
    await page.locator('form[action$="/parts"] button[value=set]').click();
    await page.locator('.field.has-error').waitFor();
    expect(await page.locator('.field.has-error .error').textContent()).toMatch(/\S/);
    await page.goto(`${base}/requests/${id}`);
    await page.locator('#f-parts').fill('Formation des enquêteurs et des procureurs au partage du renseignement et à sa judiciarisation.\n\nAssistance législative pour réviser la loi nationale de lutte contre le terrorisme.');
    await Promise.all([page.waitForURL(/parts=set/), page.locator('form[action$="/parts"] button[value=set]').click()]);
    await t.drain();
    await page.reload();
    expect(await page.locator('section.engine-view ol.parts > li').count()).toBe(2);
    expect(await page.locator('section.engine-view').textContent()).toContain('Parties fixées par la DECT');
    // And back to the engine's own split.
    await Promise.all([page.waitForURL(/parts=reset/), page.locator('form[action$="/parts"] button[value=reset]').click()]);
    await t.drain();
    expect((await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body.ctedParts).toBeNull();
  });

  it('tells the state in Arabic, right to left, that its vague request waits for CTED’s triage and why; the state gets no merge form', async () => {
    const id = await file(c.stateB, vague);
    const page = await newPage('ar');
    await signIn(page, base, c.stateB);
    await page.goto(`${base}/requests/${id}`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    const section = page.locator('section.engine-view');
    expect(await section.locator('h3').first().textContent()).toBe('في انتظار فرز المديرية التنفيذية للجنة مكافحة الإرهاب');
    expect(await section.textContent()).toContain('لا يناسب الطلبَ أي مجال مواضيعي');
    expect(await page.locator('form[action$="/parts"]').count()).toBe(0);
    await shot(page, 'request-triage-ar');
  });
});
