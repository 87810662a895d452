import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession, type WebSession } from '../helpers/web-session.js';

const Z = '00000000-0000-4000-8000-000000000000';
const HOSTILE = [
  '\u0000', 'a\u0000b', '\ud800', '\uffff', '%00', '%FF', "'; drop table requests; --", '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("http://evil.example")', '../../etc/passwd', '__proto__', 'constructor', '-1', '1e309', 'NaN', '99999999999999999999', '2026-13-45',
  'x'.repeat(5000), '\r\nBcc: victim@example.org', ' ', '', 'SEN', 'UNODC', 'approve', 'shared', 'internal', 'terrorist_financing', Z,
];
const FIELDS = [
  'title', 'description', 'language', 'languages', 'modalities', 'urgency', 'confidentiality', 'decision', 'entity', 'note', 'reason', 'matchId', 'action',
  'body', 'visibility', 'addressee', 'answers', 'outcome', 'comment', 'name', 'email', 'role', 'kind', 'q', 'parts', 'consent', 'csv', 'memberState',
  'priority', 'thematicArea', 'thematicAreas', 'areas', 'regions', 'words', 'availableFrom', 'availableUntil', 'budgetAmount', 'budgetCurrency', 'capacity',
  'otherId', 'status', 'code', 'issuer', 'clientId', 'clientSecret', 'domains', 'next', 'lang', 'purpose', 'ids', 'match', 'frequency', 'token', 'password',
];
const QUERY = ['q', 'status', 'stage', 'memberState', 'area', 'entity', 'page', 'cursor', 'format', 'columns', 'lang', 'next', 'sort', 'order', 'region', 'level', 'iso3', 'offset', 'limit', 'urgency', 'kind', 'language', 'from', 'to', 'unread'];
type Role = 'admin' | 'member_state' | 'provider' | 'cted' | 'entity';
const ROLES: Role[] = ['admin', 'member_state', 'provider', 'cted', 'entity'];
/** Forms that end the session the loop uses. */
const SKIP = new Set(['/sign-out', '/account/sign-out-everywhere', '/account/password']);

describe('attack: hostile form fields and query strings on every web page and form', () => {
  let t: TestApp;
  let c: Cast;
  let sessions: Record<Role, WebSession>;
  let ids: string[];
  let spec: { paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    const r = await routedRequestWithProviders(t, c);
    ids = [r.id, r.matchA, Z, 'not-a-uuid', '%00', '..%2f..%2fetc', '1%27%20or%201=1'];
    const keys: Record<Role, string> = { admin: c.admin, member_state: c.stateA, provider: c.providerA, cted: c.cted, entity: c.unodc };
    sessions = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await webSession(t, keys[role])] as const))) as Record<Role, WebSession>;
    spec = (await t.call({ method: 'GET', url: '/docs/json' })).body;
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  const fill = (path: string, id: string) => path.replace(/\{(\w+)\}/g, (_m, n: string) => (n === 'code' ? 'UNODC' : n === 'lang' ? 'fr' : n === 'iso3' ? 'SEN' : n === 'm49' ? '002' : n === 'list' ? 'requests' : n === 'report' ? 'outcomes' : id));
  const value = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
  const form = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), { minKeys: 1, maxKeys: 8 });

  it('answers every form post with a page or a refusal, never a 5xx', async () => {
    const posts = Object.entries(spec.paths).filter(([p, ops]) => 'post' in ops && !p.startsWith('/v1') && !SKIP.has(p)).map(([p]) => p);
    const bodies = fc.sample(form, { numRuns: 3, seed: 42 });
    const failures: string[] = [];
    for (const path of posts) {
      for (const id of ids) {
        const url = fill(path, id);
        for (const role of ROLES) {
          for (const b of bodies) {
            const res = await sessions[role].post(url, b as Record<string, string | string[]>);
            if (res.status >= 500) failures.push(`${role} POST ${url} ${JSON.stringify(b).slice(0, 200)} -> ${res.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('answers every page with hostile query strings with a page or a refusal, never a 5xx', async () => {
    const gets = Object.entries(spec.paths).filter(([p, ops]) => 'get' in ops && !/^\/(v1|docs|static|health|metrics|admin\/queues)(\/|$)/.test(p)).map(([p]) => p);
    const queries = fc.sample(fc.dictionary(fc.constantFrom(...QUERY), fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), { minKeys: 1, maxKeys: 6 }), { numRuns: 3, seed: 7 });
    const failures: string[] = [];
    for (const path of gets) {
      for (const id of ids) {
        for (const q of queries) {
          const qs = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) for (const x of [v].flat()) qs.append(k, x as string);
          const url = `${fill(path, id)}?${qs.toString()}`;
          for (const role of ROLES) {
            const res = await sessions[role].get(url);
            if (res.status >= 500) failures.push(`${role} GET ${url.slice(0, 300)} -> ${res.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
