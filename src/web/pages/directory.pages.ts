import type { FastifyInstance } from 'fastify';
import { LANGS, MODALITIES } from '../../modules/common.schemas.js';
import { DirectoryQuery } from '../../modules/directory/directory.schemas.js';
import { areaList, offsetOf } from '../components.js';
import { ctxOf, namer, sendPage, str } from '../context.js';
import { html } from '../html.js';
import { page, selectField, textField } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';

const PAGE = 20;

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
          <h2 class="h3" dir="auto" lang="${o.language}">${o.title}</h2>
          <p class="muted">${i.t('dir.by', { name: o.provider.name })}</p>
          <p dir="auto" lang="${o.language}">${o.description.length > 400 ? `${o.description.slice(0, 400)}…` : o.description}</p>
          <dl class="facts">
            ${o.thematicAreas.length ? html`<dt>${i.t('col.areas')}</dt><dd>${areaList(names, o.thematicAreas)}</dd>` : ''}
            ${o.modalities.length ? html`<dt>${i.t('dir.modality')}</dt><dd>${o.modalities.map((m) => i.tx('mod', m)).join(', ')}</dd>` : ''}
            <dt>${i.t('col.languages')}</dt><dd>${o.languages.map((l) => i.language(l)).join(', ')}</dd>
            <dt>${i.t('dir.eligible', { where: '' }).replace(/[:：]\s*$/, '')}</dt><dd>${o.eligibility.worldwide ? i.t('dir.worldwide') : [...o.eligibility.regions.map((r) => names.region(r)), ...o.eligibility.countries.map((c) => names.state(c))].join(', ')}</dd>
            ${o.availableFrom || o.availableUntil ? html`<dt>${i.t('off.field.from')}</dt><dd>${i.date(o.availableFrom) || '…'} – ${i.date(o.availableUntil) || '…'}</dd>` : ''}
          </dl></li>`)}</ol>`}
        <nav class="pager" aria-label="pagination">
          ${offset > 0 ? html`<a href="/directory?${keep}${keep ? '&' : ''}offset=${Math.max(0, offset - PAGE)}">${i.t('common.previous')}</a>` : ''}
          ${offset + PAGE < res.total ? html`<a href="/directory?${keep}${keep ? '&' : ''}offset=${offset + PAGE}">${i.t('common.next')}</a>` : ''}
        </nav>`,
    }));
  });
}
