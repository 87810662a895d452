import { describe, expect, it } from 'vitest';
import { analyserVersion, listAdmits, profileOf, type StoredRequest } from '../../../src/matching/analysis.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { createMatcher } from '../../../src/matching/matcher.js';
import { conceptTokens } from '../../../src/matching/offering.index.js';
import { changeSet, contextOf, needsFullMatch, placeInList, rankAroundDecided, rematchFacts, scoreOffering, wantsFullMatch, type RematchRequest, type Wanted } from '../../../src/matching/reverse.js';
import { MATCHING_LIMITS } from '../../../src/matching/weights.js';
import { generator } from '../../../bench/matching-bench.js';
import { rematchGap } from '../../../bench/rematch-eval.js';
import { profileText } from '../../../src/matching/classify.js';
import { AREAS, STATES } from './areas.fixture.js';
import { NOW, offering, request } from './helpers.js';

const CATALOGUE = [
  offering({ id: 'o-fiu', providerEntity: 'UNODC', title: 'Training for financial intelligence unit analysts on terrorist financing', description: 'Operational and strategic analysis of suspicious transaction reports for FIU staff.', languages: ['en', 'fr'] }),
  offering({ id: 'o-npo', title: 'Protecting the non-profit sector from terrorist financing abuse', description: 'Risk-based supervision of NPOs in line with FATF Recommendation 8.' }),
  offering({ id: 'o-port', title: 'ISPS Code implementation workshop', description: 'Port facility security officers, drills and exercises.', modalities: ['workshop'] }),
  offering({ id: 'o-fr', title: 'Formation des analystes de la cellule de renseignement financier', description: 'Analyse des déclarations de soupçon et du financement du terrorisme.', language: 'fr', languages: ['fr'] }),
  offering({ id: 'o-latam', title: 'FIU analysis mentoring for Latin America', description: 'Mentoring financial intelligence unit analysts on terrorist financing cases.', eligibility: { regions: ['419'], countries: [] } }),
];
const REQ = request({ title: 'Our financial intelligence unit needs trained analysts', description: 'We ask for training on suspicious transaction reports and terrorist financing typologies.', modalities: ['training'] });

describe('stored analyses', () => {
  it('index the same from a stored analysis as from the text', () => {
    const a = createMatcher({ areas: AREAS, states: STATES });
    const b = createMatcher({ areas: AREAS, states: STATES });
    for (const o of CATALOGUE) {
      a.addOffering(o);
      b.addOffering(o, profileOf(JSON.parse(JSON.stringify(b.analyseOffering(o))), o.language));
    }
    const ra = a.matchRequest(REQ, { now: NOW });
    const rb = b.matchRequest(REQ, { now: NOW });
    expect(rb.matches).toEqual(ra.matches);
    expect(rb.thematicAreas).toEqual(ra.thematicAreas);
  });

  it('give duplicate detection the same answer as the texts they came from', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of CATALOGUE) m.addOffering(o);
    const earlier = { ...REQ, id: 'r0', title: 'Training of our FIU analysts', description: 'Our financial intelligence unit asks for training on suspicious transaction reports and terrorist financing typologies.' };
    const stored = m.matchRequest(earlier, { now: NOW }).analysis;
    const ref = { id: 'r0', memberState: REQ.memberState, title: earlier.title, description: earlier.description, language: earlier.language, thematicAreas: [] };
    const fromText = m.matchRequest(REQ, { now: NOW, openRequests: [ref] }).possibleDuplicates;
    const fromStored = m.matchRequest(REQ, { now: NOW, openRequests: [{ ...ref, title: '', description: '', stored: JSON.parse(JSON.stringify(stored)) }] }).possibleDuplicates;
    expect(fromText.length).toBe(1);
    expect(fromStored).toEqual(fromText);
  });

  it('carry an analyser version that changes with the lexicon', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    const changed = createMatcher({ areas: AREAS, states: STATES, fineConcepts: [...FINE_CONCEPTS, { code: 'c:new', area: null, terms: { en: ['brand new concept'] } }] });
    expect(analyserVersion(AREAS, m.tagger)).toBe(analyserVersion(AREAS, createMatcher({ areas: AREAS, states: STATES }).tagger));
    expect(analyserVersion(AREAS, changed.tagger)).not.toBe(analyserVersion(AREAS, m.tagger));
    const renamed = AREAS.map((x, i) => (i === 0 ? { ...x, terms: { ...x.terms, en: [...(x.terms.en ?? []), 'another term'] } } : x));
    expect(analyserVersion(renamed, m.tagger)).not.toBe(analyserVersion(AREAS, m.tagger));
  });
});

