// Re-matching that scores the change, not the world: changed offerings against the requests that
// may want them, each known by the analysis stored at its last full match (src/matching/analysis.ts).
// The score is the one matchRequest would give the offering among the request's candidates, with one
// approximation, about the text component: the request's best raw BM25, its cut-off and its best
// same-language text value (scoring.ts textValue) are those of its last full match (the catalogue's
// statistics move a little as offerings arrive). An offering that would now be the request's best text
// hit, or that was it and changed, moves every other hit's text value (they are relative to the best):
// it "leads", and the request gets a full match instead (wantsFullMatch). The query's terms no offering
// held at the last full match are scored too (a new offering may bring one). What a full match did to the
// list as a whole is kept with the analysis (ListRule) and applied here to each offering: a request CTED
// triages for want of an area gets none, one that names its route's concept clearly only offerings on
// the route, and one in parts (lists merged) gets a full match instead (needsFullMatch).
import type { Matcher } from './matcher.js';
import { conceptBoost } from './offering.index.js';
import { listAdmits, type ScoringAnalysis, type StoredRequest } from './analysis.js';
import type { RequestContext } from './scoring.js';
import type { MatchExplanation, MatchResult } from './types.js';
import { MATCHING_LIMITS, type ScoreComponent } from './weights.js';

export interface ReverseScore {
  requestId: string;
  score: number;
  components: Record<ScoreComponent, number>;
  explanation: MatchExplanation;
  /** The offering leads the request's text hits (a new best, or the old best changed): see wantsFullMatch. */
  leads: boolean;
}

/** The request's scoring context, rebuilt from its stored analysis (no text analysed). */
export function contextOf(r: StoredRequest, now: Date): RequestContext {
  const a = r.analysis;
  return {
    lang: a.lang,
    state: r.state,
    areas: a.areas.map(([code, score]) => ({ code, score })),
    fine: new Map(a.fine),
    modalities: r.modalities,
    urgency: r.urgency,
    needs: a.needs.map((n) => ({ areas: new Set(n.areas), value: n.value })),
    nowMs: now.getTime(),
    sameLanguageText: a.query.same ?? 0,
  };
}

/** What scoring a request needs besides the offering, made from its stored analysis once per request and instant. */
interface Prepared { nowMs: number; ctx: RequestContext; terms: string[]; boost: (term: string) => number }
// Keyed by the request object itself: re-matching scores the same page of requests against every changed
// offering, and a page's objects go (and their entries with them) when the page is done.
const prepared = new WeakMap<StoredRequest, Prepared>();
function preparedOf(r: StoredRequest, now: Date): Prepared {
  let p = prepared.get(r);
  if (!p || p.nowMs !== now.getTime()) {
    const ctx = contextOf(r, now);
    p = { nowMs: ctx.nowMs, ctx, terms: [...new Set([...r.analysis.query.terms, ...(r.analysis.query.absent ?? [])])], boost: conceptBoost(ctx.fine) };
    prepared.set(r, p);
  }
  return p;
}

// Two raw BM25 scores closer than this (relative) are the same score added up in another order.
const SAME_RAW = 1e-9;

/**
 * The text of one pair, from the request's stored query: the value scoring.ts textValue takes, and
 * whether the offering leads the request's text hits: its raw BM25 is above the best of the last full
 * match (a full match would now divide every other hit by it), or it had that best and its BM25 moved.
 */
function textOfPair(id: string, r: StoredRequest, p: Prepared, textOf: ((terms: readonly string[], boost: (term: string) => number) => { score: number; matched: number }) | null): { value: number; leads: boolean } {
  const q = r.analysis.query;
  const hit = textOf && p.terms.length ? textOf(p.terms, p.boost) : { score: 0, matched: 0 };
  const leads = hit.score > q.top * (1 + SAME_RAW) || (q.best === id && Math.abs(hit.score - q.top) > q.top * SAME_RAW);
  if (q.top <= 0 || hit.score <= 0 || hit.score < q.cut) return { value: 0, leads };
  const coverage = Math.min(1, hit.matched / Math.max(1, Math.min(6, q.n)));
  return { value: Math.min(1, hit.score / q.top) * (0.5 + 0.5 * coverage), leads };
}

