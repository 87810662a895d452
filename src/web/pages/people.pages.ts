import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { MEMBER_ROLES, type MemberRole } from '../../plugins/auth.plugin.js';
import { CreateRequestBody } from '../../modules/requests/requests.schemas.js';
import { MAX_LENGTH, MIN_LENGTH_SINGLE_FACTOR, MIN_LENGTH_WITH_SECOND_FACTOR } from '../../modules/people/passwords.js';
import { PasswordRefused, USER_LANGS } from '../../modules/people/people.service.js';
import { ctxOf, need, safeNext, sendPage, str, WebError, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { AUTONYMS, isUiLang, type I18n, type MessageKey } from '../i18n/index.js';
import { csrfField, page, selectField, textField, type FieldErrors } from '../layout.js';
import { LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE } from '../session.js';
import { cookieOptions, type WebDeps } from '../web.plugin.js';
import { homeOf } from './home.pages.js';

/** A form's problems from a service refusal: password rules, coded 400 details, known 409s; null for anything else. */
export function peopleErrors(i: I18n, err: unknown, passwordField = 'password'): FieldErrors | null {
  if (err instanceof PasswordRefused) {
    const p = err.problems[0]!;
    const field = p === 'wrongCurrent' ? (passwordField === 'password' ? 'password' : 'current') : passwordField;
    const min = err.secondFactor ? MIN_LENGTH_WITH_SECOND_FACTOR : MIN_LENGTH_SINGLE_FACTOR;
    return { [field]: i.t(`pp.pw.${p}` as MessageKey, { min, max: MAX_LENGTH }) };
  }
  if (err instanceof AppError && err.statusCode === 400) {
    const out: FieldErrors = {};
    for (const d of err.details) out[d.path.split('.')[0] || '_form'] ??= d.code?.startsWith('people.') ? i.t(`pp.err.${d.code.slice(7)}` as MessageKey) : i.t('v.invalid');
    return Object.keys(out).length ? out : { _form: i.t('v.invalid') };
  }
  if (err instanceof AppError && err.statusCode === 409 && ['already_member', 'email_taken'].includes(err.code)) return { email: i.t(`pp.err.${err.code}` as MessageKey) };
  return null;
}

/** A form-level problem shown above a form. */
export const formProblem = (errors: FieldErrors) => (errors._form ? html`<div class="error-summary" role="alert"><p>${errors._form}</p></div>` : html``);

const passwordHint = (i: I18n) => i.t('pp.newPasswordHint', { min: MIN_LENGTH_SINGLE_FACTOR });
const newPasswordField = (i: I18n, errors: FieldErrors, name = 'password') =>
  textField({ name, label: i.t('pp.newPassword'), hint: passwordHint(i), errors, required: true, type: 'password', attrs: html` autocomplete="new-password" minlength="8" maxlength="${MAX_LENGTH}"` });
const languageField = (i: I18n, value: string) =>
  selectField({ name: 'language', label: i.t('pp.language'), value, options: USER_LANGS.map((l) => ({ value: l, label: AUTONYMS[l] })) });
export const roleOptions = (i: I18n) => MEMBER_ROLES.map((r) => ({ value: r, label: i.t(`pp.role.${r}` as MessageKey) }));
const tokenOf = (req: FastifyRequest) => {
  const q = req.query as Record<string, unknown>;
  const b = (req.body ?? {}) as Record<string, unknown>;
  const t = str(b.token) || str(q.token);
  return /^[\w-]{20,100}$/.test(t) ? t : '';
};
const linkInvalid = (ctx: WebContext, reply: FastifyReply, req: FastifyRequest) => sendPage(req, reply, page(ctx, {
  title: ctx.i.t('error.title'),
  body: html`<h1>${ctx.i.t('error.title')}</h1><p>${ctx.i.t('pp.linkInvalid')}</p><p><a href="/password/forgot">${ctx.i.t('pp.forgot')}</a> · <a href="/sign-in">${ctx.i.t('nav.signIn')}</a></p>`,
}), 410);

/** Signs a person in after a link (invitation, reset): a fresh session, and the second factor step when one is owed. */
export async function startSession(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, userId: string, organisationId: string): Promise<string> {
  const earlier = req.cookies[SESSION_COOKIE];
  if (earlier) await app.services.people.endSession(earlier);
  const step = await app.services.people.secondFactorStep(userId);
  const s = await app.services.people.createSession(userId, organisationId, { secondFactorNeeded: step.needed, ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') });
  reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req, s.maxAgeS));
  reply.clearCookie(PRE_SESSION_COOKIE, { path: '/' });
  const u = await app.services.people.user(userId);
  if (isUiLang(u.language) && !req.cookies[LANG_COOKIE]) reply.setCookie(LANG_COOKIE, u.language, cookieOptions(req, 365 * 24 * 3600));
  if (step.next) return step.next;
  const view = await app.services.people.resolveSession(s.token);
  return view ? homeOf(view.principal) : '/';
}

/** A person's own pages: account, password, unlock and reset links, invitations, their organisation, its keys and drafts. */
export function peoplePages(app: FastifyInstance, _deps: WebDeps): void {
  const people = app.services.people;

  // ------------------------------------------------------------------ account
  async function accountPage(req: FastifyRequest, reply: FastifyReply, o: { errors?: FieldErrors; notice?: string | null; status?: number } = {}) {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    if (!p.userId) throw new WebError(403, 'error.forbidden');
    const u = await people.user(p.userId);
    const errors = o.errors ?? {};
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.account'), active: '/account', notice: o.notice ?? null,
      body: html`<h1>${i.t('pp.account')}</h1>
        <p>${u.email} · ${ctx.session?.organisationName ?? ''} · ${p.memberRole ? i.t(`pp.role.${p.memberRole}` as MessageKey) : ''}</p>
        <p class="hint">${i.t('pp.sessionEnds', { minutes: app.deps.config.SESSION_IDLE_MINUTES, date: i.date(ctx.session?.expiresAt ?? null) })}</p>
        <div class="grid">
          <form method="post" action="/account" class="card" novalidate>
            ${csrfField(ctx)}
            ${textField({ name: 'name', label: i.t('pp.name'), value: u.name, errors, required: true, attrs: html` autocomplete="name"` })}
            ${languageField(i, u.language)}
            <button type="submit">${i.t('pp.save')}</button>
          </form>
          <form method="post" action="/account/password" class="card" novalidate>
            <h2>${i.t('pp.changePassword')}</h2>
            ${csrfField(ctx)}
            <input type="text" name="username" value="${u.email}" autocomplete="username" hidden>
            ${textField({ name: 'current', label: i.t('pp.currentPassword'), errors, required: true, type: 'password', attrs: html` autocomplete="current-password"` })}
            ${newPasswordField(i, errors)}
            <button type="submit">${i.t('pp.changePassword')}</button>
          </form>
          <form method="post" action="/account/sign-out-everywhere" class="card">
            <h2>${i.t('pp.signOutEverywhere')}</h2>
            ${csrfField(ctx)}
            <p>${i.t('pp.signOutEverywhereHint')}</p>
            <button type="submit" class="secondary">${i.t('pp.signOutEverywhere')}</button>
          </form>
        </div>
        <p>${i.t('pp.next', { link: '' })}<a href="/organisation">${i.t('pp.people')}</a> · <a href="/organisation/keys">${i.t('pp.keys')}</a> · <a href="/account/security">${i.t('nav.security')}</a> · <a href="${homeOf(p)}">${i.t('nav.home')}</a></p>`,
    }), o.status ?? 200);
  }

  app.get('/account', async (req, reply) => accountPage(req, reply, { notice: (req.query as Record<string, unknown>).saved !== undefined ? ctxOf(req).i.t('pp.saved') : (req.query as Record<string, unknown>).passwordChanged !== undefined ? ctxOf(req).i.t('pp.passwordChanged') : null }));

  app.post('/account', async (req, reply) => {
    const p = need(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    try { await people.updateProfile(p, { name: str(b.name), language: str(b.language) }); } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return accountPage(req, reply, { errors, status: 400 });
    }
    if (isUiLang(str(b.language))) reply.setCookie(LANG_COOKIE, str(b.language), cookieOptions(req, 365 * 24 * 3600));
    return reply.redirect('/account?saved', 303);
  });

  // A password change ends every session of the person (this one included), then signs this browser in again.
  app.post('/account/password', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const current = typeof b.current === 'string' ? b.current : '';
    const next = typeof b.password === 'string' ? b.password : '';
    try { await people.changePassword(p, current, next); } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return accountPage(req, reply, { errors, status: 400 });
    }
    await startSession(app, req, reply, p.userId!, p.organisationId!);
    return reply.redirect('/account?passwordChanged', 303);
  });

  // ------------------------------------------------------------------ the organisation the session acts for
  app.get('/sign-in/organisation', async (req, reply) => {
    need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    const s = ctx.session!;
    const next = safeNext((req.query as Record<string, unknown>).next, '');
    if (s.organisations.length < 2) return reply.redirect(next || homeOf(ctx.principal!), 303);
    return sendPage(req, reply, page(ctx, {
      title: i.t('ac.orgTitle'),
      body: html`<h1>${i.t('ac.orgTitle')}</h1><p>${i.t('ac.orgIntro')}</p>
        <ul class="org-choices">${s.organisations.map((o) => html`<li><form method="post" action="/account/organisation" class="inline">${csrfField(ctx)}
          <input type="hidden" name="organisationId" value="${o.id}"><input type="hidden" name="next" value="${next}">
          <button type="submit"${o.id === s.organisationId ? html` class="secondary"` : ''}>${i.t('ac.orgChoose', { name: o.name })}</button>${o.id === s.organisationId ? html` <span class="hint">(${i.t('ac.orgCurrent')})</span>` : ''}</form></li>`)}</ul>`,
    }));
  });

  // The organisation comes from the form but is only ever one the person is a member of (the service refuses any other, 403).
  app.post('/account/organisation', async (req, reply) => {
    need(req);
    const ctx = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const view = await people.resolveSession(req.cookies[SESSION_COOKIE] ?? '');
    if (!view) throw new WebError(401, 'error.signInNeeded');
    try { await people.switchOrganisation(view, str(b.organisationId)); } catch (err) {
      if (err instanceof AppError && err.statusCode === 403) {
        return sendPage(req, reply, page(ctx, { title: ctx.i.t('error.title'), body: html`<h1>${ctx.i.t('error.title')}</h1><p>${ctx.i.t('ac.orgNotMember')}</p><p><a href="/">${ctx.i.t('error.back')}</a></p>` }), 403);
      }
      throw err;
    }
    const now = await people.resolveSession(req.cookies[SESSION_COOKIE] ?? '');
    return reply.redirect(safeNext(b.next, '') || (now ? homeOf(now.principal) : '/'), 303);
  });

  app.post('/account/sign-out-everywhere', async (req, reply) => {
    const p = need(req);
    if (p.userId) await people.endSessions(p.userId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?signedOut', 303);
  });

  // ------------------------------------------------------------------ unlock, forgotten password, reset
  app.get('/account/unlock', async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    if (!token || !(await people.peekToken(token, 'unlock'))) return linkInvalid(ctx, reply, req);
    return sendPage(req, reply, page(ctx, {
      title: ctx.i.t('pp.unlockTitle'),
      body: html`<h1>${ctx.i.t('pp.unlockTitle')}</h1><p>${ctx.i.t('pp.unlockIntro')}</p>
        <form method="post" action="/account/unlock" class="card narrow">${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
        <button type="submit">${ctx.i.t('pp.unlockButton')}</button></form>`,
    }));
  });

  app.post('/account/unlock', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    if (!token || !(await people.unlock(token))) return linkInvalid(ctx, reply, req);
    return sendPage(req, reply, page(ctx, {
      title: ctx.i.t('pp.unlockTitle'),
      body: html`<h1>${ctx.i.t('pp.unlockTitle')}</h1><p>${ctx.i.t('pp.unlocked')}</p><p><a class="button" href="/sign-in">${ctx.i.t('nav.signIn')}</a> <a href="/password/forgot">${ctx.i.t('pp.forgot')}</a></p>`,
    }));
  });

  const forgotPage = (ctx: WebContext, o: { errors?: FieldErrors; sent?: boolean; email?: string } = {}) => page(ctx, {
    title: ctx.i.t('pp.forgotTitle'), notice: o.sent ? ctx.i.t('pp.forgotSent') : null,
    body: html`<h1>${ctx.i.t('pp.forgotTitle')}</h1><p>${ctx.i.t('pp.forgotIntro')}</p>
      <form method="post" action="/password/forgot" class="card narrow" novalidate>${csrfField(ctx)}
        ${textField({ name: 'email', label: ctx.i.t('pp.email'), errors: o.errors, required: true, type: 'email', value: o.email ?? '', attrs: html` autocomplete="username"` })}
        <button type="submit">${ctx.i.t('pp.forgotSend')}</button></form>
      <p><a href="/sign-in">${ctx.i.t('nav.signIn')}</a></p>`,
  });

  app.get('/password/forgot', async (req, reply) => sendPage(req, reply, forgotPage(ctxOf(req))));

  // The same answer whether or not the address has an account (no account discovery); both budgets limit the mail it sends.
  app.post('/password/forgot', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const email = str(((req.body ?? {}) as Record<string, unknown>).email).slice(0, 320);
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return sendPage(req, reply, forgotPage(ctx, { errors: { email: ctx.i.t('pp.err.badEmail') }, email }), 400);
    await app.rateLimits.take('sensitive', `account:${people.hashToken(email.toLowerCase())}`, reply);
    await people.requestReset(email);
    return sendPage(req, reply, forgotPage(ctx, { sent: true }));
  });

  const resetPage = (ctx: WebContext, token: string, errors: FieldErrors = {}) => page(ctx, {
    title: ctx.i.t('pp.resetTitle'),
    body: html`<h1>${ctx.i.t('pp.resetTitle')}</h1>${formProblem(errors)}
      <form method="post" action="/password/reset" class="card narrow" novalidate>${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
        ${newPasswordField(ctx.i, errors)}
        <button type="submit">${ctx.i.t('pp.resetTitle')}</button></form>`,
  });

  app.get('/password/reset', async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    if (!token || !(await people.peekToken(token, 'reset'))) return linkInvalid(ctx, reply, req);
    return sendPage(req, reply, resetPage(ctx, token));
  });

  app.post('/password/reset', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    const password = typeof (req.body as Record<string, unknown>)?.password === 'string' ? (req.body as Record<string, string>).password : '';
    let done;
    try { done = token ? await people.resetPassword(token, password) : null; } catch (err) {
      const errors = peopleErrors(ctx.i, err);
      if (!errors) throw err;
      return sendPage(req, reply, resetPage(ctx, token, errors), 400);
    }
    if (!done) return linkInvalid(ctx, reply, req);
    if (!done.organisationId) return reply.redirect('/sign-in', 303);
    const home = await startSession(app, req, reply, done.userId, done.organisationId);
    return reply.redirect(home, 303);
  });

  // ------------------------------------------------------------------ invitations
  const acceptPage = (ctx: WebContext, token: string, inv: NonNullable<Awaited<ReturnType<typeof people.invitation>>>, errors: FieldErrors = {}, v: { name?: string; language?: string } = {}) => {
    const { i } = ctx;
    const role = i.t(`pp.role.${inv.role}` as MessageKey);
    return page(ctx, {
      title: i.t('pp.acceptTitle', { organisation: inv.organisation.name }),
      body: html`<h1>${i.t('pp.acceptTitle', { organisation: inv.organisation.name })}</h1>
        <p>${i.t('pp.acceptIntro', { role, organisation: inv.organisation.name, email: inv.email })}</p>${formProblem(errors)}
        <form method="post" action="/invitations/accept" class="card narrow" novalidate>${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
          <input type="text" name="username" value="${inv.email}" autocomplete="username" hidden>
          ${inv.existingUser
            ? html`<p>${i.t('pp.acceptExisting')}</p>${textField({ name: 'password', label: i.t('pp.password'), errors, required: true, type: 'password', attrs: html` autocomplete="current-password"` })}`
            : html`${textField({ name: 'name', label: i.t('pp.name'), errors, required: true, value: v.name ?? '', attrs: html` autocomplete="name"` })}
              ${languageField(i, v.language ?? i.lang)}
              ${newPasswordField(i, errors)}`}
          <button type="submit">${i.t('pp.acceptButton')}</button></form>`,
    });
  };

  app.get('/invitations/accept', async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    const inv = token ? await people.invitation(token) : null;
    if (!inv) return linkInvalid(ctx, reply, req);
    return sendPage(req, reply, acceptPage(ctx, token, inv));
  });

  app.post('/invitations/accept', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const inv = token ? await people.invitation(token) : null;
    if (!inv) return linkInvalid(ctx, reply, req);
    const v = { name: str(b.name), language: str(b.language), password: typeof b.password === 'string' ? b.password : '' };
    let done;
    try { done = await people.acceptInvitation(token, v); } catch (err) {
      const errors = peopleErrors(ctx.i, err);
      if (!errors) throw err;
      return sendPage(req, reply, acceptPage(ctx, token, inv, errors, v), 400);
    }
    if (!done) return linkInvalid(ctx, reply, req);
    return reply.redirect(await startSession(app, req, reply, done.userId, done.organisationId), 303);
  });

  // ------------------------------------------------------------------ the first administrator (link printed at start)
  const firstAdminPage = (ctx: WebContext, token: string, errors: FieldErrors = {}, v: { email?: string; name?: string } = {}) => page(ctx, {
    title: ctx.i.t('pp.firstAdminTitle'),
    body: html`<h1>${ctx.i.t('pp.firstAdminTitle')}</h1><p>${ctx.i.t('pp.firstAdminIntro')}</p>${formProblem(errors)}
      <form method="post" action="/first-admin" class="card narrow" novalidate>${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
        ${textField({ name: 'email', label: ctx.i.t('pp.email'), errors, required: true, type: 'email', value: v.email ?? '', attrs: html` autocomplete="username"` })}
        ${textField({ name: 'name', label: ctx.i.t('pp.name'), errors, required: true, value: v.name ?? '', attrs: html` autocomplete="name"` })}
        ${newPasswordField(ctx.i, errors)}
        <button type="submit">${ctx.i.t('pp.firstAdminButton')}</button></form>`,
  });

  app.get('/first-admin', async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    if (!token || !(await people.peekToken(token, 'first_admin'))) return linkInvalid(ctx, reply, req);
    return sendPage(req, reply, firstAdminPage(ctx, token));
  });

  app.post('/first-admin', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const token = tokenOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = { email: str(b.email), name: str(b.name), password: typeof b.password === 'string' ? b.password : '', language: ctx.i.lang };
    let done;
    try { done = token ? await people.createFirstAdmin(token, v) : null; } catch (err) {
      const errors = peopleErrors(ctx.i, err);
      if (!errors) throw err;
      return sendPage(req, reply, firstAdminPage(ctx, token, errors, v), 400);
    }
    if (!done) return linkInvalid(ctx, reply, req);
    return reply.redirect(await startSession(app, req, reply, done.userId, done.organisationId), 303);
  });

  // ------------------------------------------------------------------ my organisation: people, invitations
  async function organisationPage(req: FastifyRequest, reply: FastifyReply, o: { errors?: FieldErrors; notice?: string | null; status?: number; email?: string; role?: string } = {}) {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    if (!p.organisationId) throw new WebError(403, 'error.forbidden');
    const [org, members, invitations] = await Promise.all([people.organisation(p.organisationId), people.listMembers(p.organisationId), people.listInvitations(p.organisationId)]);
    const focal = p.memberRole === 'focal_point';
    const errors = o.errors ?? {};
    return sendPage(req, reply, page(ctx, {
      title: org.name, active: '/organisation', notice: o.notice ?? null,
      body: html`<h1>${org.name}</h1>
        <h2>${i.t('pp.people')}</h2>
        ${memberTable(i, members, focal ? { ctx } : undefined)}
        ${invitations.length ? html`<h2>${i.t('pp.openInvitations')}</h2><ul>${invitations.map((x) => html`<li>${x.email} · ${i.t(`pp.role.${x.role}` as MessageKey)} · ${i.t('pp.expires')} ${i.date(x.expiresAt)}</li>`)}</ul>` : ''}
        ${focal ? inviteForm(ctx, '/organisation/invitations', i.t('pp.invite'), errors, o) : html`<p class="hint">${i.t('pp.roleHint')}</p>`}
        <p><a href="/organisation/keys">${i.t('pp.keys')}</a> · <a href="/account">${i.t('pp.account')}</a>${p.role === 'member_state' ? html` · <a href="/requests/drafts">${i.t('pp.drafts')}</a>` : ''}</p>`,
    }), o.status ?? 200);
  }

  app.get('/organisation', async (req, reply) => organisationPage(req, reply, { notice: typeof (req.query as Record<string, unknown>).invited === 'string' ? ctxOf(req).i.t('pp.invited', { email: String((req.query as Record<string, unknown>).invited) }) : null }));

  app.post('/organisation/invitations', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = { email: str(b.email), role: str(b.role), language: str(b.language) };
    try { await people.invite(p, { organisationId: p.organisationId ?? '', email: v.email, role: v.role as MemberRole, language: v.language || undefined }); } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return organisationPage(req, reply, { errors, status: 400, ...v });
    }
    return reply.redirect(`/organisation?invited=${encodeURIComponent(v.email.toLowerCase())}`, 303);
  });

  app.post('/organisation/people/:id/status', async (req, reply) => {
    const p = need(req);
    const status = str((req.body as Record<string, unknown>)?.status) === 'active' ? 'active' : 'suspended';
    await people.setUserStatus(p, (req.params as { id: string }).id, status);
    return reply.redirect(p.role === 'admin' ? '/admin/people' : '/organisation', 303);
  });

  // ------------------------------------------------------------------ the organisation's API keys
  async function keysPage(req: FastifyRequest, reply: FastifyReply, o: { errors?: FieldErrors; shown?: string | null; notice?: string | null; status?: number } = {}) {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    if (!p.organisationId) throw new WebError(403, 'error.forbidden');
    const keys = await people.listOrgKeys(p.organisationId);
    const focal = p.memberRole === 'focal_point';
    const errors = o.errors ?? {};
    const now = Date.now();
    const state = (k: (typeof keys)[number]) => (k.revokedAt ? i.t('pp.revoked') : k.expiresAt && k.expiresAt.getTime() <= now ? i.t('pp.expired') : i.t('pp.status.active'));
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.keys'), active: '/organisation/keys', notice: o.notice ?? null,
      body: html`<h1>${i.t('pp.keys')}</h1><p>${i.t('pp.keysIntro')}</p>
        ${o.shown ? html`<div class="notice" role="status"><p>${i.t('pp.keyShown')}</p><p><code id="new-key">${o.shown}</code></p></div>` : ''}
        ${keys.length ? html`<table><thead><tr><th>${i.t('pp.keyLabel')}</th><th>${i.t('pp.created')}</th><th>${i.t('pp.lastUsed')}</th><th>${i.t('pp.expires')}</th><th>${i.t('pp.status')}</th><th></th></tr></thead><tbody>
          ${keys.map((k) => html`<tr><td>${k.label} <code>${k.prefix}…</code></td><td>${i.date(k.createdAt)}${k.createdBy ? html` · ${k.createdBy}` : ''}</td><td>${k.lastUsedAt ? i.date(k.lastUsedAt) : i.t('pp.never')}</td>
            <td>${k.expiresAt ? i.date(k.expiresAt) : '—'}</td><td>${state(k)}</td>
            <td>${focal && !k.revokedAt ? html`<form method="post" action="/organisation/keys/${k.id}/rotate" class="inline">${csrfField(ctx)}<button type="submit" class="small">${i.t('pp.rotate')}</button></form>
              <form method="post" action="/organisation/keys/${k.id}/revoke" class="inline">${csrfField(ctx)}<button type="submit" class="small secondary">${i.t('pp.revoke')}</button></form>` : ''}</td></tr>`)}
          </tbody></table>` : html`<p>${i.t('pp.none')}</p>`}
        ${focal ? html`<form method="post" action="/organisation/keys" class="card narrow" novalidate>${csrfField(ctx)}<h2>${i.t('pp.createKey')}</h2>
          ${textField({ name: 'label', label: i.t('pp.keyLabel'), errors, required: true })}
          ${textField({ name: 'expiresInDays', label: i.t('pp.keyExpiry'), hint: i.t('pp.keyExpiryHint'), errors, type: 'number', attrs: html` min="1" max="3650"` })}
          <button type="submit">${i.t('pp.createKey')}</button></form>` : html`<p class="hint">${i.t('pp.roleHint')}</p>`}
        <p><a href="/organisation">${i.t('pp.people')}</a> · <a href="/docs">API</a></p>`,
    }), o.status ?? 200);
  }

  app.get('/organisation/keys', async (req, reply) => keysPage(req, reply, { notice: (req.query as Record<string, unknown>).revoked !== undefined ? ctxOf(req).i.t('pp.keyRevoked') : null }));

  app.post('/organisation/keys', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const days = str(b.expiresInDays);
    try {
      const made = await people.createOrgKey(p, { label: str(b.label), expiresInDays: days ? Number(days) : null });
      // Shown in the answer to this POST only: the secret is never stored, and never put in a URL.
      return keysPage(req, reply, { shown: made.key, status: 201 });
    } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return keysPage(req, reply, { errors, status: 400 });
    }
  });

  app.post('/organisation/keys/:id/rotate', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req);
    const made = await people.rotateOrgKey(p, (req.params as { id: string }).id);
    app.forgetKeyCache();
    return keysPage(req, reply, { shown: made.key, status: 201 });
  });

  app.post('/organisation/keys/:id/revoke', async (req, reply) => {
    const p = need(req);
    await people.revokeOrgKey(p, (req.params as { id: string }).id);
    app.forgetKeyCache();
    return reply.redirect('/organisation/keys?revoked', 303);
  });

  // ------------------------------------------------------------------ request drafts (contributors draft, focal points file)
  app.get('/requests/drafts', async (req, reply) => {
    const p = need(req, 'member_state');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const drafts = await people.listDrafts(p.organisationId ?? '00000000-0000-0000-0000-000000000000');
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.drafts'), active: '/requests', notice: (req.query as Record<string, unknown>).saved !== undefined ? i.t('pp.draftSaved') : null,
      body: html`<h1>${i.t('pp.drafts')}</h1><p>${i.t('pp.draftsIntro')}</p>
        ${drafts.length ? html`<ul class="drafts">${drafts.map((d) => html`<li><a href="/requests/drafts/${d.id}">${d.title}</a> · ${i.t('pp.draftBy', { name: d.author, date: i.date(d.createdAt) })}</li>`)}</ul>` : html`<p>${i.t('pp.none')}</p>`}
        <p><a href="/requests/new">${i.t('nav.newRequest')}</a> · <a href="/requests">${i.t('nav.requests')}</a></p>`,
    }));
  });

  app.get('/requests/drafts/:id', async (req, reply) => {
    const p = need(req, 'member_state');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const d = await people.draft(p, (req.params as { id: string }).id);
    const b = d.body as { title?: string; description?: string; thematicAreas?: string[]; urgency?: string };
    return sendPage(req, reply, page(ctx, {
      title: d.title, active: '/requests',
      body: html`<h1>${d.title}</h1><p class="hint">${i.t('pp.draftBy', { name: (await people.user(d.createdBy)).name, date: i.date(d.createdAt) })}</p>
        <p class="prewrap">${b.description ?? ''}</p>
        ${d.filedAt ? html`<p>${d.requestId ? html`<a href="/requests/${d.requestId}">${i.t('pp.saved')}</a>` : ''}</p>`
          : p.memberRole === 'focal_point' || p.memberRole === null
            ? html`<form method="post" action="/requests/drafts/${d.id}/file">${csrfField(ctx)}<button type="submit">${i.t('pp.fileDraft')}</button></form>`
            : html`<p class="hint">${i.t('pp.roleHint')}</p>`}
        <p><a href="/requests/drafts">${i.t('pp.drafts')}</a></p>`,
    }));
  });

  // The focal point files the draft as it was written: the requests service checks it as any filing (and that they may file).
  app.post('/requests/drafts/:id/file', async (req, reply) => {
    const p = need(req, 'member_state');
    const id = (req.params as { id: string }).id;
    const created = await people.fileDraft(p, id, (body) => app.services.requests.submit(p, CreateRequestBody.parse(body), `draft-${id}`));
    return reply.redirect(`/requests/${created.id}?filed=1`, 303);
  });
}

