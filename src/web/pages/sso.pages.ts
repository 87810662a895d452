import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorDetail } from '../../errors.js';
import { SsoError } from '../../modules/sso/sso.errors.js';
import { SELF_REGISTRATION_KINDS, type ProviderRegistrationBody, type SsoConfigBody } from '../../modules/sso/sso.schemas.js';
import type { RegistrationView } from '../../modules/sso/provider-registration.service.js';
import { UUID_RE } from '../components.js';
import { ctxOf, need, safeNext, sendPage, str, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { AUTONYMS, isUiLang, UI_LANGS, type I18n, type MessageKey } from '../i18n/index.js';
import { badge, csrfField, errorSummary, page, selectField, textArea, textField, type FieldErrors } from '../layout.js';
import { stateOptions } from '../pickers.js';
import { LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE } from '../session.js';
import { cookieOptions, type WebDeps } from '../web.plugin.js';
import { homeOf } from './home.pages.js';

/** The cookie binding a sign-in in progress to the browser that started it (only its hash is stored). */
const SSO_COOKIE = 'od_sso';
const CALLBACK = '/sso/callback';
const ROLES = ['reader', 'contributor', 'focal_point'] as const;

/** The redirect URI the identity providers send browsers back to: this address as the browser reached it (behind TRUST_PROXY, the proxy's). */
const redirectUri = (req: FastifyRequest) => new URL(CALLBACK, `${req.protocol}://${req.host}`).href;

/** A service's 400 details as field messages: OneDoor's own codes in the user's language, else "not valid". */
function fieldErrors(i: I18n, details: readonly ErrorDetail[], prefix: 'sso' | 'reg'): FieldErrors {
  const out: FieldErrors = {};
  for (const d of details) {
    const field = d.path.split('.')[0] || '_form';
    if (out[field]) continue;
    const said = d.code ? i.tx(prefix, d.code, { reason: d.message, ...(d.params ?? {}) }) : d.code;
    out[field] = said && said !== d.code ? said : d.code === 'too_small' && d.params?.origin === 'string' ? i.t('v.required') : i.t('v.invalid');
  }
  return out;
}

function ssoEntryPage(ctx: WebContext, o: { email?: string; errors?: FieldErrors; choices: { organisationId: string; name: string }[]; next: string; heading?: string }): SafeHtml {
  const { i } = ctx;
  const choiceList = o.choices.length
    ? html`<ul class="plain choices">${o.choices.map((c) => html`<li><form method="post" action="/sign-in/sso" class="inline">${csrfField(ctx)}
        <input type="hidden" name="organisationId" value="${c.organisationId}"><input type="hidden" name="next" value="${o.next}">
        <button type="submit" class="secondary" data-org="${c.organisationId}">${c.name}</button></form></li>`)}</ul>`
    : html`<p class="muted">${i.t('sso.entry.none')}</p>`;
  return page(ctx, {
    title: i.t('sso.entry.title'),
    body: html`<h1>${i.t('sso.entry.title')}</h1>
      ${o.errors ? errorSummary(ctx, o.errors, { email: i.t('sso.entry.email') }) : ''}
      <p class="lead">${i.t('sso.entry.intro')}</p>
      <form method="post" action="/sign-in/sso" class="card" novalidate>
        ${csrfField(ctx)}<input type="hidden" name="next" value="${o.next}">
        ${textField({ name: 'email', label: i.t('sso.entry.email'), type: 'email', value: o.email, errors: o.errors, required: true, attrs: html` autocomplete="email" maxlength="320"` })}
        <button type="submit">${i.t('sso.entry.submit')}</button>
      </form>
      <h2 class="h3">${o.heading ?? i.t('sso.entry.list')}</h2>
      ${choiceList}
      <p><a href="/sign-in${o.next ? `?next=${encodeURIComponent(o.next)}` : ''}">${i.t('sso.entry.password')}</a></p>
      <p><a href="/register/provider">${i.t('reg.link')}</a></p>`,
  });
}

function failedPage(ctx: WebContext, err: SsoError): SafeHtml {
  const { i } = ctx;
  return page(ctx, {
    title: i.t('sso.failed.title'),
    body: html`<h1>${i.t('sso.failed.title')}</h1>
      <p class="error" role="alert" data-refusal="${err.refusal}">${i.t(`sso.err.${err.refusal}` as MessageKey)}</p>
      <p><a class="button" href="/sign-in/sso">${i.t('sso.failed.again')}</a> <a href="/sign-in">${i.t('sso.entry.password')}</a></p>`,
  });
}

function registrationForm(ctx: WebContext, states: { value: string; label: string }[], v: Record<string, string> = {}, errors?: FieldErrors): SafeHtml {
  const { i } = ctx;
  const labels = {
    organisationName: i.t('reg.orgName'), kind: i.t('reg.kind'), country: i.t('reg.country'), website: i.t('reg.website'),
    contactName: i.t('reg.contactName'), contactEmail: i.t('reg.contactEmail'), language: i.t('reg.language'),
  };
  return page(ctx, {
    title: i.t('reg.title'),
    body: html`<h1>${i.t('reg.title')}</h1>
      ${errors ? errorSummary(ctx, errors, labels) : ''}
      <p class="lead">${i.t('reg.intro')}</p>
      <form method="post" action="/register/provider" class="card" novalidate>
        ${csrfField(ctx)}
        ${textField({ name: 'organisationName', label: labels.organisationName, hint: i.t('reg.orgName.hint'), value: v.organisationName, errors, required: true, attrs: html` maxlength="200" autocomplete="organization"` })}
        ${selectField({ name: 'kind', label: labels.kind, value: v.kind, errors, required: true, options: SELF_REGISTRATION_KINDS.map((k) => ({ value: k, label: i.t(`reg.kind.${k}` as MessageKey) })) })}
        ${selectField({ name: 'country', label: labels.country, hint: i.t('reg.country.hint'), value: v.country, errors, required: true, options: [{ value: '', label: i.t('reg.country.choose') }, ...states] })}
        ${textField({ name: 'website', label: labels.website, hint: i.t('reg.website.hint'), type: 'url', value: v.website, errors, required: true, attrs: html` maxlength="500"` })}
        ${textField({ name: 'contactName', label: labels.contactName, value: v.contactName, errors, required: true, attrs: html` maxlength="200" autocomplete="name"` })}
        ${textField({ name: 'contactEmail', label: labels.contactEmail, hint: i.t('reg.contactEmail.hint'), type: 'email', value: v.contactEmail, errors, required: true, attrs: html` maxlength="320" autocomplete="email"` })}
        ${selectField({ name: 'language', label: labels.language, value: v.language ?? i.lang, errors, options: UI_LANGS.map((l) => ({ value: l, label: AUTONYMS[l] })) })}
        <button type="submit">${i.t('reg.submit')}</button>
      </form>
      <p><a href="/sign-in">${i.t('reg.done.next')}</a></p>`,
  });
}

const STATUS_BADGE: Record<string, string> = { pending: 'warn', active: 'ok', suspended: 'closed' };

/** Sign-in through an organisation's identity provider, provider self-registration, and their admin pages. */
export function ssoPages(app: FastifyInstance, _deps: WebDeps): void {
  const sso = () => app.services.sso;
  const registrations = () => app.services.registrations;

  // ------------------------------------------------------------------ single sign-on
  app.get('/sign-in/sso', async (req, reply) => {
    const ctx = ctxOf(req);
    const next = safeNext((req.query as Record<string, unknown>).next, '');
    if (ctx.principal) return reply.redirect(next || homeOf(ctx.principal), 303);
    return sendPage(req, reply, ssoEntryPage(ctx, { choices: await sso().allChoices(), next }));
  });

  // Starting a sign-in costs a row and a redirect: the stricter per-address budget.
  app.post('/sign-in/sso', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next, '');
    let organisationId = str(body.organisationId);
    const email = str(body.email).slice(0, 320).toLowerCase();
    if (!organisationId) {
      const domain = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/.exec(email)?.[1];
      if (!domain) return sendPage(req, reply, ssoEntryPage(ctx, { email, errors: { email: email ? ctx.i.t('sso.entry.badEmail') : ctx.i.t('v.required') }, choices: await sso().allChoices(), next }), 400);
      const found = await sso().choicesForEmail(email);
      if (found.length === 0) return sendPage(req, reply, ssoEntryPage(ctx, { email, errors: { email: ctx.i.t('sso.entry.noMatch', { domain }) }, choices: await sso().allChoices(), next }), 404);
      if (found.length > 1) return sendPage(req, reply, ssoEntryPage(ctx, { email, choices: found, next, heading: ctx.i.t('sso.entry.choose', { domain }) }));
      organisationId = found[0].organisationId;
    }
    if (!UUID_RE.test(organisationId)) return sendPage(req, reply, failedPage(ctx, new SsoError('sso_not_configured')), 404);
    const browserToken = sso().newBrowserToken();
    try {
      const { url } = await sso().begin({ organisationId, redirectUri: redirectUri(req), browserToken, loginHint: email || undefined, returnTo: next || null });
      reply.setCookie(SSO_COOKIE, browserToken, { ...cookieOptions(req, 600), path: CALLBACK });
      // Not a 303: the pages' CSP (form-action 'self') stops a form's redirect to another origin. The
      // Refresh header (and the link, without it) is a plain navigation to the provider.
      reply.header('refresh', `0; url=${url}`);
      return sendPage(req, reply, page(ctx, {
        title: ctx.i.t('sso.entry.title'),
        body: html`<h1>${ctx.i.t('sso.entry.title')}</h1><p><a class="button" id="sso-continue" href="${url}">${ctx.i.t('sso.entry.submit')}</a></p>`,
      }));
    } catch (err) {
      if (err instanceof SsoError) return sendPage(req, reply, failedPage(ctx, err), err.statusCode);
      throw err;
    }
  });

  app.get(CALLBACK, { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    reply.clearCookie(SSO_COOKIE, { path: CALLBACK });
    try {
      const done = await sso().complete({
        callbackUrl: new URL(req.url, `${req.protocol}://${req.host}`), browserToken: req.cookies[SSO_COOKIE], language: ctx.i.lang,
        ip: req.ip, userAgent: String(req.headers['user-agent'] ?? ''),
      });
      // A new session at every sign-in (no fixation); the earlier one of this browser ends.
      const earlier = req.cookies[SESSION_COOKIE];
      if (earlier) await app.services.people.endSession(earlier);
      reply.setCookie(SESSION_COOKIE, done.session.token, cookieOptions(req, done.session.maxAgeS));
      reply.clearCookie(PRE_SESSION_COOKIE, { path: '/' });
      const u = await app.services.people.user(done.userId);
      if (isUiLang(u.language)) reply.setCookie(LANG_COOKIE, u.language, cookieOptions(req, 365 * 24 * 3600));
      const next = safeNext(done.returnTo, '');
      if (done.secondFactor.next) return reply.redirect(next ? `${done.secondFactor.next}?next=${encodeURIComponent(next)}` : done.secondFactor.next, 303);
      const view = await app.services.people.resolveSession(done.session.token);
      return reply.redirect(next || (view ? homeOf(view.principal) : '/'), 303);
    } catch (err) {
      if (!(err instanceof SsoError)) throw err;
      req.log.warn({ refusal: err.refusal, reason: err.reason }, 'single sign-on refused');
      return sendPage(req, reply, failedPage(ctx, err), err.statusCode);
    }
  });

  // ------------------------------------------------------------------ admin: identity providers
  app.get('/admin/sso', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const [configs, orgs] = await Promise.all([sso().listConfigs(), app.services.people.listOrganisations()]);
    const q = req.query as Record<string, unknown>;
    return sendPage(req, reply, page(ctx, {
      title: i.t('sso.admin.title'), active: '/admin/sso', notice: q.saved !== undefined ? i.t('sso.admin.saved') : null,
      body: html`<h1>${i.t('sso.admin.title')}</h1><p class="lead">${i.t('sso.admin.intro')}</p>
        <p>${i.t('sso.admin.redirect', { uri: redirectUri(req) })}</p>
        ${configs.length ? html`<table class="data"><thead><tr><th scope="col">${i.t('sso.admin.organisation')}</th><th scope="col">${i.t('sso.admin.issuer')}</th><th scope="col">${i.t('sso.admin.domains')}</th><th scope="col">${i.t('sso.admin.role')}</th><th scope="col"></th></tr></thead>
          <tbody>${configs.map((c) => html`<tr><td>${c.organisationName} ${badge(c.enabled ? i.t('sso.admin.on') : i.t('sso.admin.off'), c.enabled ? 'ok' : 'closed')}</td><td><code>${c.issuer}</code></td><td>${c.allowedDomains.join(', ')}</td><td>${i.t(`sso.role.${c.defaultRole}` as MessageKey)}</td><td><a href="/admin/sso/${c.organisationId}">${i.t('sso.admin.edit')}</a></td></tr>`)}</tbody></table>`
          : html`<p class="muted">${i.t('sso.admin.none')}</p>`}
        <form method="get" action="/admin/sso/choose" class="card">
          ${selectField({ name: 'organisationId', label: i.t('sso.admin.configure'), options: orgs.filter((o) => o.status === 'active').map((o) => ({ value: o.id, label: o.name })) })}
          <button type="submit">${i.t('sso.admin.edit')}</button>
        </form>`,
    }));
  });

  app.get('/admin/sso/choose', async (req, reply) => {
    need(req, 'admin');
    const id = str((req.query as Record<string, unknown>).organisationId);
    return reply.redirect(UUID_RE.test(id) ? `/admin/sso/${id}` : '/admin/sso', 303);
  });

  async function configForm(req: FastifyRequest, reply: FastifyReply, orgId: string, v?: Record<string, string>, errors?: FieldErrors, status = 200) {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const org = await app.services.people.organisation(orgId);
    const c = await sso().getConfig(orgId);
    const val = v ?? {
      issuer: c?.issuer ?? '', clientId: c?.clientId ?? '', allowedDomains: c?.allowedDomains.join(', ') ?? '', defaultRole: c?.defaultRole ?? 'reader',
      enabled: c ? String(c.enabled) : 'true', idpEnforcesMfa: c ? String(c.idpEnforcesMfa) : 'false',
    };
    const labels = { issuer: i.t('sso.admin.issuer'), clientId: i.t('sso.admin.clientId'), clientSecret: i.t('sso.admin.clientSecret'), allowedDomains: i.t('sso.admin.domains'), defaultRole: i.t('sso.admin.role') };
    return sendPage(req, reply, page(ctx, {
      title: `${i.t('sso.admin.title')}: ${org.name}`, active: '/admin/sso',
      body: html`<h1>${i.t('sso.admin.title')}: <span dir="auto">${org.name}</span></h1>
        ${errors ? errorSummary(ctx, errors, labels) : ''}
        ${c ? html`<p class="muted">${i.t('sso.admin.updated', { date: i.date(c.updatedAt), who: c.updatedBy })}</p>` : ''}
        <p>${i.t('sso.admin.redirect', { uri: redirectUri(req) })}</p>
        <form method="post" action="/admin/sso/${orgId}" class="card" novalidate>
          ${csrfField(ctx)}
          ${textField({ name: 'issuer', label: labels.issuer, hint: i.t('sso.admin.issuer.hint'), type: 'url', value: val.issuer, errors, required: true, attrs: html` maxlength="500"` })}
          ${textField({ name: 'clientId', label: labels.clientId, value: val.clientId, errors, required: true, attrs: html` maxlength="300" autocomplete="off"` })}
          ${textField({ name: 'clientSecret', label: labels.clientSecret, hint: c ? i.t('sso.admin.clientSecret.hint') : undefined, type: 'password', value: '', errors, required: !c, attrs: html` maxlength="2000" autocomplete="new-password"` })}
          ${textField({ name: 'allowedDomains', label: labels.allowedDomains, hint: i.t('sso.admin.domains.hint'), value: val.allowedDomains, errors, required: true, attrs: html` maxlength="2000"` })}
          ${selectField({ name: 'defaultRole', label: labels.defaultRole, value: val.defaultRole, errors, options: ROLES.map((r) => ({ value: r, label: i.t(`sso.role.${r}` as MessageKey) })) })}
          <div class="field"><label><input type="checkbox" name="enabled" value="true"${val.enabled === 'true' ? html` checked` : ''}> ${i.t('sso.admin.enabled')}</label></div>
          <div class="field"><label><input type="checkbox" name="idpEnforcesMfa" value="true"${val.idpEnforcesMfa === 'true' ? html` checked` : ''}> ${i.t('sso.admin.mfa')}</label></div>
          <button type="submit">${i.t('sso.admin.save')}</button>
        </form>
        <p><a href="/admin/sso">${i.t('sso.admin.back')}</a></p>`,
    }), status);
  }

  app.get('/admin/sso/:orgId', async (req, reply) => {
    need(req, 'admin');
    const { orgId } = req.params as { orgId: string };
    return configForm(req, reply, orgId);
  });

  app.post('/admin/sso/:orgId', async (req, reply) => {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const { orgId } = req.params as { orgId: string };
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = {
      issuer: str(b.issuer), clientId: str(b.clientId), allowedDomains: str(b.allowedDomains), defaultRole: str(b.defaultRole) || 'reader',
      enabled: String(str(b.enabled) === 'true'), idpEnforcesMfa: String(str(b.idpEnforcesMfa) === 'true'),
    };
    try {
      await sso().saveConfig(p, orgId, {
        issuer: v.issuer, clientId: v.clientId, clientSecret: typeof b.clientSecret === 'string' ? b.clientSecret : undefined,
        allowedDomains: v.allowedDomains.split(/[\s,;]+/).filter(Boolean), defaultRole: v.defaultRole as SsoConfigBody['defaultRole'], enabled: v.enabled === 'true', idpEnforcesMfa: v.idpEnforcesMfa === 'true',
      });
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 400) return configForm(req, reply, orgId, v, fieldErrors(ctx.i, err.details, 'sso'), 400);
      throw err;
    }
    return reply.redirect('/admin/sso?saved', 303);
  });

  // ------------------------------------------------------------------ provider self-registration
  app.get('/register/provider', async (req, reply) => {
    const ctx = ctxOf(req);
    return sendPage(req, reply, registrationForm(ctx, stateOptions(ctx, await app.services.reference.get())));
  });

  app.post('/register/provider', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = Object.fromEntries(['organisationName', 'kind', 'country', 'website', 'contactName', 'contactEmail', 'language'].map((k) => [k, str(b[k]).slice(0, 2000)]));
    const states = stateOptions(ctx, await app.services.reference.get());
    let done: RegistrationView;
    try {
      // The service validates every field (its 400 names them); the form's strings go as they came.
      done = await registrations().register({ ...v, language: isUiLang(v.language) ? v.language : i.lang } as ProviderRegistrationBody);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 400) return sendPage(req, reply, registrationForm(ctx, states, v, fieldErrors(i, err.details, 'reg')), 400);
      if (err instanceof AppError && err.code === 'email_taken') return sendPage(req, reply, registrationForm(ctx, states, v, { contactEmail: i.t('reg.err.emailTaken') }), 409);
      throw err;
    }
    return sendPage(req, reply, page(ctx, {
      title: i.t('reg.done.title'),
      body: html`<h1>${i.t('reg.done.title')}</h1><p role="status">${i.t('reg.done.body', { email: done.contactEmail, name: done.name })}</p>
        <p><a class="button" href="/sign-in">${i.t('reg.done.next')}</a></p>`,
    }), 201);
  });

  // ------------------------------------------------------------------ admin: registrations and approval
  app.get('/admin/registrations', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const tab = str((req.query as Record<string, unknown>).status) === 'decided' ? 'decided' : 'waiting';
    const rows = await registrations().list({ status: tab });
    const names = await app.services.reference.get();
    return sendPage(req, reply, page(ctx, {
      title: i.t('reg.admin.title'), active: '/admin/registrations',
      body: html`<h1>${i.t('reg.admin.title')}</h1><p class="lead">${i.t('reg.admin.intro')}</p>
        <nav aria-label="${i.t('reg.admin.title')}"><ul class="tabs">
          <li><a href="/admin/registrations"${tab === 'waiting' ? html` aria-current="page"` : ''}>${i.t('reg.admin.waiting')}</a></li>
          <li><a href="/admin/registrations?status=decided"${tab === 'decided' ? html` aria-current="page"` : ''}>${i.t('reg.admin.decided')}</a></li></ul></nav>
        ${rows.length ? html`<ul class="plain">${rows.map((r) => html`<li class="card"><h2 class="h3"><a href="/admin/registrations/${r.organisationId}" dir="auto">${r.name}</a> ${badge(i.t(`reg.status.${r.status}` as MessageKey), STATUS_BADGE[r.status] ?? 'closed')}</h2>
            <p>${i.t(`reg.kind.${r.kind}` as MessageKey)} · ${names.stateByIso3.get(r.country)?.names[i.lang] ?? r.country} · ${i.t('reg.admin.submitted', { date: i.date(r.submittedAt) })}</p></li>`)}</ul>`
          : html`<p class="muted">${i.t('reg.admin.none')}</p>`}`,
    }));
  });

  async function registrationPage(req: FastifyRequest, reply: FastifyReply, orgId: string, o: { notice?: string | null; error?: string | null; status?: number } = {}) {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const r = await registrations().get(orgId);
    const subjects = await registrations().subjectsOf(orgId);
    const hitLists = await Promise.all(subjects.map((s) => app.services.screening.listHits({ subjectType: s.type, subjectId: s.id, status: 'all', limit: 50 })));
    const hits = hitLists.flatMap((h) => h.items);
    const blocking = hits.filter((h) => h.status !== 'cleared');
    const screened = hits.length > 0 || (await app.services.screening.status()).lastRun !== null;
    const ref = await app.services.reference.get();
    return sendPage(req, reply, page(ctx, {
      title: r.name, active: '/admin/registrations', notice: o.notice ?? null,
      body: html`<h1 dir="auto">${r.name} ${badge(i.t(`reg.status.${r.status}` as MessageKey), STATUS_BADGE[r.status] ?? 'closed')}</h1>
        ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
        <dl class="entry">
          <dt>${i.t('reg.kind')}</dt><dd>${i.t(`reg.kind.${r.kind}` as MessageKey)}</dd>
          <dt>${i.t('reg.country')}</dt><dd>${ref.stateByIso3.get(r.country)?.names[i.lang] ?? r.country}</dd>
          <dt>${i.t('reg.website')}</dt><dd><a href="${r.website}" rel="noopener noreferrer nofollow" dir="ltr">${r.website}</a></dd>
          <dt>${i.t('reg.admin.contact')}</dt><dd dir="auto">${r.contactName} &lt;${r.contactEmail}&gt;</dd>
          <dt>${i.t('reg.admin.people')}</dt><dd><ul class="plain">${subjects.map((s) => html`<li dir="auto">${s.names[0]}</li>`)}</ul></dd>
        </dl>
        ${r.decidedAt ? html`<p class="decided">${i.t('reg.admin.decidedBy', { date: i.date(r.decidedAt), who: r.decidedBy ?? '' })}${r.decisionNote ? html`: <q dir="auto">${r.decisionNote}</q>` : ''}</p>` : ''}
        <h2>${i.t('reg.admin.screening')}</h2>
        ${blocking.length ? html`<p class="error" role="alert" id="screening-blocked">${i.t('reg.admin.hits', { n: blocking.length })}</p>
          <ul class="plain">${blocking.map((h) => html`<li class="card hit" data-ref="${h.entry.referenceNumber}"><p>${i.t('reg.admin.hit', { subject: h.matchedName, ref: h.entry.referenceNumber, entry: h.matchedEntryName, score: i.pct(h.score) })}</p>
            <p class="muted" dir="auto">${h.entry.name}${h.entry.details.nationalities.length ? ` · ${h.entry.details.nationalities.join(', ')}` : ''}${h.entry.listedOn ? ` · ${i.date(h.entry.listedOn)}` : ''}</p>
            <p><a href="/admin/screening?status=all#hit-${h.id}">${i.t('reg.admin.decideHit')}</a></p></li>`)}</ul>`
          : html`<p>${screened && hits.length ? i.t('reg.admin.screening.clear') : i.t('reg.admin.screening.none')}</p>`}
        ${r.status === 'pending' ? html`
          <form method="post" action="/admin/registrations/${orgId}/approve" class="inline">${csrfField(ctx)}<button type="submit">${i.t('reg.admin.approve')}</button></form>
          <form method="post" action="/admin/registrations/${orgId}/reject" class="card">${csrfField(ctx)}
            ${textArea({ name: 'note', label: i.t('reg.admin.note'), rows: 2, attrs: html` maxlength="2000"` })}
            <button type="submit" class="danger">${i.t('reg.admin.reject')}</button></form>` : ''}
        <p><a href="/admin/registrations">${i.t('reg.admin.back')}</a></p>`,
    }), o.status ?? 200);
  }

  app.get('/admin/registrations/:orgId', async (req, reply) => {
    need(req, 'admin');
    const q = req.query as Record<string, unknown>;
    const ctx = ctxOf(req);
    const r = q.approved !== undefined ? await registrations().get((req.params as { orgId: string }).orgId) : null;
    return registrationPage(req, reply, (req.params as { orgId: string }).orgId, {
      notice: r ? ctx.i.t('reg.admin.approved', { name: r.name }) : q.rejected !== undefined ? ctx.i.t('reg.admin.rejected') : null,
    });
  });

  app.post('/admin/registrations/:orgId/approve', async (req, reply) => {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const { orgId } = req.params as { orgId: string };
    try {
      await registrations().approve(p, orgId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'screening_hits') return registrationPage(req, reply, orgId, { status: 409 });
      if (err instanceof AppError && err.code === 'screening_list_not_loaded') return registrationPage(req, reply, orgId, { error: ctx.i.t('reg.admin.noList'), status: 409 });
      if (err instanceof AppError && err.code === 'not_pending') return registrationPage(req, reply, orgId, { error: ctx.i.t('reg.err.notPending'), status: 409 });
      throw err;
    }
    return reply.redirect(`/admin/registrations/${orgId}?approved`, 303);
  });

  app.post('/admin/registrations/:orgId/reject', async (req, reply) => {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const { orgId } = req.params as { orgId: string };
    try {
      await registrations().reject(p, orgId, str((req.body as Record<string, unknown> | undefined)?.note));
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 400) return registrationPage(req, reply, orgId, { error: ctx.i.t('reg.reg.noteRequired'), status: 400 });
      if (err instanceof AppError && err.code === 'not_pending') return registrationPage(req, reply, orgId, { error: ctx.i.t('reg.err.notPending'), status: 409 });
      throw err;
    }
    return reply.redirect(`/admin/registrations/${orgId}?rejected`, 303);
  });
}
