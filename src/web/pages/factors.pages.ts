import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { FactorAnswer, FactorStatus } from '../../modules/factors/factors.service.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { UUID_RE } from '../components.js';
import { ctxOf, safeNext, sendPage, str, WebError, type WebContext } from '../context.js';
import { html, raw, type SafeHtml } from '../html.js';
import { csrfField, page, textField, type FieldErrors } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';

// The library's own browser build (a UMD file exposing SimpleWebAuthnBrowser), served as chart.js is.
const WEBAUTHN_JS = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
const SCRIPTS = ['/static/webauthn.umd.js', '/static/passkeys.js'];

/** The signed-in (or half signed-in) person of this request's web session. */
export interface WebPerson { userId: string; sessionId: string; email: string; name: string; halfSignedIn: boolean; principal: Principal }

/** The person behind the session cookie, also while half signed-in (null when signed out). */
export function personOf(req: FastifyRequest): WebPerson | null {
  const ctx = req.web;
  const s = ctx?.session;
  if (!s) return null;
  return { userId: s.userId, sessionId: s.id, email: s.email, name: s.actor.label, halfSignedIn: s.halfSignedIn, principal: s.actor };
}

const requestOrigin = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

function mustPerson(req: FastifyRequest): WebPerson {
  const p = personOf(req);
  if (!p) throw new WebError(401, 'error.signInNeeded');
  return p;
}

/**
 * The encouragement on the home page for a person who has no second factor and is not required to
 * have one (issue 13: optional but encouraged); nothing for everyone else.
 */
export async function secondFactorNudge(app: FastifyInstance, ctx: WebContext): Promise<SafeHtml> {
  const s = ctx.session;
  if (!s || s.halfSignedIn) return html``;
  const st = await app.services.factors.status(s.userId);
  if (st.enrolled) return html``;
  return html`<div class="notice" id="factor-nudge"><p>${ctx.i.t('sec.encouraged')} <a href="/account/security">${ctx.i.t('sec.encouraged.link')}</a></p></div>`;
}

/** The recovery codes, shown once, with the way on. */
function codesPage(ctx: WebContext, codes: string[], next: string, notice: string | null): SafeHtml {
  const { i } = ctx;
  return page(ctx, {
    title: i.t('sec.rc.title'), notice,
    body: html`<h1>${i.t('sec.rc.title')}</h1>
      <div class="card" id="recovery-codes"><p>${i.t('sec.rc.show')}</p>
        <ol class="codes" dir="ltr">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol></div>
      <p><a class="button" href="${next}" id="codes-saved">${i.t('sec.rc.saved')}</a></p>`,
  });
}

