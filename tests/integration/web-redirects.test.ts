import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

// The attack run's spellings (issue 11, item 6) through the real routes.
const HOSTILE = [
  '/.//evil.example', '/..//evil.example', '/%2e%2e//evil.example', '/a/../..//evil.example', '//evil.example',
  '/\\evil.example', '/%5cevil.example', '/%2f%2fevil.example', 'https://evil.example', '/%09/evil.example',
];

describe('return addresses of the web interface', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it.each(HOSTILE)('the language switch never sends a browser off-site for next=%j', async (next) => {
    const res = await t.call({ method: 'GET', url: `/language/fr?next=${encodeURIComponent(next)}` });
    expect(res.status).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/(?![/\\])/);
    expect(new URL(location, 'https://onedoor.example/').origin).toBe('https://onedoor.example');
  });

  it('the language switch returns to the page it came from, without the lang parameter', async () => {
    const res = await t.call({ method: 'GET', url: `/language/fr?next=${encodeURIComponent('/directory?lang=en&q=fiu')}` });
    expect(res.headers.location).toBe('/directory?q=fiu');
  });

  it.each(HOSTILE)('the sign-in form keeps only a local next=%j', async (next) => {
    const res = await t.call({ method: 'GET', url: `/sign-in?next=${encodeURIComponent(next)}` });
    expect(res.status).toBe(200);
    const value = /name="next" value="([^"]*)"/.exec(String(res.body))?.[1] ?? '';
    expect(value === '' || /^\/(?![/\\])/.test(value)).toBe(true);
    expect(new URL(value || '/', 'https://onedoor.example/').origin).toBe('https://onedoor.example');
    // What the form posts back is already the normalised path: no dot segments left to resolve.
    expect(value).not.toMatch(/\/\.{1,2}(\/|$)|%2e/i);
  });
});
