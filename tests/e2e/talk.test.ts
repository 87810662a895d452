import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { freePort } from '../helpers/processes.js';
import { linkIn, startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import type { TestApp } from '../helpers/test-app.js';
import { personForKey } from '../helpers/web-session.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

const DAY = 86_400_000;

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/attachments/${name}`, import.meta.url));

describe('a conversation on a request in Chromium', { timeout: 180_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let requestId = '';
  let internalQ = '';
  let sharedQ = '';
  let smtp: SmtpCatcher;
  // The app's clock: the test moves it to the next day.
  let ahead = 0;

  async function as(key: string, lang?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    if (lang) await page.goto(`${base}/language/${lang}?next=/`);
    await signIn(page, base, key);
    return page;
  }
  /** Sends the message form and waits for the page to show one more message. */
  async function send(page: Page): Promise<string[]> {
    const before = (await messageIds(page)).length;
    await page.locator('#talk-form button[type=submit]').click();
    await expect.poll(() => messageIds(page).then((x) => x.length), { timeout: 20_000 }).toBe(before + 1);
    return messageIds(page);
  }
  const messageIds = (page: Page) => page.locator('#conversation ol.thread > li.msg').evaluateAll((els) => els.map((e) => e.id.replace('msg-', '')));

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    const port = await freePort();
    ({ t, base } = await startServer({ AUTO_ROUTE_CONFIDENCE: '1', SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}` }, { port, now: () => Date.now() + ahead }));
    c = await castOf(t);
    browser = await launchBrowser();
    expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).status).toBe(201);
    expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerB, payload: { ...fiuOffering, title: 'FIU analysis course by OSCE' } })).status).toBe(201);
    await t.drain();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('a state files a request and attaches its PDF letter, with a progress bar', async () => {
    const page = await as(c.stateA);
    // Questions can wait for the daily digest, the state's focal point chooses.
    await page.goto(`${base}/notifications`);
    await page.locator('#f-question').selectOption('daily');
    await Promise.all([page.waitForURL(/\/notifications\?saved/), page.locator('#preferences button[type=submit]').click()]);
    expect(await page.locator('#f-question').inputValue()).toBe('daily');
    await page.goto(`${base}/requests/new`);
    await page.locator('#f-title').fill('Strengthening our financial intelligence unit');
    await page.locator('#f-description').fill('Our FIU receives few suspicious transaction reports. We ask for training of analysts on terrorist financing typologies; see our official letter.');
    await Promise.all([page.waitForURL(/\/requests\/[0-9a-f-]{36}\?filed=1/), page.locator('form[action="/requests"] button[type=submit]').click()]);
    requestId = new URL(page.url()).pathname.split('/')[2];

    await page.locator('#f-doc-file').setInputFiles(fixture('letter-fr.pdf'));
    await page.locator('#f-doc-purpose').selectOption('request_letter');
    await page.locator('#f-doc-matching').check();
    await Promise.all([page.waitForURL(/attached=1/), page.locator('#docs-form button[type=submit]').click()]);
    const doc = page.locator('#request-docs li.doc[data-kind=pdf]');
    expect(await doc.locator('a').textContent()).toBe('letter-fr.pdf');
    expect(await doc.locator('a').getAttribute('href')).toMatch(/^\/attachments\/[0-9a-f-]{36}$/);
    expect(await doc.textContent()).toContain('Official request letter');
    expect(await page.locator('#docs-added').textContent()).toBe('The document is attached.');

    // A web page named .pdf is refused on the page, in the user's words, and nothing is stored.
    await page.locator('#f-doc-file').setInputFiles(fixture('page.html'));
    // Renamed in the page, as a user would rename it on disk.
    await page.evaluate(`(() => {
      const input = document.querySelector('#f-doc-file');
      const dt = new DataTransfer();
      dt.items.add(new File([input.files[0]], 'lettre-officielle.pdf', { type: 'application/pdf' }));
      input.files = dt.files;
    })()`);
    await page.locator('#docs-form button[type=submit]').click();
    await expect.poll(() => page.locator('#docs-form .upload-result .error-summary').textContent()).toContain('“lettre-officielle.pdf” is a web page, not a document.');
    expect(await page.locator('#request-docs li.doc').count()).toBe(1);

    // The request is matched; CTED approves Norway's offering and UNODC forwards it (through the API, to keep this test on the conversation).
    await t.drain();
    const view = (await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted })).body;
    const matchA = view.matches.find((m: { providerId: string }) => m.providerId === c.providerAId).id;
    expect((await t.call({ method: 'POST', url: `/v1/matches/${matchA}/decision`, key: c.cted, payload: { decision: 'approve', entity: 'UNODC' } })).status).toBe(200);
    expect((await t.call({ method: 'POST', url: `/v1/requests/${requestId}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: matchA } })).status).toBe(200);
  });

  it('CTED asks one question internal to the UN side and another shared with the state, choosing each time', async () => {
    const page = await as(c.cted);
    await page.goto(`${base}/requests/${requestId}`);
    expect(await page.locator('#conversation .participants').textContent()).toContain('Senegal');
    // Nothing is chosen for the author: without a choice the form does not go.
    expect(await page.locator('input[name=visibility]:checked').count()).toBe(0);
    await page.locator('#f-talk-body').fill('Is the FIU named in the 2025 assessment as a priority?');
    await page.locator('#talk-form button[type=submit]').click();
    expect(await page.locator('#f-visibility-shared').evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    expect(await messageIds(page)).toEqual([]);

    await page.locator('#f-visibility-internal').check();
    // An internal message cannot go to the state.
    expect(await page.locator('#f-addressee option[value=state]').isDisabled()).toBe(true);
    await page.locator('#f-addressee').selectOption('entity');
    [internalQ] = await send(page);
    const internal = page.locator(`#msg-${internalQ}`);
    expect(await internal.getAttribute('data-visibility')).toBe('internal');
    expect(await internal.locator('.vis').textContent()).toContain('Internal to the UN side');
    expect(await internal.locator('.question').textContent()).toContain('Question to UNODC');
    await shot(page, 'conversation-cted');

    await page.locator('#f-visibility-shared').check();
    await page.locator('#f-talk-body').fill('How many analysts does the unit have, and in which languages do they work?');
    await page.locator('#f-addressee').selectOption('state');
    sharedQ = (await send(page))[1];
    expect(await page.locator(`#msg-${sharedQ}`).getAttribute('data-visibility')).toBe('shared');
    expect(await page.locator(`#msg-${sharedQ} .vis`).textContent()).toContain('Shared with the state');
  });

  it('the state sees only the shared question and answers it, in French', async () => {
    const page = await as(c.stateA, 'fr');
    // Its mail comes in French too.
    await page.goto(`${base}/account`);
    await page.locator('#f-language').selectOption('fr');
    await Promise.all([page.waitForURL(/\/account\?saved/), page.locator('form[action="/account"] button[type=submit]').click()]);
    await page.goto(`${base}/requests/${requestId}`);
    expect(await messageIds(page)).toEqual([sharedQ]);
    expect(await page.locator('#conversation').textContent()).not.toContain('2025 assessment');
    expect(await page.locator('.vis-fixed').textContent()).toContain('Vos messages sont toujours partagés');
    expect(await page.locator(`#msg-${sharedQ} .question`).textContent()).toContain('en attente de réponse');
    await page.locator('#f-talk-body').fill('La cellule compte 14 analystes ; ils travaillent en français et en wolof.');
    await page.locator('#f-answers').selectOption(sharedQ);
    const ids = await send(page);
    expect(ids).toHaveLength(2);
    expect(await page.locator(`#msg-${sharedQ} .question`).textContent()).toContain('réponse de Sénégal');
    await shot(page, 'conversation-state-fr');
  });

  it('the routed entity sees both questions and the answer; a provider sees what the state\'s consent allows, never the internal one', async () => {
    const entity = await as(c.unodc);
    await entity.goto(`${base}/requests/${requestId}`);
    const all = await messageIds(entity);
    expect(all).toHaveLength(3);
    expect(all.slice(0, 2)).toEqual([internalQ, sharedQ]);
    // The question to UNODC is answered from its own page.
    await Promise.all([entity.waitForURL(new RegExp(`#msg-${internalQ}`)), entity.locator(`#msg-${internalQ} form[action$="/answered"] button`).click()]);
    expect(await entity.locator(`#msg-${internalQ} .question`).textContent()).toContain('answered by UNODC');

    const norway = await as(c.providerA);
    await norway.goto(`${base}/requests/${requestId}`);
    const seen = await messageIds(norway);
    expect(seen).toEqual([sharedQ, all[2]]);
    expect(await norway.locator('#conversation').textContent()).not.toContain('2025 assessment');
    // The letter belongs to the request, which the state shares with providers its offerings reached.
    expect(await norway.locator('#request-docs li.doc a').textContent()).toBe('letter-fr.pdf');

    // OSCE's offering was not forwarded: it does not see the request at all.
    const osce = await as(c.providerB);
    const res = await osce.goto(`${base}/requests/${requestId}`);
    expect(res?.status()).toBe(404);

    // When the state withdraws its consent, Norway leaves the conversation.
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${requestId}/consent`, key: c.stateA, payload: { consentToShare: false } })).status).toBe(200);
    const again = await norway.goto(`${base}/requests/${requestId}`);
    expect(again?.status()).toBe(404);
  });

  it('CTED finds the answer by searching in another form of the words', async () => {
    const page = await as(c.cted);
    await page.goto(`${base}/messages/search?q=${encodeURIComponent('analyste français')}`);
    expect(await page.locator('#search-results li').count()).toBe(1);
    expect(await page.locator('#search-results li').textContent()).toContain('14 analystes');
  });

  it('the digest arrives the next (simulated) day, in French, with no confidential text, and its link leads to the request', async () => {
    const state = await personForKey(t, c.stateA);
    // A restricted request, with a question to the state: the digest must not even name it.
    const secret = 'Secret FIU vulnerabilities of Senegal';
    const restricted = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: secret, confidentiality: 'restricted' } });
    expect(restricted.status, JSON.stringify(restricted.body)).toBe(202);
    const restrictedId = restricted.body.id as string;
    await t.drain();
    const asked = await t.call({ method: 'POST', url: `/v1/requests/${restrictedId}/messages`, key: c.cted, payload: { visibility: 'shared', body: 'Which reports did the unit receive in 2025?', addressee: 'state' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await t.drain();
    const isDigest = (m: { subject?: string }) => (m.subject ?? '').includes('résumé quotidien');
    // Today the questions wait: no digest was sent, nor a mail of each.
    expect(smtp.mails.filter(isDigest)).toEqual([]);

    // The next day, the worker's job scheduler (as src/runtime.ts sets it, with a period short enough
    // to tick during the test, as tests/integration/job-schedulers.test.ts does) runs the digest job.
    ahead = DAY;
    await t.queue.schedule('digest-daily', 'send-digests', 1000, { frequency: 'daily' });
    const mail = await smtp.next(state.email, 30_000, isDigest);
    expect(mail.headers.get('content-language')).toBe('fr');
    expect(String(mail.html)).toContain('<html lang="fr"');
    expect(mail.subject).toBe('OneDoor : votre résumé quotidien (2)');
    expect(mail.text).toContain('Une question vous a été posée sur la demande « Strengthening our financial intelligence unit ».');
    expect(mail.text).toContain('Une question vous a été posée sur la demande « une demande à diffusion restreinte ».');
    for (const part of [mail.subject, mail.text, String(mail.html)]) {
      expect(part).not.toContain(secret);
      // Messages are never mailed, only that there is one.
      expect(part).not.toContain('How many analysts');
      expect(part).not.toContain('Which reports');
    }
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const link = linkIn(mail, base);
    expect(link).toBe(`/requests/${requestId}#msg-${sharedQ}`);

    // Followed from the mail in a browser that is not signed in: sign in, then the request.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${base}${link}`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.locator('#f-email').fill(state.email);
    await page.locator('#f-password').fill(state.password);
    await Promise.all([page.waitForURL((u) => u.pathname === `/requests/${requestId}`), page.locator('form[action="/sign-in"] button[type=submit]').click()]);
    expect(await page.locator('h1').textContent()).toContain('Strengthening our financial intelligence unit');
    expect(await page.locator(`#msg-${sharedQ}`).count()).toBe(1);
    // One digest per day: the scheduler ticking again that day sends nothing more.
    expect(await t.services.notifications.sendDigests('daily')).toBe(0);
    expect(smtp.mails.filter(isDigest)).toHaveLength(1);
  });
});
