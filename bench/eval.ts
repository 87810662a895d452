// Matching quality on the labelled set in tests/fixtures/eval/ (npm run eval).
//
// Builds the catalogue from the fixtures, runs the engine on every request
// (now = 2026-11-29T00:00:00Z; open requests = the same state's earlier
// requests in file order; needs = the state's needs), and prints, for the
// engine and for a naive baseline (MiniSearch defaults over title +
// description, no filters, no concepts):
//
// - area accuracy: top classified area = expected.area
// - routing accuracy: routed entity = expected.entity
// - MRR: for a request with expected offerings, 1/rank of the first expected
//   offering in the ranked list (0 when absent). For a request whose expected
//   list is empty (nothing suitable may be proposed), the reciprocal rank is 1
//   when the list contains none of the offerings of the expected area that are
//   ineligible for the state or not proposable at "now" (expired, full,
//   closed, stale), else 0.
// - recall@3: |expected ∩ top 3| / min(3, |expected|), over requests with
//   expected offerings.
// - needs: micro precision / recall of linked needs against expected.needs
//   (absent = none expected).
// - duplicates: micro precision / recall of possibleDuplicates against
//   expected.duplicateOf (absent = none expected).
//
// Overall and per request language, then the cases missed. Exit code 0 (1, running nothing, when a set
// of HOLDOUT_ONLY_SETS is named without --holdout).
//
// `npm run eval` runs every set of EVAL_SETS; `npm run eval -- <set>...` the ones named. `npm run eval
// -- --holdout` runs the held-out sets only, including those of HOLDOUT_ONLY_SETS
// (tests/fixtures/eval-real4/), which no other run includes; `--holdout <set>...` the sets named. The
// first two held-out sets: tests/fixtures/eval/holdout-requests.json (written and labelled after the
// engine was tuned, same catalogue as dev, no needs) and tests/fixtures/eval-real/holdout-requests.json
// (further real public texts, labelled and committed before any engine run, same catalogue as `real`).
// Nothing is tuned on them; their figures are the honest ones.
import { existsSync, readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import { isEligible, unavailableReason } from '../src/matching/filters.js';
import { detectLanguage } from '../src/matching/language.detect.js';
import { createMatcher } from '../src/matching/matcher.js';
import type { LearnedModel } from '../src/matching/learning.js';
import type {
  Lang,
  MatchableNeed,
  MatchableOffering,
  MatchableRequest,
  Modality,
  OpenRequestRef,
  StateGeo,
  ThematicAreaRef,
} from '../src/matching/types.js';

const ROOT = new URL('../', import.meta.url);
const NOW = new Date('2026-11-29T00:00:00Z');
const DAY = 86_400_000;

interface ProviderFx {
  key: string;
  name: string;
  kind: string;
  entity?: string | null;
}
interface OfferingFx {
  key: string;
  provider: string;
  lastConfirmedDaysAgo?: number;
  closed?: boolean;
  /** Label only: the offering's areas, main first (scores area inference). */
  expectedAreas?: string[];
  body: {
    title: string;
    description: string;
    modalities?: Modality[];
    eligibility?: { regions?: string[]; countries?: string[] };
    languages: Lang[];
    availableFrom?: string | null;
    availableUntil?: string | null;
    capacity?: number | null;
    thematicAreas?: string[];
  };
}
interface ExpectedPart { area: string; entity: string; offerings: string[] }
interface RequestFx {
  key: string;
  memberState: string;
  body: {
    title: string;
    description: string;
    language?: Lang;
    thematicAreas?: string[];
    modalities?: Modality[];
    urgency?: 'low' | 'normal' | 'high';
  };
  expected: {
    area: string; entity: string | null; offerings: string[]; duplicateOf?: string | null; needs?: string[];
    /** The fine concept that carries responsibility (realistic set). */
    concept?: string;
    /** The request must go to CTED triage with this reason. */
    triage?: string;
    /** Requests with several parts, main part first. */
    parts?: ExpectedPart[];
  };
}
interface NeedFx {
  key: string;
  memberState: string;
  description: string;
  priority: 'high' | 'medium' | 'low';
  thematicArea?: string | null;
}

export interface Outcome {
  key: string;
  lang: Lang;
  area: string | null;
  entity: string | null;
  ranked: string[];
  needs: string[];
  duplicates: string[];
  /** CTED triage reason, or null when the engine routes the request itself. */
  triage: string | null;
  parts: { area: string | null; entity: string | null; ranked: string[] }[];
  /** Calibrated confidence of the route, and of each ranked offering. */
  routeConfidence: number | null;
  matchConfidence: number[];
  /** Proposals the state may not receive (ineligible, expired, not yet open, closed, stale): must be none. */
  forbidden: string[];
  /** The area and concept the route rests on (what a decision on this request is about). */
  route?: { area: string | null; concept: string | null };
  /** The ranked proposals with what a decision records of them. */
  proposals?: { offeringId: string; providerId: string; score: number; components: Record<string, number> }[];
}

interface Scores {
  n: number;
  area: number;
  routing: number;
  mrr: number;
  recall3: number;
  needsP: number;
  needsR: number;
  dupP: number;
  dupR: number;
  triageP: number;
  triageR: number;
  parts: number;
}

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(new URL(rel, ROOT), 'utf8')) as T;

