import { describe, expect, it } from 'vitest';
import { overlapIndex, type CoverOffering, type OverlapPair, type PlacedState } from '../../../src/modules/analytics/overlap-pairs.js';

/** A small deterministic generator (mulberry32), so a failure repeats. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The pair index against the report's definition worked out with plain sets, on many providers: some with
 * the same coverage (equal counts, so the bound's ties and the order by ids matter), regional and national
 * offerings, codes no state has, areas no state list reaches. Every page size and cursor gives the slice
 * of the whole ordered list.
 */
describe('overlap pairs over bit sets: the same pairs, order and details as plain sets give', () => {
  const rand = rng(16);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;

  // 70 states (more than 32 × areas / areas, so cells span many words), in ISO3 order as the database gives them.
  const states: PlacedState[] = Array.from({ length: 70 }, (_, i) => ({
    iso3: `S${String(i).padStart(2, '0')}`,
    codes: [`R${i % 3}`, `U${i % 7}`, ...(i % 4 === 0 ? [] : [`I${i % 11}`])],
  }));
  const areas = ['a_one', 'b_two', 'c_three', 'd_four', 'e_five'];
  const regionCodes = [...new Set(states.flatMap((s) => s.codes))];
  const providers = Array.from({ length: 60 }, uuid);
  const offerings: CoverOffering[] = [];
  for (let k = 0; k < 240; k++) {
    const regional = rand() < 0.3;
    offerings.push({
      id: uuid(), providerId: pick(providers),
      countries: regional ? [] : Array.from({ length: 1 + Math.floor(rand() * 6) }, () => (rand() < 0.05 ? 'XXX' : pick(states).iso3)),
      regions: regional ? [rand() < 0.1 ? '999' : pick(regionCodes)] : [],
      areas: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => (rand() < 0.05 ? 'unknown_area' : pick(areas))),
    });
  }
  // Two providers that cover exactly what each of the five with most offerings does: their pairs tie at the top.
  const most = [...providers].sort((x, y) => offerings.filter((o) => o.providerId === y).length - offerings.filter((o) => o.providerId === x).length).slice(0, 5);
  for (const p of [...most, ...most]) {
    const twin = uuid();
    for (const o of offerings.filter((x) => x.providerId === p)) offerings.push({ ...o, id: uuid(), providerId: twin });
  }

  /** provider -> "state|area" -> offering ids, by the report's definition. */
  const cover = new Map<string, Map<string, Set<string>>>();
  for (const o of offerings) {
    for (const s of states) {
      if (!o.countries.includes(s.iso3) && !s.codes.some((c) => o.regions.includes(c))) continue;
      for (const a of o.areas) {
        if (!areas.includes(a)) continue;
        const cells = cover.get(o.providerId) ?? new Map<string, Set<string>>();
        cover.set(o.providerId, cells);
        const k = `${s.iso3}|${a}`;
        cells.set(k, (cells.get(k) ?? new Set()).add(o.id));
      }
    }
  }
  const ids = [...cover.keys()].sort();
  const shared = (a: string, b: string) => [...cover.get(a)!.keys()].filter((k) => cover.get(b)!.has(k)).sort();
  const all: OverlapPair[] = [];
  for (const a of ids) for (const b of ids) if (a < b && shared(a, b).length) all.push({ a, b, cells: shared(a, b).length });
  all.sort((x, y) => y.cells - x.cells || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
  const index = overlapIndex(offerings, states, areas);

  it('the data has what the pruning must get right: many pairs, many equal counts', () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(new Set(all.map((p) => p.cells)).size).toBeLessThan(all.length / 10);
    expect(all.filter((p) => p.cells === all[0]!.cells).length).toBeGreaterThan(1);
  });

  it('gives every pair in the report order', () => {
    expect(index.topPairs(null, Infinity)).toEqual(all);
  });

  it('gives each page the slice after its cursor, whatever the page size', () => {
    for (const size of [1, 2, 3, 7, 20, 101]) {
      const seen: OverlapPair[] = [];
      let after: OverlapPair | null = null;
      for (let page = 0; page < 40; page++) {
        const got = index.topPairs(after, size);
        expect(got).toEqual(all.slice(seen.length, seen.length + size));
        seen.push(...got);
        if (got.length < size) break;
        after = got[got.length - 1]!;
      }
    }
    for (const at of [0, 5, 17, 250, 900, all.length - 2]) expect(index.topPairs(all[at]!, 21)).toEqual(all.slice(at + 1, at + 22));
  });

  it('lists a pair\'s cells in (state, area) order and each provider\'s offerings there, cut or whole', () => {
    for (const p of [all[0]!, all[1]!, all[400]!, all[all.length - 1]!]) {
      const cells = shared(p.a, p.b);
      const offs = (id: string) => [...new Set(cells.flatMap((k) => [...cover.get(id)!.get(k)!]))].sort();
      const asCells = (ks: string[]) => ks.map((k) => ({ memberState: k.split('|')[0]!, thematicArea: k.split('|')[1]! }));
      expect(index.detail(p, null)).toEqual({ cells: asCells(cells), offA: offs(p.a), offB: offs(p.b) });
      expect(index.detail(p, 3)).toEqual({ cells: asCells(cells.slice(0, 3)), offA: offs(p.a).slice(0, 3), offB: offs(p.b).slice(0, 3) });
    }
  });
});
