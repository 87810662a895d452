import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { startOidcProvider, type TestIdp } from '../helpers/oidc-provider.js';
import { ADMIN_KEY, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'Test Admin', userId: null, organisationId: null, memberRole: null };
const LIST = new URL('../fixtures/screening/consolidated.xml', import.meta.url);

/** The invitation link in the newest mail to `to` in the mail folder (quoted-printable decoded), as a path on this server. */
function invitationPath(dir: string, to: string): string | null {
  const files = (() => { try { return readdirSync(join(dir, 'mail')); } catch { return []; } })();
  for (const f of files) {
    const raw = readFileSync(join(dir, 'mail', f), 'utf8');
    if (!new RegExp(`^To: .*${to.replace(/[.@]/g, '\\$&')}`, 'mi').test(raw)) continue;
    const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    const link = /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=[\w%-]+/.exec(text)?.[0];
    if (link) { const u = new URL(link); return u.pathname + u.search; }
  }
  return null;
}

describe('single sign-on and provider self-registration in Chromium', { timeout: 180_000 }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let idp: TestIdp;
  let dataDir: string;
  const contexts: BrowserContext[] = [];

  async function fresh(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    return page;
  }
  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.locator(selector).click()]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'od-sso-e2e-'));
    ({ t, base } = await startServer({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'e2e-encryption-key-0123456789abcdefghij' }));
    browser = await launchBrowser();
    idp = await startOidcProvider({
      clients: [{ clientId: 'onedoor', clientSecret: 'unodc-client-secret-0123456789', redirectUris: [`${base}/sso/callback`] }],
      accounts: { 'ana.analyst': { email: 'ana.analyst@unodc.org', name: 'Ana Analyst' } },
    });
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await idp?.close();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin configures UNODC\'s identity provider, and a UNODC analyst signs in through it', async () => {
    const unodc = await t.services.people.createOrganisation(ADMIN, { kind: 'entity', name: 'UNODC', entity: 'UNODC' });
    const admin = await fresh();
    await signIn(admin, base, ADMIN_KEY);
    await admin.goto(`${base}/admin/sso`);
    expect(await admin.locator('main').textContent()).toContain(`${base}/sso/callback`);
    await admin.locator('#f-organisationId').selectOption(unodc.id);
    await submit(admin, 'form[action="/admin/sso/choose"] button[type=submit]');
    await admin.locator('#f-issuer').fill(idp.issuer);
    await admin.locator('#f-clientId').fill('onedoor');
    await admin.locator('#f-clientSecret').fill('unodc-client-secret-0123456789');
    await admin.locator('#f-allowedDomains').fill('unodc.org');
    // UNODC's identity provider asks its staff for a second factor itself, so OneDoor does not ask again.
    await admin.locator('input[name=idpEnforcesMfa]').check();
    await submit(admin, `form[action="/admin/sso/${unodc.id}"] button[type=submit]`);
    expect(await admin.locator('.notice').textContent()).toContain('The identity provider is saved');
    expect(await admin.locator('table.data tbody tr').first().textContent()).toContain('unodc.org');
    await shot(admin, 'sso-admin');

    const analyst = await fresh();
    await analyst.goto(`${base}/sign-in`);
    await analyst.locator('a[href^="/sign-in/sso"]').first().click();
    await analyst.waitForURL(/\/sign-in\/sso/);
    await analyst.locator('#f-email').fill('ana.analyst@unodc.org');
    // To UNODC's provider (oidc-provider's sign-in form), then back.
    await Promise.all([analyst.waitForURL((u) => u.href.startsWith(idp.issuer)), analyst.locator('form[action="/sign-in/sso"] button[type=submit]').first().click()]);
    await analyst.locator('input[name=login]').fill('ana.analyst');
    await analyst.locator('input[name=password]').fill('anything');
    await Promise.all([analyst.waitForURL((u) => u.href.startsWith(base)), analyst.locator('button[type=submit]').click()]);
    await analyst.waitForLoadState('load');
    expect(new URL(analyst.url()).pathname.startsWith('/sign-in')).toBe(false);
    expect(await analyst.locator('header .who').textContent()).toContain('Ana Analyst');
    await shot(analyst, 'sso-signed-in');

  });

  it('a donor registers itself and is blocked by a screening hit; another is approved and registers an offering', async () => {
    await t.services.screening.loadList(ADMIN, readFileSync(LIST, 'utf8'), { source: 'consolidated.xml' });
    const register = async (name: string, email: string, contact: string) => {
      const page = await fresh();
      await page.goto(`${base}/sign-in`);
      await page.locator('a[href="/register/provider"]').first().click();
      await page.waitForURL(/\/register\/provider/);
      await page.locator('#f-organisationName').fill(name);
      await page.locator('#f-kind').selectOption('ngo');
      await page.locator('#f-country').selectOption('NOR');
      await page.locator('#f-website').fill('https://www.example.org');
      await page.locator('#f-contactName').fill(contact);
      await page.locator('#f-contactEmail').fill(email);
      await submit(page, 'form[action="/register/provider"] button[type=submit]');
      expect(await page.locator('h1').textContent()).toBe('Registration received');
      expect(await page.locator('main').textContent()).toContain(email);
      return page;
    };

    // A form with mistakes says which fields, in the user's language.
    const bad = await fresh();
    await bad.goto(`${base}/register/provider?lang=es`);
    await submit(bad, 'form[action="/register/provider"] button[type=submit]');
    expect(await bad.locator('.error-summary').count()).toBe(1);
    expect(await bad.locator('#f-organisationName-error').textContent()).toBeTruthy();

    await register('Afghan Support Committee', 'asc@example.org', 'Karim Nasser');
    await register('Nordic Peace Fund', 'ingrid@example.no', 'Ingrid Hansen');
    const [asc, npf] = await Promise.all(['Afghan Support Committee', 'Nordic Peace Fund'].map(async (n) => (await t.services.registrations.list()).find((r) => r.name === n)!));

    const admin = await fresh();
    await signIn(admin, base, ADMIN_KEY);
    await admin.goto(`${base}/admin/registrations`);
    expect(await admin.locator('main').textContent()).toContain('Afghan Support Committee');
    await admin.locator(`a[href="/admin/registrations/${asc.organisationId}"]`).click();
    await admin.waitForURL(new RegExp(asc.organisationId));
    await submit(admin, `form[action="/admin/registrations/${asc.organisationId}/approve"] button`);
    // Blocked: the hit is shown with the entry it matched, and the organisation still waits.
    expect(await admin.locator('#screening-blocked').textContent()).toContain('blocked by 1 screening hit');
    const hit = await admin.locator('li.hit').first().textContent();
    expect(hit).toContain('Afghan Support Committee');
    expect(hit).toContain('QDe.069');
    expect(hit).toContain('AFGHAN SUPPORT COMMITTEE');
    expect(await admin.locator('h1 .badge').textContent()).toBe('Waiting for approval');
    await shot(admin, 'registration-blocked');
    // The admin decides on the screening page (the existing decide flow) from the link.
    await admin.locator('li.hit a[href^="/admin/screening"]').click();
    await admin.waitForURL(/\/admin\/screening/);
    expect(await admin.locator('article.hit', { hasText: 'Afghan Support Committee' }).count()).toBe(1);

    await admin.goto(`${base}/admin/registrations/${npf.organisationId}`);
    await submit(admin, `form[action="/admin/registrations/${npf.organisationId}/approve"] button`);
    expect(await admin.locator('.notice').textContent()).toContain('Nordic Peace Fund is active');

    // The approved donor accepts the mailed invitation, sets a password and registers an offering.
    await t.drain();
    let path: string | null = null;
    await expect.poll(() => (path = invitationPath(dataDir, 'ingrid@example.no')), { timeout: 10_000 }).toBeTruthy();
    const donor = await fresh();
    await donor.goto(`${base}${path!}`);
    await donor.locator('#f-name').fill('Ingrid Hansen');
    for (const f of await donor.locator('input[type=password]').all()) await f.fill('a long fjord passphrase 2026');
    await Promise.all([donor.waitForURL((u) => !u.pathname.startsWith('/invitations')), donor.locator('form[action="/invitations/accept"] button[type=submit]').click()]);
    await donor.goto(`${base}/offerings/new`);
    await donor.locator('#f-title').fill('Border security training for customs officers');
    await donor.locator('#f-description').fill('A two-week course for customs and border officers on detecting the cross-border movement of terrorists and their funds, with mentoring.');
    await donor.locator('#f-languages-en').check();
    await donor.locator('#f-modalities-training').check();
    await submit(donor, 'form[action="/offerings"] button[type=submit]');
    expect(await donor.locator('table.data tbody tr', { hasText: 'Border security training' }).count()).toBe(1);

    // The public directory shows it.
    const visitor = await fresh();
    await visitor.goto(`${base}/directory?q=border+security`);
    expect(await visitor.locator('main').textContent()).toContain('Border security training for customs officers');
  });
});