/** The labelled sets: the development set, the held-out set and the realistic set of real public texts. */
export const EVAL_SETS = {
  dev: { label: 'development set', dir: 'tests/fixtures/eval', requests: 'requests.json', needs: true },
  holdout: { label: 'HELD-OUT set', dir: 'tests/fixtures/eval', requests: 'holdout-requests.json', needs: false },
  real: { label: 'realistic set (real public texts)', dir: 'tests/fixtures/eval-real', requests: 'requests.json', needs: false },
  'real-holdout': { label: 'HELD-OUT realistic set (further real public texts, labelled before any run)', dir: 'tests/fixtures/eval-real', requests: 'holdout-requests.json', needs: false },
  // Passages in the other five UN languages taken from public pages as published (issue 15, third part);
  // split by language into a half that may be looked at and a frozen half evaluated only at the end.
  native: { label: 'native-language realistic set (public texts as published, tuning half)', dir: 'tests/fixtures/eval-real', requests: 'native-requests.json', needs: false },
  'native-holdout': { label: 'HELD-OUT native-language realistic set (frozen half, never tuned on)', dir: 'tests/fixtures/eval-real', requests: 'native-holdout-requests.json', needs: false },
  // Ministry-style requests in ar/zh/ru/fr/es with regional and variant wording (issue 15, stress set):
  // the hidden set's failure kinds, labelled and committed before the engine saw them.
  'native-stress': { label: 'native-language stress set (regional wording, script variants, the hidden failure kinds)', dir: 'tests/fixtures/eval-real', requests: 'native-stress-requests.json', needs: false },
  // A larger real catalogue (62 offerings, same-area and same-region distractors, bilateral donors) and
  // 52 further real requests in six languages, labelled before any run (tests/fixtures/eval-real3/).
  real3: { label: 'realistic set 3 (62-offering real catalogue with distractors, labelled before any run)', dir: 'tests/fixtures/eval-real3', requests: 'requests.json', needs: false },
  // Labelled after the real3 fixes and before any run on them: how far those fixes generalise. Never tuned on.
  'real3-holdout': { label: 'HELD-OUT slice of realistic set 3 (labelled after its fixes, before any run)', dir: 'tests/fixtures/eval-real3', requests: 'holdout-requests.json', needs: false },
} as const;

/**
 * Held-out sets kept out of every default run: not in EVAL_SETS, so neither `npm run eval`, `npm run
 * learn` nor the tests that loop over EVAL_SETS run the engine on them; only `npm run eval -- --holdout`
 * does. They are measured once, at the end, so nothing can be tuned on them before that.
 */
export const HOLDOUT_ONLY_SETS = {
  // 39 real requests in six languages on the real3 catalogue plus three offerings, labelled by a helper that
  // never ran the engine on them (tests/fixtures/eval-real4/).
  real4: { label: 'HELD-OUT realistic set 4 (labelled first, never run by its author)', dir: 'tests/fixtures/eval-real4', requests: 'requests.json', needs: false },
  // 60 further real requests in six languages (8 or more in each of fr/es/ru/ar/zh) on the real4 catalogue
  // plus two offerings, labelled first by helpers that never ran the engine on them (tests/fixtures/eval-real5/).
  real5: { label: 'HELD-OUT realistic set 5 (labelled first, never run by its authors)', dir: 'tests/fixtures/eval-real5', requests: 'requests.json', needs: false },
} as const;
const ALL_SETS = { ...EVAL_SETS, ...HOLDOUT_ONLY_SETS };
export type EvalSetName = keyof typeof ALL_SETS;
/** The held-out sets `--holdout` runs. */
export const HOLDOUT_SETS: readonly EvalSetName[] = ['holdout', 'real-holdout', 'native-holdout', 'real3-holdout', ...Object.keys(HOLDOUT_ONLY_SETS) as (keyof typeof HOLDOUT_ONLY_SETS)[]];

