import type { FastifyInstance } from 'fastify';
import { LANGS, MODALITIES } from '../../modules/common.schemas.js';
import { DirectoryQuery } from '../../modules/directory/directory.schemas.js';
import { currencyExponent, minorUnitsToDecimal } from '../../modules/offerings/money.js';
import type { DirectoryOffering } from '../../modules/directory/directory.schemas.js';
import { areaList, offsetOf, UUID_RE } from '../components.js';
import { ctxOf, namer, sendPage, str, WebError, type Namer, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { badge, page, selectField, textField } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';

const PAGE = 20;

const kindLabel = (ctx: WebContext, kind: string) => ctx.i.tx('dirp.kind', kind);

/** Where an offering can be delivered, named in the reader's language. */
const whereText = (ctx: WebContext, names: Namer, o: DirectoryOffering) => (o.eligibility.worldwide ? ctx.i.t('dir.worldwide')
  : [...o.eligibility.regions.map((r) => names.region(r)), ...o.eligibility.countries.map((c) => names.state(c))].join(', '));

/** An offering's facts, as the directory's list and its own page show them. */
function offeringFacts(ctx: WebContext, names: Namer, o: DirectoryOffering): SafeHtml {
  const { i } = ctx;
  return html`<dl class="facts">
    ${o.thematicAreas.length ? html`<dt>${i.t('col.areas')}</dt><dd>${areaList(names, o.thematicAreas)}</dd>` : ''}
    ${o.modalities.length ? html`<dt>${i.t('dir.modality')}</dt><dd>${o.modalities.map((m) => i.tx('mod', m)).join(', ')}</dd>` : ''}
    <dt>${i.t('col.languages')}</dt><dd>${o.languages.map((l) => i.language(l)).join(', ')}</dd>
    <dt>${i.t('dirp.where')}</dt><dd>${whereText(ctx, names, o)}</dd>
    ${o.availableFrom || o.availableUntil ? html`<dt>${i.t('dirp.when')}</dt><dd>${i.date(o.availableFrom) || '…'} – ${i.date(o.availableUntil) || '…'}</dd>` : ''}
    ${o.budget ? html`<dt>${i.t('dirp.budget')}</dt><dd>${minorUnitsToDecimal(o.budget.amount, currencyExponent(o.budget.currency))} ${o.budget.currency}</dd>` : ''}
  </dl>`;
}

/** The public directory of offerings: search without signing in. */
export function directoryPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/directory', async (req, reply) => {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const raw = req.query as Record<string, unknown>;
    const ref = await app.services.reference.get();
    const names = namer(ref, i);
    const f = {
      q: str(raw.q).slice(0, 500), thematicArea: ref.areaByCode.has(str(raw.thematicArea)) ? str(raw.thematicArea) : '',
      language: (LANGS as readonly string[]).includes(str(raw.language)) ? str(raw.language) : '',
      modality: (MODALITIES as readonly string[]).includes(str(raw.modality)) ? str(raw.modality) : '',
      country: ref.stateByIso3.has(str(raw.country)) ? str(raw.country) : '',
    };
    const offset = offsetOf(raw);
    const query = DirectoryQuery.parse({
      ...(f.q ? { q: f.q } : {}), ...(f.thematicArea ? { thematicArea: f.thematicArea } : {}), ...(f.language ? { language: f.language } : {}),
      ...(f.modality ? { modality: f.modality } : {}), ...(f.country ? { country: f.country } : {}), limit: PAGE, offset,
    });
    const res = await webServices(app).directory.search(query);
    const keep = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]).toString();
    const states = [...ref.states].map((s) => ({ value: s.iso3, label: names.state(s.iso3) })).sort((a, b) => a.label.localeCompare(b.label, i.lang));
    return sendPage(req, reply, page(ctx, {
      title: i.t('dir.title'), active: '/directory',
      body: html`<h1>${i.t('dir.title')}</h1><p class="lead">${i.t('dir.intro')}</p>
        <form method="get" action="/directory" class="card filters" role="search">
          ${textField({ name: 'q', label: i.t('dir.q'), value: f.q, type: 'search' })}
          <div class="row">
            ${selectField({ name: 'thematicArea', label: i.t('dir.area'), value: f.thematicArea, options: [{ value: '', label: i.t('common.all') }, ...ref.areas.map((a) => ({ value: a.code, label: names.area(a.code) }))] })}
            ${selectField({ name: 'language', label: i.t('dir.lang'), value: f.language, options: [{ value: '', label: i.t('common.all') }, ...LANGS.map((l) => ({ value: l, label: i.language(l) }))] })}
            ${selectField({ name: 'modality', label: i.t('dir.modality'), value: f.modality, options: [{ value: '', label: i.t('common.all') }, ...MODALITIES.map((m) => ({ value: m, label: i.t(`mod.${m}`) }))] })}
            ${selectField({ name: 'country', label: i.t('dir.country'), value: f.country, options: [{ value: '', label: i.t('common.all') }, ...states] })}
          </div>
          <button type="submit">${i.t('dir.search')}</button>
        </form>
        <p role="status">${i.t('dir.results', { n: res.total })}</p>
        ${res.items.length === 0 ? html`<p>${i.t('dir.empty')}</p>` : html`<ol class="results" start="${offset + 1}">${res.items.map((o) => html`<li class="card">
          <h2 class="h3" dir="auto" lang="${o.language}"><a href="/directory/offerings/${o.id}">${o.title}</a></h2>
          <p class="muted"><a href="/directory/providers/${o.provider.id}">${i.t('dir.by', { name: o.provider.name })}</a></p>
          <p dir="auto" lang="${o.language}">${o.description.length > 400 ? `${o.description.slice(0, 400)}…` : o.description}</p>
          ${offeringFacts(ctx, names, o)}</li>`)}</ol>`}
        <nav class="pager" aria-label="pagination">
          ${offset > 0 ? html`<a href="/directory?${keep}${keep ? '&' : ''}offset=${Math.max(0, offset - PAGE)}">${i.t('common.previous')}</a>` : ''}
          ${offset + PAGE < res.total ? html`<a href="/directory?${keep}${keep ? '&' : ''}offset=${offset + PAGE}">${i.t('common.next')}</a>` : ''}
        </nav>`,
    }));
  });

  /** One offering's own page: what it is, who offers it, where, in which languages, and how a state asks for it. */
  app.get('/directory/offerings/:id', async (req, reply) => {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const [ref, o] = await Promise.all([app.services.reference.get(), webServices(app).directory.get(id).catch(() => null)]);
    if (!o) throw new WebError(404, 'error.notFound');
    const names = namer(ref, i);
    const p = ctx.principal;
    return sendPage(req, reply, page(ctx, {
      title: o.title, active: '/directory',
      body: html`<p><a href="/directory">← ${i.t('dirp.back')}</a></p>
        <p class="muted">${i.t('dirp.offering')}</p>
        <h1 dir="auto" lang="${o.language}">${o.title}</h1>
        ${o.proposable ? '' : html`<p>${badge(i.t('dirp.notProposed'), 'warn')}</p>`}
        <section class="card" aria-labelledby="h-what"><h2 id="h-what" class="h3">${i.t('dirp.what')}</h2>
          <p dir="auto" lang="${o.language}">${o.description}</p>${offeringFacts(ctx, names, o)}</section>
        <section class="card" aria-labelledby="h-who"><h2 id="h-who" class="h3">${i.t('dirp.who')}</h2>
          <p><a href="/directory/providers/${o.provider.id}" dir="auto">${o.provider.name}</a> · ${kindLabel(ctx, o.provider.kind)}</p></section>
        <section class="card next-step" aria-labelledby="h-how"><h2 id="h-how" class="h3">${i.t('dirp.how')}</h2><p>${i.t('dirp.howText')}</p>
          <p>${p?.role === 'member_state' ? html`<a class="button" href="/requests/new">${i.t('dirp.howState')}</a>` : p ? '' : html`<a class="button" href="/sign-in?next=/requests/new">${i.t('dirp.howSignIn')}</a>`}</p></section>`,
    }));
  });

  /** A provider's page: who it is and its offerings open in the directory. */
  app.get('/directory/providers/:id', async (req, reply) => {
    const ctx = ctxOf(req);
    const { i } = ctx;
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const [ref, provider] = await Promise.all([app.services.reference.get(), app.services.admin.listProviders().then((all) => all.find((x) => x.id === id))]);
    if (!provider) throw new WebError(404, 'error.notFound');
    const names = namer(ref, i);
    const res = await webServices(app).directory.search(DirectoryQuery.parse({ providerId: id, limit: 100 }));
    return sendPage(req, reply, page(ctx, {
      title: provider.name, active: '/directory',
      body: html`<p><a href="/directory">← ${i.t('dirp.back')}</a></p>
        <p class="muted">${i.t('dirp.provider')} · ${kindLabel(ctx, provider.kind)}</p>
        <h1 dir="auto">${provider.name}</h1>
        <h2 class="h3">${i.t('dirp.providerOfferings')}</h2>
        ${res.items.length === 0 ? html`<p>${i.t('dirp.providerNone')}</p>` : html`<ol class="results">${res.items.map((o) => html`<li class="card">
          <h3 class="h3" dir="auto" lang="${o.language}"><a href="/directory/offerings/${o.id}">${o.title}</a></h3>${offeringFacts(ctx, names, o)}</li>`)}</ol>`}
        <p class="next-step"><a href="/directory">${i.t('dirp.back')}</a></p>`,
    }));
  });
}
