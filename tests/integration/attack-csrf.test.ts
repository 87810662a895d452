import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';
import { multipart } from '../helpers/zip.js';

const Z = '00000000-0000-4000-8000-000000000000';
describe('attack: CSRF on every web form', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('refuses a signed-in browser\'s post without its token, or with another session\'s', async () => {
    const spec = (await t.call({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, unknown>> };
    const posts = Object.entries(spec.paths).filter(([p, ops]) => 'post' in ops && !p.startsWith('/v1')).map(([p]) => p.replace(/\{(\w+)\}/g, (_m, n: string) => (n === 'code' ? 'UNODC' : Z)));
    const failures: string[] = [];
    for (const key of [c.admin, c.stateA, c.providerA, c.cted, c.unodc]) {
      const s = await webSession(t, key);
      const other = await webSession(t, key === c.stateA ? c.stateB : c.stateA);
      const otherToken = /name="_csrf" value="([^"]+)"/.exec((await other.get('/account')).html)?.[1] ?? '';
      expect(otherToken).not.toBe('');
      for (const url of posts) {
        for (const token of [undefined, otherToken, '']) {
          const body = new URLSearchParams({ title: 'x', ...(token !== undefined ? { _csrf: token } : {}) }).toString();
          const res = await t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
          if (res.statusCode !== 403) failures.push(`${url} token=${token === undefined ? 'none' : token ? 'other' : 'empty'} -> ${res.statusCode}`);
          const json = await t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) }, payload: '{}' });
          if (json.statusCode !== 403 && json.statusCode !== 415) failures.push(`${url} json token=${token ? 'other' : 'none'} -> ${json.statusCode}`);
          const { payload, headers } = multipart({ purpose: 'request_letter', ...(token ? { _csrf: token } : {}) }, [{ name: 'a.csv', data: Buffer.from('a,b\n1,2\n') }]);
          const mp = await t.app.inject({ method: 'POST', url, headers: { ...headers, cookie: s.cookie, ...(token ? { 'x-csrf-token': token } : {}) }, payload });
          if (mp.statusCode !== 403 && mp.statusCode !== 415) failures.push(`${url} multipart token=${token ? 'other' : 'none'} -> ${mp.statusCode}`);
        }
      }
    }
    expect([...new Set(failures)]).toEqual([]);
  }, 300_000);
});
