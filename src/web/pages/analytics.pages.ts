import type { FastifyInstance } from 'fastify';
import { csvExports } from '../../modules/analytics/analytics.csv.js';
import type { Outcomes, Overlaps, UnmatchedNeeds } from '../../modules/analytics/analytics.schemas.js';
import { ctxOf, namer, need, sendPage, WebError, type Namer, type WebContext } from '../context.js';
import { html, jsonIsland, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { webServices } from '../optional-services.js';
import type { WebDeps } from '../web.plugin.js';
import { exportControl } from './exports.pages.js';

const EXPORTS = ['needsMatrix', 'unmatchedNeeds', 'supplyDemand', 'overlaps', 'timings', 'outcomes'] as const;
type Report = (typeof EXPORTS)[number];

function unmatchedSection(ctx: WebContext, names: Namer, d: UnmatchedNeeds): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-unmatched">
    <h2 id="h-unmatched">${i.t('pic.unmatched.title')}</h2><p class="muted">${i.t('pic.unmatched.intro')}</p>
    <p>${Object.entries(d.buckets).map(([range, n], k) => html`${k ? ' · ' : ''}${i.t('pic.bucket', { range, n })}`)}</p>
    ${d.items.length === 0 ? html`<p>${i.t('pic.unmatched.none')}</p>` : html`<table class="data" id="unmatched-needs">
      <thead><tr><th scope="col">${i.t('col.state')}</th><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.priority')}</th><th scope="col">${i.t('pic.unmatched.age')}</th><th scope="col">${i.t('col.description')}</th></tr></thead>
      <tbody>${d.items.map((n) => html`<tr><td>${names.state(n.memberState)}</td><td>${n.thematicAreas.length ? html`${n.thematicAreas.map((a, k) => html`${k ? ', ' : ''}<a href="/needs/cell?state=${n.memberState}&amp;area=${a}">${names.area(a)}</a>`)}` : html`<a href="/needs/cell?state=${n.memberState}&amp;area=">—</a>`}</td>
        <td>${i.tx('priority', n.priority)}</td><td class="num">${i.t('pic.days', { n: i.num(n.ageDays) })}</td><td dir="auto">${n.description ? (n.description.length > 140 ? `${n.description.slice(0, 140)}…` : n.description) : ''}</td></tr>`)}</tbody></table>
      ${d.total > d.items.length ? html`<p class="muted">${i.t('pic.unmatched.more', { n: d.total - d.items.length })}</p>` : ''}`}
  </section>`;
}

function overlapsSection(ctx: WebContext, names: Namer, d: Overlaps): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-overlaps">
    <h2 id="h-overlaps">${i.t('pic.overlaps.title')}</h2>
    <h3 class="h4">${i.t('pic.overlaps.pairs')}</h3>
    ${d.providerPairs.length === 0 ? html`<p>${i.t('pic.overlaps.none')}</p>` : html`<table class="data" id="overlap-pairs">
      <thead><tr><th scope="col">${i.t('col.provider')}</th><th scope="col">${i.t('col.provider')}</th><th scope="col">${i.t('col.state')}</th><th scope="col">${i.t('col.areas')}</th></tr></thead>
      <tbody>${d.providerPairs.slice(0, 50).map((x) => html`<tr><td dir="auto">${x.providers[0].name}</td><td dir="auto">${x.providers[1].name}</td>
        <td>${x.memberStates.map((m) => names.state(m)).join(', ')}</td><td>${x.thematicAreas.map((a) => names.area(a)).join(', ')} <span class="muted">(${i.t('pic.overlaps.cells', { n: x.cells })})</span></td></tr>`)}</tbody></table>`}
    <h3 class="h4">${i.t('pic.overlaps.accepted')}</h3>
    ${d.requestsAcceptedByMany.length === 0 ? html`<p>${i.t('pic.overlaps.none')}</p>` : html`<ul class="plain">${d.requestsAcceptedByMany.map((r) => html`<li><a href="/requests/${r.requestId}">${names.state(r.memberState)} · ${r.thematicAreas.map((a) => names.area(a)).join(', ')}</a> · ${r.providers.map((x) => x.name).join(', ')}</li>`)}</ul>`}
  </section>`;
}

