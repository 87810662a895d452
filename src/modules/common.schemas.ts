import { z } from 'zod';

export const LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
export const MODALITIES = ['training', 'workshop', 'mentoring', 'legislative_drafting', 'advisory_mission', 'assessment', 'equipment', 'funding'] as const;
export const REQUEST_STATUSES = ['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed', 'rejected', 'withdrawn'] as const;
export const PROVIDER_KINDS = ['member_state', 'international_org', 'task_force_entity', 'ngo', 'private'] as const;
export const DECLINE_REASONS = ['out_of_scope', 'no_capacity', 'not_eligible', 'duplicate', 'other'] as const;

export const Lang = z.enum(LANGS);
export const Modality = z.enum(MODALITIES);
export const RequestStatus = z.enum(REQUEST_STATUSES);
export const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as KEN');
export const M49 = z.string().regex(/^\d{3}$/, 'must be a three-digit UN M49 code such as "011"');
export const AreaCode = z.string().regex(/^[a-z0-9_]{2,60}$/, 'must be a thematic area code');
export const EntityCode = z.string().regex(/^[A-Z0-9-]{2,20}$/, 'must be a Task Force entity code');
export const Uuid = z.uuid();
export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });
/** ISO 8601 timestamp in, Date out. */
export const Timestamp = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((v) => new Date(v));
/**
 * Free text as PostgreSQL can store it: a NUL character is refused (text cannot hold it), a lone
 * UTF-16 surrogate (not a character) becomes U+FFFD, as any UTF-8 encoder would make it.
 */
const FreeText = z.string()
  .overwrite((s) => (s as string & { toWellFormed(): string }).toWellFormed())
  .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character')
  .trim();
export const Title = FreeText.min(3).max(300);
export const Description = FreeText.min(10).max(20_000);

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});
/** Standard error answers, listed once so OpenAPI shows them on every route. */
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } as const;

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Distinct values, order kept. */
export const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
