// How cost grows: the engine beside a naive MiniSearch (defaults, fuzzy + prefix OR query over
// title + description) on the same synthetic catalogues, and with more open requests of a state.
import MiniSearch from 'minisearch';
import { loadReferenceData } from '../db/reference/index.js';
import { createMatcher } from '../src/matching/matcher.js';
import type { Lang, StateGeo, ThematicAreaRef } from '../src/matching/types.js';
import { generator } from './matching-bench.js';

export interface GrowthRow { offerings: number; oursMedianMs: number; oursP95Ms: number; naiveMedianMs: number; naiveP95Ms: number }
export interface OpenRequestsRow { openRequests: number; firstJobMs: number; medianMs: number; p95Ms: number }

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 100) / 100; };

function reference(): { areas: ThematicAreaRef[]; states: StateGeo[] } {
  const ref = loadReferenceData();
  return {
    areas: ref.thematicAreas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes })),
    states: ref.memberStates.map((s) => ({ iso3: s.iso3, region: s.region, subRegion: s.subRegion, intermediateRegion: s.intermediateRegion })),
  };
}

/** Median and p95 per request of the engine and of the naive search, per catalogue size. */
export function runGrowthBench(sizes = [1_000, 10_000, 100_000], requests = 100): GrowthRow[] {
  const { areas, states } = reference();
  const now = new Date('2026-11-29T00:00:00Z');
  const rows: GrowthRow[] = [];
  for (const size of sizes) {
    const gen = generator(areas, states, 7);
    const offerings = Array.from({ length: size }, (_, i) => gen.offering(i));
    const reqs = Array.from({ length: requests }, (_, i) => gen.request(i));
    const matcher = createMatcher({ areas, states });
    for (const o of offerings) matcher.addOffering(o);
    const naive = new MiniSearch({ fields: ['title', 'description'], storeFields: [] });
    naive.addAll(offerings.map((o) => ({ id: o.id, title: o.title, description: o.description })));
    for (const r of reqs.slice(0, 10)) { matcher.matchRequest(r, { now }); naive.search(`${r.title} ${r.description}`, { fuzzy: 0.2, prefix: true }); }
    const ours: number[] = []; const base: number[] = [];
    for (const r of reqs) {
      let t = performance.now(); matcher.matchRequest(r, { now }); ours.push(performance.now() - t);
      t = performance.now(); naive.search(`${r.title} ${r.description}`, { fuzzy: 0.2, prefix: true }); base.push(performance.now() - t);
    }
    rows.push({ offerings: size, oursMedianMs: q(ours, 0.5), oursP95Ms: q(ours, 0.95), naiveMedianMs: q(base, 0.5), naiveP95Ms: q(base, 0.95) });
  }
  return rows;
}

/** Per-request cost as a state has more open requests (duplicate detection compares against them). */
export function runOpenRequestsBench(counts = [0, 10, 100, 1000], catalogue = 10_000, requests = 50): OpenRequestsRow[] {
  const { areas, states } = reference();
  const now = new Date('2026-11-29T00:00:00Z');
  const gen = generator(areas, states, 11);
  const matcher = createMatcher({ areas, states });
  for (let i = 0; i < catalogue; i++) matcher.addOffering(gen.offering(i));
  const pool = Array.from({ length: Math.max(...counts) + requests }, (_, i) => gen.request(i));
  return counts.map((n) => {
    const open = pool.slice(requests, requests + n).map((r) => ({ id: r.id, memberState: 'KEN', title: r.title, description: r.description, language: r.language, thematicAreas: r.thematicAreas }));
    const times: number[] = [];
    for (const r of pool.slice(0, requests)) {
      const t = performance.now();
      matcher.matchRequest({ ...r, memberState: 'KEN' }, { now, openRequests: open });
      times.push(performance.now() - t);
    }
    // The first job analyses the open requests' text; later jobs reuse it (as a worker does, job after job).
    return { openRequests: n, firstJobMs: times[0], medianMs: q(times, 0.5), p95Ms: q(times, 0.95) };
  });
}

/** A small SVG line chart (log-scale catalogue size) of both medians. */
export function growthSvg(rows: GrowthRow[]): string {
  const W = 640; const H = 360; const L = 70; const B = 50; const T = 30; const R = 20;
  const xs = rows.map((r) => Math.log10(r.offerings));
  const maxY = Math.max(...rows.flatMap((r) => [r.oursMedianMs, r.naiveMedianMs])) * 1.1 || 1;
  const x = (v: number) => L + ((v - Math.min(...xs)) / (Math.max(...xs) - Math.min(...xs) || 1)) * (W - L - R);
  const y = (v: number) => H - B - (v / maxY) * (H - B - T);
  const line = (k: 'oursMedianMs' | 'naiveMedianMs') => rows.map((r, i) => `${i ? 'L' : 'M'}${x(xs[i]).toFixed(1)},${y(r[k]).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Median time to score one request vs catalogue size</text>
${ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)} ms</text>`).join('\n')}
${rows.map((r, i) => `<text x="${x(xs[i])}" y="${H - B + 18}" text-anchor="middle">${r.offerings.toLocaleString('en')}</text>`).join('\n')}
<text x="${W / 2}" y="${H - 10}" text-anchor="middle">offerings in the catalogue (log scale)</text>
<path d="${line('naiveMedianMs')}" fill="none" stroke="#b03a2e" stroke-width="2.5"/>
<path d="${line('oursMedianMs')}" fill="none" stroke="#1f5fa8" stroke-width="2.5"/>
${rows.map((r, i) => `<circle cx="${x(xs[i])}" cy="${y(r.naiveMedianMs)}" r="4" fill="#b03a2e"/><circle cx="${x(xs[i])}" cy="${y(r.oursMedianMs)}" r="4" fill="#1f5fa8"/>`).join('\n')}
<rect x="${L + 10}" y="${T + 4}" width="12" height="12" fill="#1f5fa8"/><text x="${L + 28}" y="${T + 14}">OneDoor engine (concept prefilter, top-K, full scoring)</text>
<rect x="${L + 10}" y="${T + 22}" width="12" height="12" fill="#b03a2e"/><text x="${L + 28}" y="${T + 32}">naive MiniSearch (defaults, fuzzy + prefix)</text>
</svg>
`;
}