describe('scoring one changed offering against stored requests', () => {
  it('gives the raw BM25 score a search gives (one document scored alone)', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of CATALOGUE) m.addOffering(o);
    const p = profileText(m.tagger, REQ.title, REQ.description, 'en');
    const used = { terms: [] as string[] };
    const hits = m.index.searchText({ tokens: p.tokens, conceptTokens: conceptTokens([], p.fine) }, 50, undefined, undefined, used);
    expect(hits.size).toBeGreaterThan(1);
    for (const [id, hit] of hits) {
      const alone = m.index.scoreDoc(id, used.terms);
      expect(alone.score).toBeCloseTo(hit.score, 9);
      expect(alone.matched).toBe(hit.matched);
    }
  });

  it('scores a new offering as a full match of the request then does', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of CATALOGUE.slice(0, 3)) m.addOffering(o);
    const first = m.matchRequest(REQ, { now: NOW });
    const stored: StoredRequest = { id: REQ.id, state: STATES.find((s) => s.iso3 === REQ.memberState)!, modalities: REQ.modalities, urgency: REQ.urgency, analysis: JSON.parse(JSON.stringify(first.analysis)) };
    m.addOffering(CATALOGUE[3]!);
    m.addOffering(CATALOGUE[4]!);
    const [fr, latam] = [scoreOffering(m, 'o-fr', [stored], NOW)[0], scoreOffering(m, 'o-latam', [stored], NOW)[0]];
    const full = m.matchRequest(REQ, { now: NOW });
    // Nigeria may not receive the Latin American offering; the French one is scored as the full match scores it.
    expect(latam).toBeNull();
    expect(full.matches.find((x) => x.offeringId === 'o-latam')).toBeUndefined();
    const inFull = full.matches.find((x) => x.offeringId === 'o-fr')!;
    // The request's areas are those of its last full match (neighbour votes move a little as offerings arrive).
    expect(fr!.score).toBeCloseTo(inFull.score, 1);
    expect(fr!.explanation.components.thematic).toBeCloseTo(inFull.explanation.components.thematic, 2);
    expect(fr!.explanation.components.concept).toBeCloseTo(inFull.explanation.components.concept, 2);
    expect(fr!.explanation.components.language).toBe(inFull.explanation.components.language);
  });
});

