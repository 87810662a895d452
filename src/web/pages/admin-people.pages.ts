import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MemberRole } from '../../plugins/auth.plugin.js';
import { ORG_KINDS, RESET_REASON_MAX } from '../../modules/people/people.service.js';
import { ctxOf, namer, need, sendPage, str, type WebContext } from '../context.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { csrfField, page, selectField, textArea, textField, type FieldErrors } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';
import { formProblem, inviteForm, memberTable, peopleErrors } from './people.pages.js';

const dateOf = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : undefined);

/** The admins' sub-navigation (people's pages and the mail page). */
export const adminNav = (ctx: WebContext) => html`<p class="subnav"><a href="/admin/organisations">${ctx.i.t('pp.orgs')}</a> · <a href="/admin/people">${ctx.i.t('pp.people')}</a> · <a href="/admin/audit">${ctx.i.t('pp.audit')}</a> · <a href="/admin/mail">${ctx.i.t('pp.mail')}</a></p>`;

/** The admins' pages of people (issue 13, item 6): organisations, people, invitations, the audit log (mail: admin-mail.pages.ts). */
export function adminPeoplePages(app: FastifyInstance, _deps: WebDeps): void {
  const people = app.services.people;

  async function orgsPage(req: FastifyRequest, reply: FastifyReply, o: { errors?: FieldErrors; v?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const [orgs, ref, providers] = await Promise.all([people.listOrganisations({ q: str((req.query as Record<string, unknown>).q) }), app.services.reference.get(), app.services.admin.listProviders()]);
    const n = namer(ref, i);
    const errors = o.errors ?? {};
    const v = o.v ?? {};
    const bound = (x: (typeof orgs)[number]) => (x.memberState ? n.state(x.memberState) : x.entityCode ? n.entity(x.entityCode) : x.providerId ? providers.find((p) => p.id === x.providerId)?.name ?? '' : '');
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.orgs'), active: '/admin/organisations', notice: o.notice ?? null, wide: true,
      body: html`<h1>${i.t('pp.orgs')}</h1>${adminNav(ctx)}<p>${i.t('pp.orgsIntro')}</p>
        <table><thead><tr><th>${i.t('pp.name')}</th><th>${i.t('pp.kind')}</th><th>${i.t('pp.binding')}</th><th>${i.t('pp.members')}</th><th>${i.t('pp.status')}</th></tr></thead><tbody>
          ${orgs.map((x) => html`<tr><td><a href="/admin/organisations/${x.id}">${x.name}</a></td><td>${i.t(`pp.kind.${x.kind}` as MessageKey)}</td><td>${bound(x)}</td><td>${i.num(x.members)}</td><td>${i.t(`pp.status.${x.status}` as MessageKey)}</td></tr>`)}
        </tbody></table>
        <form method="post" action="/admin/organisations" class="card narrow" novalidate>${csrfField(ctx)}<h2>${i.t('pp.newOrg')}</h2>${formProblem(errors)}
          ${textField({ name: 'name', label: i.t('pp.name'), errors, required: true, value: v.name ?? '' })}
          ${selectField({ name: 'kind', label: i.t('pp.kind'), errors, value: v.kind ?? 'member_state', options: ORG_KINDS.map((k) => ({ value: k, label: i.t(`pp.kind.${k}` as MessageKey) })) })}
          <p class="hint">${i.t('pp.bindingHint')}</p>
          ${selectField({ name: 'memberState', label: i.t('pp.memberState'), errors, value: v.memberState ?? '', options: [{ value: '', label: i.t('pp.choose') }, ...ref.states.map((s) => ({ value: s.iso3, label: n.state(s.iso3) })).sort((a, b) => a.label.localeCompare(b.label, i.lang))] })}
          ${selectField({ name: 'providerId', label: i.t('pp.provider'), errors, value: v.providerId ?? '', options: [{ value: '', label: i.t('pp.choose') }, ...providers.map((p) => ({ value: p.id, label: p.name }))] })}
          ${selectField({ name: 'entity', label: i.t('pp.entity'), errors, value: v.entity ?? '', options: [{ value: '', label: i.t('pp.choose') }, ...ref.entities.filter((e) => !e.successor).map((e) => ({ value: e.code, label: n.entity(e.code) }))] })}
          <button type="submit">${i.t('pp.createOrg')}</button></form>`,
    }), o.status ?? 200);
  }

  app.get('/admin/organisations', async (req, reply) => orgsPage(req, reply));

  app.post('/admin/organisations', async (req, reply) => {
    const p = need(req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = { name: str(b.name), kind: str(b.kind), memberState: str(b.memberState), providerId: str(b.providerId), entity: str(b.entity) };
    try {
      const o = await people.createOrganisation(p, { name: v.name, kind: v.kind, memberState: v.memberState || null, providerId: v.providerId || null, entity: v.entity || null });
      return reply.redirect(`/admin/organisations/${o.id}?created`, 303);
    } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return orgsPage(req, reply, { errors, v, status: 400 });
    }
  });

  async function orgPage(req: FastifyRequest, reply: FastifyReply, id: string, o: { errors?: FieldErrors; v?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const [org, members, invitations] = await Promise.all([people.organisation(id), people.listMembers(id), people.listInvitations(id)]);
    return sendPage(req, reply, page(ctx, {
      title: org.name, active: '/admin/organisations', notice: o.notice ?? null,
      body: html`<h1>${org.name}</h1>${adminNav(ctx)}
        <p>${i.t(`pp.kind.${org.kind}` as MessageKey)} · ${i.t(`pp.status.${org.status}` as MessageKey)}</p>
        <form method="post" action="/admin/organisations/${org.id}/status" class="inline">${csrfField(ctx)}<input type="hidden" name="status" value="${org.status === 'active' ? 'suspended' : 'active'}">
          <button type="submit" class="secondary">${i.t(org.status === 'active' ? 'pp.suspend' : 'pp.reactivate')}</button></form>
        <h2>${i.t('pp.people')}</h2>${memberTable(i, members, { ctx })}
        ${invitations.length ? html`<h2>${i.t('pp.openInvitations')}</h2><ul>${invitations.map((x) => html`<li>${x.email} · ${i.t(`pp.role.${x.role}` as MessageKey)} · ${i.t('pp.expires')} ${i.date(x.expiresAt)}</li>`)}</ul>` : ''}
        ${inviteForm(ctx, `/admin/organisations/${org.id}/invitations`, members.length ? i.t('pp.invite') : i.t('pp.inviteFirst'), o.errors ?? {}, { role: 'focal_point', ...o.v })}
        <p><a href="/admin/audit?q=${encodeURIComponent(org.name)}">${i.t('pp.audit')}</a> · <a href="/admin/organisations">${i.t('pp.orgs')}</a></p>`,
    }), o.status ?? 200);
  }

  app.get('/admin/organisations/:id', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const i = ctxOf(req).i;
    const notice = q.created !== undefined ? i.t('pp.saved') : typeof q.invited === 'string' ? i.t('pp.invited', { email: q.invited }) : q.suspended !== undefined ? i.t('pp.orgSuspended', { name: '' }) : null;
    return orgPage(req, reply, (req.params as { id: string }).id, { notice });
  });

  app.post('/admin/organisations/:id/invitations', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req, 'admin');
    const id = (req.params as { id: string }).id;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v = { email: str(b.email), role: str(b.role), language: str(b.language) };
    try { await people.invite(p, { organisationId: id, email: v.email, role: v.role as MemberRole, language: v.language || undefined }); } catch (err) {
      const errors = peopleErrors(ctxOf(req).i, err);
      if (!errors) throw err;
      return orgPage(req, reply, id, { errors, v, status: 400 });
    }
    return reply.redirect(`/admin/organisations/${id}?invited=${encodeURIComponent(v.email.toLowerCase())}`, 303);
  });

  // Suspension ends every session of the organisation at once and stops its keys (src/modules/people, admin key lookup).
  app.post('/admin/organisations/:id/status', async (req, reply) => {
    const p = need(req, 'admin');
    const id = (req.params as { id: string }).id;
    const status = str((req.body as Record<string, unknown>)?.status) === 'active' ? 'active' : 'suspended';
    await people.setOrganisationStatus(p, id, status);
    app.forgetKeyCache();
    return reply.redirect(`/admin/organisations/${id}${status === 'suspended' ? '?suspended' : ''}`, 303);
  });

  app.get('/admin/people', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const members = await people.listMembers();
    const bounced = await app.services.mail.bouncedAmong(members.map((m) => m.email));
    const reset = str((req.query as Record<string, unknown>).factorReset).slice(0, 200);
    return sendPage(req, reply, page(ctx, {
      title: ctx.i.t('pp.people'), active: '/admin/people', wide: true, notice: reset ? ctx.i.t('ac.resetDone', { name: reset }) : null,
      body: html`<h1>${ctx.i.t('pp.people')}</h1>${adminNav(ctx)}${memberTable(ctx.i, members, { ctx, showOrg: true, resetFactor: true, bounced })}
        <p><a href="/admin/organisations">${ctx.i.t('pp.inviteFirst')}</a></p>`,
    }));
  });

  // ------------------------------------------------------------------ an admin resets a person's second factor
  async function resetPage(req: FastifyRequest, reply: FastifyReply, userId: string, o: { errors?: FieldErrors; reason?: string; status?: number } = {}) {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const u = await people.user(userId);
    const f = await app.services.factors.status(u.id);
    const errors = o.errors ?? {};
    const self = u.id === p.userId;
    return sendPage(req, reply, page(ctx, {
      title: i.t('ac.resetTitle', { name: u.name }), active: '/admin/people',
      body: html`<h1>${i.t('ac.resetTitle', { name: u.name })}</h1>${adminNav(ctx)}
        <p>${u.name} · ${u.email}</p>
        <p>${i.t('ac.resetHas', { totp: i.t(f.totp ? 'ac.yes' : 'ac.no'), passkeys: i.num(f.passkeys), codes: i.num(f.recoveryCodesLeft) })}</p>
        <p>${i.t('ac.resetIntro')}</p>
        ${self ? html`<p class="error">${i.t('ac.resetSelf')}</p>` : html`<div class="card danger-zone"><p>${i.t('ac.resetCheck')}</p></div>
        ${formProblem(errors)}
        <form method="post" action="/admin/people/${u.id}/second-factor" class="card narrow" novalidate>${csrfField(ctx)}
          ${textArea({ name: 'reason', label: i.t('ac.reason'), hint: i.t('ac.reasonHint', { max: RESET_REASON_MAX }), errors, required: true, value: o.reason ?? '', rows: 3, attrs: html` maxlength="${RESET_REASON_MAX}"` })}
          <div class="field${errors.confirm ? ' has-error' : ''}">${errors.confirm ? html`<p class="error" id="f-confirm-error">${errors.confirm}</p>` : ''}
            <label><input type="checkbox" name="confirm" value="yes" required${errors.confirm ? html` aria-invalid="true" aria-describedby="f-confirm-error"` : ''}> ${i.t('ac.confirm')}</label></div>
          <button type="submit" class="danger">${i.t('ac.resetButton')}</button></form>`}
        <p><a href="/admin/people">${i.t('pp.people')}</a> · <a href="/admin/audit?q=${encodeURIComponent(u.email)}">${i.t('pp.audit')}</a></p>`,
    }), o.status ?? 200);
  }

  app.get('/admin/people/:id/second-factor', async (req, reply) => resetPage(req, reply, (req.params as { id: string }).id));

  app.post('/admin/people/:id/second-factor', { config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const p = need(req, 'admin');
    const { i } = ctxOf(req);
    const id = (req.params as { id: string }).id;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const reason = str(b.reason);
    const errors: FieldErrors = {};
    if (!reason) errors.reason = i.t('v.required');
    else if (reason.length > RESET_REASON_MAX) errors.reason = i.t('v.tooLong', { max: RESET_REASON_MAX });
    if (str(b.confirm) !== 'yes') errors.confirm = i.t('ac.confirmNeeded');
    if (Object.keys(errors).length) return resetPage(req, reply, id, { errors, reason, status: 400 });
    const u = await people.user(id);
    await people.resetSecondFactor(p, u.id, reason);
    return reply.redirect(`/admin/people?factorReset=${encodeURIComponent(u.name)}`, 303);
  });

  app.get('/admin/audit', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const v = { q: str(q.q).slice(0, 200), action: str(q.action).slice(0, 100), from: str(q.from), to: str(q.to) };
    const to = dateOf(v.to);
    const rows = await people.searchAudit({ q: v.q, action: v.action, from: dateOf(v.from), to: to ? new Date(to.getTime() + 86_400_000) : undefined });
    return sendPage(req, reply, page(ctx, {
      title: i.t('pp.audit'), active: '/admin/audit', wide: true,
      body: html`<h1>${i.t('pp.audit')}</h1>${adminNav(ctx)}<p>${i.t('pp.auditIntro')}</p>
        <form method="get" action="/admin/audit" class="card filters">
          ${textField({ name: 'q', label: i.t('pp.auditQ'), hint: i.t('pp.auditQHint'), value: v.q, type: 'search' })}
          ${textField({ name: 'action', label: i.t('pp.auditAction'), value: v.action })}
          ${textField({ name: 'from', label: i.t('pp.auditFrom'), value: v.from, type: 'date' })}
          ${textField({ name: 'to', label: i.t('pp.auditTo'), value: v.to, type: 'date' })}
          <button type="submit">${i.t('pp.search')}</button></form>
        ${rows.length ? html`<table><thead><tr><th>${i.t('pp.when')}</th><th>${i.t('pp.who')}</th><th>${i.t('pp.organisation')}</th><th>${i.t('pp.what')}</th><th>${i.t('pp.record')}</th></tr></thead><tbody>
          ${rows.map((r) => html`<tr><td>${r.at.toISOString().slice(0, 16).replace('T', ' ')}</td><td>${r.actor}</td><td>${r.organisationName ?? ''}</td><td><code>${r.action}</code></td><td>${r.targetType} <code>${r.targetId ?? ''}</code></td></tr>`)}
        </tbody></table>` : html`<p>${i.t('pp.none')}</p>`}`,
    }));
  });
}
