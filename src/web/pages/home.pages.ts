import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../plugins/auth.plugin.js';
import { ctxOf, safeNext, sendPage, str, type WebContext } from '../context.js';
import { html } from '../html.js';
import { AUTONYMS, isUiLang, UI_LANGS } from '../i18n/index.js';
import { csrfField, navFor, page, textField, type FieldErrors } from '../layout.js';
import { LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE } from '../session.js';
import { cookieOptions, type WebDeps } from '../web.plugin.js';
import { secondFactorNudge } from './factors.pages.js';

/** Where each role starts after signing in. */
export function homeOf(p: Principal): string {
  switch (p.role) {
    case 'member_state': return '/requests';
    case 'provider': return '/offerings';
    case 'entity': return '/entity';
    default: return '/review';
  }
}

function signInPage(ctx: WebContext, next: string, errors: FieldErrors = {}, email = '') {
  const { i } = ctx;
  return page(ctx, {
    title: i.t('signIn.title'),
    active: '/sign-in',
    body: html`<h1>${i.t('signIn.title')}</h1>
      <p>${i.t('pp.signInPrompt')}</p>
      ${errors._form ? html`<div class="error-summary" role="alert"><p>${errors._form}</p></div>` : ''}
      <form method="post" action="/sign-in" class="card narrow" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="next" value="${next}">
        ${textField({ name: 'email', label: i.t('pp.email'), errors, required: true, type: 'email', value: email, attrs: html` autocomplete="username" spellcheck="false" autocapitalize="off"` })}
        ${textField({ name: 'password', label: i.t('pp.password'), errors, required: true, type: 'password', attrs: html` autocomplete="current-password"` })}
        <button type="submit">${i.t('signIn.submit')}</button>
      </form>
      <p><a href="/password/forgot">${i.t('pp.forgot')}</a></p>
      <p><a href="/sign-in/sso${next ? `?next=${encodeURIComponent(next)}` : ''}" class="button secondary">${i.t('sso.entry.link')}</a></p>
      <p><a href="/register/provider">${i.t('reg.link')}</a></p>
      <p class="hint">${i.t('pp.machinesNote')}</p>`,
  });
}

/** Home, sign-in, sign-out and the language switch. */
export function homePages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/', async (req, reply) => {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const signedOut = (req.query as Record<string, unknown>).signedOut !== undefined;
    const work = navFor(ctx).filter((n) => n.href !== '/directory');
    return sendPage(req, reply, page(ctx, {
      title: i.t('home.title'),
      active: '/',
      notice: signedOut ? i.t('signOut.done') : null,
      body: html`<h1>${i.t('home.title')}</h1>
        <p class="lead">${i.t('home.intro')}</p>
        ${await secondFactorNudge(app, ctx)}
        <div class="grid">
          <section class="card" aria-labelledby="h-lang">
            <h2 id="h-lang">${i.t('home.chooseLanguage')}</h2>
            <ul class="lang-list">${UI_LANGS.map((l) => html`<li><a href="/language/${l}?next=%2F" lang="${l}" hreflang="${l}"${l === i.lang ? html` aria-current="true"` : ''}>${AUTONYMS[l]}</a></li>`)}</ul>
          </section>
          ${ctx.principal
            ? html`<section class="card" aria-labelledby="h-work"><h2 id="h-work">${i.t('home.yourWork')}</h2>
                <ul>${work.map((n) => html`<li><a href="${n.href}">${i.t(n.key)}</a></li>`)}</ul></section>`
            : html`<section class="card" aria-labelledby="h-signin"><h2 id="h-signin">${i.t('signIn.title')}</h2>
                <p>${i.t('pp.signInPrompt')}</p><p><a class="button" href="/sign-in">${i.t('nav.signIn')}</a></p></section>`}
          <section class="card" aria-labelledby="h-dir">
            <h2 id="h-dir">${i.t('nav.directory')}</h2>
            <p>${i.t('home.directoryPrompt')}</p>
            <p><a class="button secondary" href="/directory">${i.t('dir.title')}</a></p>
          </section>
        </div>`,
    }));
  });

  app.get('/language/:lang', async (req, reply) => {
    const { lang } = req.params as { lang: string };
    if (isUiLang(lang)) reply.setCookie(LANG_COOKIE, lang, cookieOptions(req, 365 * 24 * 3600));
    return reply.redirect(safeNext((req.query as Record<string, unknown>).next, '/', 'lang'), 303);
  });

  app.get('/sign-in', async (req, reply) => {
    const ctx = ctxOf(req);
    const next = safeNext((req.query as Record<string, unknown>).next, '');
    if (ctx.principal) return reply.redirect(next || homeOf(ctx.principal), 303);
    return sendPage(req, reply, signInPage(ctx, next));
  });

  // A sign-in guesses a secret: it takes from the stricter per-address `sensitive` budget, and from the account's own.
  app.post('/sign-in', { config: { rateLimit: 'sensitive' } }, async (req: FastifyRequest, reply) => {
    const ctx = ctxOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = str(body.email).slice(0, 320);
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next, '');
    const errors: FieldErrors = {};
    if (!email) errors.email = ctx.i.t('v.required');
    if (!password) errors.password = ctx.i.t('v.required');
    if (Object.keys(errors).length) return sendPage(req, reply, signInPage(ctx, next, errors, email), 400);
    // Guesses spread over many addresses still meet the account's budget (and, past it, the lockout).
    await app.rateLimits.take('sensitive', `account:${app.services.people.hashToken(email.toLowerCase())}`, reply);
    const result = await app.services.people.signIn(email, password);
    if (!result.ok) {
      const key = result.reason === 'locked' ? 'pp.signInLocked' : result.reason === 'no_organisation' ? 'pp.noOrganisation' : 'pp.signInInvalid';
      return sendPage(req, reply, signInPage(ctx, next, { _form: ctx.i.t(key) }, email), 401);
    }
    // A new token at every sign-in (no session fixation); the session of an earlier sign-in in this browser ends.
    const earlier = req.cookies[SESSION_COOKIE];
    if (earlier) await app.services.people.endSession(earlier);
    const step = await app.services.people.secondFactorStep(result.userId);
    const s = await app.services.people.createSession(result.userId, result.organisationId, { secondFactorNeeded: step.needed, ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') });
    reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req, s.maxAgeS));
    reply.clearCookie(PRE_SESSION_COOKIE, { path: '/' });
    // The person's language is the interface's unless this browser chose one.
    if (!req.cookies[LANG_COOKIE] && (req.query as Record<string, unknown>).lang === undefined) reply.setCookie(LANG_COOKIE, result.language, cookieOptions(req, 365 * 24 * 3600));
    // A person of several organisations chooses the one this session acts for (after the second factor, when one is owed).
    const after = result.organisations > 1 ? `/sign-in/organisation${next ? `?next=${encodeURIComponent(next)}` : ''}` : next;
    if (step.next) return reply.redirect(after ? `${step.next}?next=${encodeURIComponent(after)}` : step.next, 303);
    const view = await app.services.people.resolveSession(s.token);
    return reply.redirect(after || (view ? homeOf(view.principal) : '/'), 303);
  });

  // Ends the session on the server: a copy of the cookie elsewhere stops working at once.
  app.post('/sign-out', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await app.services.people.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?signedOut', 303);
  });
}
