import { combineAreas, profileVersions, type TextProfile } from './classify.js';
import type { ConceptTagger } from './concepts.tagger.js';
import { stateRegionCodes, unavailableAt, type AvailabilityFacts } from './filters.js';
import { TermIndex } from './term.index.js';
import { analyze } from './text.normalize.js';
import type { AreaScore, MatchableOffering, StateGeo } from './types.js';
import { MATCHING_LIMITS } from './weights.js';

/** An offering with everything derived from its text, as held by the index. */
export interface IndexedOffering {
  /** Internal dense number; reused after removal. */
  slot: number;
  offering: MatchableOffering;
  profile: TextProfile;
  /** Explicit areas (score 1) or inferred ones. */
  areas: AreaScore[];
  areaWeight: Map<string, number>;
  areasInferred: boolean;
  /** Availability data in a form that is cheap to test per request. */
  gate: OfferingGate;
  /**
   * Content fingerprint (no id): breaks score ties, so rankings do not depend on ids, on the order
   * offerings were indexed, or on which slot they got.
   */
  tie: string;
}

/** FNV-1a over a string, as 13 hex digits (52 bits); enough to order ties, not a security hash. */
function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + ((h2 >>> 0) & 0xfffff).toString(16).padStart(5, '0');
}

/** Orders two indexed offerings of equal score: content first, the id only for identical content. */
export function tieOrder(a: IndexedOffering, b: IndexedOffering): number {
  if (a.tie !== b.tie) return a.tie < b.tie ? -1 : 1;
  const x = a.offering.id;
  const y = b.offering.id;
  return x < y ? -1 : x > y ? 1 : 0;
}

interface OfferingGate extends AvailabilityFacts {
  /** When the offering starts (proposed before then, marked with the date; urgency weighs it). */
  fromMs: number;
  worldwide: boolean;
  /** ISO3 and M49 codes the offering is open to. */
  keys: ReadonlySet<string>;
}

/** A per-request hard-filter predicate (eligibility and availability). */
export interface GateCheck {
  (doc: IndexedOffering): boolean;
  /** Availability alone, for documents already known to be eligible. */
  available(doc: IndexedOffering): boolean;
  /** Eligibility keys of the state: '*', ISO3, M49 codes. */
  keys: readonly string[];
}

interface SearchDoc {
  id: number;
  title: string;
  body: string;
  concepts: string;
}

export interface TextHit {
  /** Raw BM25 score. */
  score: number;
  /** Number of distinct query terms the offering matched. */
  matched: number;
}

/** A stored analysis of an offering's text (src/matching/analysis.ts) in the form the index takes. */
export interface PreAnalysed {
  profile: TextProfile;
  /** Analysed tokens of the titles and of the descriptions (every language version). */
  title: string[];
  body: string[];
}

export interface TextQuery {
  tokens: string[];
  conceptTokens: string[];
  /** The request's fine-concept strengths: a concept term weighs in proportion to it (conceptBoost). */
  fine?: ReadonlyMap<string, number>;
}

/**
 * The boost of each query term: a fine concept of the request weighs in proportion to its strength
 * relative to the request's strongest one, so a side topic does not count as much as the main one
 * (across languages the concept terms are all the text query has, and an offering carrying many weak
 * side concepts would otherwise outrank the one carrying the main concept).
 */
export function conceptBoost(fine: ReadonlyMap<string, number> | undefined): (term: string) => number {
  if (!fine || fine.size === 0) return boostOf;
  let strongest = 0;
  for (const v of fine.values()) strongest = Math.max(strongest, v);
  return (term) => {
    const v = term.startsWith('c:') ? fine.get(term) : undefined;
    return v === undefined || strongest <= 0 ? boostOf(term) : boostOf(term) * (v / strongest);
  };
}

// Field boosts: a title is a summary, concept tokens are the language bridge.
const FIELD_BOOST = { title: 2, body: 1, concepts: 1.5 };
const FIELD_WEIGHTS = [FIELD_BOOST.title, FIELD_BOOST.body, FIELD_BOOST.concepts];
const boostOf = (term: string): number => (term.startsWith('c:') ? CONCEPT_TERM_BOOST.fine : term.startsWith('area:') ? CONCEPT_TERM_BOOST.area : 1);
// Fine concepts (c:...) discriminate more than whole areas.
const CONCEPT_TERM_BOOST = { fine: 2, area: 1 };
// On big catalogues, query terms present in most documents cost postings
// traversals but carry almost no IDF; they are dropped from the query.
const COMMON_TERM_RATIO = 0.2;
const COMMON_TERM_MIN_DOCS = 2_000;
// Upper bound on the postings a text query may traverse (see searchText).
const POSTINGS_BUDGET = 2_500;
// Inferred offering areas under this score are not trusted for postings.
const MIN_POSTING_AREA_SCORE = 0.2;

