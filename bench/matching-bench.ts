// Matching latency on synthetic catalogues (1k / 10k / 100k offerings).
// Offerings and requests are generated from the thematic areas' own terms in
// all six languages plus filler vocabulary, with a seeded PRNG so runs are
// comparable. Targets: median per-request scoring ≤ 10 ms at 10k, ≤ 50 ms at 100k.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMatcher } from '../src/matching/matcher.js';
import { FINE_CONCEPTS } from '../src/matching/concepts.lexicon.js';
import { termText } from '../src/matching/concepts.tagger.js';
import { LANGS, MODALITIES, type Lang, type MatchableOffering, type MatchableRequest, type StateGeo, type ThematicAreaRef } from '../src/matching/types.js';

export interface BenchRow {
  offerings: number;
  requests: number;
  buildMs: number;
  medianMs: number;
  p95Ms: number;
  heapUsedMb: number;
}

const ROOT = new URL('../', import.meta.url);

/** A small seeded PRNG, so runs are comparable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function loadAreas(): Promise<ThematicAreaRef[]> {
  const file = new URL('db/reference/thematic-areas.json', ROOT);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ThematicAreaRef[];
  // Before the reference data exists, the unit-test taxonomy stands in.
  const mod = await import('../tests/unit/matching/areas.fixture.js');
  return mod.AREAS;
}

function loadStates(): StateGeo[] {
  const file = new URL('db/reference/member-states.json', ROOT);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StateGeo[];
  return [
    { iso3: 'NGA', region: '002', subRegion: '202', intermediateRegion: '011' },
    { iso3: 'PER', region: '019', subRegion: '419', intermediateRegion: '005' },
    { iso3: 'KAZ', region: '142', subRegion: '143', intermediateRegion: null },
    { iso3: 'FRA', region: '150', subRegion: '155', intermediateRegion: null },
  ];
}

export interface Generator {
  offering(i: number): MatchableOffering;
  request(i: number): MatchableRequest;
}

/** Seeded generator of synthetic offerings and requests built from the areas' terms (all six languages) plus filler words. */
export function generator(areas: ThematicAreaRef[], states: StateGeo[], seed: number): Generator {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Pseudo-words give BM25 a realistic long tail of rare terms.
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vi', 'do', 'pe', 'zo', 'ba'];
  const filler = Array.from({ length: 3000 }, () => pick(syll) + pick(syll) + pick(syll) + pick(syll));
  const text = (area: ThematicAreaRef, lang: Lang, words: number): string => {
    const parts: string[] = [];
    for (let k = 0; k < words; k++) {
      const r = rnd();
      if (r < 0.25) parts.push(pick(area.terms[lang] ?? [area.names[lang]]));
      else if (r < 0.35) {
        const fine = pick(FINE_CONCEPTS);
        const ts = fine.terms[lang];
        if (ts && ts.length > 0) parts.push(termText(pick(ts)));
      } else parts.push(pick(filler));
    }
    return parts.join(lang === 'zh' ? '，' : ' ');
  };
  const regions = [...new Set(states.flatMap((s) => [s.region, s.subRegion, s.intermediateRegion].filter((x): x is string => !!x)))];
  const now = new Date('2026-11-29T00:00:00Z').getTime();
  const day = 86_400_000;
  return {
    offering(i) {
      const a1 = pick(areas);
      const multi = rnd() < 0.3;
      const a2 = multi ? pick(areas) : a1;
      const lang = pick(LANGS);
      const e = rnd();
      const eligibility =
        e < 0.4
          ? { regions: [], countries: [] }
          : e < 0.75
            ? { regions: [pick(regions)], countries: [] }
            : { regions: [], countries: [pick(states).iso3, pick(states).iso3] };
      return {
        id: `o${i}`,
        providerId: `p${i % 500}`,
        providerEntity: rnd() < 0.3 ? pick(a1.entities) : null,
        title: text(a1, lang, 5),
        description: `${text(a1, lang, 25)} ${text(a2, lang, 10)}`,
        language: lang,
        languages: [lang, ...(rnd() < 0.5 ? ['en' as Lang] : [])],
        modalities: [pick(MODALITIES)],
        thematicAreas: rnd() < 0.7 ? [...new Set([a1.code, a2.code])] : [],
        eligibility,
        availableFrom: null,
        availableUntil: rnd() < 0.1 ? new Date(now - 10 * day) : null,
        lastConfirmedAt: new Date(now - Math.floor(rnd() * 200) * day),
        status: rnd() < 0.05 ? 'closed' : 'open',
        capacity: null,
      };
    },
    request(i) {
      const a = pick(areas);
      const lang = pick(LANGS);
      return {
        id: `r${i}`,
        memberState: pick(states).iso3,
        title: text(a, lang, 4),
        description: text(a, lang, 30),
        language: rnd() < 0.5 ? lang : null,
        thematicAreas: [],
        modalities: rnd() < 0.5 ? [pick(MODALITIES)] : [],
        urgency: rnd() < 0.2 ? 'high' : 'normal',
        submittedAt: new Date(now),
      };
    },
  };
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Runs the latency benchmark over 1k/10k/100k synthetic offerings and returns one row per size. */
export async function runMatchingBench(sizes: number[] = [1_000, 10_000, 100_000], requestsPerSize = 200): Promise<BenchRow[]> {
  const areas = await loadAreas();
  const states = loadStates();
  const rows: BenchRow[] = [];
  const now = new Date('2026-11-29T00:00:00Z');
  for (const size of sizes) {
    const gen = generator(areas, states, 42);
    const matcher = createMatcher({ areas, states });
    const t0 = performance.now();
    for (let i = 0; i < size; i++) matcher.addOffering(gen.offering(i));
    const buildMs = performance.now() - t0;
    const requests = Array.from({ length: requestsPerSize }, (_, i) => gen.request(i));
    // Warm-up: JIT and stem caches, as in a long-running worker.
    for (const r of requests.slice(0, 20)) matcher.matchRequest(r, { now });
    const times: number[] = [];
    for (const r of requests) {
      const t = performance.now();
      matcher.matchRequest(r, { now });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push({
      offerings: size,
      requests: requestsPerSize,
      buildMs: Math.round(buildMs),
      medianMs: Math.round(quantile(times, 0.5) * 100) / 100,
      p95Ms: Math.round(quantile(times, 0.95) * 100) / 100,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
    });
  }
  return rows;
}

/** Formats bench rows as a markdown table. */
export function benchTable(rows: BenchRow[]): string {
  const head = '| offerings | requests | index build (ms) | median (ms) | p95 (ms) | heap used (MB) |\n|---:|---:|---:|---:|---:|---:|';
  return [head, ...rows.map((r) => `| ${r.offerings} | ${r.requests} | ${r.buildMs} | ${r.medianMs} | ${r.p95Ms} | ${r.heapUsedMb} |`)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = await runMatchingBench(sizes.length > 0 ? sizes : undefined);
  console.log(benchTable(rows));
}
