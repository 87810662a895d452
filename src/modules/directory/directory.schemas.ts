import { z } from 'zod';
import { AreaCode, Iso3, Lang, M49, Modality, Uuid } from '../common.schemas.js';

export const DirectoryQuery = z.strictObject({
  q: z.string().trim().max(500).optional()
    .describe('Free text in any of the six UN languages; matched on analysed words and on shared concepts, so a Chinese query finds an English offering on the same topic.'),
  thematicArea: AreaCode.optional().describe('Only offerings tagged with this thematic area.'),
  region: M49.optional().describe('Only offerings open to at least one member state of this M49 region, sub-region or intermediate region (worldwide offerings included).'),
  country: Iso3.optional().describe('Only offerings this member state is eligible for: worldwide, listing it, or listing one of its M49 regions.'),
  modality: Modality.optional(),
  providerId: Uuid.optional(),
  language: Lang.optional().describe('Delivery language.'),
  includeInactive: z.enum(['true', 'false']).default('false').transform((v) => v === 'true')
    .describe('Also list closed, expired, full and stale (unconfirmed for 180 days) offerings.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

/** The public face of an offering: nothing internal (import source, external reference, audit timestamps). */
export const DirectoryOffering = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  language: Lang,
  provider: z.object({ id: Uuid, name: z.string(), kind: z.string() }),
  thematicAreas: z.array(z.string()),
  modalities: z.array(z.string()),
  languages: z.array(z.string()),
  eligibility: z.object({ worldwide: z.boolean(), regions: z.array(z.string()), countries: z.array(z.string()) }),
  availableFrom: z.string().nullable(),
  availableUntil: z.string().nullable(),
  budget: z.object({ amount: z.number(), currency: z.string() }).nullable(),
  lastConfirmedAt: z.string(),
  /** Open, not past its end date, places left, confirmed within 180 days (src/matching/filters.ts); it may start later. */
  proposable: z.boolean(),
  /** Relevance to `q` (BM25 over words and concepts); null without `q`. */
  score: z.number().nullable(),
}).meta({ id: 'DirectoryOffering' });
export type DirectoryOffering = z.infer<typeof DirectoryOffering>;

export const DirectoryPage = z.object({
  items: z.array(DirectoryOffering),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type DirectoryPage = z.infer<typeof DirectoryPage>;
