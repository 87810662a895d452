// Capacity-aware assignment of pending requests to offerings.
//
// Objective, lexicographic: (1) serve as many requests as capacities allow,
// (2) among those, maximise the lowest score any served request gets (so no
// state is handed a poor fit to let others get slightly better ones), and
// (3) under that floor, maximise the total score. (1) and (3) are one
// min-cost max-flow; (2) is a search over score thresholds, each checked with
// a max-flow. Graphs are small (a batch of requests × their top candidates),
// so plain successive shortest paths with Bellman-Ford is enough.

export interface PendingRequest {
  requestId: string;
  candidates: { offeringId: string; score: number }[];
}

export interface Assignment {
  requestId: string;
  offeringId: string;
  score: number;
}

export interface BatchResult {
  assignments: Assignment[];
  unassigned: string[];
  totalScore: number;
  /** Lowest score among served requests (0 when none is served). */
  minScore: number;
}

interface Edge {
  to: number;
  rev: number;
  cap: number;
  cost: number;
}

class FlowGraph {
  readonly adj: Edge[][];
  constructor(n: number) {
    this.adj = Array.from({ length: n }, () => []);
  }
  addEdge(from: number, to: number, cap: number, cost: number): void {
    this.adj[from]!.push({ to, rev: this.adj[to]!.length, cap, cost });
    this.adj[to]!.push({ to: from, rev: this.adj[from]!.length - 1, cap: 0, cost: -cost });
  }
  /** Successive shortest augmenting paths (Bellman-Ford, since costs are negative). */
  minCostMaxFlow(s: number, t: number): { flow: number; cost: number } {
    const n = this.adj.length;
    let flow = 0;
    let cost = 0;
    for (;;) {
      const dist = new Array<number>(n).fill(Infinity);
      const prevNode = new Array<number>(n).fill(-1);
      const prevEdge = new Array<number>(n).fill(-1);
      const inQueue = new Array<boolean>(n).fill(false);
      dist[s] = 0;
      const queue: number[] = [s];
      inQueue[s] = true;
      // SPFA; no negative cycles exist because we only augment along shortest paths.
      while (queue.length > 0) {
        const u = queue.shift()!;
        inQueue[u] = false;
        const edges = this.adj[u]!;
        for (let i = 0; i < edges.length; i++) {
          const e = edges[i]!;
          if (e.cap <= 0) continue;
          const nd = dist[u]! + e.cost;
          if (nd < dist[e.to]! - 1e-12) {
            dist[e.to] = nd;
            prevNode[e.to] = u;
            prevEdge[e.to] = i;
            if (!inQueue[e.to]) {
              inQueue[e.to] = true;
              queue.push(e.to);
            }
          }
        }
      }
      if (dist[t] === Infinity) break;
      let push = Infinity;
      for (let v = t; v !== s; v = prevNode[v]!) {
        push = Math.min(push, this.adj[prevNode[v]!]![prevEdge[v]!]!.cap);
      }
      for (let v = t; v !== s; v = prevNode[v]!) {
        const e = this.adj[prevNode[v]!]![prevEdge[v]!]!;
        e.cap -= push;
        this.adj[v]![e.rev]!.cap += push;
      }
      flow += push;
      cost += push * dist[t]!;
    }
    return { flow, cost };
  }
}

/** Runs min-cost max-flow over edges scoring at least `threshold`; returns the assignment. */
function solve(
  pending: PendingRequest[],
  capacities: ReadonlyMap<string, number>,
  threshold: number,
): Assignment[] {
  const offeringIds = [...new Set(pending.flatMap((p) => p.candidates.map((c) => c.offeringId)))].sort();
  const offIndex = new Map(offeringIds.map((id, i) => [id, i]));
  const R = pending.length;
  const O = offeringIds.length;
  const s = 0;
  const t = 1 + R + O;
  const g = new FlowGraph(t + 1);
  for (let r = 0; r < R; r++) g.addEdge(s, 1 + r, 1, 0);
  for (let r = 0; r < R; r++) {
    // Sorted so that equal-cost ties are broken the same way on every run.
    const cands = [...pending[r]!.candidates].sort((a, b) => b.score - a.score || a.offeringId.localeCompare(b.offeringId));
    for (const c of cands) {
      if (c.score < threshold) continue;
      // Cost −score: min cost ⇔ max total score.
      g.addEdge(1 + r, 1 + R + offIndex.get(c.offeringId)!, 1, -c.score);
    }
  }
  for (let o = 0; o < O; o++) {
    const cap = capacities.get(offeringIds[o]!);
    // Unknown capacity means unlimited for this batch.
    g.addEdge(1 + R + o, t, cap === undefined ? R : Math.max(0, Math.floor(cap)), 0);
  }
  g.minCostMaxFlow(s, t);
  const out: Assignment[] = [];
  for (let r = 0; r < R; r++) {
    for (const e of g.adj[1 + r]!) {
      if (e.to > R && e.to < t && e.cap === 0) {
        out.push({ requestId: pending[r]!.requestId, offeringId: offeringIds[e.to - 1 - R]!, score: -e.cost });
      }
    }
  }
  return out;
}

function summarise(pending: PendingRequest[], assignments: Assignment[]): BatchResult {
  const served = new Set(assignments.map((a) => a.requestId));
  const sorted = [...assignments].sort((a, b) => a.requestId.localeCompare(b.requestId));
  return {
    assignments: sorted,
    unassigned: pending.map((p) => p.requestId).filter((id) => !served.has(id)),
    totalScore: assignments.reduce((sum, a) => sum + a.score, 0),
    minScore: assignments.length === 0 ? 0 : Math.min(...assignments.map((a) => a.score)),
  };
}

/** Assigns each pending request at most one candidate offering within capacities: max served, then max-min score, then max total (min-cost flow). */
export function assignBatch(pending: PendingRequest[], capacities: ReadonlyMap<string, number>): BatchResult {
  const full = solve(pending, capacities, -Infinity);
  const target = full.length;
  if (target === 0) return summarise(pending, full);
  // Largest threshold that still lets `target` requests be served: binary
  // search over the distinct candidate scores (feasibility is monotone).
  const scores = [...new Set(pending.flatMap((p) => p.candidates.map((c) => c.score)))].sort((a, b) => a - b);
  let lo = 0;
  let hi = scores.length - 1;
  let best = full;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const attempt = solve(pending, capacities, scores[mid]!);
    if (attempt.length === target) {
      best = attempt;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return summarise(pending, best);
}

/** Greedy baseline: take the highest-scoring (request, offering) pairs first while capacity lasts. */
export function assignGreedy(pending: PendingRequest[], capacities: ReadonlyMap<string, number>): BatchResult {
  const edges = pending
    .flatMap((p) => p.candidates.map((c) => ({ requestId: p.requestId, offeringId: c.offeringId, score: c.score })))
    .sort((a, b) => b.score - a.score || a.requestId.localeCompare(b.requestId) || a.offeringId.localeCompare(b.offeringId));
  const left = new Map<string, number>();
  const served = new Set<string>();
  const out: Assignment[] = [];
  for (const e of edges) {
    if (served.has(e.requestId)) continue;
    const cap = left.get(e.offeringId) ?? capacities.get(e.offeringId) ?? Infinity;
    if (cap <= 0) continue;
    left.set(e.offeringId, cap - 1);
    served.add(e.requestId);
    out.push(e);
  }
  return summarise(pending, out);
}
