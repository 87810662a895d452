// How far re-matching (src/matching/reverse.ts) is from a full match: a share of the catalogue is held back,
// every request matched against the rest, then the held-back offerings arrive; each request's list as
// re-matching leaves it is compared with the list a full match on the whole catalogue gives.
// `npm run eval:rematch [set...]` (VERBOSE=1 prints every list that differs); docs/scaling.md has the figures.
import type { ListRule } from '../src/matching/analysis.js';
import { createMatcher, type Matcher } from '../src/matching/matcher.js';
import type { MatchResult } from '../src/matching/types.js';
import { changeSet, placeInList, rematchFacts, wantsFullMatch, type ListedMatch, type RematchRequest } from '../src/matching/reverse.js';
import { MATCHING_LIMITS } from '../src/matching/weights.js';
import { EVAL_SETS, load, shuffled, toOffering, toRequest, type EvalSetName } from './eval.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const TOP_N = MATCHING_LIMITS.defaultTopN;

export function rematchGap(set: EvalSetName, heldShare = 0.25, seed = 7) {
  const data = load(set);
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  const offerings = data.offerings.map((o) => toOffering(o, providers));
  const order = shuffled(offerings, seed);
  const held = order.slice(0, Math.round(order.length * heldShare));
  const first = order.slice(held.length);
  const states = new Map(data.states.map((s) => [s.iso3, s]));
  const m = createMatcher({ areas: data.areas, states: data.states });
  for (const o of first) m.addOffering(o);
  const reqs = data.requests.map((r, i) => toRequest(r, i, data.requests.length));
  const lists = new Map<string, ListedMatch[]>();
  const stored: RematchRequest[] = [];
  for (const r of reqs) {
    const res = m.matchRequest(r, { now: NOW });
    const top = res.matches.map((x) => ({ offeringId: x.offeringId, score: x.score, decided: false }));
    lists.set(r.id, top);
    stored.push({
      id: r.id, state: states.get(r.memberState)!, modalities: r.modalities, urgency: r.urgency, analysis: JSON.parse(JSON.stringify(res.analysis)),
      ...rematchFacts(res, TOP_N),
    });
  }
  for (const o of held) m.addOffering(o);
  const cs = changeSet(m, held.map((o) => ({ id: o.id, posted: m.index.get(o.id) ? [...m.index.get(o.id)!.areaWeight.keys()] : [] })));
  const listed = new Map([...lists].map(([id, l]) => [id, new Set(l.map((x) => x.offeringId))]));
  const wants = cs.wanted(stored, listed, NOW);
  let full = 0;
  const byId = new Map(stored.map((r) => [r.id, r]));
  const reqById = new Map(reqs.map((r) => [r.id, r]));
  const fullMatch = (id: string) => m.matchRequest(reqById.get(id)!, { now: NOW }).matches.map((x) => ({ offeringId: x.offeringId, score: x.score, decided: false }));
  // As the matching service does: a full match where the changes ask for one (parts, a new best text hit, a full list losing one).
  for (const [id, ws] of wants) {
    let list = lists.get(id)!;
    let needsFull = wantsFullMatch(byId.get(id)!.analysis, ws);
    for (const w of needsFull ? [] : ws) {
      const ch = placeInList(list, w.offeringId, w.score, TOP_N);
      if (!ch) continue;
      if (ch.needsFullMatch) { needsFull = true; break; }
      const others = list.filter((x) => x.offeringId !== w.offeringId && !ch.dropped.includes(x.offeringId));
      list = ch.rank === null ? others : [...others, { offeringId: w.offeringId, score: w.score!, decided: false }];
      list.sort((a, b) => b.score - a.score || (a.offeringId < b.offeringId ? -1 : 1));
    }
    if (needsFull) { full++; list = fullMatch(id); }
    lists.set(id, list);
  }
  let sameList = 0, sameSet = 0, sameTop = 0;
  const diffs: string[] = [];
  const rows: { id: string; full: string[]; incremental: string[]; rule: ListRule | undefined; concerned: boolean }[] = [];
  // Requests whose best text hit in the full match is a held-back offering (re-matching gives them a full match).
  const newBest = new Set<string>();
  const heldIds = new Set(held.map((o) => o.id));
  for (const r of reqs) {
    const res = m.matchRequest(r, { now: NOW });
    const truth = res.matches.map((x) => x.offeringId);
    const inc = lists.get(r.id)!.map((x) => x.offeringId);
    if (heldIds.has(res.analysis.query.best ?? '')) newBest.add(r.id);
    rows.push({ id: r.id, full: truth, incremental: inc, rule: byId.get(r.id)!.analysis.list, concerned: wants.has(r.id) });
    if (truth.join() === inc.join()) sameList++;
    else diffs.push(`${r.id} (${causeOf(byId.get(r.id)!, res, inc, m)}): full [${truth.join(' ')}] incremental [${inc.join(' ')}]`);
    if ([...truth].sort().join() === [...inc].sort().join()) sameSet++;
    if ((truth[0] ?? '') === (inc[0] ?? '')) sameTop++;
  }
  return { set, n: reqs.length, held: held.length, sameList, sameSet, sameTop, fullMatchesAsked: full, diffs, rows, newBest, matcher: m };
}

/**
 * Why a re-matched list differs from the full match's (the first that applies): an offering of the full
 * list shares none of the areas re-matching looks under (a text-only hit, not looked for); the list rule
 * or the request's areas moved (the neighbours' votes of classification change with the catalogue); else
 * the catalogue's statistics (BM25's IDF and average lengths) moved the listed offerings' text values.
 */
function causeOf(r: RematchRequest, full: MatchResult, incremental: readonly string[], m: Matcher): string {
  const offArea = full.matches.find((x) => !incremental.includes(x.offeringId) && ![...m.index.get(x.offeringId)?.areaWeight.keys() ?? []].some((a) => r.matchAreas.includes(a)));
  if (offArea) return `text-only hit ${offArea.offeringId}`;
  if (JSON.stringify(r.analysis.list) !== JSON.stringify(full.analysis.list)) return 'list rule moved';
  const was = new Map(r.analysis.areas);
  const moved = full.analysis.areas.find(([code, score]) => Math.abs((was.get(code) ?? 0) - score) >= 0.01);
  if (moved) return `areas moved: ${moved[0]} ${(was.get(moved[0]) ?? 0).toFixed(2)} -> ${moved[1].toFixed(2)}`;
  return 'BM25 statistics';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sets = (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(EVAL_SETS)) as EvalSetName[];
  const verbose = process.env.VERBOSE === '1';
  console.log('| set | requests | held back | same list | same offerings | same first | full matches asked |\n|---|---:|---:|---:|---:|---:|---:|');
  const all: string[] = [];
  for (const s of sets) {
    const g = rematchGap(s);
    console.log(`| ${s} | ${g.n} | ${g.held} | ${g.sameList} | ${g.sameSet} | ${g.sameTop} | ${g.fullMatchesAsked} |`);
    all.push(...g.diffs.map((d) => `${s} ${d}`));
  }
  if (verbose) console.log(all.join('\n'));
}
