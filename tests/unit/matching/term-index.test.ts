import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { TermIndex } from '../../../src/matching/term.index.js';

// The offering index's BM25 must give what MiniSearch gave the engine (its scores, and so the eval, are
// unchanged): the same scores and matched-term counts, through adds and removals. The engine set
// MiniSearch's average field lengths from exact totals (tokens over documents), as the index does now.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const splitSpace = (s: string) => (s.length === 0 ? [] : s.split(' '));
const BOOST = { title: 2, body: 1, concepts: 1.5 };
const termBoost = (t: string) => (t.startsWith('c:') ? 2 : t.startsWith('area:') ? 1 : 1);

describe('TermIndex scores as MiniSearch did', () => {
  it('on a random corpus, through adds and removals, with and without a document filter', () => {
    const rnd = mulberry32(7);
    const vocab = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? `c:concept${i}` : i % 23 === 0 ? `area:a${i}` : `w${i}`));
    const word = () => vocab[Math.floor(rnd() ** 2 * vocab.length)]!;
    const field = (n: number) => Array.from({ length: Math.floor(rnd() * n) }, word).join(' ');
    type Doc = { id: number; title: string; body: string; concepts: string };
    const mini = new MiniSearch<Doc>({ fields: ['title', 'body', 'concepts'], idField: 'id', tokenize: splitSpace, processTerm: (t) => t, autoVacuum: false, searchOptions: { prefix: false, fuzzy: false, combineWith: 'OR', boost: BOOST } });
    const index = new TermIndex(3);
    const docs = new Map<number, Doc>();
    const totals = [0, 0, 0];
    const setAverages = () => {
      const m = mini as unknown as { _avgFieldLength: number[]; _fieldIds: Record<string, number> };
      (['title', 'body', 'concepts'] as const).forEach((f, i) => { m._avgFieldLength[m._fieldIds[f]!] = docs.size ? totals[i]! / docs.size : 0; });
    };
    const count = (d: Doc, sign: number) => { (['title', 'body', 'concepts'] as const).forEach((f, i) => { totals[i]! += sign * splitSpace(d[f]).length; }); };
    const add = (id: number) => { const d = { id, title: field(6), body: field(40), concepts: field(5) }; docs.set(id, d); mini.add(d); count(d, 1); setAverages(); index.add(id, [splitSpace(d.title), splitSpace(d.body), splitSpace(d.concepts)]); };
    const remove = (id: number) => { const d = docs.get(id)!; docs.delete(id); mini.remove(d); count(d, -1); setAverages(); index.remove(id, [splitSpace(d.title), splitSpace(d.body), splitSpace(d.concepts)]); };
    for (let i = 0; i < 400; i++) add(i);
    for (let i = 0; i < 400; i += 7) remove(i);
    for (let i = 0; i < 400; i += 7) add(i); // slots reused, as the offering index reuses them
    for (let i = 400; i < 450; i++) add(i);
    for (let round = 0; round < 60; round++) {
      const terms = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 8) }, word))];
      const filter = round % 2 ? (id: number) => id % 3 !== 0 : undefined;
      const expected = new Map(mini.search(terms.join(' '), { boostTerm: termBoost, ...(filter ? { boostDocument: (id: number) => (filter(id) ? 1 : 0) } : {}) }).map((r) => [r.id as number, { score: r.score, matched: r.terms.length }]));
      const got = new Map(index.search(terms, [BOOST.title, BOOST.body, BOOST.concepts], termBoost, filter).map((h) => [h.slot, { score: h.score, matched: h.matched }]));
      expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
      for (const [id, e] of expected) {
        expect(got.get(id)!.matched).toBe(e.matched);
        expect(got.get(id)!.score).toBe(e.score);
      }
    }
  });
});