describe('scoring a set of changed offerings against a page of requests', () => {
  // A synthetic catalogue over the six languages (the benchmarks' generator): requests matched in full, then new offerings.
  const gen = generator(AREAS, STATES, 11);
  const m = createMatcher({ areas: AREAS, states: STATES });
  for (let i = 0; i < 300; i++) m.addOffering(gen.offering(i));
  const stored: RematchRequest[] = Array.from({ length: 160 }, (_, i) => {
    const r = gen.request(i);
    const result = m.matchRequest(r, { now: NOW });
    return {
      id: r.id, state: STATES.find((s) => s.iso3 === r.memberState)!, modalities: r.modalities, urgency: r.urgency, analysis: JSON.parse(JSON.stringify(result.analysis)),
      matchAreas: result.thematicAreas.filter((a) => a.score >= MATCHING_LIMITS.minThematic).map((a) => a.code),
      floor: result.matches.length >= MATCHING_LIMITS.defaultTopN ? result.matches[MATCHING_LIMITS.defaultTopN - 1]!.score : null,
    };
  });
  const fresh = Array.from({ length: 80 }, (_, i) => gen.offering(1000 + i));
  for (const o of fresh) m.addOffering(o);
  const posted = (id: string) => [...m.index.get(id)!.areaWeight].filter(([, w]) => w >= 0.2).map(([code]) => code);
  const changed = fresh.map((o) => ({ id: o.id, posted: posted(o.id) }));
  // Some requests list a changed offering already (its new score concerns them whatever their areas).
  const listed = new Map(stored.filter((_, i) => i % 7 === 0).map((r, k) => [r.id, new Set([fresh[k % fresh.length]!.id, fresh[(k * 3 + 1) % fresh.length]!.id])]));

  it('gives each request what scoring the offerings one at a time gives, every pair that may enter and only those', () => {
    // The reference: every offering scored in full against every request (no bound), the list rule applied after.
    const expected = new Map<string, Wanted[]>();
    let belowFloor = 0;
    for (const { id, posted: areas } of changed) {
      const scores = scoreOffering(m, id, stored, NOW);
      stored.forEach((r, i) => {
        const isListed = listed.get(r.id)?.has(id) ?? false;
        if (!isListed && !r.matchAreas.some((a) => areas.includes(a))) return;
        const s = scores[i];
        // A list merged from parts has no floor (reverse.ts needsFullMatch).
        const floor = needsFullMatch(r.analysis) ? null : r.floor;
        if (!isListed && (!s || (floor !== null && s.score < floor))) { if (s) belowFloor++; return; }
        expected.set(r.id, [...(expected.get(r.id) ?? []), { offeringId: id, score: s?.score ?? null, explanation: s?.explanation ?? null, ...(s?.leads ? { leads: true as const } : {}) }]);
      });
    }
    const got = changeSet(m, changed).wanted(stored, listed, NOW);
    // An offering that leads a request's text hits is given whatever its score (the request gets a full match); the others as the reference.
    const byId = new Map(stored.map((r) => [r.id, r]));
    let leading = 0;
    const kept = new Map<string, Wanted[]>();
    for (const [id, ws] of got) {
      for (const w of ws) {
        if (!w.leads) continue;
        leading++;
        const a = byId.get(id)!.analysis;
        // Leading means: a raw BM25 above the request's best at its last full match (its best offerings are none of these).
        expect(m.index.scoreDoc(w.offeringId, [...a.query.terms, ...(a.query.absent ?? [])], new Map(a.fine)).score).toBeGreaterThan(a.query.top);
      }
      const rest = ws.filter((w) => expected.get(id)?.some((e) => e.offeringId === w.offeringId));
      if (rest.length) kept.set(id, rest);
    }
    expect(belowFloor).toBeGreaterThan(0);
    expect(expected.size).toBeGreaterThan(20);
    expect(leading).toBeGreaterThan(0);
    expect(kept).toEqual(expected);
  });

  it('never bounds a pair below the score it gets at any text value', () => {
    let pairs = 0;
    for (const r of stored.slice(0, 60)) {
      const ctx = contextOf(r, NOW);
      for (const o of fresh) {
        const doc = m.index.get(o.id)!;
        const bound = m.scoreBound(ctx, doc);
        for (let t = 0; t <= 1.0001; t += 0.05) {
          const s = m.scoreCandidate(ctx, doc, t);
          if (!s) continue;
          pairs++;
          expect(bound).not.toBeNull();
          expect(s.score).toBeLessThanOrEqual(bound!);
        }
      }
    }
    expect(pairs).toBeGreaterThan(100);
  });
});

describe('placing a re-scored offering in a request list', () => {
  const list = [
    { offeringId: 'a', score: 0.9, decided: false },
    { offeringId: 'b', score: 0.8, decided: true },
    { offeringId: 'c', score: 0.7, decided: false },
  ];

  it('enters where its score puts it, pushing the last undecided one out of a full list', () => {
    const change = placeInList(list, 'n', 0.85, 3)!;
    expect(change).toMatchObject({ rank: 2, dropped: ['c'], floor: 0.8, needsFullMatch: false });
    expect(change.reranked).toEqual([]);
  });

  it('does not enter below the floor of a full list, and changes nothing then', () => {
    expect(placeInList(list, 'n', 0.5, 3)).toBeNull();
  });

  it('re-ranks the others when there is room', () => {
    const change = placeInList(list, 'n', 0.95, 10)!;
    expect(change).toMatchObject({ rank: 1, dropped: [], floor: null });
    expect(change.reranked).toEqual([{ offeringId: 'a', rank: 2 }, { offeringId: 'c', rank: 4 }]);
  });

  it('never moves a decided match, and asks for a full match when an undecided one leaves a full list', () => {
    expect(placeInList(list, 'b', 0.1, 3)).toBeNull();
    expect(placeInList(list, 'a', null, 3)).toMatchObject({ rank: null, dropped: ['a'], needsFullMatch: true });
    expect(placeInList(list, 'a', null, 10)).toMatchObject({ rank: null, dropped: ['a'], needsFullMatch: false });
    expect(placeInList(list, 'a', 0.9, 3)).toBeNull();
  });
});

