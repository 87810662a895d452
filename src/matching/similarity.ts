import type { AreaScore } from './types.js';

/** Cosine similarity of two sparse non-negative vectors. */
export function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    const w = b.get(k);
    if (w !== undefined) dot += v * w;
  }
  for (const v of b.values()) nb += v * v;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Area scores as a sparse vector. */
export function areaVector(areas: readonly AreaScore[]): Map<string, number> {
  return new Map(areas.map((a) => [a.code, a.score]));
}

/** TF-IDF vector of analysed tokens; `idf` comes from the offering catalogue so domain-wide words weigh little. */
export function tfidfVector(tokens: readonly string[], idf: (term: string) => number): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const [t, n] of tf) out.set(t, (1 + Math.log(n)) * idf(t));
  return out;
}

/** Best shared area, weighted on both sides (same measure as the thematic score component). */
export function bestSharedArea(a: readonly AreaScore[], b: readonly AreaScore[]): number {
  const bm = areaVector(b);
  let best = 0;
  for (const x of a) {
    const w = bm.get(x.code);
    if (w !== undefined) best = Math.max(best, x.score * w);
  }
  return best;
}