export function load(set: EvalSetName = 'dev') {
  const def = ALL_SETS[set];
  const need = [`${def.dir}/providers.json`, `${def.dir}/offerings.json`, `${def.dir}/${def.requests}`, 'db/reference/thematic-areas.json', 'db/reference/member-states.json'];
  const missing = need.filter((f) => !existsSync(new URL(f, ROOT)));
  if (missing.length > 0) throw new Error(`eval: missing ${missing.join(', ')}`);
  return {
    set,
    label: def.label,
    providers: readJson<ProviderFx[]>(`${def.dir}/providers.json`),
    offerings: readJson<OfferingFx[]>(`${def.dir}/offerings.json`),
    requests: readJson<RequestFx[]>(`${def.dir}/${def.requests}`),
    // Only the development set labels needs: elsewhere the engine gets none, and the needs columns are left out.
    needs: def.needs ? readJson<NeedFx[]>(`${def.dir}/needs.json`) : [],
    areas: readJson<ThematicAreaRef[]>('db/reference/thematic-areas.json'),
    states: readJson<StateGeo[]>('db/reference/member-states.json'),
  };
}
export type EvalData = ReturnType<typeof load>;

export function toOffering(o: OfferingFx, providers: Map<string, ProviderFx>): MatchableOffering {
  const p = providers.get(o.provider);
  const b = o.body;
  return {
    id: o.key,
    providerId: o.provider,
    providerEntity: p?.entity ?? null,
    title: b.title,
    description: b.description,
    // As the API does (offerings.service.ts): the language of the text is detected, whatever the
    // delivery languages say (two realistic offerings are written in English but delivered first in French).
    language: detectLanguage(`${b.title}\n${b.description}`),
    languages: b.languages,
    modalities: b.modalities ?? [],
    thematicAreas: b.thematicAreas ?? [],
    eligibility: { regions: b.eligibility?.regions ?? [], countries: b.eligibility?.countries ?? [] },
    availableFrom: b.availableFrom ? new Date(b.availableFrom) : null,
    availableUntil: b.availableUntil ? new Date(b.availableUntil) : null,
    lastConfirmedAt: new Date(NOW.getTime() - (o.lastConfirmedDaysAgo ?? 30) * DAY),
    status: o.closed ? 'closed' : 'open',
    capacity: b.capacity ?? null,
  };
}

export function toRequest(r: RequestFx, i: number, total: number): MatchableRequest {
  return {
    id: r.key,
    memberState: r.memberState,
    title: r.body.title,
    description: r.body.description,
    language: r.body.language ?? null,
    thematicAreas: r.body.thematicAreas ?? [],
    modalities: r.body.modalities ?? [],
    urgency: r.body.urgency ?? 'normal',
    // File order is submission order.
    submittedAt: new Date(NOW.getTime() - (total - i) * 60_000),
  };
}

function toNeed(n: NeedFx): MatchableNeed {
  return { id: n.key, memberState: n.memberState, description: n.description, priority: n.priority, thematicAreas: n.thematicArea ? [n.thematicArea] : [] };
}

export interface EngineRun { outcomes: Outcome[]; inference: { n: number; correct: number; misses: string[] }; ms: number }

/** A seeded permutation of `items` (mulberry32 + Fisher–Yates): the same seed, the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Runs the engine on a set; `learned` is an applied learning model (preferences, priors, corrections,
 * weights); `order` indexes the catalogue (and reads the taxonomy) in file order, reversed, or in a
 * seeded random order.
 */
