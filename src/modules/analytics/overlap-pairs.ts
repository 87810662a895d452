/**
 * The provider pairs of the overlap report (GET /v1/analytics/overlaps), worked out over one bit set per
 * provider. Why here and not in PostgreSQL: the pair counts are the report's own logic over 500-odd small
 * sets, not an aggregate of stored rows. In SQL the bit strings had to be assembled as text
 * (string_agg, rpad) and every pair ANDed, 124,750 pairs for 500 providers, before a page of 20 could be
 * cut, and each page's cells and offerings joined the offerings again; typed arrays do all of it in a few
 * milliseconds from one row per offering, and a page needs only the pairs that can reach it (see topPairs).
 */

/** A proposable offering that names member states or regions (worldwide ones are left out before). */
export interface CoverOffering { id: string; providerId: string; countries: readonly string[]; regions: readonly string[]; areas: readonly string[] }

/** A member state and the M49 codes (region, sub-region, intermediate region) an offering may name it by. */
export interface PlacedState { iso3: string; codes: readonly string[] }

/** A pair of providers (`a` < `b` by id) and how many (member state, thematic area) cells both cover. */
export interface OverlapPair { a: string; b: string; cells: number }

/** What the report lists of one pair: its cells in (state, area) order, each provider's offerings there (ids sorted). */
export interface PairDetail { cells: { memberState: string; thematicArea: string }[]; offA: string[]; offB: string[] }

interface ProviderBits { id: string; bits: Uint32Array; count: number; lo: number; hi: number; offerings: { id: string; states: number[]; areas: number[] }[] }

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The report's order: most cells first, then by the two ids (as text, which for ids is their byte order). */
export function pairBefore(x: OverlapPair, y: OverlapPair): boolean {
  if (x.cells !== y.cells) return x.cells > y.cells;
  if (x.a !== y.a) return x.a < y.a;
  return x.b < y.b;
}
const byReportOrder = (x: OverlapPair, y: OverlapPair) => (pairBefore(x, y) ? -1 : pairBefore(y, x) ? 1 : 0);

/**
 * The pairs index of one moment. `states` and `areas` come in the database's order (ISO3, area code), so a
 * cell's bit index (state × areas + area) orders cells as the report lists them.
 */
export function overlapIndex(offerings: readonly CoverOffering[], states: readonly PlacedState[], areas: readonly string[]) {
  const nAreas = areas.length;
  const words = Math.ceil((states.length * nAreas) / 32);
  const byCountry = new Map(states.map((s, i) => [s.iso3, i]));
  const byRegion = new Map<string, number[]>();
  states.forEach((s, i) => { for (const c of s.codes) byRegion.set(c, [...(byRegion.get(c) ?? []), i]); });
  const areaAt = new Map(areas.map((a, i) => [a, i]));

  const providers = new Map<string, ProviderBits>();
  for (const o of offerings) {
    const placed = new Set<number>();
    for (const c of o.countries) { const i = byCountry.get(c); if (i !== undefined) placed.add(i); }
    for (const r of o.regions) for (const i of byRegion.get(r) ?? []) placed.add(i);
    const areaIdx = [...new Set(o.areas.map((a) => areaAt.get(a)).filter((i): i is number => i !== undefined))];
    if (!placed.size || !areaIdx.length) continue;
    let p = providers.get(o.providerId);
    if (!p) { p = { id: o.providerId, bits: new Uint32Array(words), count: 0, lo: words, hi: -1, offerings: [] }; providers.set(o.providerId, p); }
    const stateIdx = [...placed].sort((x, y) => x - y);
    p.offerings.push({ id: o.id, states: stateIdx, areas: areaIdx });
    for (const s of stateIdx) for (const a of areaIdx) { const bit = s * nAreas + a; p.bits[bit >>> 5]! |= 1 << (bit & 31); }
  }
  // Each provider's bit count, the bound of its pairs, and the span of its non-zero words (most cover a few regions).
  const list = [...providers.values()];
  for (const p of list) {
    for (let w = 0; w < words; w++) {
      const v = p.bits[w]!;
      if (!v) continue;
      p.count += popcount32(v);
      if (w < p.lo) p.lo = w;
      p.hi = w;
    }
  }
  const byCount = list.filter((p) => p.count > 0).sort((x, y) => y.count - x.count);

  const shared = (x: ProviderBits, y: ProviderBits) => {
    let n = 0;
    const hi = Math.min(x.hi, y.hi);
    for (let w = Math.max(x.lo, y.lo); w <= hi; w++) n += popcount32(x.bits[w]! & y.bits[w]!);
    return n;
  };

  return {
    /**
     * The first `limit` pairs with a cell in common, in the report's order, after `after` (a cursor's key).
     * A top-k with a bound: a pair shares at most as many cells as its smaller provider covers, so with the
     * providers by count, descending, the pairs of the j-th with the ones before it share at most count(j);
     * once that is below the k-th best pair found, no later pair can reach the page (an equal bound still
     * may, by its ids). `limit` Infinity gives every pair.
     */
    topPairs(after: OverlapPair | null, limit: number): OverlapPair[] {
      const out: OverlapPair[] = [];
      let worst: OverlapPair | null = null;
      for (let j = 1; j < byCount.length; j++) {
        const y = byCount[j]!;
        if (worst && y.count < worst.cells) break;
        for (let i = 0; i < j; i++) {
          const x = byCount[i]!;
          const cells = shared(x, y);
          if (!cells) continue;
          const pair = x.id < y.id ? { a: x.id, b: y.id, cells } : { a: y.id, b: x.id, cells };
          if ((after && !pairBefore(after, pair)) || (worst && !pairBefore(pair, worst))) continue;
          out.push(pair);
          if (out.length >= 2 * limit || (!worst && out.length >= limit)) {
            out.sort(byReportOrder);
            out.length = limit;
            worst = out[limit - 1]!;
          }
        }
      }
      out.sort(byReportOrder);
      if (out.length > limit) out.length = limit;
      return out;
    },

    /** A pair's cells and each provider's offerings in them, each list cut to `max` (null: whole). */
    detail(pair: Pick<OverlapPair, 'a' | 'b'>, max: number | null): PairDetail {
      const x = providers.get(pair.a);
      const y = providers.get(pair.b);
      if (!x || !y) return { cells: [], offA: [], offB: [] };
      const both = new Uint32Array(words);
      for (let w = 0; w < words; w++) both[w] = x.bits[w]! & y.bits[w]!;
      const cells: PairDetail['cells'] = [];
      for (let w = 0; w < words && (max === null || cells.length < max); w++) {
        for (let v = both[w]!; v && (max === null || cells.length < max); v &= v - 1) {
          const bit = w * 32 + (31 - Math.clz32(v & -v));
          cells.push({ memberState: states[Math.floor(bit / nAreas)]!.iso3, thematicArea: areas[bit % nAreas]! });
        }
      }
      const inBoth = (o: ProviderBits['offerings'][number]) => o.states.some((s) => o.areas.some((a) => {
        const bit = s * nAreas + a;
        return (both[bit >>> 5]! >>> (bit & 31)) & 1;
      }));
      const offeringsOf = (p: ProviderBits) => {
        const ids = [...new Set(p.offerings.filter(inBoth).map((o) => o.id))].sort();
        return max === null ? ids : ids.slice(0, max);
      };
      return { cells, offA: offeringsOf(x), offB: offeringsOf(y) };
    },
  };
}
export type OverlapIndex = ReturnType<typeof overlapIndex>;