/**
 * Scores one indexed offering against each request, as matchRequest would among its candidates:
 * null where the request's state may not receive it now, where it is off topic, or below the minimum score.
 * A request object scored again at the same instant (another changed offering) reuses its context.
 */
export function scoreOffering(matcher: Matcher, offeringId: string, requests: readonly StoredRequest[], now: Date): (ReverseScore | null)[] {
  const doc = matcher.index.get(offeringId);
  const textOf = matcher.index.docScorer(offeringId);
  if (!doc || !textOf) return requests.map(() => null);
  const gates = new Map<string, ReturnType<Matcher['index']['gateFor']>>();
  return requests.map((r) => {
    let gate = gates.get(r.state.iso3);
    if (!gate) gates.set(r.state.iso3, (gate = matcher.index.gateFor(r.state, now)));
    if (!gate(doc) || !listAdmits(r.analysis.list, doc)) return null;
    const p = preparedOf(r, now);
    const text = textOfPair(offeringId, r, p, textOf);
    // The same scoring as a full match (weights, learned prior, relevance, minimum score).
    const scored = matcher.scoreCandidate(p.ctx, doc, text.value);
    return scored ? { requestId: r.id, score: scored.score, components: scored.components, explanation: scored.explain(), leads: text.leads } : null;
  });
}

/** Whether a change that concerns the request needs its full match (its list merges its parts' lists). */
export function needsFullMatch(a: ScoringAnalysis): boolean {
  return a.list?.kind === 'parts';
}

/**
 * Whether what the changed offerings do to a request (ChangeSet.wanted) needs its full match: its list
 * merges its parts' lists, or one of them leads its text hits (every other offering's text value moves).
 */
export function wantsFullMatch(a: ScoringAnalysis, wanted: readonly Wanted[]): boolean {
  return needsFullMatch(a) || wanted.some((w) => w.leads);
}

/**
 * What re-matching keeps of a request's full match besides its analysis (RematchRequest): the areas a
 * changed offering concerns it under (those at or above the thematic minimum), and its full list's floor.
 */
export function rematchFacts(result: Pick<MatchResult, 'thematicAreas' | 'matches'>, topN: number = MATCHING_LIMITS.defaultTopN): { matchAreas: string[]; floor: number | null } {
  return {
    matchAreas: result.thematicAreas.filter((a) => a.score >= MATCHING_LIMITS.minThematic).map((a) => a.code),
    floor: result.matches.length >= topN ? result.matches[topN - 1]!.score : null,
  };
}

/** A re-matchable request as re-matching reads it: its stored analysis, the areas it was matched under, its list's floor. */
export interface RematchRequest extends StoredRequest {
  /** The areas of its last full match at or above the thematic minimum: a changed offering posted under one of them concerns it. */
  matchAreas: readonly string[];
  /** The lowest score of its full list (an offering below it cannot enter); null while the list has room. */
  floor: number | null;
}

/**
 * What one changed offering does to one request's list: its new score, or null when it no longer qualifies
 * there; `leads` when it is now the request's best text hit or was it and changed (wantsFullMatch).
 */
export interface Wanted { offeringId: string; score: number | null; explanation: MatchExplanation | null; leads?: true }

/** The changed offerings of one re-matching job, indexed by area once, against which each page of requests is scored. */
export interface ChangeSet {
  /**
   * For each request, the changed offerings that may change its list, in the order the set was given:
   * those it lists (`listed`: request → offering ids it proposes now), with their new score or null,
   * the others posted under one of its areas that score at or above its floor, and any of those that
   * leads its text hits (`leads`, whatever its score; pairs dismissed by their bound are not looked at).
   */
  wanted(requests: readonly RematchRequest[], listed: ReadonlyMap<string, ReadonlySet<string>>, now: Date): Map<string, Wanted[]>;
}

