import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { passSecondFactor, personForKey } from '../helpers/web-session.js';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * The real app listening on a free port, with the workers running: PostgreSQL and the in-process queue
 * (ONEDOOR_E2E_DB=pglite runs it over the embedded PGlite that `npm start` uses without DATABASE_URL).
 * `port` fixes the port (so PUBLIC_URL, and the links mailed, can name it); `now` is the app's clock.
 */
export async function startServer(env: Record<string, string> = {}, opts: { port?: number; now?: () => number } = {}): Promise<{ t: TestApp; base: string }> {
  const t = await buildTestApp({ db: process.env.ONEDOOR_E2E_DB === 'pglite' ? 'pglite' : 'postgres', env, now: opts.now });
  if (!t.app.hasRoute({ method: 'GET', url: '/sign-in' })) {
    await t.close();
    throw new Error('The web interface is not registered: src/app.ts must `await app.register(webPlugin)` after the API routes.');
  }
  await t.startWorkers();
  await t.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  servers.set(base, t);
  return { t, base };
}

/** The app behind each base URL startServer gave, so signIn can make the person a key stands for. */
const servers = new Map<string, TestApp>();

/** Screenshots go to docs/screenshots when ONEDOOR_SCREENSHOTS=1 (run by hand; see docs/screenshots/README.md). */
export const SCREENSHOTS = process.env.ONEDOOR_SCREENSHOTS === '1';
const SHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export async function shot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Signs in through the form as the person an API key's cast stands for (found or made in the server's
 * database: an organisation of the key's role and binding, a focal point named as the key's label).
 */
export async function signIn(page: Page, base: string, key: string): Promise<void> {
  const t = servers.get(base);
  if (!t) throw new Error('signIn: base is not a server startServer started');
  await signInAs(page, base, await personForKey(t, key));
}

/** Signs in through the form with e-mail and password. */
export async function signInAs(page: Page, base: string, person: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.locator('#f-email').fill(person.email);
  await page.locator('#f-password').fill(person.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in'), page.locator('form[action="/sign-in"] button[type=submit]').click()]);
  // A person whose organisation requires a second factor: stand for it (tests/e2e/factors.test.ts drives the real one).
  const at = new URL(page.url());
  if (at.pathname === '/sign-in/second-factor' || at.pathname === '/account/security') {
    const t = servers.get(base);
    const token = (await page.context().cookies(base)).find((c) => c.name === 'od_session')?.value;
    if (!t || !token) throw new Error('signInAs: no server or session for the second factor');
    await passSecondFactor(t, token);
    const next = at.searchParams.get('next');
    await page.goto(`${base}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  }
}
