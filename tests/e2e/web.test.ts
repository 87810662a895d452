import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { personForKey } from '../helpers/web-session.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

const GOOD_CSV = [
  'title,description,languages,modalities,regions,externalRef',
  '"FIU analyst training on terrorist financing","Two-week training for financial intelligence unit analysts on suspicious transaction reports, terrorist financing typologies and AML/CFT supervision, with follow-up mentoring.",en;fr,training;mentoring,202,fiu-1',
  '"Formation des analystes des cellules de renseignement financier","Formation de deux semaines pour les analystes des cellules de renseignement financier : déclarations d’opérations suspectes, typologies du financement du terrorisme, lignes directrices LBC/FT, puis mentorat.",fr,training;mentoring,,fiu-fr-1',
  '"Border management and travel document examination","Workshops for border police on passenger screening, API/PNR and the examination of fraudulent travel documents at airports and land crossings.",en;fr;ar,workshop;training,,border-1',
].join('\n');

const BAD_CSV = [
  'title,description,languages,modalities',
  '"A valid offering title","A valid description long enough to pass the checks.",en,training',
  'ab,"too short title on this row",xx,training',
  '"Third row","",en,teleportation',
].join('\n');

const FRENCH_REQUEST = {
  title: 'Renforcer notre cellule de renseignement financier',
  description: 'Notre cellule de renseignement financier reçoit peu de déclarations d’opérations suspectes des banques. Nous demandons une formation des analystes de la CRF sur les typologies du financement du terrorisme et un appui pour rédiger des lignes directrices LBC/FT.',
};

