import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReadStream } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isConnectionError, RateLimitedError, unstorableText } from '../errors.js';
import type { Principal } from '../plugins/auth.plugin.js';
import type { SessionView } from '../modules/people/people.service.js';
import { resolveSessionSecret } from '../modules/common/secrets.js';
import { sendPage, WebError, type WebContext } from './context.js';
import { detailText } from './forms.js';
import { talkErrorText } from './talk.view.js';
import { AttachmentRefusal } from '../modules/attachments/file-inspect.js';
import { html } from './html.js';
import { fromAcceptLanguage, i18n, isUiLang, type MessageKey, type UiLang } from './i18n/index.js';
import { page } from './layout.js';
import { enginePages } from './components/engine-view.js';
import { analyticsPages } from './pages/analytics.pages.js';
import { directoryPages } from './pages/directory.pages.js';
import { entityPages } from './pages/entities.pages.js';
import { exportPages } from './pages/exports.pages.js';
import { profilePages } from './pages/profiles.pages.js';
import { publishingPages } from './pages/publishing.pages.js';
import { homePages } from './pages/home.pages.js';
import { lifecyclePages } from './pages/lifecycle.pages.js';
import { needsPages } from './pages/needs.pages.js';
import { offeringPages } from './pages/offerings.pages.js';
import { requestPages } from './pages/requests.pages.js';
import { reviewPages } from './pages/review.pages.js';
import { screeningPages } from './pages/screening.pages.js';
import { ssoPages } from './pages/sso.pages.js';
import { talkPages } from './pages/talk.pages.js';
import { factorPages } from './pages/factors.pages.js';
import { notifyPages, unreadCountHook } from './pages/notify.pages.js';
import { peoplePages } from './pages/people.pages.js';
import { adminPeoplePages } from './pages/admin-people.pages.js';
import { adminMailPages } from './pages/admin-mail.pages.js';
import { createCsrf, LANG_COOKIE, newPreSession, PRE_SESSION_COOKIE, SESSION_COOKIE, type Csrf } from './session.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
const YEAR_S = 365 * 24 * 3600;

export interface WebDeps { csrf: Csrf }

/** The state or entity a key stands for, by its name in the page's language (the header says "Mali", not "MLI"). */
async function boundNameOf(app: FastifyInstance, p: { memberState: string | null; entity: string | null }, lang: UiLang): Promise<string | undefined> {
  if (!p.memberState && !p.entity) return undefined;
  const ref = await app.services.reference.get();
  if (p.memberState) return ref.stateByIso3.get(p.memberState)?.names[lang] ?? p.memberState;
  return ref.entityByCode.get(p.entity!)?.names[lang] ?? p.entity!;
}
const SESSION = Symbol('webSession');
/** What the onRequest hook found in the session cookie, for the preHandler. */
type WithSession = FastifyRequest & { [SESSION]?: { principal: Principal | null; view: SessionView; token: string } };

/**
 * What a half signed-in session (a second factor still owed) may reach: the second-factor and security
 * pages (src/modules/factors' own), sign-out, and what every page needs (static files, the language switch).
 */
const HALF_SIGNED_IN_PATHS = /^\/(?:sign-in\/second-factor|account\/security|sign-out|static\/|language\/)/;

/** Cookie options shared by every cookie the web interface sets. */
export const cookieOptions = (req: FastifyRequest, maxAge?: number) => ({
  path: '/', httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https', ...(maxAge ? { maxAge } : {}),
});