describe('re-matching does to each offering what the full match did to the whole list (ListRule)', () => {
  const gaps = (['dev', 'real', 'real3'] as const).map((s) => rematchGap(s));
  const rows = gaps.flatMap((g) => g.rows.map((r) => ({ ...r, matcher: g.matcher })));

  it('proposes nothing to a request CTED triages because no area fits, however many offerings arrive', () => {
    const none = rows.filter((r) => r.rule?.kind === 'none');
    expect(none.length).toBeGreaterThan(0);
    for (const r of none) {
      expect(r.full).toEqual([]);
      expect(r.incremental).toEqual([]);
    }
  });

  it('keeps a clearly named route’s list on the route', () => {
    const route = rows.filter((r) => r.rule?.kind === 'route');
    expect(route.length).toBeGreaterThan(5);
    for (const r of route) for (const id of r.incremental) expect(listAdmits(r.rule, r.matcher.index.get(id)!), `${r.id}: ${id}`).toBe(true);
  });

  it('gives a request in parts its full match when a changed offering concerns it', () => {
    // (An offering that shares none of the request's areas does not concern it: a part's text-only hit is not looked for.)
    const parts = rows.filter((r) => r.rule?.kind === 'parts' && r.concerned);
    expect(parts.length).toBeGreaterThan(0);
    expect(needsFullMatch({ lang: 'en', areas: [], fine: [], query: { terms: [], n: 0, top: 0, cut: 0 }, needs: [], list: { kind: 'parts' } })).toBe(true);
    for (const r of parts) expect(r.incremental).toEqual(r.full);
  });
});