export function runEngine(data: EvalData, opts: { learned?: LearnedModel; order?: 'file' | 'reversed' | { seed: number } } = {}): EngineRun {
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  const order = opts.order ?? 'file';
  const areas = typeof order === 'object' ? shuffled(data.areas, order.seed) : data.areas;
  const matcher = createMatcher({ areas, states: data.states, learned: opts.learned });
  const catalogue = order === 'reversed' ? [...data.offerings].reverse() : typeof order === 'object' ? shuffled(data.offerings, order.seed + 1) : data.offerings;
  for (const o of catalogue) matcher.addOffering(toOffering(o, providers));
  // Area inference for offerings that give no thematicAreas, against expectedAreas[0].
  const inference = { n: 0, correct: 0, misses: [] as string[] };
  for (const o of data.offerings) {
    if ((o.body.thematicAreas ?? []).length > 0 || !o.expectedAreas?.[0]) continue;
    inference.n++;
    const got = matcher.index.get(o.key)?.areas[0]?.code ?? null;
    if (got === o.expectedAreas[0]) inference.correct++;
    else inference.misses.push(`- ${o.key}: inferred ${got} ≠ ${o.expectedAreas[0]}`);
  }
  const needs = data.needs.map(toNeed);
  const states = new Map(data.states.map((s) => [s.iso3, s]));
  const offeringById = new Map(data.offerings.map((o) => [o.key, toOffering(o, providers)]));
  const started = performance.now();
  const outcomes = data.requests.map((r, i): Outcome => {
    const req = toRequest(r, i, data.requests.length);
    const earlier: OpenRequestRef[] = data.requests
      .slice(0, i)
      .filter((e) => e.memberState === r.memberState)
      .map((e) => ({ id: e.key, memberState: e.memberState, title: e.body.title, description: e.body.description, language: e.body.language ?? null, thematicAreas: e.body.thematicAreas ?? [] }));
    const res = matcher.matchRequest(req, { now: NOW, needs: needs.filter((n) => n.memberState === r.memberState), openRequests: earlier });
    const state = states.get(r.memberState);
    const all = [...res.matches, ...res.parts.flatMap((p) => p.matches)];
    return {
      key: r.key,
      lang: res.language,
      area: res.thematicAreas[0]?.code ?? null,
      entity: res.routing.entity,
      ranked: res.matches.map((m) => m.offeringId),
      needs: res.linkedNeeds.map((n) => n.needId),
      duplicates: res.possibleDuplicates.map((d) => d.requestId),
      triage: res.triage?.reason ?? null,
      parts: res.parts.map((p) => ({ area: p.thematicAreas[0]?.code ?? null, entity: p.routing.entity, ranked: p.matches.map((m) => m.offeringId) })),
      routeConfidence: res.confidence.route,
      matchConfidence: res.matches.map((m) => m.confidence),
      forbidden: all.map((m) => m.offeringId).filter((id) => {
        const o = offeringById.get(id)!;
        return !state || !isEligible(o, state) || unavailableReason(o, NOW) !== null;
      }),
      route: { area: res.routing.area, concept: res.routing.concept ?? null },
      proposals: res.matches.map((m) => ({ offeringId: m.offeringId, providerId: m.providerId, score: m.score, components: m.explanation.components })),
    };
  });
  return { outcomes, inference, ms: performance.now() - started };
}

/** The naive baseline: MiniSearch defaults over title + description, no filters, no concepts, no triage. */
export function runBaseline(data: EvalData): Outcome[] {
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  const areaByCode = new Map(data.areas.map((a) => [a.code, a]));
  const offerings = new Map(data.offerings.map((o) => [o.key, o]));
  const states = new Map(data.states.map((s) => [s.iso3, s]));
  const ms = new MiniSearch<{ id: string; title: string; description: string }>({ fields: ['title', 'description'] });
  ms.addAll(data.offerings.map((o) => ({ id: o.key, title: o.body.title, description: o.body.description })));
  return data.requests.map((r, i) => {
    const q = `${r.body.title} ${r.body.description}`;
    const ranked = ms.search(q).slice(0, 10).map((h) => String(h.id));
    const top = ranked[0] ? offerings.get(ranked[0]) : undefined;
    const topArea = top?.body.thematicAreas?.[0] ?? top?.expectedAreas?.[0];
    const entity = topArea ? (areaByCode.get(topArea)?.entities[0] ?? null) : top ? (providers.get(top.provider)?.entity ?? null) : null;
    // Needs and duplicates: the best keyword hit among the state's needs / earlier requests.
    const needIdx = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    needIdx.addAll(data.needs.filter((n) => n.memberState === r.memberState).map((n) => ({ id: n.key, text: n.description })));
    const dupIdx = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    dupIdx.addAll(data.requests.slice(0, i).filter((e) => e.memberState === r.memberState).map((e) => ({ id: e.key, text: `${e.body.title} ${e.body.description}` })));
    const needHit = needIdx.search(q)[0];
    const dupHit = dupIdx.search(q)[0];
    const state = states.get(r.memberState);
    return {
      key: r.key,
      lang: r.body.language ?? detectLanguage(q),
      area: topArea ?? null,
      entity,
      ranked,
      needs: needHit ? [String(needHit.id)] : [],
      duplicates: dupHit ? [String(dupHit.id)] : [],
      triage: null,
      parts: [],
      routeConfidence: null,
      matchConfidence: [],
      forbidden: ranked.filter((id) => {
        const o = toOffering(offerings.get(id)!, providers);
        return !state || !isEligible(o, state) || unavailableReason(o, NOW) !== null;
      }),
    };
  });
}

