import type { TestApp } from './test-app.js';

/** A signed-in browser without a browser: the session cookie and the CSRF token of its pages. */
export interface WebSession {
  cookie: string;
  /** GET a page (optionally in a language) and return status and HTML. */
  get(url: string, lang?: string): Promise<{ status: number; html: string; headers: Record<string, unknown> }>;
  /** POST a form (urlencoded) with the session's CSRF token. */
  post(url: string, form: Record<string, string | string[]>, lang?: string): Promise<{ status: number; html: string; headers: Record<string, unknown> }>;
  /** POST a raw body (as upload.js does) with the CSRF token in a header. */
  postRaw(url: string, body: string, contentType: string, lang?: string): Promise<{ status: number; body: any }>;
}

const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in through the web form with an API key, over app.inject. */
export async function webSession(t: TestApp, key: string): Promise<WebSession> {
  const form = await t.app.inject({ method: 'GET', url: '/sign-in' });
  const pre = cookiesOf(form.headers['set-cookie']).join('; ');
  const res = await t.app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ key, _csrf: csrfOf(form.body) }).toString(),
  });
  const session = cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_session='));
  if (!session) throw new Error(`sign-in failed: ${res.statusCode}`);
  const langCookie = (lang?: string) => (lang ? `; od_lang=${lang}` : '');
  let csrf = '';
  const s: WebSession = {
    cookie: session,
    async get(url, lang) {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: session + langCookie(lang) } });
      csrf = csrfOf(r.body) || csrf;
      return { status: r.statusCode, html: r.body, headers: r.headers as Record<string, unknown> };
    },
    async post(url, form, lang) {
      if (!csrf) await s.get('/');
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      body.set('_csrf', csrf);
      const r = await t.app.inject({ method: 'POST', url, headers: { cookie: session + langCookie(lang), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
      return { status: r.statusCode, html: r.body, headers: r.headers as Record<string, unknown> };
    },
    async postRaw(url, body, contentType, lang) {
      if (!csrf) await s.get('/');
      const r = await t.app.inject({ method: 'POST', url, headers: { cookie: session + langCookie(lang), 'content-type': contentType, accept: 'application/json', 'x-csrf-token': csrf }, payload: body });
      let parsed: unknown = r.body;
      try { parsed = r.json(); } catch { /* page */ }
      return { status: r.statusCode, body: parsed };
    },
  };
  return s;
}