/**
 * Indexes changed offerings by their posted areas, so that each request is scored only against the ones
 * that share one of its areas (a 1,500-offering import meets each request through the few posted under
 * its own areas, instead of every offering going over every request). The same pairs are scored as one
 * offering at a time would score them, and each the same way (scoreOffering).
 */
export function changeSet(matcher: Matcher, changed: readonly { id: string; posted: readonly string[] }[]): ChangeSet {
  const entries = changed.map((c) => ({ id: c.id, doc: undefined as ReturnType<Matcher['index']['get']>, textOf: null as ReturnType<Matcher['index']['docScorer']> }));
  const position = new Map(changed.map((c, k) => [c.id, k]));
  const byArea = new Map<string, number[]>();
  changed.forEach((c, k) => { for (const a of new Set(c.posted)) byArea.set(a, [...(byArea.get(a) ?? []), k]); });
  return {
    wanted(requests, listed, now) {
      // The offering as indexed now: another job of the process may have re-indexed it since the last page.
      for (const e of entries) {
        const doc = matcher.index.get(e.id);
        if (doc !== e.doc || !e.textOf) { e.doc = doc; e.textOf = doc ? matcher.index.docScorer(e.id) : null; }
      }
      const gates = new Map<string, ReturnType<Matcher['index']['gateFor']>>();
      const out = new Map<string, Wanted[]>();
      for (const r of requests) {
        const mine = listed.get(r.id);
        const ks = new Set<number>();
        for (const a of r.matchAreas) for (const k of byArea.get(a) ?? []) ks.add(k);
        for (const id of mine ?? []) { const k = position.get(id); if (k !== undefined) ks.add(k); }
        const best = r.analysis.query.best === undefined ? undefined : position.get(r.analysis.query.best);
        if (best !== undefined) ks.add(best);
        // A list that stays empty (no area fits) is not scored, unless it lists one of the offerings (it then loses it).
        if (!ks.size || (r.analysis.list?.kind === 'none' && !mine?.size)) continue;
        // A list merged from its parts' lists has no floor a part's answer must reach.
        const floor = needsFullMatch(r.analysis) ? null : r.floor;
        let gate = gates.get(r.state.iso3);
        if (!gate) gates.set(r.state.iso3, (gate = matcher.index.gateFor(r.state, now)));
        const list: Wanted[] = [];
        for (const k of [...ks].sort((a, b) => a - b)) {
          const { id, doc, textOf } = entries[k]!;
          const isListed = mine?.has(id) ?? false;
          // The offering that had the request's best text hit is looked at whatever its score (its change moves the others').
          const wasBest = r.analysis.query.best === id;
          let scored: ReturnType<Matcher['scoreCandidate']> = null;
          let leads = false;
          if (doc && textOf && gate(doc) && listAdmits(r.analysis.list, doc)) {
            const p = preparedOf(r, now);
            // A pair that cannot reach the floor even with the best text value is dismissed before its BM25 (most are).
            if (!isListed && !wasBest) {
              const bound = matcher.scoreBound(p.ctx, doc);
              if (bound === null || (floor !== null && bound < floor)) continue;
            }
            const text = textOfPair(id, r, p, textOf);
            leads = text.leads;
            scored = matcher.scoreCandidate(p.ctx, doc, text.value);
          } else if (wasBest) {
            // Gone, closed, or no longer on the request's route: a full match's best text hit is another one now.
            leads = doc && textOf && gate(doc) ? textOfPair(id, r, preparedOf(r, now), textOf).leads : true;
          }
          if (!isListed && !leads && (!scored || (floor !== null && scored.score < floor))) continue;
          list.push({ offeringId: id, score: scored?.score ?? null, explanation: scored ? scored.explain() : null, ...(leads ? { leads: true as const } : {}) });
        }
        if (list.length) out.set(r.id, list);
      }
      return out;
    },
  };
}

/** A request's current list of proposals and decided matches, best first (what a new offering must fit into). */
export interface ListedMatch { offeringId: string; score: number; decided: boolean }

