import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson } from '../helpers/web-session.js';
import type { TestApp } from '../helpers/test-app.js';
import { launchBrowser, startServer } from './browser.js';

describe('the second factor in Chromium', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    contexts.push(ctx);
    return ctx.newPage();
  }

  /** Signs in with e-mail and password through the form; the page is left where the server sends it. */
  async function passwordSignIn(page: Page, who: { email: string; password: string }) {
    await page.goto(`${base}/sign-in`);
    await page.locator('#f-email').fill(who.email);
    await page.locator('#f-password').fill(who.password);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in'), page.locator('form[action^="/sign-in"] button[type=submit]').first().click()]);
  }

  async function signOut(page: Page) {
    await Promise.all([page.waitForURL((u) => u.pathname === '/' || u.pathname === '/sign-in'), page.locator('form[action="/sign-out"] button').first().click()]);
  }

  beforeAll(async () => {
    ({ t, base } = await startServer());
    // Passkeys are bound to a host name: WebAuthn refuses an IP address as relying party.
    base = base.replace('127.0.0.1', 'localhost');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('a CTED analyst must add a passkey before anything else, then signs in with it', async () => {
    const analyst = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    const page = await newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });

    await passwordSignIn(page, analyst);
    expect(new URL(page.url()).pathname).toBe('/account/security');
    await expect(page.locator('#factor-required').textContent()).resolves.toContain('requires a second factor');
    // Half signed-in: every other page sends the analyst back.
    await page.goto(`${base}/review`);
    expect(new URL(page.url()).pathname).toMatch(/^\/(account\/security|sign-in\/second-factor)$/);
    await page.goto(`${base}/account/security`);

    await page.locator('#f-name').fill('Office laptop');
    await Promise.all([page.waitForSelector('#recovery-codes'), page.locator('#passkey-add button[type=submit]').click()]);
    const codes = await page.locator('#recovery-codes code').allTextContents();
    expect(codes).toHaveLength(10);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    await page.locator('#codes-saved').click();
    await page.goto(`${base}/account/security`);
    await expect(page.locator('#passkey-list').textContent()).resolves.toContain('Office laptop');
    await page.goto(`${base}/review`);
    expect(new URL(page.url()).pathname).toBe('/review');

    await signOut(page);
    await passwordSignIn(page, analyst);
    expect(new URL(page.url()).pathname).toBe('/sign-in/second-factor');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('#passkey-signin button[type=submit]').click()]);
    const after = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0];
    expect(after.signCount).toBeGreaterThan(credentials[0].signCount);
    await page.goto(`${base}/review`);
    expect(new URL(page.url()).pathname).toBe('/review');
  });

  it('an entity desk officer adds an authenticator app from its QR code key and signs in with a code', async () => {
    const officer = await createPerson(t, { kind: 'entity', binding: { entity: 'UNODC' }, role: 'focal_point' });
    const page = await newPage();
    await passwordSignIn(page, officer);
    expect(new URL(page.url()).pathname).toBe('/account/security');
    await Promise.all([page.waitForSelector('#totp-qr svg'), page.locator('form[action="/account/security/totp"] button').click()]);
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s+/g, '');
    expect(await page.locator('#totp-uri').getAttribute('href')).toContain(`secret=${secret}`);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const used = totp.generate();
    await page.locator('#f-code').fill(used);
    await Promise.all([page.waitForSelector('#recovery-codes'), page.locator('form[action="/account/security/totp/confirm"] button').click()]);
    await page.locator('#codes-saved').click();

    await signOut(page);
    await passwordSignIn(page, officer);
    expect(new URL(page.url()).pathname).toBe('/sign-in/second-factor');
    // The code used to confirm is refused (a replay); the next step's code is within the window.
    await page.locator('#f-code').fill(used);
    await Promise.all([page.waitForLoadState(), page.locator('#totp-signin button').click()]);
    expect(new URL(page.url()).pathname).toBe('/sign-in/second-factor');
    await page.locator('#f-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('#totp-signin button').click()]);
    await page.goto(`${base}/entity`);
    expect(new URL(page.url()).pathname).toBe('/entity');
  });
});
