import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { ADMIN_KEY } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

const fixture = (name: string) => new URL(`../fixtures/screening/${name}`, import.meta.url);

describe('the screening admin page in Chromium', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function adminPage(lang?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    if (lang) await page.goto(`${base}/language/${lang}?next=/`);
    await signIn(page, base, ADMIN_KEY);
    return page;
  }

  beforeAll(async () => {
    ({ t, base } = await startServer());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('an admin loads the list from the page, sees a hit with the entry it matched, and clears it with a note', async () => {
    const page = await adminPage();
    await page.goto(`${base}/admin/screening`);
    expect(await page.locator('#list-status .error-summary').textContent()).toContain('No list is loaded');
    expect(await page.locator('nav[aria-label="Main navigation"] a[href="/admin/screening"]').getAttribute('aria-current')).toBe('page');

    await page.locator('#f-listfile').setInputFiles(fixture('consolidated.xml').pathname);
    await page.locator('#list-form button[type=submit]').click();
    await expect.poll(() => page.locator('#list-done').textContent(), { timeout: 20_000 }).toContain('5 individuals and 4 entities');
    expect(await page.locator('#list-bar').getAttribute('value')).toBe('100');

    // A donor is screened at approval (people's approval calls screen); its hit is on the page.
    const { hits } = await t.services.screening.screen({ type: 'organisation', id: 'org-asc', names: ['Afghan Support Committee Ltd'], kind: 'entity' });
    expect(hits).toHaveLength(1);
    await page.goto(`${base}/admin/screening`);
    const card = page.locator(`#hit-${hits[0].id}`);
    expect(await card.locator('h2').textContent()).toContain('Afghan Support Committee Ltd');
    expect(await card.locator('.matched').textContent()).toContain('“Afghan Support Committee Ltd” matched “AFGHAN SUPPORT COMMITTEE (ASC)”');
    const entry = await card.locator('dl.entry').textContent();
    for (const text of ['QDe.069', 'Jamiat Ihya ul Turath al Islamia', 'Al-Qaida', 'Jan 11, 2002', 'Peshawar, Pakistan']) expect(entry).toContain(text);
    expect(await card.locator('.score').textContent()).toBe('100%');
    await shot(page, 'screening-hits');

    // Clearing without a note is refused with the reason; with a note it is recorded.
    await Promise.all([page.waitForURL(/error=noteRequired/), card.locator('button[value=cleared]').click()]);
    expect(await page.locator('#decision-error').textContent()).toContain('Write a note');
    expect(await t.services.screening.hasOpenHits('organisation', 'org-asc')).toBe(true);
    await page.locator(`#f-note-${hits[0].id}`).fill('Registered in Oslo in 2019; no link with the listed committee.');
    await Promise.all([page.waitForURL(/done=cleared/), page.locator(`#hit-${hits[0].id} button[value=cleared]`).click()]);
    expect(await page.locator('main > .notice').textContent()).toBe('The hit is cleared.');
    expect(await page.locator('#no-hits').textContent()).toBe('No hit awaits a decision.');
    expect(await t.services.screening.hasOpenHits('organisation', 'org-asc')).toBe(false);

    await page.goto(`${base}/admin/screening?status=cleared`);
    expect(await page.locator('.hit .decided').textContent()).toContain('Registered in Oslo in 2019');
  });

  it('an admin confirms a hit on a person found through the Arabic script, on the page in Arabic (right to left)', async () => {
    const { hits } = await t.services.screening.screen({ type: 'user', id: 'user-1', names: ['عبد اللطيف منصور'], kind: 'individual' });
    const page = await adminPage('ar');
    await page.goto(`${base}/admin/screening`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('h1').textContent()).toBe('الفحص في قوائم الجزاءات');
    const card = page.locator(`#hit-${hits[0].id}`);
    expect(await card.getAttribute('data-ref')).toBe('TAi.007');
    expect(await card.locator('dl.entry').textContent()).toContain('Wali Mohammad');
    await shot(page, 'screening-hits-ar');
    await Promise.all([page.waitForURL(/done=confirmed/), card.locator('button[value=confirmed]').click()]);
    expect(await page.locator('main > .notice').textContent()).toBe('أُكِّد التطابق؛ وهو ما زال يمنع الموافقة.');
    expect(await t.services.screening.hasOpenHits('user', 'user-1')).toBe(true);
  });

  it('a file that is not the list is refused on the page, with the reason, and the loaded list stays', async () => {
    const page = await adminPage();
    await page.goto(`${base}/admin/screening`);
    await page.locator('#f-listfile').setInputFiles({ name: 'evil.xml', mimeType: 'application/xml', buffer: readFileSync(fixture('entity-expansion.xml')) });
    await page.locator('#list-form button[type=submit]').click();
    await expect.poll(() => page.locator('#list-failed').textContent(), { timeout: 20_000 }).toContain('DOCTYPE and ENTITY declarations are not accepted');
    expect((await t.services.screening.status()).list?.individuals).toBe(5);
  });

  it('only admins open the page', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    const res = await page.goto(`${base}/admin/screening`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(res?.status()).toBe(200);
    const cted = await t.key({ role: 'cted' });
    await signIn(page, base, cted);
    expect((await page.goto(`${base}/admin/screening`))?.status()).toBe(403);
    expect(await page.locator('nav a[href="/admin/screening"]').count()).toBe(0);
  });
});
