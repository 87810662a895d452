import type { FastifyInstance } from 'fastify';
import { ctxOf, namer, need, sendPage } from '../context.js';
import { html, jsonIsland } from '../html.js';
import { page } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';

/** Gap analytics: supply against demand by thematic area and region (chart.js, with the same data as tables). */
export function analyticsPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/analytics', async (req, reply) => {
    const p = need(req, 'cted', 'admin', 'entity');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const { analytics } = webServices(app);
    const [ref, sd, timings] = await Promise.all([
      app.services.reference.get(), analytics.supplyDemand(p, { level: 'region' }), analytics.timings(p, {}),
    ]);
    const names = namer(ref, i);
    const areas = sd.byThematicArea.filter((a) => a.openNeeds + a.openRequests + a.supply > 0);
    const regions = sd.byRegion.filter((r) => r.openNeeds + r.openRequests + r.supply > 0);
    const chartData = {
      byArea: {
        labels: areas.map((a) => names.area(a.thematicArea)),
        series: [
          { label: i.t('an.needs'), data: areas.map((a) => a.openNeeds) },
          { label: i.t('an.requests'), data: areas.map((a) => a.openRequests) },
          { label: i.t('an.offerings'), data: areas.map((a) => a.supply) },
        ],
      },
      byRegion: {
        labels: regions.map((r) => names.region(r.region, r.name)),
        series: [
          { label: i.t('an.needs'), data: regions.map((r) => r.openNeeds) },
          { label: i.t('an.requests'), data: regions.map((r) => r.openRequests) },
          { label: i.t('an.offerings'), data: regions.map((r) => r.supply) },
        ],
      },
      rtl: i.dir === 'rtl',
      locale: i.lang,
    };
    const gap = (x: { openNeeds: number; openRequests: number; supply: number }) => x.openNeeds + x.openRequests - x.supply;
    const dur = (h: number | null) => (h === null ? '—' : i.t('an.hours', { h: i.num(Math.round(h * 10) / 10) }));
    return sendPage(req, reply, page(ctx, {
      title: i.t('an.title'), active: '/analytics', wide: true, scripts: ['/static/chart.umd.js', '/static/charts.js'],
      body: html`<h1>${i.t('an.title')}</h1><p class="lead">${i.t('an.intro')}</p>
        <noscript><p class="notice">${i.t('an.noJs')}</p></noscript>
        ${jsonIsland('chart-data', chartData)}
        <section class="card" aria-labelledby="h-area">
          <h2 id="h-area">${i.t('an.byArea')}</h2>
          <div class="chart" style="height:${Math.max(16, areas.length * 2.2)}rem"><canvas id="chart-area" role="img" aria-label="${i.t('an.byArea')}"></canvas></div>
          <details><summary>${i.t('an.table')}</summary>
            <table class="data"><thead><tr><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('an.needs')}</th><th scope="col">${i.t('an.requests')}</th><th scope="col">${i.t('an.offerings')}</th><th scope="col">${i.t('an.gap')}</th></tr></thead>
            <tbody>${areas.map((a) => html`<tr><th scope="row">${names.area(a.thematicArea)}</th><td class="num">${a.openNeeds}</td><td class="num">${a.openRequests}</td><td class="num">${a.supply}</td><td class="num${gap(a) > 0 ? ' gap' : ''}">${gap(a)}</td></tr>`)}</tbody></table>
          </details>
        </section>
        <section class="card" aria-labelledby="h-region">
          <h2 id="h-region">${i.t('an.byRegion')}</h2>
          <div class="chart"><canvas id="chart-region" role="img" aria-label="${i.t('an.byRegion')}"></canvas></div>
          <details><summary>${i.t('an.table')}</summary>
            <table class="data"><thead><tr><th scope="col">${i.t('review.region')}</th><th scope="col">${i.t('an.needs')}</th><th scope="col">${i.t('an.requests')}</th><th scope="col">${i.t('an.offerings')}</th><th scope="col">${i.t('an.gap')}</th></tr></thead>
            <tbody>${regions.map((r) => html`<tr><th scope="row">${names.region(r.region, r.name)} <span class="muted">${r.region}</span></th><td class="num">${r.openNeeds}</td><td class="num">${r.openRequests}</td><td class="num">${r.supply}</td><td class="num${gap(r) > 0 ? ' gap' : ''}">${gap(r)}</td></tr>`)}</tbody></table>
          </details>
        </section>
        <section class="card" aria-labelledby="h-time">
          <h2 id="h-time">${i.t('an.timings')}</h2>
          <table class="data"><thead><tr><th scope="col"></th><th scope="col">${i.t('an.n')}</th><th scope="col">${i.t('an.median')}</th><th scope="col">${i.t('an.p90')}</th></tr></thead>
          <tbody>${([['an.toRouting', timings.toRouting], ['an.toAcceptance', timings.toAcceptance], ['an.toCompletion', timings.toCompletion]] as const).map(([k, s]) => html`<tr><th scope="row">${i.t(k)}</th><td class="num">${s.n}</td><td class="num">${dur(s.medianHours)}</td><td class="num">${dur(s.p90Hours)}</td></tr>`)}</tbody></table>
        </section>`,
    }));
  });
}
