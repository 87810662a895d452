import type { FastifyInstance } from 'fastify';
import type { Profile, ProfileScope } from '../../modules/profiles/profiles.service.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';
import { statusBadge } from '../components.js';
import { ctxOf, namer, need, sendPage, str, WebError, type Namer, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { page, selectField } from '../layout.js';
import { regionOptions, stateOptions } from '../pickers.js';
import type { WebDeps } from '../web.plugin.js';
import { exportControl } from './exports.pages.js';
import { printButton, PRINT_SCRIPT } from '../print.js';

const num = (ctx: WebContext, n: number) => ctx.i.num(n);

/** The M49 levels a state sits in, as links to their region views. */
function regionLinks(ctx: WebContext, ref: ReferenceSnapshot, names: Namer, iso3: string): SafeHtml {
  const s = ref.stateByIso3.get(iso3);
  if (!s) return html``;
  const codes = [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x);
  return html`<p class="muted">${ctx.i.t('prof.region.of')}: ${codes.map((c, k) => html`${k ? ' › ' : ''}<a href="/profiles/region/${c}">${names.region(c)}</a>`)}</p>`;
}

/** The profile's sections: every figure as the service counted it for this reader. */
function profileBody(ctx: WebContext, ref: ReferenceSnapshot, names: Namer, d: Profile): SafeHtml {
  const { i } = ctx;
  const area = (a: string | null) => (a ? names.area(a) : i.t('prof.unclassified'));
  return html`<p class="lead" id="profile-totals">${i.t('prof.totals', { requests: num(ctx, d.totals.requests), needs: num(ctx, d.totals.openNeeds) })}</p>
    <p class="muted">${i.t('prof.scopeNote')}</p>
    <section class="card" aria-labelledby="h-needs"><h2 id="h-needs">${i.t('prof.needs.title')}</h2>
      ${d.needs.length === 0 ? html`<p>${i.t('prof.needs.none')}</p>` : html`<table class="data" id="profile-needs">
        <thead><tr><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.priority')}</th><th scope="col">${i.t('prof.col.needs')}</th><th scope="col">${i.t('prof.col.covered')}</th><th scope="col">${i.t('prof.col.medianAge')}</th><th scope="col">${i.t('prof.col.oldest')}</th></tr></thead>
        <tbody>${d.needs.map((x) => html`<tr data-area="${x.thematicArea ?? ''}" data-priority="${x.priority}"><th scope="row">${area(x.thematicArea)}</th><td>${i.tx('priority', x.priority)}</td>
          <td class="num" data-figure="needs">${num(ctx, x.needs)}</td><td class="num" data-figure="covered">${num(ctx, x.covered)}</td><td class="num">${num(ctx, x.medianAgeDays)}</td><td class="num">${num(ctx, x.oldestAgeDays)}</td></tr>`)}</tbody></table>`}
    </section>
    <section class="card" aria-labelledby="h-requests"><h2 id="h-requests">${i.t('prof.requests.title')}</h2>
      ${d.requests.length === 0 ? html`<p>${i.t('prof.requests.none')}</p>` : html`<table class="data" id="profile-requests">
        <thead><tr><th scope="col">${i.t('col.status')}</th><th scope="col">${i.t('prof.col.requests')}</th><th scope="col">${i.t('prof.col.medianWait')}</th><th scope="col">${i.t('prof.col.longestWait')}</th></tr></thead>
        <tbody>${d.requests.map((x) => html`<tr data-status="${x.status}"><th scope="row">${statusBadge(ctx, x.status)}</th><td class="num" data-figure="requests">${num(ctx, x.requests)}</td><td class="num">${num(ctx, x.medianWaitDays)}</td><td class="num">${num(ctx, x.longestWaitDays)}</td></tr>`)}</tbody></table>`}
    </section>
    <section class="card" aria-labelledby="h-matches"><h2 id="h-matches">${i.t('prof.matches.title')}</h2>
      <dl class="figures" id="profile-matches">${(['proposed', 'accepted', 'declined', 'delivered'] as const).map((k) => html`<div><dt>${i.t(`prof.m.${k}`)}</dt><dd data-figure="${k}">${num(ctx, d.matches[k])}</dd></div>`)}</dl>
    </section>
    <section class="card" aria-labelledby="h-providers"><h2 id="h-providers">${i.t('prof.providers.title')}</h2>
      ${d.providers.length === 0 ? html`<p>${i.t('prof.providers.none')}</p>` : html`<table class="data" id="profile-providers"><thead><tr><th scope="col">${i.t('col.provider')}</th><th scope="col">${i.t('prof.col.requests')}</th></tr></thead>
        <tbody>${d.providers.map((x) => html`<tr><th scope="row" dir="auto">${x.name}</th><td class="num">${num(ctx, x.requests)}</td></tr>`)}</tbody></table>`}
    </section>
    <section class="card" aria-labelledby="h-feedback"><h2 id="h-feedback">${i.t('prof.feedback.title')}</h2>
      ${d.feedback.length === 0 ? html`<p>${i.t('prof.feedback.none')}</p>` : html`<dl class="figures" id="profile-feedback">${d.feedback.map((x) => html`<div><dt>${i.tx('outcome', x.outcome)}</dt><dd data-figure="${x.outcome}">${num(ctx, x.requests)}</dd></div>`)}</dl>`}
    </section>
    ${d.scope.kind === 'region' ? html`<section class="card" aria-labelledby="h-bystate"><h2 id="h-bystate">${i.t('prof.byState.title')}</h2>
      ${d.byState.length === 0 ? html`<p>${i.t('prof.requests.none')}</p>` : html`<table class="data" id="profile-by-state"><thead><tr><th scope="col">${i.t('col.state')}</th><th scope="col">${i.t('prof.col.requests')}</th><th scope="col">${i.t('prof.col.needs')}</th></tr></thead>
        <tbody>${d.byState.map((x) => html`<tr data-state="${x.memberState}"><th scope="row"><a href="/profiles/${x.memberState}">${names.state(x.memberState)}</a></th><td class="num">${num(ctx, x.requests)}</td><td class="num">${num(ctx, x.openNeeds)}</td></tr>`)}</tbody></table>`}
    </section>` : ''}
    <section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">${i.t('prof.timeline.title')}</h2>
      ${d.timeline.length === 0 ? html`<p>${i.t('prof.timeline.none')}</p>` : html`<ol class="plain timeline" id="profile-timeline">${d.timeline.map((x) => html`<li><time datetime="${x.at}">${i.date(x.at)}</time> ·
        <a href="/requests/${x.requestId}" dir="auto">${x.title}</a>${d.scope.kind === 'region' ? html` (${names.state(x.memberState)})` : ''} ·
        ${x.fromStatus ? html`${i.tx('status', x.fromStatus)} → ` : ''}${i.tx('status', x.toStatus)}</li>`)}</ol>`}
    </section>`;
}

/** Country and regional profiles: a picker, one state's profile and an M49 region's. */
export function profilePages(app: FastifyInstance, _deps: WebDeps): void {
  const { profiles } = app.services;

  app.get('/profiles', async (req, reply) => {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    const q = req.query as Record<string, unknown>;
    const ref = await app.services.reference.get();
    if (ref.stateByIso3.has(str(q.state))) return reply.redirect(`/profiles/${str(q.state)}`, 303);
    if (ref.regionByCode.has(str(q.region))) return reply.redirect(`/profiles/region/${str(q.region)}`, 303);
    if (p.role === 'member_state' && p.memberState) return reply.redirect(`/profiles/${p.memberState}`, 303);
    const states = p.role === 'cted' || p.role === 'admin' || p.role === 'entity';
    return sendPage(req, reply, page(ctx, {
      title: i.t('prof.index.title'), active: '/profiles',
      body: html`<h1>${i.t('prof.index.title')}</h1><p class="lead">${i.t('prof.index.intro')}</p>
        ${states ? html`<form method="get" action="/profiles" class="card filters row">
          ${selectField({ name: 'state', label: i.t('prof.states'), value: '', options: stateOptions(ctx, ref) })}
          <button type="submit">${i.t('pic.filter.apply')}</button></form>` : ''}
        <form method="get" action="/profiles" class="card filters row">
          ${selectField({ name: 'region', label: i.t('prof.regions'), value: '', options: regionOptions(ctx, ref).map((o) => ({ value: o.value, label: `${'\u00a0\u00a0'.repeat(o.depth)}${o.label}` })) })}
          <button type="submit">${i.t('pic.filter.apply')}</button></form>`,
    }));
  });

  const render = async (req: Parameters<typeof need>[0], scope: ProfileScope) => {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    const ref = await app.services.reference.get();
    const names = namer(ref, i);
    const known = scope.kind === 'state' ? ref.stateByIso3.has(scope.iso3) : ref.regionByCode.has(scope.m49);
    if (!known) throw new WebError(404, 'error.notFound');
    if (!profiles.mayOpen(p, scope)) throw new WebError(403, 'error.forbidden');
    const d = await profiles.get(p, scope);
    const title = scope.kind === 'state' ? i.t('prof.title', { name: names.state(scope.iso3) }) : i.t('prof.regionTitle', { name: names.region(scope.m49) });
    const requestsLink = p.role !== 'provider' ? html`<p class="next-step">${i.t('prof.next')} <a href="/requests${scope.kind === 'state' && p.role !== 'member_state' ? `?memberState=${scope.iso3}` : ''}">${i.t('prof.nextRequests')}</a></p>` : html``;
    return page(ctx, {
      title, active: '/profiles', wide: true, scripts: [PRINT_SCRIPT],
      body: html`<h1>${title}</h1>
        ${printButton(ctx)}
        ${exportControl(app, ctx, 'profile', scope.kind === 'state' ? { state: scope.iso3 } : { region: scope.m49 })}
        ${scope.kind === 'state' ? regionLinks(ctx, ref, names, scope.iso3) : ''}
        ${profileBody(ctx, ref, names, d)}
        ${requestsLink}`,
    });
  };

  app.get('/profiles/:iso3', async (req, reply) => {
    const iso3 = (req.params as { iso3: string }).iso3.toUpperCase();
    if (!/^[A-Z]{3}$/.test(iso3)) throw new WebError(404, 'error.notFound');
    return sendPage(req, reply, await render(req, { kind: 'state', iso3 }));
  });

  app.get('/profiles/region/:m49', async (req, reply) => {
    const m49 = (req.params as { m49: string }).m49;
    if (!/^\d{3}$/.test(m49)) throw new WebError(404, 'error.notFound');
    return sendPage(req, reply, await render(req, { kind: 'region', m49 }));
  });
}