/** The triage the labels expect: an explicit reason, or "nothing eligible" when no offering may be proposed. */
export function expectedTriage(r: RequestFx): string | null {
  if (r.expected.triage) return r.expected.triage;
  return r.expected.offerings.length === 0 ? 'nothing_eligible' : null;
}

/** Reciprocal rank of one request (see the header). */
function reciprocalRank(data: EvalData, r: RequestFx, o: Outcome): number {
  if (r.expected.offerings.length > 0) {
    const rank = o.ranked.findIndex((id) => r.expected.offerings.includes(id));
    return rank < 0 ? 0 : 1 / (rank + 1);
  }
  if (r.expected.triage) return o.ranked.length === 0 ? 1 : 0;
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  const state = data.states.find((s) => s.iso3 === r.memberState);
  const forbidden = new Set(
    data.offerings.map((x) => toOffering(x, providers))
      .filter((x) => x.thematicAreas.includes(r.expected.area) || data.offerings.find((f) => f.key === x.id)?.expectedAreas?.[0] === r.expected.area)
      .filter((x) => !state || !isEligible(x, state) || unavailableReason(x, NOW) !== null)
      .map((x) => x.id),
  );
  return o.ranked.some((id) => forbidden.has(id)) ? 0 : 1;
}

/** Whether the route is right: the expected entity, or CTED triage for a request labelled for triage. */
function routedRight(r: RequestFx, o: Outcome): boolean {
  if (r.expected.triage) return o.triage !== null && o.entity === null;
  return o.entity === (r.expected.entity || null);
}

export function score(data: EvalData, outcomes: Outcome[], keys?: Set<string>): Scores {
  const byKey = new Map(data.requests.map((r) => [r.key, r]));
  let n = 0, area = 0, routing = 0, rr = 0, rrN = 0, rec = 0, recN = 0;
  let needTp = 0, needPred = 0, needExp = 0, dupTp = 0, dupPred = 0, dupExp = 0;
  let triTp = 0, triPred = 0, triExp = 0, partsOk = 0, partsN = 0;
  for (const o of outcomes) {
    if (keys && !keys.has(o.key)) continue;
    const r = byKey.get(o.key)!;
    n++;
    if (r.expected.triage ? o.triage !== null : o.area === r.expected.area) area++;
    if (routedRight(r, o)) routing++;
    rrN++;
    rr += reciprocalRank(data, r, o);
    if (r.expected.offerings.length > 0) {
      recN++;
      const top3 = new Set(o.ranked.slice(0, 3));
      rec += r.expected.offerings.filter((id) => top3.has(id)).length / Math.min(3, r.expected.offerings.length);
    }
    const expNeeds = new Set(r.expected.needs ?? []);
    needPred += o.needs.length;
    needExp += expNeeds.size;
    needTp += o.needs.filter((id) => expNeeds.has(id)).length;
    const expDup = new Set(r.expected.duplicateOf ? [r.expected.duplicateOf] : []);
    dupPred += o.duplicates.length;
    dupExp += expDup.size;
    dupTp += o.duplicates.filter((id) => expDup.has(id)).length;
    const expTri = expectedTriage(r);
    if (o.triage) triPred++;
    if (expTri) triExp++;
    if (o.triage && expTri) triTp++;
    if (r.expected.parts) {
      partsN++;
      const got = o.parts;
      const ok = got.length === r.expected.parts.length && r.expected.parts.every((p, i) => got[i]?.area === p.area && got[i]?.entity === p.entity);
      if (ok) partsOk++;
    }
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    n,
    area: ratio(area, n),
    routing: ratio(routing, n),
    mrr: ratio(rr, rrN),
    recall3: ratio(rec, recN),
    needsP: ratio(needTp, needPred),
    needsR: ratio(needTp, needExp),
    dupP: ratio(dupTp, dupPred),
    dupR: ratio(dupTp, dupExp),
    triageP: ratio(triTp, triPred),
    triageR: ratio(triTp, triExp),
    parts: ratio(partsOk, partsN),
  };
}