const WORLDWIDE = '*';

// An offering whose provider names no area takes the areas of its text; those its provider's entity is
// responsible for (the taxonomy's lists) weigh this much more: a programme's page can dwell on a
// neighbouring field's words (Programme Global Shield on explosive precursors: chemicals and IEDs, read
// as chemical weapons and criminal justice before customs), and who delivers it says which field it serves.
// A text clearly about another field keeps it (UNODC's maritime crime programme stays maritime).
const PROVIDER_AREA_PRIOR = 1.5;

/** Inferred areas with the provider entity's prior (see PROVIDER_AREA_PRIOR), best first, ties by code. */
function withProviderPrior(inferred: readonly AreaScore[], entity: string | null, tagger: ConceptTagger): AreaScore[] {
  if (entity === null) return [...inferred];
  const lifted = inferred.map((a) => ((tagger.concepts.get(`area:${a.code}`)?.entities ?? []).includes(entity)
    ? { code: a.code, score: Math.min(1, Math.round(a.score * PROVIDER_AREA_PRIOR * 10_000) / 10_000) }
    : a));
  lifted.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  // Only the main area is in question: the other areas keep their text's weights.
  return lifted[0]?.code === inferred[0]?.code ? [...inferred] : lifted;
}
const NO_KEYS: ReadonlySet<string> = new Set();
// Shared empty map for profile fields not needed once an offering is indexed.
const EMPTY_MAP = new Map<string, number>();

const splitSpace = (s: string): string[] => (s.length === 0 ? [] : s.split(' '));

/** The offering's text in every language it was given in, main version first (duplicates dropped). */
export function offeringVersions(o: MatchableOffering): { language: MatchableOffering['language']; title: string; description: string }[] {
  const out = [{ language: o.language, title: o.title, description: o.description }];
  for (const v of o.versions ?? []) {
    if (out.some((x) => x.language === v.language && x.title === v.title && x.description === v.description)) continue;
    out.push(v);
  }
  return out;
}

/** Concept tokens for areas and fine concepts: `area:<code>` and the fine `c:<name>` codes. */
export function conceptTokens(areas: readonly AreaScore[], fine: ReadonlyMap<string, number>, minArea = MIN_POSTING_AREA_SCORE, minFine = 0): string[] {
  const out: string[] = [];
  for (const a of areas) if (a.score >= minArea) out.push(`area:${a.code}`);
  for (const code of [...fine.keys()].sort()) if (fine.get(code)! >= minFine) out.push(code);
  return out;
}

/**
 * A request's fine concepts as text-query terms: those it names at least once in full. A concept only
 * glimpsed (its words loosely, a citation of the legal basis: "in accordance with resolution 1540" in
 * an export-control request) would weigh in the query as much as the topic, and a rare one more.
 */
export const queryConceptTokens = (fine: ReadonlyMap<string, number>, framedOnly?: ReadonlySet<string>): string[] =>
  conceptTokens([], fine, MIN_POSTING_AREA_SCORE, QUERY_CONCEPT_MIN).filter((c) => !framedOnly?.has(c));
// Half a clear mention (raw strength ≈ 0.55): one term said in full counts (a term two concepts share
// gives each 0.75, ≈ 0.39), its words merely near each other once does not (0.45 → 0.26).
const QUERY_CONCEPT_MIN = 0.3;

/**
 * In-memory offering index: BM25 (MiniSearch's, term.index.ts) over analysed tokens and concept
 * tokens, plus inverted postings per (area, eligibility key) so a request only
 * ever visits offerings of its areas that its state may receive. Offerings can
 * be added, replaced and removed at run time; removal is exact (no tombstones),
 * so scores never depend on the order of edits.
 */
