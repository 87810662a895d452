import { z } from 'zod';
import { Uuid } from '../common.schemas.js';

export const SUBJECT_TYPES = ['organisation', 'user'] as const;
export const SUBJECT_KINDS = ['entity', 'individual'] as const;
export const HIT_STATUSES = ['open', 'cleared', 'confirmed'] as const;
export const DECISIONS = ['cleared', 'confirmed'] as const;

const NoNul = (s: string) => !s.includes('\u0000');
const Name = z.string().trim().min(1).max(300).refine(NoNul, 'must not contain the NUL character');

/** An organisation or a user to screen: its names (a legal name and former or other names; a person's full name and other spellings). */
export const ScreeningSubject = z.strictObject({
  type: z.enum(SUBJECT_TYPES),
  id: z.string().trim().min(1).max(200).refine(NoNul, 'must not contain the NUL character'),
  names: z.array(Name).min(1, 'at least one name').max(20),
  kind: z.enum(SUBJECT_KINDS),
});
export type ScreeningSubject = z.infer<typeof ScreeningSubject>;

export const DecisionBody = z.strictObject({
  decision: z.enum(DECISIONS),
  note: z.string().trim().max(2000).refine(NoNul, 'must not contain the NUL character').optional(),
});

export const HitsQuery = z.strictObject({
  status: z.enum([...HIT_STATUSES, 'all']).default('open'),
  subjectType: z.enum(SUBJECT_TYPES).optional(),
  subjectId: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type HitsFilter = z.input<typeof HitsQuery>;

const EntryName = z.object({ name: z.string(), type: z.enum(['primary', 'alias', 'original_script']), quality: z.string().nullable() });
export const EntryView = z.object({
  dataId: z.string(),
  kind: z.enum(['individual', 'entity']),
  referenceNumber: z.string(),
  name: z.string(),
  names: z.array(EntryName),
  unListType: z.string().nullable(),
  listedOn: z.string().nullable(),
  details: z.object({
    nationalities: z.array(z.string()), datesOfBirth: z.array(z.string()), placesOfBirth: z.array(z.string()),
    designations: z.array(z.string()), titles: z.array(z.string()), addresses: z.array(z.string()), comments: z.string().nullable(),
  }),
  /** False once the entry is no longer on the current list (delisted): the hit stays for the admin to decide. */
  onCurrentList: z.boolean(),
});

export const HitView = z.object({
  id: Uuid,
  status: z.enum(HIT_STATUSES),
  score: z.number(),
  subject: z.object({ type: z.enum(SUBJECT_TYPES), id: z.string(), kind: z.enum(SUBJECT_KINDS), names: z.array(z.string()) }),
  matchedName: z.string(),
  matchedEntryName: z.string(),
  entry: EntryView,
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type HitView = z.infer<typeof HitView>;
export const HitsPage = z.object({ items: z.array(HitView), total: z.number().int() });

export const ListStatus = z.object({
  id: Uuid,
  source: z.string(),
  dateGenerated: z.string().nullable(),
  loadedAt: z.string(),
  loadedBy: z.string(),
  individuals: z.number().int(),
  entities: z.number().int(),
  sha256: z.string(),
});
export const RunView = z.object({ runKey: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), subjects: z.number().int(), newHits: z.number().int() });
export const ScreeningStatus = z.object({
  list: ListStatus.nullable(),
  lastRun: RunView.nullable(),
  subjects: z.number().int(),
  openHits: z.number().int(),
});

export const LoadListQuery = z.strictObject({
  source: z.string().trim().min(1).max(500).optional(),
  /** Load even when the file is older than the current list (dateGenerated). */
  force: z.enum(['true', 'false']).optional(),
});
export const LoadResult = ListStatus.extend({
  unchanged: z.boolean(),
  added: z.number().int(),
  removed: z.number().int(),
});