describe('the web interface in Chromium over the real server', { timeout: 120_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let requestId = '';

  /** A fresh browser profile (own cookies), in a window the size of a modest laptop. */
  async function newPage(lang?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    if (lang) await page.goto(`${base}/language/${lang}?next=/`);
    return page;
  }

  beforeAll(async () => {
    // Every proposal waits for CTED, so the review queue has something to approve.
    ({ t, base } = await startServer({ AUTO_ROUTE_CONFIDENCE: '1' }));
    c = await castOf(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('a provider uploads a CSV: per-row problems first, then an import with progress', async () => {
    const page = await newPage();
    await signIn(page, base, c.providerA);
    expect(new URL(page.url()).pathname).toBe('/offerings');
    await page.goto(`${base}/offerings/upload`);
    await shot(page, 'offerings-upload');

    await page.locator('#f-file').setInputFiles({ name: 'offerings.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    await page.locator('#upload-form button[type=submit]').click();
    const errors = page.locator('#upload-errors tbody tr');
    await errors.first().waitFor();
    const rows = await errors.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { cells: { textContent: string }[] }).cells[0].textContent));
    // Spreadsheet lines: the header is line 1, so data rows 2 and 3 are lines 3 and 4.
    expect(rows).toEqual(expect.arrayContaining(['3', '4']));
    expect(rows).not.toContain('2');
    await shot(page, 'offerings-upload-errors');

    await page.locator('#f-file').setInputFiles({ name: 'offerings.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await page.locator('#upload-form button[type=submit]').click();
    await expect.poll(() => page.locator('#upload-done').textContent(), { timeout: 20_000 }).toMatch(/3 created/);
    expect(await page.locator('#upload-bar').getAttribute('value')).toBe('100');

    await page.goto(`${base}/offerings`);
    expect(await page.locator('table.data tbody tr').count()).toBe(3);
    await page.locator('table.data tbody tr').first().locator('button').click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Confirmed');
    await shot(page, 'offerings-list');
    await t.drain();
  });

  it('a state files a request in French, with validation next to the fields, and sees its matches explained', async () => {
    const page = await newPage('fr');
    await signIn(page, base, c.stateA);
    await page.goto(`${base}/requests/new`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').textContent()).toBe('Déposer une demande d’assistance technique');
    // Thematic areas are offered in French.
    expect(await page.locator('label[for="f-thematicAreas-terrorist_financing"]').textContent()).toContain('Lutte contre le financement du terrorisme');

    await page.locator('#f-title').fill('ab');
    await page.locator('form[action="/requests"] button[type=submit]').click();
    await page.waitForLoadState();
    expect(await page.locator('#f-title-error').textContent()).toContain('au moins 3 caractères');
    expect(await page.locator('#f-description-error').textContent()).toContain('obligatoire');
    expect(await page.locator('#f-title').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'request-new-validation-fr');

    await page.locator('#f-title').fill(FRENCH_REQUEST.title);
    await page.locator('#f-description').fill(FRENCH_REQUEST.description);
    await page.locator('#f-modalities-training').check();
    await page.locator('#f-urgency-high').check();
    await Promise.all([page.waitForURL(/\/requests\/[0-9a-f-]{36}/), page.locator('form[action="/requests"] button[type=submit]').click()]);
    requestId = new URL(page.url()).pathname.split('/')[2];
    expect(await page.locator('main > .notice').textContent()).toContain('Votre demande a été déposée');

    await t.drain();
    await page.reload();
    expect(await page.locator('.badge').first().textContent()).toBe('En examen par la DECT');
    const matches = page.locator('article.match');
    expect(await matches.count()).toBeGreaterThanOrEqual(1);
    const first = matches.first();
    expect(await first.textContent()).toContain('Adéquation globale');
    expect(await first.locator('.explain li[data-component="thematic"]').textContent()).toContain('Adéquation thématique');
    expect(await first.locator('.explain .bar-fill').count()).toBeGreaterThanOrEqual(3);
    await shot(page, 'request-matches-fr');

    await page.goto(`${base}/requests`);
    expect(await page.locator(`a[href="/requests/${requestId}"]`).textContent()).toBe(FRENCH_REQUEST.title);
  });

  it('CTED approves a proposal from the review queue, the entity forwards it, the provider accepts', async () => {
    const page = await newPage();
    await signIn(page, base, c.cted);
    expect(new URL(page.url()).pathname).toBe('/review');
    const row = page.locator('#review-form tbody tr', { hasText: FRENCH_REQUEST.title }).first();
    await row.waitFor();
    await shot(page, 'review-queue');
    await row.locator('input.row-select').check();
    await Promise.all([page.waitForURL(/\/review\?/), page.locator('#review-form button[name=decision][value=approve]').click()]);
    expect(await page.locator('.notice').textContent()).toContain('1 decided');

    const view = await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted });
    expect(view.body.status).toBe('routed');
    const entity = view.body.routing.entity as string;
    const approved = view.body.matches.find((m: { status: string }) => m.status === 'approved');
    expect(approved).toBeTruthy();

    // The routed entity forwards the approved match to its provider.
    const entityKey = await t.key({ role: 'entity', entity: entity });
    const ep = await newPage();
    await signIn(ep, base, entityKey);
    expect(new URL(ep.url()).pathname).toBe('/entity');
    const card = ep.locator('article', { hasText: FRENCH_REQUEST.title });
    await shot(ep, 'entity-queue');
    await Promise.all([ep.waitForURL(/done=1/), card.locator('form input[name=action][value=forward] ~ button').first().click()]);

    // The provider that owns the offering accepts it from the inbox.
    const owner = approved.providerId === c.providerAId ? c.providerA : await t.key({ role: 'provider', providerId: approved.providerId });
    const pp = await newPage();
    await signIn(pp, base, owner);
    await pp.goto(`${base}/inbox`);
    const item = pp.locator('article', { hasText: FRENCH_REQUEST.title });
    await shot(pp, 'provider-inbox');
    await Promise.all([pp.waitForURL(/done=1/), item.locator('form input[name=decision][value=accept] ~ button').click()]);
    expect((await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted })).body.status).toBe('accepted');
  });

  it('the state completes the delivered request with its feedback', async () => {
    const start = await t.call({ method: 'POST', url: `/v1/requests/${requestId}/start-delivery`, key: c.cted });
    expect(start.status).toBe(200);
    const page = await newPage('fr');
    await signIn(page, base, c.stateA);
    await page.goto(`${base}/requests/${requestId}`);
    await page.locator('#f-outcome-met').check();
    await page.locator('#f-comment').fill('Analystes formés.');
    await Promise.all([page.waitForURL(/completed=1/), page.locator('form[action$="/feedback"] button').click()]);
    expect(await page.locator('.badge').first().textContent()).toBe('Terminée');
  });

  it('renders the Arabic interface right to left and remembers the choice', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await shot(page, 'home-en');
    await page.locator('.lang-list a[lang=ar]').click();
    await page.waitForLoadState();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.evaluate('getComputedStyle(document.body).direction')).toBe('rtl');
    expect(await page.locator('h1').textContent()).toBe('مرحبًا بكم في OneDoor');
    await page.goto(`${base}/directory`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('h1').textContent()).toBe('دليل العروض');
    // Eligibility names the M49 region in Arabic (the CSV offering is limited to 202), not its code.
    const facts = (await page.locator('ol.results dl.facts').allTextContents()).join(' ');
    expect(facts).toContain('أفريقيا جنوب الصحراء الكبرى');
    expect(facts).not.toMatch(/\b202\b/);
    await shot(page, 'directory-ar');
  });

  it('lets anyone search the directory without signing in', async () => {
    const page = await newPage();
    await page.goto(`${base}/directory?q=${encodeURIComponent('border documents')}`);
    expect(await page.locator('ol.results > li').first().textContent()).toContain('Border management');
    await page.locator('#f-q').fill('');
    await page.locator('#f-language').selectOption('ar');
    await page.locator('form[role=search] button').click();
    await page.waitForLoadState();
    expect(await page.locator('ol.results > li').count()).toBe(1);
    await shot(page, 'directory');
  });

  it('CTED previews and imports needs, then sees the matrix and the gap charts', async () => {
    const page = await newPage();
    await signIn(page, base, c.cted);
    await page.goto(`${base}/needs`);
    const csv = 'memberState,description,priority,thematicArea,needId\nSEN,Strengthen the financial intelligence unit and STR reporting,high,terrorist_financing,n-1\nKEN,Border control at land crossings with document examination,medium,travel_documents_border,n-2\nXXX,Unknown state here,urgent,,n-3';
    await page.locator('#f-csv').fill(csv);
    await page.locator('#needs-form button').click();
    await page.waitForLoadState();
    expect(await page.locator('#needs-preview tbody tr.row-error').count()).toBe(1);
    expect(await page.locator('form[action="/needs/import"]').count()).toBe(0);
    await page.locator('#f-csv').fill(csv.split('\n').slice(0, 3).join('\n'));
    await page.locator('#needs-form button').click();
    await page.waitForLoadState();
    await shot(page, 'needs-import-preview');
    await Promise.all([page.waitForURL(/created=2/), page.locator('form[action="/needs/import"] button').click()]);
    expect(await page.locator('.notice').textContent()).toContain('2 created');
    expect(await page.locator('#needs-matrix tbody tr').count()).toBe(2);
    await shot(page, 'needs-matrix');

    await page.goto(`${base}/analytics`);
    await expect.poll(() => page.evaluate('typeof window.Chart')).toBe('function');
    expect(await page.locator('#chart-area').boundingBox()).toBeTruthy();
    await shot(page, 'analytics');
  });

  it('renders a stored <script> in a title as text', async () => {
    const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: evil, description: 'A request whose title tries to inject markup into the page.' } });
    expect(filed.status).toBe(202);
    const page = await newPage();
    await signIn(page, base, c.stateA);
    await page.goto(`${base}/requests/${filed.body.id}`);
    expect(await page.locator('h1').textContent()).toBe(evil);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    await page.goto(`${base}/requests`);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    const html = await (await fetch(`${base}/requests/${filed.body.id}`, { headers: { cookie: (await page.context().cookies()).map((k) => `${k.name}=${k.value}`).join('; ') } })).text();
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).not.toContain('<script>window.__pwned');
  });
});