function outcomesSection(ctx: WebContext, names: Namer, d: Outcomes): SafeHtml {
  const { i } = ctx;
  const share = (x: number | null) => (x === null ? '—' : i.pct(x));
  const row = (label: string, b: Outcomes['overall']) => html`<tr><th scope="row">${label}</th><td class="num">${b.n}</td>
    ${(['met', 'partly_met', 'not_met'] as const).map((o) => html`<td class="num">${b.counts[o]} <span class="muted">(${share(b.shares[o])})</span></td>`)}</tr>`;
  return html`<section class="card" aria-labelledby="h-outcomes">
    <h2 id="h-outcomes">${i.t('pic.outcomes.title')}</h2>
    ${d.overall.n === 0 ? html`<p>${i.t('pic.outcomes.none')}</p>` : html`<table class="data" id="outcomes">
      <thead><tr><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('pic.outcomes.n')}</th>${(['met', 'partly_met', 'not_met'] as const).map((o) => html`<th scope="col">${i.tx('outcome', o)}</th>`)}</tr></thead>
      <tbody>${row(i.t('pic.outcomes.all'), d.overall)}${d.byThematicArea.map((b) => row(names.area(b.thematicArea), b))}</tbody></table>`}
  </section>`;
}

/** Gap analytics: supply against demand by thematic area and region (chart.js, with the same data as tables), unmatched needs, overlaps, outcomes, and CSV downloads. */
export function analyticsPages(app: FastifyInstance, _deps: WebDeps): void {
  /** The API's CSV exports for a browser: the same service calls and writer, under the session instead of a key. */
  app.get('/analytics/export/:report', { config: { long: true } }, async (req, reply) => {
    const p = need(req, 'cted', 'admin', 'entity');
    const report = (req.params as { report: string }).report.replace(/\.csv$/, '') as Report;
    if (!EXPORTS.includes(report)) throw new WebError(404, 'error.notFound');
    const { analytics } = webServices(app);
    const csv = report === 'needsMatrix' ? csvExports.needsMatrix(await analytics.needsMatrix(p, {}))
      : report === 'unmatchedNeeds' ? csvExports.unmatchedNeeds(await analytics.unmatchedNeeds(p, { limit: Number.MAX_SAFE_INTEGER, offset: 0 }))
      : report === 'supplyDemand' ? csvExports.supplyDemand(await analytics.supplyDemand(p, { level: 'region' }))
      : report === 'overlaps' ? csvExports.overlaps(await analytics.overlaps(p))
      : report === 'timings' ? csvExports.timings(await analytics.timings(p, {}))
      : csvExports.outcomes(await analytics.outcomes(p, {}));
    return reply.type('text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="onedoor-${report}-${new Date().toISOString().slice(0, 10)}.csv"`).send(csv);
  });

  app.get('/analytics', { config: { long: true } }, async (req, reply) => {
    const p = need(req, 'cted', 'admin', 'entity');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const { analytics } = webServices(app);
    const [ref, sd, timings, unmatched, overlaps, outcomes] = await Promise.all([
      app.services.reference.get(), analytics.supplyDemand(p, { level: 'region' }), analytics.timings(p, {}),
      analytics.unmatchedNeeds(p, { limit: 25, offset: 0 }), analytics.overlaps(p), analytics.outcomes(p, {}),
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
        ${exportControl(app, ctx, 'unmatchedNeeds')}
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
        </section>
        ${unmatchedSection(ctx, names, unmatched)}
        ${overlapsSection(ctx, names, overlaps)}
        ${outcomesSection(ctx, names, outcomes)}
        <section class="card" aria-labelledby="h-export">
          <h2 id="h-export">${i.t('pic.export')}</h2>
          <ul>${EXPORTS.map((r) => html`<li><a href="/analytics/export/${r}.csv" download>${i.t(`pic.export.${r}`)}</a></li>`)}</ul>
        </section>`,
    }));
  });
}
