import { z } from 'zod';
import { AreaCode, Description, Iso3, Lang, M49, Modality, Title, Uuid } from '../common.schemas.js';

export const Budget = z.strictObject({
  amount: z.number().int('amount is in integer minor units (e.g. cents)').min(0).max(1e14),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
});
export const Eligibility = z.strictObject({
  regions: z.array(M49).max(50).optional(),
  countries: z.array(Iso3).max(193).optional(),
});

export const Translation = z.strictObject({
  language: Lang,
  title: Title,
  description: Description,
}).meta({ id: 'OfferingTranslation' });
/** At most one version per language. */
const Translations = z.array(Translation).max(6).superRefine((ts, ctx) => {
  const seen = new Set<string>();
  ts.forEach((t, i) => {
    if (seen.has(t.language)) ctx.addIssue({ code: 'custom', path: [i, 'language'], message: `a second ${t.language} version; give each language once` });
    seen.add(t.language);
  });
}).describe('The same title and description in other languages; the matcher uses every version');

const offeringFields = {
  title: Title,
  description: Description,
  modalities: z.array(Modality).max(8).optional(),
  eligibility: Eligibility.optional(),
  languages: z.array(Lang).min(1).max(6),
  availableFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  availableUntil: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  capacity: z.number().int().min(1).max(100_000).optional(),
  budget: Budget.optional(),
  thematicAreas: z.array(AreaCode).max(10).optional(),
  translations: Translations.optional(),
};

export const CreateOfferingBody = z.strictObject({
  ...offeringFields,
  /** Admins create offerings on behalf of a provider. */
  providerId: Uuid.optional(),
}).meta({ id: 'CreateOffering' });
export type CreateOfferingBody = z.infer<typeof CreateOfferingBody>;

/** One row of a bulk upload (JSON, CSV or IATI): an offering without providerId, keyed by the provider's own reference. */
export const BulkOfferingRow = CreateOfferingBody.omit({ providerId: true }).extend({
  externalRef: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['open', 'closed']).optional(),
});

export const UpdateOfferingBody = z.strictObject({
  title: offeringFields.title.optional(),
  description: offeringFields.description.optional(),
  modalities: offeringFields.modalities,
  eligibility: offeringFields.eligibility,
  languages: offeringFields.languages.optional(),
  availableFrom: offeringFields.availableFrom.nullable(),
  availableUntil: offeringFields.availableUntil.nullable(),
  capacity: offeringFields.capacity.nullable(),
  budget: offeringFields.budget.nullable(),
  thematicAreas: offeringFields.thematicAreas,
  /** Replaces the list ([] removes every translation). */
  translations: offeringFields.translations,
}).meta({ id: 'UpdateOffering' });
export type UpdateOfferingBody = z.infer<typeof UpdateOfferingBody>;

export const OfferingView = z.object({
  id: Uuid, providerId: Uuid, title: z.string(), description: z.string(), language: Lang,
  modalities: z.array(z.string()), eligibility: z.object({ regions: z.array(z.string()), countries: z.array(z.string()) }),
  languages: z.array(z.string()), availableFrom: z.string().nullable(), availableUntil: z.string().nullable(),
  capacity: z.number().nullable(), budget: z.object({ amount: z.number(), currency: z.string() }).nullable(),
  thematicAreas: z.array(z.string()), thematicAreasInferred: z.boolean(), status: z.enum(['open', 'closed']),
  translations: z.array(z.object({ language: Lang, title: z.string(), description: z.string() })),
  lastConfirmedAt: z.string(), proposable: z.boolean(),
  /** available, not_yet_open (proposed, marked with its start date), or why it is not proposed: closed, expired, full, stale. */
  availability: z.enum(['available', 'not_yet_open', 'closed', 'expired', 'full', 'stale']), unconfirmedDays: z.number().int(),
  /** Internal (import source, the provider's own reference, audit timestamps): shown to the owner, CTED and admins only. */
  source: z.string().optional(), externalRef: z.string().nullable().optional(),
  createdAt: z.string().optional(), updatedAt: z.string().optional(),
}).meta({ id: 'Offering' });
export type OfferingView = z.infer<typeof OfferingView>;

export const BulkResult = z.object({
  created: z.number().int(), updated: z.number().int(), ids: z.array(Uuid),
});
export const ListOfferingsQuery = z.strictObject({
  providerId: Uuid.optional(),
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** At most this many rows per upload. */
export const MAX_BULK_ROWS = 5000;