export interface ListChange {
  /** The offering enters (or stays) at this rank; null when it is not in the list. */
  rank: number | null;
  /** Undecided offerings pushed out of the list. */
  dropped: string[];
  /** New ranks of the undecided offerings whose rank moved. */
  reranked: { offeringId: string; rank: number }[];
  /** The list's new floor: the lowest score of a full list, null while it has room. */
  floor: number | null;
  /** An undecided offering left a full list: something behind it may now belong, so a full match is needed. */
  needsFullMatch: boolean;
}

const better = (a: { score: number; offeringId: string }, b: { score: number; offeringId: string }) => a.score > b.score || (a.score === b.score && a.offeringId < b.offeringId);

/**
 * Where a re-scored offering belongs in a request's list of at most `topN`: decided matches are never
 * moved or dropped; the offering takes its place by score, and undecided ones that fall off the end go.
 * `score` null means the offering no longer qualifies. Returns null when nothing changes.
 */
export function placeInList(list: readonly ListedMatch[], offeringId: string, score: number | null, topN: number = MATCHING_LIMITS.defaultTopN): ListChange | null {
  const current = list.find((m) => m.offeringId === offeringId);
  if (current?.decided) return null;
  const others = list.filter((m) => m.offeringId !== offeringId).sort((a, b) => (better(a, b) ? -1 : 1));
  const rankOf = (xs: readonly { offeringId: string }[]) => new Map(xs.map((m, i) => [m.offeringId, i + 1]));
  const before = rankOf([...list].sort((a, b) => (better(a, b) ? -1 : 1)));
  let next: ListedMatch[] = others;
  if (score !== null) {
    const entry = { offeringId, score, decided: false };
    const at = others.findIndex((m) => better(entry, m));
    next = at < 0 ? [...others, entry] : [...others.slice(0, at), entry, ...others.slice(at)];
  }
  // Decided matches keep their place even beyond topN; only undecided ones are cut.
  const kept: ListedMatch[] = [];
  const dropped: string[] = [];
  for (const m of next) {
    if (kept.length < topN || m.decided) kept.push(m);
    else dropped.push(m.offeringId);
  }
  const after = rankOf(kept);
  const rank = after.get(offeringId) ?? null;
  if (current && rank === null && !dropped.includes(offeringId)) dropped.push(offeringId);
  if (current && rank !== null && current.score === score && before.get(offeringId) === rank && dropped.length === 0) return null;
  if (!current && rank === null) return null;
  const reranked = kept.filter((m) => !m.decided && m.offeringId !== offeringId && before.get(m.offeringId) !== after.get(m.offeringId))
    .map((m) => ({ offeringId: m.offeringId, rank: after.get(m.offeringId)! }));
  const floor = kept.length >= topN ? kept[topN - 1]!.score : null;
  return { rank, dropped, reranked, floor, needsFullMatch: !!current && rank === null && list.length >= topN };
}

/**
 * A full match's list ranked among the request's decided matches, as re-matching ranks a changed
 * offering: one order by score over both (ties by offering id), so no proposal takes the rank a kept
 * decision holds and ranks follow scores. Decided matches are not in the answer: they keep their
 * stored score and rank. Used when a request already past its first match is matched in full again.
 */
export function rankAroundDecided<M extends { offeringId: string; score: number; rank: number }>(
  decided: readonly { offeringId: string; score: number }[], matches: readonly M[],
): M[] {
  if (!decided.length) return [...matches];
  const kept = new Set(decided.map((m) => m.offeringId));
  const list = [...decided.map((d) => ({ offeringId: d.offeringId, score: d.score, m: null as M | null })),
    ...matches.filter((m) => !kept.has(m.offeringId)).map((m) => ({ offeringId: m.offeringId, score: m.score, m }))];
  list.sort((a, b) => b.score - a.score || (a.offeringId < b.offeringId ? -1 : 1));
  return list.flatMap(({ m }, i) => (m ? [{ ...m, rank: i + 1 }] : []));
}