/** The people of an organisation, with suspend/reactivate for those who may (a focal point: their colleagues). */
/**
 * `bounced` (admins): addresses the mail server refused for good, by lower-cased address; shown beside the
 * person with a link to /admin/mail, where an admin confirms the address.
 */
export function memberTable(i: I18n, members: Awaited<ReturnType<FastifyInstance['services']['people']['listMembers']>>, manage?: { ctx: WebContext; showOrg?: boolean; resetFactor?: boolean; bounced?: Map<string, { reply: string }> }): SafeHtml {
  if (!members.length) return html`<p>${i.t('pp.none')}</p>`;
  // An admin suspends or reactivates anyone; a focal point their colleagues, never themselves, and never
  // lifts an admin's suspension (people.service refuses it too).
  const asAdmin = manage?.ctx.principal?.role === 'admin';
  const self = manage?.ctx.principal?.userId;
  const toggle = (m: (typeof members)[number], ctx: WebContext) => {
    if (m.suspendedBy === 'admin' && !asAdmin) return html`<span class="hint">${i.t('pp.suspendedByAdmin')}</span>`;
    if (m.status === 'invited' || m.userId === self) return '';
    return html`<form method="post" action="/organisation/people/${m.userId}/status" class="inline">${csrfField(ctx)}<input type="hidden" name="status" value="${m.status === 'active' ? 'suspended' : 'active'}"><button type="submit" class="small secondary">${i.t(m.status === 'active' ? 'pp.suspend' : 'pp.reactivate')}</button></form>`;
  };
  const bounce = (email: string) => {
    const b = manage?.bounced?.get(email.trim().toLowerCase());
    return b ? html` <a href="/admin/mail#mail-bounces" class="badge badge-warn" data-bounced="${email}" title="${i.t('mail.bouncedTitle', { reply: b.reply })}">${i.t('mail.bouncedBadge')}</a>` : '';
  };
  return html`<table><thead><tr><th>${i.t('pp.name')}</th><th>${i.t('pp.email')}</th>${manage?.showOrg ? html`<th>${i.t('pp.organisation')}</th>` : ''}<th>${i.t('pp.role')}</th><th>${i.t('pp.status')}</th>${manage ? html`<th></th>` : ''}</tr></thead><tbody>
    ${members.map((m) => html`<tr><td>${m.name}</td><td>${m.email}${bounce(m.email)}</td>${manage?.showOrg ? html`<td><a href="/admin/organisations/${m.organisationId}">${m.organisationName}</a></td>` : ''}<td>${i.t(`pp.role.${m.role}` as MessageKey)}</td>
      <td>${i.t(`pp.status.${m.status}` as MessageKey)}${m.locked ? html` · ${i.t('pp.locked')}` : ''}</td>
      ${manage ? html`<td>${toggle(m, manage.ctx)}${manage.resetFactor && m.status !== 'invited' ? html` <a href="/admin/people/${m.userId}/second-factor" class="small">${i.t('ac.resetFactor')}</a>` : ''}</td>` : ''}</tr>`)}
  </tbody></table>`;
}

/** The invitation form (a focal point's for colleagues, an admin's for an organisation's first person). */
export function inviteForm(ctx: WebContext, action: string, title: string, errors: FieldErrors, v: { email?: string; role?: string } = {}): SafeHtml {
  const { i } = ctx;
  return html`<form method="post" action="${action}" class="card narrow" novalidate>${csrfField(ctx)}<h2>${title}</h2>
    ${textField({ name: 'email', label: i.t('pp.email'), errors, required: true, type: 'email', value: v.email ?? '' })}
    ${selectField({ name: 'role', label: i.t('pp.role'), hint: i.t('pp.roleHint'), errors, value: v.role ?? 'contributor', options: roleOptions(i) })}
    ${selectField({ name: 'language', label: i.t('pp.language'), value: i.lang, options: USER_LANGS.map((l) => ({ value: l, label: AUTONYMS[l] })) })}
    <button type="submit">${i.t('pp.inviteButton')}</button></form>`;
}
