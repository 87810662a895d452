import type { ReferenceSnapshot } from '../modules/reference/reference.service.js';
import { str } from './context.js';

/** The review queue's filters (the page and its export read them here). */
export interface ReviewFilters { region?: string; thematicArea?: string; entity?: string; urgency?: string; minScore?: number }

const FILTER_KEYS = ['region', 'thematicArea', 'entity', 'urgency', 'minScore'] as const;

/** The filters as a query string (for links and the export that keep them). */
export function reviewFiltersQuery(f: ReviewFilters): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k] !== undefined) q.set(k, String(f[k]));
  return q.toString();
}

/** The filters of the query string, each checked against what it may be (anything else is ignored). */
export function readReviewFilters(raw: Record<string, unknown>, ref: ReferenceSnapshot): ReviewFilters {
  const f: ReviewFilters = {};
  const region = str(raw.region);
  if (/^\d{3}$/.test(region)) f.region = region;
  const area = str(raw.thematicArea);
  if (ref.areaByCode.has(area)) f.thematicArea = area;
  const entity = str(raw.entity);
  if (ref.entityCodes.has(entity)) f.entity = entity;
  const urgency = str(raw.urgency);
  if (['low', 'normal', 'high'].includes(urgency)) f.urgency = urgency;
  const min = Number(str(raw.minScore));
  if (str(raw.minScore) !== '' && Number.isFinite(min) && min >= 0 && min <= 1) f.minScore = min;
  return f;
}
