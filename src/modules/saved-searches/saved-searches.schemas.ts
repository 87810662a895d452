import { z } from 'zod';
import { AreaCode, Modality } from '../common.schemas.js';

const Place = z.string().regex(/^(\d{3}|[A-Z]{3})$/, 'must be a three-digit UN M49 region code or an ISO3 state code');

export const SavedSearchBody = z.object({
  name: z.string().trim().min(1).max(120),
  areas: z.array(AreaCode).max(50).default([]),
  regions: z.array(Place).max(50).default([]),
  modalities: z.array(Modality).max(8).default([]),
  /** Words in any of the six languages. */
  words: z.string().trim().max(300).optional(),
}).strict();
export type SavedSearchBody = z.infer<typeof SavedSearchBody>;

export const SavedSearchView = z.object({
  id: z.uuid(), name: z.string(), areas: z.array(z.string()), regions: z.array(z.string()), modalities: z.array(z.string()), words: z.string(), createdAt: z.string(),
});
export const SavedSearchList = z.object({ items: z.array(SavedSearchView) });