/** The second step of signing in (TOTP, passkey or recovery code) and the account security page. */
export function factorPages(app: FastifyInstance, _deps: WebDeps): void {
  const factors = () => app.services.factors;

  app.get('/static/webauthn.umd.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(createReadStream(WEBAUTHN_JS)));

  /** Ends the half signed-in state after a good factor (or a first enrolment) and goes on. */
  async function complete(p: WebPerson): Promise<void> {
    if (p.halfSignedIn) await app.services.people.completeSecondFactor(p.sessionId);
  }

  // ---- /sign-in/second-factor ----

  function secondFactorPage(ctx: WebContext, st: FactorStatus, next: string, errors: FieldErrors = {}, open: 'recovery' | null = null): SafeHtml {
    const { i } = ctx;
    const passkeys = st.passkeys > 0;
    return page(ctx, {
      title: i.t('sf.title'), scripts: passkeys ? SCRIPTS : [],
      body: html`<h1>${i.t('sf.title')}</h1><p>${i.t('sf.intro')}</p>
        ${errors._form ? html`<div class="error-summary" role="alert" id="sf-error"><p>${errors._form}</p></div>` : ''}
        ${passkeys ? html`<section class="card narrow" aria-labelledby="h-pk">
          <h2 id="h-pk" class="h3">${i.t('sf.passkey')}</h2><p class="hint">${i.t('sf.passkey.hint')}</p>
          <form method="post" action="/sign-in/second-factor" id="passkey-signin" data-options="/sign-in/second-factor/passkey-options" data-csrf="${ctx.csrf}" data-msg-failed="${i.t('sf.passkey.failed')}">
            ${csrfField(ctx)}<input type="hidden" name="method" value="passkey"><input type="hidden" name="response" value=""><input type="hidden" name="next" value="${next}">
            <button type="submit" hidden>${i.t('sf.passkey')}</button>
            <noscript><p>${i.t('sf.passkey.noJs')}</p></noscript>
            <p class="error" role="alert" data-role="passkey-error" hidden></p>
          </form></section>` : ''}
        ${st.totp ? html`<form method="post" action="/sign-in/second-factor" class="card narrow" novalidate id="totp-signin">
          ${csrfField(ctx)}<input type="hidden" name="method" value="totp"><input type="hidden" name="next" value="${next}">
          ${textField({ name: 'code', label: i.t('sf.totp.label'), hint: i.t('sf.totp.hint'), errors, required: true, attrs: html` inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" autofocus` })}
          <button type="submit">${i.t('sf.continue')}</button></form>` : ''}
        <details class="card narrow"${open === 'recovery' ? html` open` : ''} id="recovery-signin"><summary>${i.t('sf.recovery')}</summary>
          <form method="post" action="/sign-in/second-factor" novalidate>
            ${csrfField(ctx)}<input type="hidden" name="method" value="recovery"><input type="hidden" name="next" value="${next}">
            ${textField({ name: 'recovery', label: i.t('sf.recovery.label'), hint: i.t('sf.recovery.hint'), errors, required: true, attrs: html` autocomplete="off" spellcheck="false" autocapitalize="off" maxlength="20"` })}
            <button type="submit" class="secondary">${i.t('sf.continue')}</button></form></details>
        <p class="muted">${i.t('sf.lost')}</p>`,
    });
  }

  app.get('/sign-in/second-factor', async (req, reply) => {
    const p = mustPerson(req);
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (!p.halfSignedIn) return reply.redirect(next, 303);
    const st = await factors().status(p.userId);
    if (!st.enrolled) return reply.redirect(`/account/security?next=${encodeURIComponent(next)}`, 303);
    return sendPage(req, reply, secondFactorPage(ctxOf(req), st, next));
  });

  // Guesses a secret: the per-address `sensitive` budget, and the service's per-person failure lock.
  app.post('/sign-in/second-factor/passkey-options', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = mustPerson(req);
    if (!p.halfSignedIn) throw new WebError(409, 'error.conflict');
    return reply.header('cache-control', 'no-store').send(await factors().passkeyAuthenticationOptions(p.userId, requestOrigin(req)));
  });

  app.post('/sign-in/second-factor', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = mustPerson(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(str(b.next));
    if (!p.halfSignedIn) return reply.redirect(next, 303);
    const st = await factors().status(p.userId);
    if (!st.enrolled) return reply.redirect(`/account/security?next=${encodeURIComponent(next)}`, 303);
    const method = str(b.method);
    let answer: FactorAnswer;
    if (method === 'totp') {
      if (!str(b.code)) return sendPage(req, reply, secondFactorPage(ctx, st, next, { code: i.t('v.required') }), 400);
      answer = { kind: 'totp', code: str(b.code) };
    } else if (method === 'recovery') {
      if (!str(b.recovery)) return sendPage(req, reply, secondFactorPage(ctx, st, next, { recovery: i.t('v.required') }, 'recovery'), 400);
      answer = { kind: 'recovery', code: str(b.recovery) };
    } else if (method === 'passkey') {
      let response: unknown = null;
      try { response = JSON.parse(str(b.response).slice(0, 64 * 1024)); } catch { /* refused below */ }
      if (!response || typeof response !== 'object') return sendPage(req, reply, secondFactorPage(ctx, st, next, { _form: i.t('sf.passkey.failed') }), 400);
      answer = { kind: 'passkey', response: response as never, requestOrigin: requestOrigin(req) };
    } else throw new WebError(409, 'error.conflict');

    const r = await factors().attempt(p.principal, p.userId, answer);
    if (r.ok) {
      await complete(p);
      if (r.recoveryCodesLeft !== undefined) return reply.redirect(`/account/security?done=recoveryUsed&left=${r.recoveryCodesLeft}`, 303);
      return reply.redirect(next, 303);
    }
    const errors: FieldErrors = r.reason === 'locked'
      ? { _form: i.t('sf.locked', { minutes: Math.ceil((r.retryAfterS ?? 60) / 60) }) }
      : method === 'totp' ? { code: i.t('sf.wrong') } : method === 'recovery' ? { recovery: i.t('sf.wrongRecovery') } : { _form: i.t('sf.passkey.failed') };
    return sendPage(req, reply, secondFactorPage(ctx, st, next, errors, method === 'recovery' ? 'recovery' : null), r.reason === 'locked' ? 429 : 401);
  });

  // ---- /account/security ----

  /**
   * A half signed-in person may only add a first factor here (their organisation requires one and
   * they have none); with a factor already, they must use it first: a password alone never adds,
   * removes or replaces a factor.
   */
  async function mayChange(p: WebPerson): Promise<FactorStatus> {
    const st = await factors().status(p.userId);
    if (p.halfSignedIn && st.enrolled) throw new WebError(403, 'error.forbidden');
    return st;
  }

  async function securityPage(req: FastifyRequest, p: WebPerson, st: FactorStatus, opts: { notice?: string | null; errors?: FieldErrors; next?: string } = {}): Promise<SafeHtml> {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const errors = opts.errors ?? {};
    const pending = await factors().pendingTotp(p.userId, p.email);
    const passkeys = await factors().listPasskeys(p.userId);
    const next = opts.next ?? '/';
    const qr = pending ? await (await import('qrcode')).default.toString(pending.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : '';
    const nextField = html`<input type="hidden" name="next" value="${next}">`;
    return page(ctx, {
      title: i.t('sec.title'), active: '/account/security', notice: opts.notice ?? null, scripts: SCRIPTS,
      body: html`<h1>${i.t('sec.title')}</h1><p class="lead">${i.t('sec.intro')}</p>
        ${st.required && !st.enrolled ? html`<div class="error-summary" role="alert" id="factor-required"><p>${i.t('sec.required')}</p></div>` : ''}
        ${!st.required && !st.enrolled ? html`<div class="notice" id="factor-encouraged"><p>${i.t('sec.encouraged')}</p></div>` : ''}
        ${errors._form ? html`<div class="error-summary" role="alert" id="sec-error"><p>${errors._form}</p></div>` : ''}

        <section class="card" aria-labelledby="h-totp" id="totp">
          <h2 id="h-totp" class="h3">${i.t('sec.totp.title')}</h2>
          <p id="totp-status">${st.totp ? i.t('sec.totp.on') : i.t('sec.totp.off')}</p>
          ${pending ? html`<p>${i.t('sec.totp.scan')}</p>
            <figure class="qr" role="img" aria-label="${i.t('sec.totp.qr')}" id="totp-qr" style="max-width:14rem">${raw(qr)}</figure>
            <p>${i.t('sec.totp.manual')} <code id="totp-secret" dir="ltr">${pending.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
            <p>${i.t('sec.totp.uri')} <a href="${pending.uri}" id="totp-uri" dir="ltr">${pending.uri}</a></p>
            <form method="post" action="/account/security/totp/confirm" novalidate>${csrfField(ctx)}${nextField}
              ${textField({ name: 'code', label: i.t('sec.totp.code'), errors, required: true, attrs: html` inputmode="numeric" autocomplete="one-time-code" maxlength="8"` })}
              <button type="submit">${i.t('sec.totp.confirm')}</button></form>`
          : html`<form method="post" action="/account/security/totp" class="inline">${csrfField(ctx)}${nextField}
              <button type="submit"${st.totp ? html` class="secondary"` : ''}>${st.totp ? i.t('sec.totp.replace') : i.t('sec.totp.add')}</button></form>`}
          ${st.totp && !p.halfSignedIn ? html`<form method="post" action="/account/security/totp/remove" class="inline">${csrfField(ctx)}
              <button type="submit" class="danger">${i.t('sec.totp.remove')}</button></form>` : ''}
        </section>

        <section class="card" aria-labelledby="h-pk" id="passkeys">
          <h2 id="h-pk" class="h3">${i.t('sec.pk.title')}</h2>
          ${passkeys.length ? html`<ul class="plain" id="passkey-list">${passkeys.map((k) => html`<li data-passkey="${k.id}"><strong dir="auto">${k.name}</strong>
              <span class="muted">${i.t('sec.pk.when', { created: i.date(k.createdAt), used: k.lastUsedAt ? i.t('sec.pk.lastUsed', { date: i.date(k.lastUsedAt) }) : i.t('sec.pk.never') })}</span>
              ${p.halfSignedIn ? '' : html`<form method="post" action="/account/security/passkeys/${k.id}/remove" class="inline">${csrfField(ctx)}
                <button type="submit" class="link">${i.t('sec.pk.remove')}<span class="sr-only">: ${k.name}</span></button></form>`}</li>`)}</ul>`
            : html`<p id="passkey-none">${i.t('sec.pk.none')}</p>`}
          <form method="post" action="/account/security/passkeys" id="passkey-add" novalidate data-options="/account/security/passkeys/options" data-csrf="${ctx.csrf}" data-msg-failed="${i.t('sec.pk.failed')}" hidden>
            ${csrfField(ctx)}${nextField}<input type="hidden" name="response" value="">
            ${textField({ name: 'name', label: i.t('sec.pk.name'), hint: i.t('sec.pk.nameHint'), errors, attrs: html` maxlength="80"` })}
            <button type="submit">${i.t('sec.pk.add')}</button>
            <p class="error" role="alert" data-role="passkey-error" hidden></p>
          </form>
          <p class="muted" data-role="passkey-unsupported">${i.t('sec.pk.noJs')}</p>
        </section>

        ${st.enrolled && !p.halfSignedIn ? html`<section class="card" aria-labelledby="h-rc" id="recovery">
          <h2 id="h-rc" class="h3">${i.t('sec.rc.title')}</h2>
          <p id="recovery-left">${st.recoveryCodesLeft ? i.t('sec.rc.left', { n: st.recoveryCodesLeft }) : i.t('sec.rc.none')}</p>
          <form method="post" action="/account/security/recovery-codes">${csrfField(ctx)}<p class="hint">${i.t('sec.rc.makeHint')}</p>
            <button type="submit" class="secondary">${i.t('sec.rc.make')}</button></form>
        </section>` : ''}
        <p><a href="${st.required && !st.enrolled ? '/sign-out' : next}">${st.required && !st.enrolled ? i.t('nav.signOut') : i.t('error.back')}</a></p>`,
    });
  }

  const DONE = { totpRemoved: 'sec.totp.removed', passkeyAdded: 'sec.pk.added', passkeyRemoved: 'sec.pk.removed', totpConfirmed: 'sec.totp.confirmed' } as const;

  app.get('/account/security', async (req, reply) => {
    const p = mustPerson(req);
    const q = req.query as Record<string, unknown>;
    const next = safeNext(q.next);
    const st = await factors().status(p.userId);
    // A half signed-in person with a factor proves it first (it is the only way on from here).
    if (p.halfSignedIn && st.enrolled) return reply.redirect(`/sign-in/second-factor?next=${encodeURIComponent(next)}`, 303);
    const { i } = ctxOf(req);
    const done = str(q.done);
    const notice = done === 'recoveryUsed' ? i.t('sf.recoveryLeft', { n: Math.max(0, Math.min(10, Number(str(q.left)) || 0)) })
      : done in DONE ? i.t(DONE[done as keyof typeof DONE]) : null;
    return sendPage(req, reply, await securityPage(req, p, st, { notice, next }));
  });

  app.post('/account/security/totp', async (req, reply) => {
    const p = mustPerson(req);
    await mayChange(p);
    await factors().beginTotp(p.userId, p.email);
    const next = safeNext(str((req.body as Record<string, unknown> | undefined)?.next));
    return reply.redirect(`/account/security?next=${encodeURIComponent(next)}#totp`, 303);
  });

  app.post('/account/security/totp/confirm', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = mustPerson(req);
    const st = await mayChange(p);
    const { i } = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(str(b.next));
    if (!str(b.code)) return sendPage(req, reply, await securityPage(req, p, st, { errors: { code: i.t('v.required') }, next }), 400);
    let r;
    try { r = await factors().confirmTotp(p.principal, p.userId, str(b.code)); } catch (err) {
      if (err instanceof AppError && err.code === 'totp_not_started') return reply.redirect('/account/security#totp', 303);
      throw err;
    }
    if (!r.ok) return sendPage(req, reply, await securityPage(req, p, st, { errors: { code: i.t('sf.wrong') }, next }), 400);
    await complete(p);
    if (r.recoveryCodes) return sendPage(req, reply, codesPage(ctxOf(req), r.recoveryCodes, next === '/' ? '/account/security' : next, i.t('sec.totp.confirmed')));
    return reply.redirect('/account/security?done=totpConfirmed', 303);
  });

  app.post('/account/security/totp/remove', async (req, reply) => {
    const p = mustPerson(req);
    if (p.halfSignedIn) throw new WebError(403, 'error.forbidden');
    try { await factors().removeTotp(p.principal, p.userId); } catch (err) {
      if (err instanceof AppError && err.code === 'second_factor_required') {
        return sendPage(req, reply, await securityPage(req, p, await factors().status(p.userId), { errors: { _form: ctxOf(req).i.t('sec.lastFactor') } }), 409);
      }
      throw err;
    }
    return reply.redirect('/account/security?done=totpRemoved', 303);
  });

  app.post('/account/security/passkeys/options', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = mustPerson(req);
    await mayChange(p);
    return reply.header('cache-control', 'no-store').send(await factors().passkeyRegistrationOptions({ id: p.userId, email: p.email, name: p.name }, requestOrigin(req)));
  });

  app.post('/account/security/passkeys', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = mustPerson(req);
    const st = await mayChange(p);
    const ctx = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(str(b.next));
    let response: unknown = null;
    try { response = JSON.parse(str(b.response).slice(0, 64 * 1024)); } catch { /* refused below */ }
    const failed = async () => sendPage(req, reply, await securityPage(req, p, st, { errors: { _form: ctx.i.t('sec.pk.failed') }, next }), 400);
    if (!response || typeof response !== 'object') return failed();
    let r;
    try { r = await factors().registerPasskey(p.principal, p.userId, response as never, str(b.name) || ctx.i.t('sec.pk.title'), requestOrigin(req)); } catch (err) {
      if (err instanceof AppError && err.statusCode < 500) return failed();
      throw err;
    }
    await complete(p);
    if (r.recoveryCodes) return sendPage(req, reply, codesPage(ctx, r.recoveryCodes, next === '/' ? '/account/security' : next, ctx.i.t('sec.pk.added')));
    return reply.redirect('/account/security?done=passkeyAdded', 303);
  });

  app.post('/account/security/passkeys/:id/remove', async (req, reply) => {
    const p = mustPerson(req);
    if (p.halfSignedIn) throw new WebError(403, 'error.forbidden');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    try { await factors().removePasskey(p.principal, p.userId, id); } catch (err) {
      if (err instanceof AppError && err.code === 'second_factor_required') {
        return sendPage(req, reply, await securityPage(req, p, await factors().status(p.userId), { errors: { _form: ctxOf(req).i.t('sec.lastFactor') } }), 409);
      }
      throw err;
    }
    return reply.redirect('/account/security?done=passkeyRemoved', 303);
  });

  app.post('/account/security/recovery-codes', async (req, reply: FastifyReply) => {
    const p = mustPerson(req);
    if (p.halfSignedIn) throw new WebError(403, 'error.forbidden');
    const st = await factors().status(p.userId);
    if (!st.enrolled) throw new WebError(409, 'error.conflict');
    const codes = await factors().generateRecoveryCodes(p.principal, p.userId);
    return sendPage(req, reply, codesPage(ctxOf(req), codes, '/account/security', null));
  });

}
