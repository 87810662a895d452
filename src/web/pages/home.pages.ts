import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimitedError } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { ctxOf, safeNext, sendPage, str, type WebContext } from '../context.js';
import { html } from '../html.js';
import { AUTONYMS, isUiLang, UI_LANGS } from '../i18n/index.js';
import { csrfField, navFor, page, textField, type FieldErrors } from '../layout.js';
import { LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE_S } from '../session.js';
import { cookieOptions, type WebDeps } from '../web.plugin.js';

/** Where each role starts after signing in. */
export function homeOf(p: Principal): string {
  switch (p.role) {
    case 'member_state': return '/requests';
    case 'provider': return '/offerings';
    case 'entity': return '/entity';
    default: return '/review';
  }
}

function signInPage(ctx: WebContext, next: string, errors: FieldErrors = {}) {
  const { i } = ctx;
  return page(ctx, {
    title: i.t('signIn.title'),
    active: '/sign-in',
    body: html`<h1>${i.t('signIn.title')}</h1>
      <p>${i.t('home.signInPrompt')}</p>
      <form method="post" action="/sign-in" class="card narrow" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="next" value="${next}">
        ${textField({ name: 'key', label: i.t('signIn.key'), hint: i.t('signIn.keyHint'), errors, required: true, type: 'password', attrs: html` autocomplete="current-password" spellcheck="false" autocapitalize="off"` })}
        <button type="submit">${i.t('signIn.submit')}</button>
      </form>`,
  });
}

/** Home, sign-in, sign-out and the language switch. */
export function homePages(app: FastifyInstance, deps: WebDeps): void {
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
        <div class="grid">
          <section class="card" aria-labelledby="h-lang">
            <h2 id="h-lang">${i.t('home.chooseLanguage')}</h2>
            <ul class="lang-list">${UI_LANGS.map((l) => html`<li><a href="/language/${l}?next=%2F" lang="${l}" hreflang="${l}"${l === i.lang ? html` aria-current="true"` : ''}>${AUTONYMS[l]}</a></li>`)}</ul>
          </section>
          ${ctx.principal
            ? html`<section class="card" aria-labelledby="h-work"><h2 id="h-work">${i.t('home.yourWork')}</h2>
                <ul>${work.map((n) => html`<li><a href="${n.href}">${i.t(n.key)}</a></li>`)}</ul></section>`
            : html`<section class="card" aria-labelledby="h-signin"><h2 id="h-signin">${i.t('signIn.title')}</h2>
                <p>${i.t('home.signInPrompt')}</p><p><a class="button" href="/sign-in">${i.t('nav.signIn')}</a></p></section>`}
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

  // A sign-in guesses a secret: it takes from the stricter per-address `sensitive` budget.
  app.post('/sign-in', { config: { rateLimit: 'sensitive' } }, async (req: FastifyRequest, reply) => {
    const ctx = ctxOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const key = str(body.key);
    const next = safeNext(body.next, '');
    if (!key) return sendPage(req, reply, signInPage(ctx, next, { key: ctx.i.t('v.required') }), 400);
    // Forget any principal of an earlier session, then check the key exactly as the API would.
    req.principal = undefined;
    req.headers.authorization = `Bearer ${key}`;
    let p: Principal;
    try { p = await app.authenticate(req); } catch (err) {
      if (err instanceof RateLimitedError) throw err;
      return sendPage(req, reply, signInPage(ctx, next, { key: ctx.i.t('signIn.invalid') }), 401);
    }
    reply.setCookie(SESSION_COOKIE, deps.sessions.seal(key), cookieOptions(req, SESSION_MAX_AGE_S));
    reply.clearCookie(PRE_SESSION_COOKIE, { path: '/' });
    return reply.redirect(next || homeOf(p), 303);
  });

  app.post('/sign-out', async (_req, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?signedOut', 303);
  });
}