describe('a change that moves a request’s best text hit gives the request a full match', () => {
  // Text values are relative to the request's best raw BM25: a new best lowers every other offering's in a full match.
  const base = CATALOGUE.slice(0, 3);
  const HAWALA = request({ title: 'Supervision of hawala dealers', description: 'Our regulator asks for help with the supervision of hawala dealers against terrorist financing.', modalities: ['training'] });
  const storedOf = (m: ReturnType<typeof createMatcher>, r: typeof HAWALA): RematchRequest => {
    const res = m.matchRequest(r, { now: NOW });
    return { id: r.id, state: STATES.find((s) => s.iso3 === r.memberState)!, modalities: r.modalities, urgency: r.urgency, analysis: JSON.parse(JSON.stringify(res.analysis)), ...rematchFacts(res) };
  };
  const wantedOf = (m: ReturnType<typeof createMatcher>, id: string, r: RematchRequest, listed = new Map<string, Set<string>>()) =>
    changeSet(m, [{ id, posted: [...m.index.get(id)?.areaWeight.keys() ?? []] }]).wanted([r], listed, NOW).get(r.id) ?? [];

  it('when a new offering becomes its best text hit', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of base) m.addOffering(o);
    const stored = storedOf(m, HAWALA);
    const before = new Map(m.matchRequest(HAWALA, { now: NOW }).matches.map((x) => [x.offeringId, x.explanation.components.text]));
    m.addOffering(offering({ id: 'o-hawala', title: 'Hawala dealers and terrorist financing', description: 'Supervision of informal value transfer providers.' }));
    const full = m.matchRequest(HAWALA, { now: NOW });
    expect(full.analysis.query.best).toBe('o-hawala');
    // What re-matching alone could not give: the offerings listed before lose text value.
    const after = full.matches.find((x) => x.offeringId === stored.analysis.query.best)!;
    expect(after.explanation.components.text).toBeLessThan(before.get(stored.analysis.query.best!)! - 0.1);
    const ws = wantedOf(m, 'o-hawala', stored);
    expect(ws.map((w) => [w.offeringId, w.leads])).toEqual([['o-hawala', true]]);
    expect(wantsFullMatch(stored.analysis, ws)).toBe(true);
  });

  it('when it leads only through query terms no offering held at the last full match', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of base) m.addOffering(o);
    const stored = storedOf(m, HAWALA);
    expect(stored.analysis.query.absent).toContain('hawala');
    // None of the words the request's last full match searched: it leads on the request's other words alone.
    m.addOffering(offering({ id: 'o-hawala', title: 'Hawala dealers', description: 'Registering and licensing informal value transfer providers.', thematicAreas: ['terrorist_financing'] }));
    expect(m.index.scoreDoc('o-hawala', stored.analysis.query.terms).score).toBe(0);
    expect(m.matchRequest(HAWALA, { now: NOW }).analysis.query.best).toBe('o-hawala');
    const ws = wantedOf(m, 'o-hawala', stored);
    expect(ws[0]).toMatchObject({ offeringId: 'o-hawala', leads: true });
    expect(ws[0]!.explanation!.components.text).toBeGreaterThan(0);
  });

  it('when the offering that had its best text hit changes, and not when another listed one does', () => {
    const m = createMatcher({ areas: AREAS, states: STATES });
    for (const o of base) m.addOffering(o);
    const stored = storedOf(m, HAWALA);
    const best = stored.analysis.query.best!;
    const other = m.matchRequest(HAWALA, { now: NOW }).matches.map((x) => x.offeringId).find((id) => id !== best)!;
    const listed = new Map([[HAWALA.id, new Set([best, other])]]);
    // Re-indexed unchanged: nothing moves.
    expect(wantedOf(m, best, stored, listed).some((w) => w.leads)).toBe(false);
    // Its text rewritten away from the request: the others' text values rise in a full match.
    m.replaceOffering({ ...base.find((o) => o.id === best)!, title: 'Non-profit sector outreach', description: 'Guidance for charities.' });
    expect(m.matchRequest(HAWALA, { now: NOW }).analysis.query.best).not.toBe(best);
    expect(wantedOf(m, best, stored, listed)).toMatchObject([{ offeringId: best, leads: true }]);
    expect(wantedOf(m, other, stored, listed).some((w) => w.leads)).toBe(false);
    // Gone altogether.
    m.removeOffering(best);
    expect(wantedOf(m, best, stored, listed)).toMatchObject([{ offeringId: best, score: null, leads: true }]);
  });

  it('so that every eval list a new best text hit concerns is the full match’s list', () => {
    for (const set of ['dev', 'real3'] as const) {
      const g = rematchGap(set);
      const moved = g.rows.filter((r) => r.concerned && r.full.length > 0 && g.newBest.has(r.id));
      expect(moved.length).toBeGreaterThan(5);
      for (const r of moved) expect(r.incremental, `${set} ${r.id}`).toEqual(r.full);
    }
  });
});

describe('a full match again among decided matches (rankAroundDecided)', () => {
  it('ranks the proposals around the kept decisions by score, so none takes a decision’s rank', () => {
    // A rejected match kept at rank 1 (0.9); the full match lists b, c and the rejected a again.
    const decided = [{ offeringId: 'a', score: 0.9 }];
    const full = [{ offeringId: 'a', score: 0.95, rank: 1 }, { offeringId: 'c', score: 0.5, rank: 2 }, { offeringId: 'b', score: 0.92, rank: 3 }];
    expect(rankAroundDecided(decided, full).map((m) => [m.offeringId, m.rank])).toEqual([['b', 1], ['c', 3]]);
    // Nothing decided: the engine's ranks as they are.
    expect(rankAroundDecided([], full)).toEqual(full);
    // A decided match that the full match no longer lists still holds its place in the order.
    expect(rankAroundDecided([{ offeringId: 'z', score: 0.7 }], [{ offeringId: 'b', score: 0.8, rank: 1 }, { offeringId: 'c', score: 0.6, rank: 2 }]).map((m) => m.rank)).toEqual([1, 3]);
  });
});