const LANG_COOKIE_RE = new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=([a-z]{2})(?:;|$)`);

function pickLang(req: FastifyRequest): { lang: UiLang; fromQuery: boolean } {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isUiLang(q)) return { lang: q, fromQuery: true };
  // Outside this plugin's scope (the 404 page) cookies are not parsed: read the language cookie from the header.
  const c = req.cookies ? req.cookies[LANG_COOKIE] : LANG_COOKIE_RE.exec(String(req.headers.cookie ?? ''))?.[1];
  if (isUiLang(c)) return { lang: c, fromQuery: false };
  return { lang: fromAcceptLanguage(req.headers['accept-language']) ?? 'en', fromQuery: false };
}

const wantsJson = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('application/json') && !String(req.headers.accept ?? '').includes('text/html');

/** The page a browser gets for a path that is neither a page nor an API route (the API's own 404 stays JSON). */
export function notFoundPage(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const i = i18n(pickLang(req).lang);
  const ctx: WebContext = { i, principal: null, csrf: '', path: '/' };
  return sendPage(req, reply, page(ctx, {
    title: i.t('error.title'),
    body: html`<h1>${i.t('error.title')}</h1><p>${i.t('error.notFound')}</p><p><a href="/">${i.t('error.back')}</a></p>`,
  }), 404);
}

/**
 * The web interface: server-rendered pages in the six UN languages over the same services as the API.
 * Deliberately not wrapped in fastify-plugin: form bodies, cookies and the HTML error pages stay inside
 * this context, so the /v1 API still refuses form posts (415) and answers errors in JSON.
 */
export async function webPlugin(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', index: false, maxAge: 3600 * 1000, decorateReply: false });

  const csrf = createCsrf(resolveSessionSecret(app.deps.config));
  const deps: WebDeps = { csrf };
  const people = app.services.people;
  // The shared session cache's Redis connections (REDIS_URL) close with the server.
  app.addHook('onClose', async () => { await people.close(); });

  // chart.js ships its browser build inside node_modules; only that one file is served.
  app.get('/static/chart.umd.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(createReadStream(CHART_JS)));

  // The session is opened before the body is read (onRequest), so the rate limit (at preParsing)
  // counts a signed-in user per session, never per address.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/static/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    // A token not resolved lately costs a database read: its address pays for it from the lookup budget, as a Bearer key does.
    const digest = people.hashToken(token);
    if (!people.sessionCached(token) && !app.rateLimits.vouched(digest)) await app.rateLimits.take('lookup', `ip:${req.ip}`, reply);
    const view = await people.resolveSession(token);
    if (!view) { reply.clearCookie(SESSION_COOKIE, { path: '/' }); return; }
    app.rateLimits.vouch(digest);
    req.rateLimitId = `session:${view.id}`;
    const principal = people.principalOf(view);
    if (principal) req.principal = { ...principal, requestId: req.id };
    (req as WithSession)[SESSION] = { principal: req.principal ?? null, view, token };
  });

  app.addHook('preHandler', async (req, reply) => {
    if (req.url.startsWith('/static/')) return;
    const { lang, fromQuery } = pickLang(req);
    if (fromQuery) reply.setCookie(LANG_COOKIE, lang, cookieOptions(req, YEAR_S));

    const found = (req as WithSession)[SESSION];
    const principal = found?.principal ?? null;
    const sessionToken = found?.token;
    let csrfBase = sessionToken ?? req.cookies[PRE_SESSION_COOKIE];
    if (!csrfBase) {
      csrfBase = newPreSession();
      reply.setCookie(PRE_SESSION_COOKIE, csrfBase, cookieOptions(req));
    }
    const path = req.url.length < 400 ? req.url : req.url.split('?')[0];
    const v = found?.view;
    req.web = {
      i: i18n(lang), principal, csrf: csrf.csrfToken(csrfBase!), path, boundName: principal ? await boundNameOf(app, principal, lang) : undefined,
      session: v ? { id: v.id, userId: v.userId, organisationId: v.organisationId, organisationName: v.organisationName, email: v.email, halfSignedIn: v.halfSignedIn, expiresAt: v.expiresAt, actor: v.principal, organisations: v.organisations } : undefined,
    } satisfies WebContext;

    // The half signed-in gate: until the second factor, only its pages, the security page and sign-out.
    if (v?.halfSignedIn && !HALF_SIGNED_IN_PATHS.test(req.url)) {
      if (req.method === 'GET' && !wantsJson(req)) return reply.redirect('/sign-in/second-factor', 303);
      return sendPage(req, reply, page(req.web, { title: req.web.i.t('error.title'), body: html`<h1>${req.web.i.t('error.title')}</h1><p>${req.web.i.t('error.signInNeeded')}</p>` }), 401);
    }

    if (req.method === 'POST') {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
      if (!csrf.checkCsrf(sessionToken ?? req.cookies[PRE_SESSION_COOKIE], typeof token === 'string' ? token : undefined)) {
        req.log.warn({ url: req.url }, 'web form refused: CSRF token missing or wrong');
        if (wantsJson(req)) return reply.code(403).send({ error: { code: 'csrf_failed', message: 'CSRF token missing or wrong.', details: [] } });
        return sendPage(req, reply, page(req.web, { title: req.web.i.t('error.title'), body: html`<h1>${req.web.i.t('error.title')}</h1><p>${req.web.i.t('error.csrf')}</p>` }), 403);
      }
    }
  });

  // The header's unread notifications count (after the hook above has set req.web).
  app.addHook('preHandler', unreadCountHook(app));

  app.setErrorHandler((thrown: FastifyError | AppError | WebError | Error, req, reply) => {
    const err = unstorableText(thrown) ?? thrown;
    const ctx: WebContext = req.web ?? { i: i18n(pickLang(req).lang), principal: null, csrf: '', path: '/' };
    let status = 500;
    let key: MessageKey = 'error.server';
    if (err instanceof RateLimitedError) {
      reply.headers(err.headers);
      if (wantsJson(req)) return reply.code(429).send({ error: { code: err.code, message: err.message, details: [] } });
      return sendPage(req, reply, page(ctx, {
        title: ctx.i.t('security.tooManyTitle'),
        body: html`<h1>${ctx.i.t('security.tooManyTitle')}</h1><p>${ctx.i.t('security.tooMany', { seconds: err.retryAfterS })}</p><p><a href="${ctx.path}">${ctx.i.t('error.back')}</a></p>`,
      }), 429);
    }
    if (err instanceof WebError) { status = err.statusCode; key = err.messageKey; }
    else if (err instanceof AppError) {
      status = err.statusCode;
      key = ({ 400: 'v.invalid', 401: 'error.signInNeeded', 403: 'error.forbidden', 404: 'error.notFound', 409: 'error.conflict', 413: 'error.tooLarge' } as Record<number, MessageKey>)[status] ?? 'error.server';
    } else {
      const fe = err as FastifyError;
      if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') { status = 413; key = 'error.tooLarge'; }
      // The database unreachable, or no answer in time: unavailable for now, not broken (the page says to try again).
      else if (isConnectionError(err) || fe.code === 'FST_ERR_HANDLER_TIMEOUT') { status = 503; reply.header('retry-after', '5'); }
      else if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) { status = fe.statusCode; key = fe.statusCode === 404 ? 'error.notFound' : 'v.invalid'; }
    }
    if (status >= 500) req.log.error({ err }, 'web page failed');
    if (status === 401 && req.method === 'GET' && !wantsJson(req)) return reply.redirect(`/sign-in?next=${encodeURIComponent(ctx.path)}`, 303);
    // A refused upload (too many files, too large in all: refused before its route ran) says why, in the page's language.
    const said = (err instanceof AttachmentRefusal ? talkErrorText(ctx.i, err) : null) ?? ctx.i.t(key);
    if (wantsJson(req)) {
      const details = err instanceof AppError ? err.details : [];
      return reply.code(status).send({ error: { code: err instanceof AppError ? err.code : 'web_error', message: said, details } });
    }
    // A refusal with details says each of them, in the page's language where a text exists for it.
    const details = err instanceof AppError && status < 500 ? err.details.slice(0, 50) : [];
    return sendPage(req, reply, page(ctx, {
      title: ctx.i.t('error.title'),
      body: html`<h1>${ctx.i.t('error.title')}</h1><p>${said}</p>
        ${details.length ? html`<ul>${details.map((d) => html`<li><code>${d.path}</code>: ${detailText(ctx.i, d)}</li>`)}</ul>` : ''}
        <p><a href="/">${ctx.i.t('error.back')}</a></p>`,
    }), status);
  });

  homePages(app, deps);
  requestPages(app, deps);
  enginePages(app);
  offeringPages(app, deps);
  reviewPages(app, deps);
  lifecyclePages(app, deps);
  needsPages(app, deps);
  analyticsPages(app, deps);
  directoryPages(app, deps);
  entityPages(app, deps);
  screeningPages(app, deps);
  ssoPages(app, deps);
  talkPages(app, deps);
  peoplePages(app, deps);
  adminPeoplePages(app, deps);
  adminMailPages(app, deps);
  factorPages(app, deps);
  exportPages(app, deps);
  profilePages(app, deps);
  publishingPages(app, deps);
  notifyPages(app, deps);
}