describe('web sessions and forms (no browser)', { timeout: 60_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  beforeAll(async () => {
    ({ t, base } = await startServer());
    c = await castOf(t);
  });
  afterAll(async () => { await t?.close(); });

  const cookiesOf = (res: Response) => res.headers.getSetCookie().map((s) => s.split(';')[0]).join('; ');
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('signs a person in by e-mail and password into an HttpOnly SameSite cookie holding only a random token, checks CSRF on every POST, and signs out on the server', async () => {
    const person = await personForKey(t, c.stateA);
    const form = await fetch(`${base}/sign-in`);
    const pre = cookiesOf(form);
    const token = csrfOf(await form.text());
    expect(token).not.toBe('');
    const post = (body: Record<string, string>, cookie = pre) => fetch(`${base}/sign-in`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

    expect((await post({ email: person.email, password: person.password })).status).toBe(403); // no CSRF token
    expect((await post({ email: person.email, password: 'not the password at all, sorry', _csrf: token })).status).toBe(401);
    // API keys are for machines: the form takes none.
    const byKey = await post({ key: c.stateA, _csrf: token });
    expect(byKey.status).toBe(400);
    expect(byKey.headers.getSetCookie().some((x) => x.startsWith('od_session='))).toBe(false);

    const ok = await post({ email: person.email.toUpperCase(), password: person.password, _csrf: token });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/requests');
    const setCookie = ok.headers.getSetCookie().find((s) => s.startsWith('od_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const session = setCookie.split(';')[0];
    const value = session.slice('od_session='.length);
    expect(value).toMatch(/^[\w-]{43}$/);
    // Only the token's SHA-256 is stored.
    const stored = await t.db.query<{ token_hash: string }>('select token_hash from web_sessions', []);
    expect(stored.map((r) => r.token_hash)).toContain(createHash('sha256').update(value).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(value);

    const list = await fetch(`${base}/requests`, { headers: { cookie: session } });
    expect(list.status).toBe(200);
    const sessionToken = csrfOf(await list.text());

    // A POST with the pre-session token, or none, is refused.
    const forged = await fetch(`${base}/requests`, { method: 'POST', redirect: 'manual', headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ title: 'Forged', description: 'A forged cross-site submission.', _csrf: token }) });
    expect(forged.status).toBe(403);
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })).body.items).toHaveLength(0);

    // A tampered cookie is no session.
    const tampered = `${session.slice(0, -4)}AAAA`;
    const bounced = await fetch(`${base}/requests`, { redirect: 'manual', headers: { cookie: tampered } });
    expect(bounced.status).toBe(303);
    expect(bounced.headers.get('location')).toBe('/sign-in?next=%2Frequests');

    const out = await fetch(`${base}/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: sessionToken }) });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((s) => s.startsWith('od_session='))).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    // The same cookie, kept by a copy of the browser, is no session any more.
    const copied = await fetch(`${base}/requests`, { redirect: 'manual', headers: { cookie: session } });
    expect(copied.status).toBe(303);
  });

  it('keeps form bodies out of the API: /v1 still answers 415 to a form post', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'title=Hello&description=A+form+post+to+the+API' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('serves the static assets and chart.js, and role-guards pages', async () => {
    expect((await fetch(`${base}/static/app.css`)).status).toBe(200);
    const chart = await fetch(`${base}/static/chart.umd.js`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toContain('javascript');
    const anon = await fetch(`${base}/review`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    const res = await t.app.inject({ method: 'GET', url: '/review', headers: { cookie: await sessionCookie(t, base, c.stateA) } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('content-type')).toContain('application/json');
  });

  it('picks the language from the cookie, then Accept-Language', async () => {
    const fr = await (await fetch(`${base}/`, { headers: { 'accept-language': 'fr-CH, en;q=0.5' } })).text();
    expect(fr).toContain('<html lang="fr" dir="ltr">');
    const zh = await (await fetch(`${base}/`, { headers: { cookie: 'od_lang=zh', 'accept-language': 'fr' } })).text();
    expect(zh).toContain('<html lang="zh" dir="ltr">');
    const ar = await fetch(`${base}/language/ar?next=/directory`, { redirect: 'manual' });
    expect(ar.headers.get('location')).toBe('/directory');
    expect(ar.headers.getSetCookie().join()).toMatch(/od_lang=ar/);
    const evil = await fetch(`${base}/language/ar?next=//evil.example/`, { redirect: 'manual' });
    expect(evil.headers.get('location')).toBe('/');
  });
});

/** Signs in over HTTP as the person a key's cast stands for and returns the session cookie. */
async function sessionCookie(t: TestApp, base: string, key: string): Promise<string> {
  const person = await personForKey(t, key);
  const form = await fetch(`${base}/sign-in`);
  const pre = form.headers.getSetCookie().map((s) => s.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(`${base}/sign-in`, { method: 'POST', redirect: 'manual', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: person.email, password: person.password, _csrf: token }) });
  return res.headers.getSetCookie().find((s) => s.startsWith('od_session='))!.split(';')[0];
}
