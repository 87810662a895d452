// Replaying decisions on the labelled eval sets (used by `npm run learn` and the replay test).
//
// A replay files a set's requests in order, lets simulated people decide on the engine's proposals for
// the first half, fits a learning model from those decisions, and scores the second half with and
// without it. The people follow the labels, as an analyst who knows the right answer would:
// - CTED reads the proposals in rank order (the first five) and approves the first one that answers the
//   need — an expected offering, or one whose text is the same as an expected offering's (CTED cannot
//   tell two registrations of one programme apart) — reassigning the request when the engine's entity is
//   not the expected one; it rejects the proposals it read above it. When none of the five answers, it
//   rejects the first three.
// - The provider of an approved proposal accepts it when it delivers the offering (an expected one) and
//   declines otherwise ("no_capacity"); CTED then approves the next answering proposal.
// Requests labelled for triage get no decisions (CTED handles them outside the proposals).
import type { DecisionExample, DecisionKind, LearnedModel } from '../src/matching/learning.js';
import { fitModel } from '../src/matching/learning.js';
import { SCORING_WEIGHTS } from '../src/matching/weights.js';
import { load, runEngine, score, type EvalData, type EvalSetName, type Outcome } from './eval.js';

const READ = 5;
const REJECT_WHEN_NONE = 3;

/** The decisions simulated people make on one set's outcomes (see the header), for the requests in `keys`. */
export function simulateDecisions(data: EvalData, outcomes: readonly Outcome[], keys: ReadonlySet<string>, t0 = Date.parse('2026-01-01T00:00:00Z')): DecisionExample[] {
  const byKey = new Map(data.requests.map((r) => [r.key, r]));
  const textOf = new Map(data.offerings.map((o) => [o.key, `${o.body.title}\n${o.body.description}`]));
  const out: DecisionExample[] = [];
  let clock = t0;
  for (const o of outcomes) {
    if (!keys.has(o.key)) continue;
    const r = byKey.get(o.key)!;
    if (r.expected.triage || !o.proposals) continue;
    const expected = new Set(r.expected.offerings);
    const expectedText = new Set(r.expected.offerings.map((k) => textOf.get(k)));
    const answers = (id: string) => expected.has(id) || expectedText.has(textOf.get(id));
    const base = { requestId: o.key, area: o.route?.area ?? null, concept: o.route?.concept ?? null, engineEntity: o.entity };
    const decide = (kind: DecisionKind, p: NonNullable<Outcome['proposals']>[number], decidedEntity: string | null = null) => {
      clock += 60_000;
      out.push({ kind, ...base, offeringId: p.offeringId, providerId: p.providerId, decidedEntity, score: p.score, components: p.components, at: new Date(clock).toISOString() });
    };
    const read = o.proposals.slice(0, READ);
    const wrongEntity = (r.expected.entity || null) !== o.entity;
    if (!read.some((p) => answers(p.offeringId))) {
      for (const p of read.slice(0, REJECT_WHEN_NONE)) decide('cted_reject', p);
      continue;
    }
    for (const p of read) {
      if (!answers(p.offeringId)) { decide('cted_reject', p); continue; }
      decide(wrongEntity ? 'cted_reassign' : 'cted_approve', p, wrongEntity ? r.expected.entity : o.entity);
      if (expected.has(p.offeringId)) { decide('provider_accept', p); break; }
      decide('provider_decline', p);
    }
  }
  return out;
}

export interface ReplayResult {
  set: string;
  firstHalf: number;
  secondHalf: number;
  examples: number;
  model: LearnedModel;
  before: { routing: number; mrr: number; recall3: number };
  after: { routing: number; mrr: number; recall3: number };
}

/** Decisions on the first half of a set, a model fitted from them, the second half scored without and with it. */
export function replay(data: EvalData, opts: { fit?: (examples: DecisionExample[]) => LearnedModel } = {}): ReplayResult {
  const half = Math.floor(data.requests.length / 2);
  const first = new Set(data.requests.slice(0, half).map((r) => r.key));
  const second = new Set(data.requests.slice(half).map((r) => r.key));
  const plain = runEngine(data).outcomes;
  const examples = simulateDecisions(data, plain, first);
  const model = (opts.fit ?? ((ex) => fitModel(ex, { weights: 'refit', baseWeights: SCORING_WEIGHTS })))(examples);
  const learned = runEngine(data, { learned: model }).outcomes;
  const pick = (s: ReturnType<typeof score>) => ({ routing: s.routing, mrr: s.mrr, recall3: s.recall3 });
  return {
    set: data.set, firstHalf: first.size, secondHalf: second.size, examples: examples.length, model,
    before: pick(score(data, plain, second)), after: pick(score(data, learned, second)),
  };
}

/**
 * The realistic set with a provider that registered copies of real programmes it does not deliver (a
 * bulk upload of stale entries, the failure ADAM's directory suffered from): for every offering of the
 * catalogue, the same programme again from `p-phantom`, claiming the requesting region as its own
 * (so it scores a little higher on regional fit). Its copies are never expected; CTED cannot tell them
 * from the real ones by their text, and the phantom provider declines what it is sent.
 */
export function withPhantomProvider(data: EvalData): EvalData {
  const regionsOf = [...new Set(data.requests.map((r) => data.states.find((s) => s.iso3 === r.memberState)?.region).filter((x): x is string => !!x))];
  const copies = data.offerings.map((o) => ({
    ...o,
    key: `${o.key}~copy`,
    provider: 'p-phantom',
    expectedAreas: o.expectedAreas,
    body: { ...o.body, eligibility: o.body.eligibility?.regions?.length || o.body.eligibility?.countries?.length ? o.body.eligibility : { regions: regionsOf } },
  }));
  return {
    ...data,
    providers: [...data.providers, { key: 'p-phantom', name: 'Consolidated Assistance Partners', kind: 'private', entity: null }],
    offerings: [...data.offerings, ...copies],
  };
}

/** Every eval set's replay. */
export function replayAll(sets: readonly EvalSetName[]): ReplayResult[] {
  return sets.map((s) => replay(load(s)));
}
