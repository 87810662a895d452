import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, needs, offerings, requests } from '../../db/schema/index.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { launchBrowser, signIn, startServer } from './browser.js';

const TF = 'terrorist_financing';

/** The text of a PDF, all pages, as PDF.js reads it. */
async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true });
  const { text, totalPages } = await extractText(doc, { mergePages: true });
  // Table cells wrap: one space for every run of white space.
  return { text: text.replace(/\s+/g, ' '), pages: totalPages };
}

describe('Mali\'s profile in Chromium, as CTED and as Mali, and its print layout read back from the PDF', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let mali: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const ids: Record<string, string> = {};

  async function newPage(lang: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${base}/language/${lang}?next=/`);
    return page;
  }

  beforeAll(async () => {
    ({ t, base } = await startServer());
    c = await castOf(t);
    mali = await t.key({ role: 'member_state', memberState: 'MLI' });
    for (const [k, conf] of [['review', 'public'], ['routed', 'task_force'], ['done', 'task_force'], ['secret', 'restricted']] as const) {
      const r = await t.call({ method: 'POST', url: '/v1/requests', key: mali, payload: { ...fiuRequest, title: `Mali request ${k}`, thematicAreas: [TF], confidentiality: conf } });
      expect(r.status).toBe(202);
      ids[k] = r.body.id;
    }
    await t.drain();
    // The statuses, matches and needs the figures must show, written straight so no job changes them afterwards.
    await t.db.db.update(requests).set({ status: 'in_review', routedEntity: null }).where(eq(requests.id, ids.review!));
    await t.db.db.update(requests).set({ status: 'routed', routedEntity: 'UNODC' }).where(eq(requests.id, ids.routed!));
    await t.db.db.update(requests).set({ status: 'completed', routedEntity: 'UNODC', feedback: { outcome: 'met', at: new Date().toISOString() } }).where(eq(requests.id, ids.done!));
    await t.db.db.update(requests).set({ status: 'submitted', routedEntity: null }).where(eq(requests.id, ids.secret!));
    const offering = (providerId: string, title: string) => t.db.db.insert(offerings).values({ providerId, title, description: 'Training for financial intelligence analysts.', language: 'en', languages: ['en'], thematicAreas: [TF] }).returning({ id: offerings.id });
    const [a] = await offering(c.providerAId, 'FIU training by Norway');
    const [b] = await offering(c.providerBId, 'FIU training by the OSCE');
    const m = (requestId: string, o: { id: string }, providerId: string, status: string) => ({ requestId, offeringId: o.id, providerId, rank: 1, score: 0.7, explanation: {}, status });
    await t.db.db.delete(matches);
    await t.db.db.insert(matches).values([
      m(ids.review!, a!, c.providerAId, 'proposed'), m(ids.review!, b!, c.providerBId, 'declined'),
      m(ids.routed!, a!, c.providerAId, 'accepted'), m(ids.done!, a!, c.providerAId, 'accepted'),
    ]);
    await t.db.db.insert(needs).values([
      { memberState: 'MLI', description: 'FIU analysts untrained.', priority: 'high', thematicAreas: [TF], identifiedAt: '2026-01-01' },
      { memberState: 'MLI', description: 'Banks report little.', priority: 'high', thematicAreas: [TF], identifiedAt: '2026-06-01' },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  const figure = (page: Page, sel: string) => page.locator(sel).first().innerText();

  it('shows every figure the test made, the same to CTED and to Mali, and prints without navigation or forms, with page numbers and who printed it', async () => {
    for (const key of [c.cted, mali]) {
      const page = await newPage('en');
      await signIn(page, base, key);
      await page.goto(`${base}/profiles/MLI`);
      await expect(page.locator('h1').innerText()).resolves.toBe('Country profile: Mali');
      expect(await figure(page, '#profile-totals')).toBe('4 requests · 2 open needs');
      for (const [k, n] of [['proposed', '1'], ['accepted', '2'], ['declined', '1'], ['delivered', '1']]) expect(await figure(page, `#profile-matches [data-figure="${k}"]`), k).toBe(n);
      for (const s of ['completed', 'in_review', 'routed', 'submitted']) expect(await figure(page, `#profile-requests tr[data-status="${s}"] [data-figure="requests"]`), s).toBe('1');
      expect(await figure(page, `#profile-needs tr[data-area="${TF}"][data-priority="high"] [data-figure="needs"]`)).toBe('2');
      expect(await figure(page, `#profile-needs tr[data-area="${TF}"] [data-figure="covered"]`)).toBe('0');
      expect(await page.locator('#profile-providers tbody tr').allInnerTexts()).toEqual(['Government of Norway\t2']);
      expect(await figure(page, '#profile-feedback [data-figure="met"]')).toBe('1');
      expect(await page.locator('#profile-timeline li').count()).toBeGreaterThanOrEqual(4);

      const { text, pages } = await pdfText(await page.pdf({ format: 'A4' }));
      expect(text).toContain('Country profile: Mali');
      expect(text).toMatch(/Printed on .+ by /);
      expect(text).toContain(key === mali ? 'Mali (' : 'CTED');
      expect(text).toContain(`1 / ${pages}`);
      expect(text).toContain('Government of Norway');
      for (const gone of ['Sign out', 'Directory', 'Profiles']) expect(text, gone).not.toContain(gone);
    }
  });

  it('prints right to left in Arabic', async () => {
    const page = await newPage('ar');
    await signIn(page, base, mali);
    await page.goto(`${base}/profiles/MLI`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('main').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { direction: string } }).getComputedStyle(el).direction)).toBe('rtl');
    const { text } = await pdfText(await page.pdf({ format: 'A4' }));
    expect(text).toMatch(/[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]{3}/);
    expect(text).not.toContain('Sign out');
  });

  it('prints a request and the review queue: their content, no forms', async () => {
    const page = await newPage('en');
    await signIn(page, base, c.cted);
    await page.goto(`${base}/requests/${ids.review}`);
    let { text } = await pdfText(await page.pdf({ format: 'A4' }));
    expect(text).toContain('Mali request review');
    expect(text).toMatch(/Printed on .+ by /);
    for (const gone of ['Sign out', 'Approve', 'Send']) expect(text, gone).not.toContain(gone);
    await page.goto(`${base}/review`);
    ({ text } = await pdfText(await page.pdf({ format: 'A4' })));
    expect(text).toContain('Review queue');
    expect(text).toContain('Mali request review');
    expect(text).not.toContain('Sign out');
  });
});
