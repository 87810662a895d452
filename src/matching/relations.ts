import { round4 } from './classify.js';
import { bestSharedArea, cosine, areaVector } from './similarity.js';
import type { AreaScore, Lang } from './types.js';

/** The comparable essence of a request or need: areas, fine concepts, weighted tokens. */
export interface TopicProfile {
  id: string;
  memberState: string;
  lang: Lang;
  areas: AreaScore[];
  fine: ReadonlyMap<string, number>;
  vector: ReadonlyMap<string, number>;
}

// Fine concepts compared when only one side has any: weak evidence against.
const FINE_ONE_SIDED = 0.2;
const FINE_NONE = 0.5;

function fineSimilarity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  if (a.size === 0 && b.size === 0) return FINE_NONE;
  if (a.size === 0 || b.size === 0) return FINE_ONE_SIDED;
  return cosine(a, b);
}

/** Relevance of a CTED need to a request in [0, 1]: shared area first, then fine concepts and wording. */
export function needRelevance(request: TopicProfile, need: TopicProfile): { score: number; area: number; text: number } {
  const area = bestSharedArea(request.areas, need.areas);
  const fine = fineSimilarity(request.fine, need.fine);
  // Words are only comparable within one language; across languages the
  // concepts above carry the comparison alone.
  const text = request.lang === need.lang ? cosine(request.vector, need.vector) : fine;
  return { score: 0.6 * area + 0.2 * fine + 0.2 * text, area, text };
}

/** Links needs of the request's own state whose topic overlaps (never another state's, never an unrelated need). */
export function linkNeeds(request: TopicProfile, needs: readonly TopicProfile[], threshold: number): { needId: string; score: number }[] {
  const out: { needId: string; score: number }[] = [];
  for (const need of needs) {
    if (need.memberState !== request.memberState) continue;
    const r = needRelevance(request, need);
    // An area in common is required unless the wording itself is very close:
    // that is what keeps unrelated needs of the same state out.
    if (r.area <= 0 && r.text < 0.5) continue;
    if (r.score >= threshold) out.push({ needId: need.id, score: round4(r.score) });
  }
  return out.sort((a, b) => b.score - a.score || a.needId.localeCompare(b.needId));
}

/** Similarity of two requests in [0, 1] for duplicate detection; same-topic only (top areas must agree). */
export function requestSimilarity(a: TopicProfile, b: TopicProfile): number {
  const topA = a.areas[0]?.code;
  const topB = b.areas[0]?.code;
  // Requests on different main topics are never duplicates, however similar
  // their boilerplate is.
  if (topA === undefined || topB === undefined || topA !== topB) return 0;
  const areas = cosine(areaVector(a.areas), areaVector(b.areas));
  const fine = fineSimilarity(a.fine, b.fine);
  if (a.lang === b.lang) return 0.3 * areas + 0.3 * fine + 0.4 * cosine(a.vector, b.vector);
  return 0.5 * areas + 0.5 * fine;
}

/** Open requests of the same state that look like the same request (similarity ≥ threshold), most similar first. */
export function findDuplicates(request: TopicProfile, open: readonly TopicProfile[], threshold: number): { requestId: string; similarity: number }[] {
  const out: { requestId: string; similarity: number }[] = [];
  for (const other of open) {
    if (other.id === request.id || other.memberState !== request.memberState) continue;
    const s = requestSimilarity(request, other);
    if (s >= threshold) out.push({ requestId: other.id, similarity: round4(s) });
  }
  return out.sort((x, y) => y.similarity - x.similarity || x.requestId.localeCompare(y.requestId));
}
