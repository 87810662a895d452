import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignBatch, assignGreedy, type PendingRequest } from '../../../src/matching/batch.assign.js';
import { combine } from '../../../src/matching/scoring.js';
import { foldAccents, normalizeArabic, normalizeBase } from '../../../src/matching/text.normalize.js';
import { SCORING_WEIGHTS } from '../../../src/matching/weights.js';

describe('properties', () => {
  it('normalisation steps are idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normalizeBase(normalizeBase(s))).toBe(normalizeBase(s));
        expect(foldAccents(foldAccents(s))).toBe(foldAccents(s));
        expect(normalizeArabic(normalizeArabic(s))).toBe(normalizeArabic(s));
      }),
    );
  });

  it('the combined score stays in [0, 1]', () => {
    const keys = Object.keys(SCORING_WEIGHTS);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: keys.length, maxLength: keys.length }), (vals) => {
        const s = combine(Object.fromEntries(keys.map((k, i) => [k, vals[i]!])) as Parameters<typeof combine>[0]);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('batch assignment serves at least as many requests as greedy, within capacities', () => {
    const pendingArb = fc.array(
      fc.record({
        requestId: fc.string({ minLength: 1, maxLength: 3 }),
        candidates: fc.uniqueArray(fc.record({ offeringId: fc.constantFrom('A', 'B', 'C', 'D'), score: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          selector: (c) => c.offeringId,
          maxLength: 4,
        }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(pendingArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }), (raw, caps) => {
        const pending: PendingRequest[] = raw.map((p, i) => ({ ...p, requestId: `${i}-${p.requestId}` }));
        const capacities = new Map(['A', 'B', 'C', 'D'].map((o, i) => [o, caps[i]!]));
        const flow = assignBatch(pending, capacities);
        const greedy = assignGreedy(pending, capacities);
        expect(flow.assignments.length).toBeGreaterThanOrEqual(greedy.assignments.length);
        const used = new Map<string, number>();
        for (const a of flow.assignments) used.set(a.offeringId, (used.get(a.offeringId) ?? 0) + 1);
        for (const [o, n] of used) expect(n).toBeLessThanOrEqual(capacities.get(o)!);
        expect(new Set(flow.assignments.map((a) => a.requestId)).size).toBe(flow.assignments.length);
      }),
    );
  });
});
