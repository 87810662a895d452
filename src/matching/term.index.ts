// An exact-term inverted index with MiniSearch's BM25+ scoring, for the offering index. MiniSearch
// builds a radix tree for prefix and fuzzy search, which the engine never uses (its terms are
// analysed stems and concept codes, matched exactly), and that tree was most of the cost of building
// a worker's index. This keeps per term and field a list of (document, term frequency) and the field
// statistics, and scores as the engine scored with MiniSearch (same formula, same order of additions;
// the average field length from exact integer totals, as OfferingIndex set it into MiniSearch so that
// scores do not depend on the order offerings were indexed), so search results are unchanged.

/** MiniSearch's default BM25+ parameters. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

interface Postings { slots: number[]; tfs: number[] }

export interface TermHit { slot: number; score: number; matched: number }

export class TermIndex {
  /** term → per field: documents holding it, in slot order, with the term's frequency there. */
  private readonly postings = new Map<string, (Postings | undefined)[]>();
  /** slot → per field: its number of distinct terms. */
  private readonly lengths: (number[] | undefined)[] = [];
  /** Per field: the tokens of every document, repeats included (the average field length is this over the count). */
  private readonly totals: number[];
  private count = 0;
  // Per-search scratch, reused: accumulated score, matched terms and the epoch that made them valid.
  private score = new Float64Array(0);
  private termScore = new Float64Array(0);
  private matched = new Uint16Array(0);
  private seen = new Uint32Array(0);
  private seenTerm = new Uint32Array(0);
  private verdict = new Int8Array(0);
  private epoch = 0;

  constructor(private readonly fields: number) {
    this.totals = new Array<number>(fields).fill(0);
  }

  get documentCount(): number {
    return this.count;
  }

  /** Documents holding `term` in field `f` (MiniSearch's matchingFields). */
  df(term: string, f: number): number {
    return this.postings.get(term)?.[f]?.slots.length ?? 0;
  }

  /** Distinct terms of a document's field (MiniSearch's field length). */
  fieldLength(slot: number, f: number): number {
    return this.lengths[slot]?.[f] ?? 0;
  }

  averageLength(f: number): number {
    return this.count > 0 ? this.totals[f]! / this.count : 0;
  }

  /** Adds a document's tokens, field by field. */
  add(slot: number, fields: readonly (readonly string[])[]): void {
    this.count++;
    const lengths: number[] = [];
    for (let f = 0; f < this.fields; f++) {
      const tf = new Map<string, number>();
      for (const t of fields[f] ?? []) tf.set(t, (tf.get(t) ?? 0) + 1);
      lengths[f] = tf.size;
      this.totals[f]! += (fields[f] ?? []).length;
      for (const [term, n] of tf) {
        let perField = this.postings.get(term);
        if (!perField) this.postings.set(term, (perField = []));
        let p = perField[f];
        if (!p) perField[f] = p = { slots: [], tfs: [] };
        const at = insertionPoint(p.slots, slot);
        if (at === p.slots.length) { p.slots.push(slot); p.tfs.push(n); } else { p.slots.splice(at, 0, slot); p.tfs.splice(at, 0, n); }
      }
    }
    this.lengths[slot] = lengths;
  }

  /** Removes a document added with these tokens. */
  remove(slot: number, fields: readonly (readonly string[])[]): void {
    const lengths = this.lengths[slot];
    if (!lengths) return;
    for (let f = 0; f < this.fields; f++) {
      this.totals[f]! -= (fields[f] ?? []).length;
      for (const term of new Set(fields[f] ?? [])) {
        const perField = this.postings.get(term);
        const p = perField?.[f];
        if (!p) continue;
        const at = insertionPoint(p.slots, slot);
        if (p.slots[at] !== slot) continue;
        p.slots.splice(at, 1);
        p.tfs.splice(at, 1);
        if (p.slots.length === 0) {
          perField![f] = undefined;
          if (perField!.every((x) => x === undefined)) this.postings.delete(term);
        }
      }
    }
    this.lengths[slot] = undefined;
    this.count--;
  }

  /** BM25+ of one term in one field of one document, as MiniSearch computes it. */
  bm25(tf: number, df: number, fieldLength: number, avg: number): number {
    const { k, b, d } = BM25;
    const idf = Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
    return idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * fieldLength) / avg)));
  }

  /**
   * OR search of exact terms: each document accepted by `accept` that holds at least one term, with
   * MiniSearch's score (per term, per field: term boost × field boost × BM25+, summed in query and
   * field order, then multiplied by the number of query terms matched) and that number.
   */
  search(terms: readonly string[], fieldBoost: readonly number[], termBoost: (term: string) => number, accept?: (slot: number) => boolean): TermHit[] {
    const size = this.lengths.length;
    if (this.seen.length < size) this.grow(size);
    const epoch = this.nextEpoch();
    const hits: number[] = [];
    for (const term of terms) {
      const perField = this.postings.get(term);
      if (!perField) continue;
      const boost = termBoost(term);
      const touched: number[] = [];
      for (let f = 0; f < this.fields; f++) {
        const p = perField[f];
        if (!p) continue;
        const df = p.slots.length;
        const avg = this.averageLength(f);
        const fb = fieldBoost[f]!;
        for (let i = 0; i < df; i++) {
          const slot = p.slots[i]!;
          if (accept) {
            if (this.seen[slot] !== epoch) {
              this.seen[slot] = epoch;
              this.verdict[slot] = accept(slot) ? 1 : 0;
              this.score[slot] = 0;
              this.matched[slot] = 0;
              if (this.verdict[slot]) hits.push(slot);
            }
            if (!this.verdict[slot]) continue;
          } else if (this.seen[slot] !== epoch) {
            this.seen[slot] = epoch;
            this.verdict[slot] = 1;
            this.score[slot] = 0;
            this.matched[slot] = 0;
            hits.push(slot);
          }
          const weighted = 1 * boost * fb * 1 * this.bm25(p.tfs[i]!, df, this.lengths[slot]![f]!, avg);
          if (this.seenTerm[slot] !== epoch) { this.seenTerm[slot] = epoch; this.termScore[slot] = weighted; touched.push(slot); } else this.termScore[slot] += weighted;
        }
      }
      // Each term's sum joins the document's total after the term (MiniSearch combines per-term results).
      for (const slot of touched) {
        this.score[slot] += this.termScore[slot]!;
        this.matched[slot]!++;
        this.seenTerm[slot] = 0;
      }
    }
    return hits.map((slot) => ({ slot, score: this.score[slot]! * (this.matched[slot]! || 1), matched: this.matched[slot]! }));
  }

  private grow(size: number): void {
    const n = Math.max(size, this.seen.length * 2, 1024);
    const copy = <T extends Float64Array | Uint16Array | Uint32Array | Int8Array>(a: T, make: (n: number) => T): T => { const b = make(n); b.set(a as never); return b; };
    this.score = copy(this.score, (x) => new Float64Array(x));
    this.termScore = copy(this.termScore, (x) => new Float64Array(x));
    this.matched = copy(this.matched, (x) => new Uint16Array(x));
    this.seen = copy(this.seen, (x) => new Uint32Array(x));
    this.seenTerm = copy(this.seenTerm, (x) => new Uint32Array(x));
    this.verdict = copy(this.verdict, (x) => new Int8Array(x));
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) { this.seen.fill(0); this.seenTerm.fill(0); this.epoch = 1; }
    return this.epoch;
  }
}

/** Where `slot` is or belongs in an ascending list (binary search). */
function insertionPoint(xs: readonly number[], slot: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
