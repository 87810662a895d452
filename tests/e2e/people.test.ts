import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { ADMIN_KEY, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

const PUBLIC = 'http://onedoor.test';

describe('people in Chromium: an admin invites Mali\'s ministry, its focal point invites a colleague who drafts, the focal point files', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let smtp: SmtpCatcher;
  const contexts: BrowserContext[] = [];

  async function newPage(lang?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    if (lang) await page.goto(`${base}/language/${lang}?next=/`);
    return page;
  }
  /** The mailed link, on this test server (mail links point at PUBLIC_URL). */
  async function mailedLink(to: string): Promise<{ url: string; subject: string }> {
    await t.drain();
    const mail = await smtp.next(to);
    return { url: `${base}${linkIn(mail, PUBLIC)}`, subject: mail.subject ?? '' };
  }
  const submit = (page: Page, action: string) => Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.locator(`form[action="${action}"] button[type=submit]`).click()]);

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    ({ t, base } = await startServer({ SMTP_URL: smtp.url, PUBLIC_URL: PUBLIC }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('runs the whole story, and sign-out in one browser ends the session copied into another', async () => {
    // The admin creates the ministry and invites its first person, in French.
    const admin = await newPage();
    await signIn(admin, base, ADMIN_KEY);
    await admin.goto(`${base}/admin/organisations`);
    await admin.locator('#f-name').fill('Ministère des Affaires étrangères du Mali');
    await admin.locator('#f-kind').selectOption('member_state');
    await admin.locator('#f-memberState').selectOption('MLI');
    await Promise.all([admin.waitForURL(/\/admin\/organisations\/[0-9a-f-]{36}/), admin.locator('form[action="/admin/organisations"] button[type=submit]').click()]);
    await admin.locator('#f-email').fill('aminata@diplomatie.ml');
    await admin.locator('#f-role').selectOption('focal_point');
    await admin.locator('#f-language').selectOption('fr');
    await Promise.all([admin.waitForURL(/invited=/), admin.locator('form[action$="/invitations"] button[type=submit]').click()]);
    expect(await admin.locator('main .notice').textContent()).toContain('aminata@diplomatie.ml');

    // The focal point follows the mailed link, sets her name and password, and is signed in.
    const invitation = await mailedLink('aminata@diplomatie.ml');
    expect(invitation.subject).toBe('Votre invitation à OneDoor pour Ministère des Affaires étrangères du Mali');
    const focal = await newPage('fr');
    await focal.goto(invitation.url);
    expect(await focal.locator('h1').textContent()).toBe('Rejoindre Ministère des Affaires étrangères du Mali');
    await focal.locator('#f-name').fill('Aminata Traoré');
    await focal.locator('#f-password').fill('court');
    await submit(focal, '/invitations/accept');
    expect(await focal.locator('#f-password-error').textContent()).toContain('Il faut au moins 15 caractères');
    await focal.locator('#f-name').fill('Aminata Traoré');
    await focal.locator('#f-password').fill('le fleuve Niger coule vers Tombouctou');
    await Promise.all([focal.waitForURL(`${base}/requests`), focal.locator('form[action="/invitations/accept"] button[type=submit]').click()]);
    expect(await focal.locator('header .who span').textContent()).toContain('Aminata Traoré');
    await shot(focal, 'people-accepted-fr');

    // She invites a colleague as a contributor.
    await focal.goto(`${base}/organisation`);
    await focal.locator('#f-email').fill('moussa@diplomatie.ml');
    await focal.locator('#f-role').selectOption('contributor');
    await focal.locator('#f-language').selectOption('en');
    await Promise.all([focal.waitForURL(/invited=/), focal.locator('form[action="/organisation/invitations"] button[type=submit]').click()]);
    const second = await mailedLink('moussa@diplomatie.ml');
    expect(second.subject).toBe('Your invitation to OneDoor for Ministère des Affaires étrangères du Mali');
    const colleague = await newPage();
    await colleague.goto(second.url);
    await colleague.locator('#f-name').fill('Moussa Keita');
    await colleague.locator('#f-password').fill('the harmattan blows in from the desert');
    await Promise.all([colleague.waitForURL(`${base}/requests`), colleague.locator('form[action="/invitations/accept"] button[type=submit]').click()]);

    // The contributor drafts a request: it is kept as a draft, not filed.
    await colleague.goto(`${base}/requests/new`);
    await colleague.locator('#f-title').fill('Training for border police on traveller screening');
    await colleague.locator('#f-description').fill('Our border police ask for training on API/PNR screening of travellers at Bamako airport and at land crossings.');
    await colleague.locator('#f-modalities-training').check();
    await Promise.all([colleague.waitForURL(/\/requests\/drafts\?saved/), colleague.locator('form[action="/requests"] button[type=submit]').click()]);
    expect(await colleague.locator('main > .notice').textContent()).toContain('saved as a draft');
    expect(await t.db.query('select id from requests', [])).toHaveLength(0);

    // The focal point files it.
    await focal.goto(`${base}/requests/drafts`);
    await Promise.all([focal.waitForURL(/\/requests\/drafts\/[0-9a-f-]{36}$/), focal.locator('a', { hasText: 'Training for border police' }).click()]);
    expect(await focal.locator('main').textContent()).toContain('Moussa Keita');
    await Promise.all([focal.waitForURL(/\/requests\/[0-9a-f-]{36}\?filed=1/), focal.locator('form[action$="/file"] button[type=submit]').click()]);
    const [filed] = await t.db.query<{ member_state: string; title: string }>('select member_state, title from requests', []);
    expect(filed).toEqual({ member_state: 'MLI', title: 'Training for border police on traveller screening' });
    const [audit] = await t.db.query<{ actor_label: string }>("select actor_label from audit_events where action = 'request.submit'", []);
    expect(audit.actor_label).toBe('Aminata Traoré');

    // Her cookie copied into another browser works, until she signs out in the first one.
    const copy = await newPage();
    await copy.context().addCookies(await focal.context().cookies());
    await copy.goto(`${base}/requests`);
    expect(new URL(copy.url()).pathname).toBe('/requests');
    await Promise.all([focal.waitForURL(/signedOut/), focal.locator('form[action="/sign-out"] button[type=submit]').click()]);
    await copy.goto(`${base}/requests`);
    expect(new URL(copy.url()).pathname).toBe('/sign-in');
  });
});