/** Every difference from the labels, by kind. */
export function missesByKind(data: EvalData, outcomes: Outcome[]): Map<string, string[]> {
  const byKey = new Map(data.requests.map((r) => [r.key, r]));
  const kinds = new Map<string, string[]>();
  const add = (kind: string, line: string) => kinds.set(kind, [...(kinds.get(kind) ?? []), line]);
  for (const o of outcomes) {
    const r = byKey.get(o.key)!;
    const tag = `${o.key} (${o.lang}, ${r.memberState})`;
    const expTri = expectedTriage(r);
    if (r.expected.triage) {
      if (!o.triage) add('triage missed (routed a request CTED should triage)', `${tag}: routed to ${o.entity} on ${o.area}, proposed ${o.ranked.slice(0, 3).join(',') || 'nothing'}`);
      else if (o.entity !== null) add('triage without clearing the entity', `${tag}: ${o.triage} but entity ${o.entity}`);
    } else {
      if (o.area !== r.expected.area) add('wrong area', `${tag}: ${o.area} ≠ ${r.expected.area}`);
      if (o.entity !== (r.expected.entity || null)) add('wrong entity', `${tag}: ${o.entity} ≠ ${r.expected.entity}${r.expected.concept ? ` (concept ${r.expected.concept})` : ''}`);
      if (o.triage && !expTri) add('triaged although confident labels', `${tag}: ${o.triage}`);
      if (!o.triage && expTri) add('not triaged (nothing eligible)', tag);
    }
    if (r.expected.offerings.length > 0) {
      if (o.ranked.length === 0) add('no match', `${tag}: expected ${r.expected.offerings.join(',')}`);
      else if (!r.expected.offerings.includes(o.ranked[0]!)) {
        const found = o.ranked.findIndex((id) => r.expected.offerings.includes(id));
        add(found < 0 ? 'right offering missing' : 'right offering below a distractor', `${tag}: top ${o.ranked.slice(0, 3).join(',')} vs expected ${r.expected.offerings.join(',')}`);
      }
    } else if (o.ranked.length > 0) add('proposed when none expected', `${tag}: ${o.ranked.slice(0, 3).join(',')}`);
    if (o.forbidden.length > 0) add('PROPOSAL OUTSIDE ELIGIBILITY OR DATES', `${tag}: ${o.forbidden.join(',')}`);
    if (r.expected.parts) {
      const got = o.parts.map((p) => `${p.area}/${p.entity}`).join(' + ') || 'one part';
      const want = r.expected.parts.map((p) => `${p.area}/${p.entity}`).join(' + ');
      if (got !== want) add('parts', `${tag}: ${got} vs ${want}`);
    }
    const expNeeds = [...(r.expected.needs ?? [])].sort().join(',');
    if ([...o.needs].sort().join(',') !== expNeeds) add('needs', `${tag}: [${o.needs.join(',')}] vs [${expNeeds}]`);
    const expDup = r.expected.duplicateOf ?? '';
    if (o.duplicates.join(',') !== expDup) add('duplicates', `${tag}: [${o.duplicates.join(',')}] vs [${expDup}]`);
  }
  return kinds;
}

/** Expected calibration error of the route confidence (10 bins) and the share routed right per confidence band. */
export function calibration(data: EvalData, outcomes: Outcome[]): { ece: number; n: number } {
  const byKey = new Map(data.requests.map((r) => [r.key, r]));
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
  let n = 0;
  for (const o of outcomes) {
    if (o.routeConfidence === null) continue;
    const b = bins[Math.min(9, Math.floor(o.routeConfidence * 10))]!;
    b.n++; b.conf += o.routeConfidence; b.ok += routedRight(byKey.get(o.key)!, o) ? 1 : 0; n++;
  }
  const ece = n === 0 ? 0 : bins.reduce((s, b) => s + (b.n === 0 ? 0 : (b.n / n) * Math.abs(b.conf / b.n - b.ok / b.n)), 0);
  return { ece, n };
}

