import { describe, expect, it } from 'vitest';
import { assignBatch, assignGreedy, type PendingRequest } from '../../../src/matching/batch.assign.js';

describe('assignBatch', () => {
  it('beats greedy when the best pair blocks another request', () => {
    // Greedy gives A to R1 (0.9) and leaves R2 unserved (total 0.9).
    // Flow gives B to R1 and A to R2: both served, total 1.65.
    const pending: PendingRequest[] = [
      { requestId: 'R1', candidates: [{ offeringId: 'A', score: 0.9 }, { offeringId: 'B', score: 0.8 }] },
      { requestId: 'R2', candidates: [{ offeringId: 'A', score: 0.85 }] },
    ];
    const caps = new Map([['A', 1], ['B', 1]]);
    const greedy = assignGreedy(pending, caps);
    expect(greedy.assignments).toEqual([{ requestId: 'R1', offeringId: 'A', score: 0.9 }]);
    expect(greedy.unassigned).toEqual(['R2']);
    const flow = assignBatch(pending, caps);
    expect(flow.assignments).toEqual([
      { requestId: 'R1', offeringId: 'B', score: 0.8 },
      { requestId: 'R2', offeringId: 'A', score: 0.85 },
    ]);
    expect(flow.totalScore).toBeCloseTo(1.65);
    expect(flow.unassigned).toEqual([]);
  });

  it('protects the worst-served request before maximising the total', () => {
    // Max total alone: R1→A (1.0) + R2→B (0.2) = 1.2, worst 0.2.
    // Max-min: R1→B (0.5) + R2→A (0.6) = 1.1, worst 0.5.
    const pending: PendingRequest[] = [
      { requestId: 'R1', candidates: [{ offeringId: 'A', score: 1 }, { offeringId: 'B', score: 0.5 }] },
      { requestId: 'R2', candidates: [{ offeringId: 'A', score: 0.6 }, { offeringId: 'B', score: 0.2 }] },
    ];
    const caps = new Map([['A', 1], ['B', 1]]);
    const flow = assignBatch(pending, caps);
    expect(flow.minScore).toBe(0.5);
    expect(flow.totalScore).toBeCloseTo(1.1);
    const greedy = assignGreedy(pending, caps);
    expect(greedy.minScore).toBe(0.2);
  });

  it('respects capacities greater than one and leaves the rest unassigned', () => {
    const pending: PendingRequest[] = ['R1', 'R2', 'R3'].map((id) => ({ requestId: id, candidates: [{ offeringId: 'A', score: 0.7 }] }));
    const r = assignBatch(pending, new Map([['A', 2]]));
    expect(r.assignments).toHaveLength(2);
    expect(r.unassigned).toHaveLength(1);
  });

  it('treats an offering missing from the capacity map as unlimited', () => {
    const pending: PendingRequest[] = ['R1', 'R2'].map((id) => ({ requestId: id, candidates: [{ offeringId: 'A', score: 0.7 }] }));
    expect(assignBatch(pending, new Map()).assignments).toHaveLength(2);
  });

  it('is deterministic and handles empty input', () => {
    expect(assignBatch([], new Map())).toEqual({ assignments: [], unassigned: [], totalScore: 0, minScore: 0 });
    const pending: PendingRequest[] = [
      { requestId: 'R1', candidates: [{ offeringId: 'A', score: 0.5 }, { offeringId: 'B', score: 0.5 }] },
      { requestId: 'R2', candidates: [{ offeringId: 'A', score: 0.5 }, { offeringId: 'B', score: 0.5 }] },
    ];
    const caps = new Map([['A', 1], ['B', 1]]);
    expect(assignBatch(pending, caps)).toEqual(assignBatch(pending, caps));
  });
});
