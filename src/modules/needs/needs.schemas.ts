import { z } from 'zod';
import { AreaCode, Iso3, Uuid } from '../common.schemas.js';

export const Priority = z.enum(['high', 'medium', 'low']);
export const CreateNeedBody = z.strictObject({
  memberState: Iso3,
  description: z.string().trim().min(10).max(10_000),
  priority: Priority,
  thematicArea: AreaCode.optional(),
  identifiedAt: z.iso.date().optional(),
  source: z.string().trim().max(300).optional(),
}).meta({ id: 'CreateNeed' });
export type CreateNeedBody = z.infer<typeof CreateNeedBody>;

/** One row of CTED's needs matrix (CSV import): a need with the stable key of its row. */
export const NeedImportRow = CreateNeedBody.extend({ externalKey: z.string().max(200).optional() });

export const NeedView = z.object({
  /** Only for CTED, admins and the need's own state (see need-visibility.ts). */
  id: Uuid, memberState: Iso3, description: z.string().optional(), priority: Priority, thematicAreas: z.array(z.string()),
  identifiedAt: z.string().nullable(), source: z.string().nullable(), status: z.string(), createdAt: z.string(), updatedAt: z.string(),
});
export const ListNeedsQuery = z.strictObject({
  memberState: Iso3.optional(),
  thematicArea: AreaCode.optional(),
  priority: Priority.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const NeedsImportResult = z.object({
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), ids: z.array(Uuid),
});