const f2 = (x: number): string => x.toFixed(2);

/** The language of a labelled request: the key's second segment (r-fr-…, h-zh-…, rr-ar-…). */
export const langOfKey = (key: string): Lang => (key.split('-')[1] ?? 'en') as Lang;

function report(set: EvalSetName, opts: { learned?: LearnedModel } = {}): void {
  const data = load(set);
  const { outcomes: ours, inference } = runEngine(data, opts);
  const base = runBaseline(data);
  const cols: (keyof Scores)[] = set === 'dev'
    ? ['area', 'routing', 'mrr', 'recall3', 'needsP', 'needsR', 'dupP', 'dupR', 'triageP', 'triageR']
    : ['area', 'routing', 'mrr', 'recall3', 'dupP', 'triageP', 'triageR', ...(data.requests.some((r) => r.expected.parts) ? ['parts' as const] : [])];
  console.log(`\n## ${set}: ${data.label} — ${data.requests.length} requests, ${data.offerings.length} offerings, ${data.needs.length} needs (now ${NOW.toISOString()})\n`);
  console.log('| set | n | ' + cols.map((c) => `${c} ours / base`).join(' | ') + ' |');
  console.log('|---|---:|' + cols.map(() => '---:').join('|') + '|');
  const row = (label: string, a: Scores, b: Scores) =>
    console.log(`| ${label} | ${a.n} | ` + cols.map((c) => `${f2(a[c])} / ${f2(b[c])}`).join(' | ') + ' |');
  row('all', score(data, ours), score(data, base));
  for (const lang of ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as Lang[]) {
    const keys = new Set(ours.filter((o) => langOfKey(o.key) === lang).map((o) => o.key));
    if (keys.size === 0) continue;
    row(lang, score(data, ours, keys), score(data, base, keys));
  }
  const cal = calibration(data, ours);
  console.log(`\nRoute confidence: expected calibration error ${f2(cal.ece)} over ${cal.n} requests (10 bins).`);
  console.log(`Offering area inference (offerings without thematicAreas): ${inference.correct}/${inference.n} = ${f2(inference.n ? inference.correct / inference.n : 1)}`);
  if (inference.misses.length > 0) console.log(inference.misses.join('\n'));
  const forbidden = ours.reduce((s, o) => s + o.forbidden.length, 0);
  console.log(`Proposals outside the state's eligibility or the offering's dates: ${forbidden} (baseline ${base.reduce((s, o) => s + o.forbidden.length, 0)}).`);
  const kinds = missesByKind(data, ours);
  const total = [...kinds.values()].reduce((s, l) => s + l.length, 0);
  console.log(`\nDifferences by kind (${total}):`);
  if (total === 0) console.log('- none');
  for (const [kind, lines] of [...kinds].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`- ${kind} (${lines.length})`);
    for (const l of lines) console.log(`  - ${l}`);
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  // --holdout: the held-out sets, never used for tuning (with set names: the sets named). A set of
  // HOLDOUT_ONLY_SETS runs only with --holdout, so that no default or named run shows it by accident.
  const holdout = argv.includes('--holdout');
  const named = argv.filter((a) => a in EVAL_SETS || (holdout && a in HOLDOUT_ONLY_SETS));
  const refused = argv.filter((x) => !holdout && x in HOLDOUT_ONLY_SETS);
  if (refused.length > 0) {
    console.error(`eval: ${refused.join(', ')} runs only with --holdout (npm run eval -- --holdout ${refused.join(' ')})`);
    process.exitCode = 1;
    return;
  }
  const only = named.length > 0 ? named : holdout ? HOLDOUT_SETS : [];
  const sets = (only.length > 0 ? only : Object.keys(EVAL_SETS)) as EvalSetName[];
  console.log('# OneDoor matching eval');
  console.log('mrr: 1/rank of the first expected offering; requests expecting none score 1 unless an ineligible or unavailable offering of their area is proposed (or, when labelled for triage, anything is proposed).');
  console.log('routing: the expected entity; a request labelled for triage counts when it goes to CTED triage with no entity. recall3: expected offerings (up to 3) in the top 3.');
  console.log('triageP/R: precision and recall of CTED triage (expected: the label, or "nothing eligible" when no offering may be proposed). needs/dup P,R: micro precision and recall.');
  for (const set of sets) report(set);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