export class OfferingIndex {
  private readonly slots: (IndexedOffering | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly byId = new Map<string, IndexedOffering>();
  private readonly searchDocs: (SearchDoc | undefined)[] = [];
  /** area code → eligibility key ('*', ISO3 or M49) → slots. */
  private readonly postings = new Map<string, Map<string, Set<number>>>();
  private readonly docFreq = new Map<string, number>();
  /** BM25 over the fields title, body, concepts (MiniSearch's scoring, exact terms only: term.index.ts). */
  private readonly terms = new TermIndex(3);
  // Per-request "seen" marks without allocating a Set: a slot is seen when
  // its mark equals the current epoch.
  private marks = new Uint32Array(1024);
  private epoch = 0;

  constructor(
    private readonly tagger: ConceptTagger,
    private readonly knownAreas: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): IndexedOffering | undefined {
    return this.byId.get(id);
  }

  /** Analyses the offering (without indexing it): areas explicit or inferred, fine concepts, gate data; `pre` is a stored analysis of its text. */
  analyse(offering: MatchableOffering, slot = -1, pre?: PreAnalysed): IndexedOffering {
    const profile = pre?.profile ?? profileVersions(this.tagger, offeringVersions(offering));
    const explicit = offering.thematicAreas.filter((c) => this.knownAreas.has(c));
    const areas = explicit.length > 0 ? combineAreas(explicit, profile.inferred, this.knownAreas) : withProviderPrior(profile.inferred, offering.providerEntity, this.tagger);
    // For an offering, every explicit area is a full commitment (no rank decay).
    const areaWeight = new Map<string, number>();
    for (const a of areas) areaWeight.set(a.code, explicit.includes(a.code) ? 1 : a.score);
    const { regions, countries } = offering.eligibility;
    const gate: OfferingGate = {
      open: offering.status === 'open',
      full: offering.capacity !== null && offering.capacity <= 0,
      fromMs: offering.availableFrom?.getTime() ?? -Infinity,
      untilMs: offering.availableUntil?.getTime() ?? Infinity,
      confirmedMs: offering.lastConfirmedAt.getTime(),
      worldwide: regions.length === 0 && countries.length === 0,
      keys: regions.length + countries.length === 0 ? NO_KEYS : new Set([...regions, ...countries]),
    };
    const tie = fingerprint(JSON.stringify([
      offering.title, offering.description, offering.language, offering.versions ?? [], offering.languages, offering.modalities,
      offering.eligibility, offering.thematicAreas, offering.providerEntity,
    ]));
    return { slot, offering, profile, areas, areaWeight, areasInferred: explicit.length === 0, gate, tie };
  }

  /** Adds an offering; throws when the id is already indexed (use replace). `pre`: its stored text analysis, so the text is not analysed again. */
  add(offering: MatchableOffering, pre?: PreAnalysed): IndexedOffering {
    if (this.byId.has(offering.id)) throw new Error(`offering ${offering.id} is already indexed`);
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slots.length;
    const indexed = this.analyse(offering, slot, pre);
    // Every language version is searchable: its title words with the title, its text with the body.
    const versions = pre ? [] : offeringVersions(offering);
    const titleTokens = pre ? pre.title : versions.flatMap((v) => analyze(v.title, v.language));
    const bodyTokens = pre ? pre.body : versions.flatMap((v) => analyze(v.description, v.language));
    const concepts = conceptTokens(
      [...indexed.areaWeight.entries()].map(([code, score]) => ({ code, score })),
      indexed.profile.fine,
    );
    const doc: SearchDoc = { id: slot, title: titleTokens.join(' '), body: bodyTokens.join(' '), concepts: concepts.join(' ') };
    this.terms.add(slot, [titleTokens, bodyTokens, concepts]);
    // The tokens now live in the search document, and raw tags served only to
    // derive areas and fine concepts; keeping them per offering would dominate
    // memory on large catalogues.
    indexed.profile = { ...indexed.profile, tokens: [], tags: EMPTY_MAP, areaRaw: EMPTY_MAP };
    this.searchDocs[slot] = doc;
    this.slots[slot] = indexed;
    this.byId.set(offering.id, indexed);
    for (const t of new Set([...titleTokens, ...bodyTokens, ...concepts])) this.docFreq.set(t, (this.docFreq.get(t) ?? 0) + 1);
    for (const area of this.postedAreas(indexed)) {
      let byKey = this.postings.get(area);
      if (!byKey) this.postings.set(area, (byKey = new Map()));
      for (const key of this.bucketKeys(indexed)) {
        let set = byKey.get(key);
        if (!set) byKey.set(key, (set = new Set()));
        set.add(slot);
      }
    }
    if (slot >= this.marks.length) {
      const grown = new Uint32Array(Math.max(slot + 1, this.marks.length * 2));
      grown.set(this.marks);
      this.marks = grown;
    }
    return indexed;
  }

  /** Removes an offering; returns false when it was not indexed. */
  remove(id: string): boolean {
    const indexed = this.byId.get(id);
    if (!indexed) return false;
    const slot = indexed.slot;
    const doc = this.searchDocs[slot]!;
    // Removed with the exact indexed fields, so the BM25 statistics are exact at once.
    this.terms.remove(slot, [splitSpace(doc.title), splitSpace(doc.body), splitSpace(doc.concepts)]);
    for (const t of new Set([...splitSpace(doc.title), ...splitSpace(doc.body), ...splitSpace(doc.concepts)])) {
      const n = (this.docFreq.get(t) ?? 1) - 1;
      if (n <= 0) this.docFreq.delete(t);
      else this.docFreq.set(t, n);
    }
    for (const area of this.postedAreas(indexed)) {
      const byKey = this.postings.get(area);
      if (!byKey) continue;
      for (const key of this.bucketKeys(indexed)) {
        const set = byKey.get(key);
        if (!set) continue;
        set.delete(slot);
        if (set.size === 0) byKey.delete(key);
      }
      if (byKey.size === 0) this.postings.delete(area);
    }
    this.searchDocs[slot] = undefined;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    this.byId.delete(id);
    return true;
  }

  /** Replaces (or adds) an offering with its new version. */
  replace(offering: MatchableOffering, pre?: PreAnalysed): IndexedOffering {
    this.remove(offering.id);
    return this.add(offering, pre);
  }

  /**
   * The raw BM25 score `searchText` would give one indexed offering for `terms` (the same formula,
   * boosts and statistics as MiniSearch's), and how many of the terms it matched: scoring a changed
   * offering against a request costs one pass over the offering's own terms, not a search.
   */
  scoreDoc(id: string, terms: readonly string[], fine?: ReadonlyMap<string, number>): TextHit {
    return this.docScorer(id)?.([...new Set(terms)], conceptBoost(fine)) ?? { score: 0, matched: 0 };
  }

  /**
   * scoreDoc for one offering against many queries (re-matching scores a changed offering against every
   * candidate request): the offering's term frequencies are counted once, not per query. `terms` must
   * be distinct (scoreDoc's set of the query terms, in order); `boost` is conceptBoost of the request's
   * fine concepts. Null when the offering is not indexed. Valid until the index changes.
   */
  docScorer(id: string): ((terms: readonly string[], boost: (term: string) => number) => TextHit) | null {
    const indexed = this.byId.get(id);
    if (!indexed) return null;
    const doc = this.searchDocs[indexed.slot]!;
    // Each term's frequency in the three fields, in one map: a query term the offering lacks costs one lookup.
    const tfs = new Map<string, [number, number, number]>();
    [doc.title, doc.body, doc.concepts].forEach((f, k) => {
      for (const t of splitSpace(f)) {
        let x = tfs.get(t);
        if (!x) tfs.set(t, (x = [0, 0, 0]));
        x[k]!++;
      }
    });
    const lengths = [0, 1, 2].map((k) => this.terms.fieldLength(indexed.slot, k));
    const averages = [0, 1, 2].map((k) => this.terms.averageLength(k));
    return (terms, boost) => {
      let score = 0;
      let matched = 0;
      for (const term of terms) {
        const x = tfs.get(term);
        if (!x) continue;
        let termScore = 0;
        const termBoost = boost(term);
        for (let f = 0; f < 3; f++) {
          const freq = x[f]!;
          if (!freq) continue;
          termScore += 1 * termBoost * FIELD_WEIGHTS[f]! * 1 * this.terms.bm25(freq, this.terms.df(term, f), lengths[f]!, averages[f]!);
        }
        score += termScore;
        matched++;
      }
      // The sum is multiplied by the number of query terms the document matched (as MiniSearch did).
      return { score: score * (matched || 1), matched };
    };
  }

  private postedAreas(doc: IndexedOffering): string[] {
    return [...doc.areaWeight.entries()].filter(([, w]) => w >= MIN_POSTING_AREA_SCORE).map(([code]) => code);
  }

  private bucketKeys(doc: IndexedOffering): string[] {
    return doc.gate.worldwide ? [WORLDWIDE] : [...doc.gate.keys];
  }

  /** Hard-filter predicate for one state at `now`: eligible (country, any M49 level, or worldwide) and proposable (filters.ts: unavailableAt). */
  gateFor(state: StateGeo, now: Date, staleAfterDays: number = MATCHING_LIMITS.staleAfterDays): GateCheck {
    const keys = [state.iso3, ...stateRegionCodes(state)].filter((k) => k.length > 0);
    const t = now.getTime();
    const available = (doc: IndexedOffering): boolean => unavailableAt(doc.gate, t, staleAfterDays) === null;
    const check = ((doc: IndexedOffering): boolean => {
      if (!available(doc)) return false;
      const g = doc.gate;
      if (g.worldwide) return true;
      for (const k of keys) if (g.keys.has(k)) return true;
      return false;
    }) as GateCheck;
    check.available = available;
    check.keys = [WORLDWIDE, ...keys];
    return check;
  }

  /** Offerings posted under any of `areas` that pass the gate, visiting only the state's eligibility buckets; `visit` is called once per offering. */
  forEachThematicCandidate(areas: readonly string[], gate: GateCheck, visit: (doc: IndexedOffering) => void): void {
    const epoch = this.nextEpoch();
    for (const code of areas) {
      const byKey = this.postings.get(code);
      if (!byKey) continue;
      for (const key of gate.keys) {
        const set = byKey.get(key);
        if (!set) continue;
        for (const slot of set) {
          if (this.marks[slot] === epoch) continue;
          this.marks[slot] = epoch;
          const doc = this.slots[slot]!;
          if (gate.available(doc)) visit(doc);
        }
      }
    }
  }

  /** Ids of thematic candidates (convenience over forEachThematicCandidate). */
  thematicCandidates(areas: readonly string[], gate: GateCheck): Set<string> {
    const out = new Set<string>();
    this.forEachThematicCandidate(areas, gate, (doc) => out.add(doc.offering.id));
    return out;
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.marks.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /**
   * Sparse BM25 search (exact terms, OR) over offerings passing `gate`,
   * returning at most `limit` hits, best first. The query keeps its most
   * selective terms until their postings add up to a budget: on a large
   * catalogue the work per request stays bounded, and the terms dropped are the
   * common ones that carry little IDF anyway. `used` gets the terms searched, and the query's terms no
   * offering holds (`absent`: re-matching scores an offering that brings one on it, as a new search would).
   */
  searchText(query: TextQuery, limit: number, gate?: GateCheck, budget: number = POSTINGS_BUDGET, used?: { terms: string[]; absent?: string[] }): Map<string, TextHit> {
    const n = this.byId.size;
    const all = [...new Set([...query.tokens, ...query.conceptTokens])].map((t) => ({ t, df: this.docFreq.get(t) ?? 0 }));
    if (used) used.absent = all.filter((x) => x.df === 0).map((x) => x.t);
    const ranked = all
      .filter((x) => x.df > 0 && (n < COMMON_TERM_MIN_DOCS || x.df / n <= COMMON_TERM_RATIO))
      .sort((a, b) => a.df - b.df || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    const terms: string[] = [];
    let postings = 0;
    for (const x of ranked) {
      if (terms.length > 0 && postings + x.df > budget) break;
      terms.push(x.t);
      postings += x.df;
    }
    if (used) used.terms = terms;
    const out = new Map<string, TextHit>();
    if (terms.length === 0) return out;
    const results = this.terms.search(terms, FIELD_WEIGHTS, conceptBoost(query.fine), gate ? (slot) => gate(this.slots[slot]!) : undefined);
    const hits = results.map((r) => ({ doc: this.slots[r.slot]!, score: r.score, matched: r.matched }));
    // Ordered by score; content (not ids or slots) breaks ties so output is stable.
    hits.sort((a, b) => b.score - a.score || tieOrder(a.doc, b.doc));
    for (const h of hits.slice(0, limit)) out.set(h.doc.offering.id, { score: h.score, matched: h.matched });
    return out;
  }

  /** Smoothed inverse document frequency of a term over the catalogue (unknown terms weigh most). */
  idf(term: string): number {
    return Math.log(1 + (this.byId.size + 1) / ((this.docFreq.get(term) ?? 0) + 1));
  }

  /** All indexed offerings (insertion order of ids). */
  all(): IterableIterator<IndexedOffering> {
    return this.byId.values();
  }
}
