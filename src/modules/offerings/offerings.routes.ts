import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, type ErrorDetail } from '../../errors.js';
import { errorResponses, IdParams, Uuid } from '../common.schemas.js';
import { IatiFormatError, parseIatiActivities } from '../imports/iati.parser.js';
import { parseOfferingsCsv } from '../imports/csv.parser.js';
import {
  BulkResult, CreateOfferingBody, ListOfferingsQuery, OfferingView, UpdateOfferingBody,
} from './offerings.schemas.js';
import type { OfferingInput } from './offerings.service.js';

/** Bulk uploads may be larger than the 256 KiB default (an IATI file of a large donor). */
const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;
const MAX_BULK_ROWS = 5000;
const ImportQuery = z.strictObject({ providerId: Uuid.optional() });
const BulkRow = CreateOfferingBody.omit({ providerId: true }).extend({
  externalRef: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['open', 'closed']).optional(),
});

/** Validates each row on its own, so one upload reports every bad row and field at once. */
function validateRows(items: { row: number; value: unknown }[], schema: typeof BulkRow, errors: ErrorDetail[]): { row: number; value: OfferingInput }[] {
  const ok: { row: number; value: OfferingInput }[] = [];
  for (const item of items) {
    const v = schema.safeParse(item.value);
    if (v.success) ok.push({ row: item.row, value: v.data });
    else v.error.issues.forEach((i) => errors.push({ path: ['rows', item.row, ...i.path].join('.'), message: i.message }));
  }
  return ok;
}

/** Providers register and maintain what they offer. */
export const offeringRoutes: FastifyPluginAsyncZod = async (app) => {
  const owner = app.requireRole('provider', 'admin');

  app.post('/v1/offerings', {
    schema: { tags: ['offerings'], summary: 'Register an offering', body: CreateOfferingBody, response: { 201: OfferingView, ...errorResponses } },
    onRequest: owner,
  }, async (req, reply) => reply.code(201).send(await app.services.offerings.create(req.principal!, req.body)));

  app.get('/v1/offerings', {
    schema: { tags: ['offerings'], summary: 'List offerings (a provider sees its own)', querystring: ListOfferingsQuery, response: { 200: z.object({ items: z.array(OfferingView), nextOffset: z.number().nullable() }), ...errorResponses } },
    onRequest: app.requireRole('provider', 'admin', 'cted', 'entity'),
  }, async (req) => app.services.offerings.list(req.principal!, req.query));

  app.get('/v1/offerings/:id', {
    schema: { tags: ['offerings'], summary: 'One offering', params: IdParams, response: { 200: OfferingView, ...errorResponses } },
    onRequest: app.requireRole(),
  }, async (req) => app.services.offerings.get(req.params.id));

  app.patch('/v1/offerings/:id', {
    schema: { tags: ['offerings'], summary: 'Change an offering (owner or admin); also confirms it is current', params: IdParams, body: UpdateOfferingBody, response: { 200: OfferingView, ...errorResponses } },
    onRequest: owner,
  }, async (req) => app.services.offerings.update(req.principal!, req.params.id, req.body));

  app.post('/v1/offerings/:id/close', {
    schema: { tags: ['offerings'], summary: 'Close an offering', params: IdParams, response: { 200: OfferingView, ...errorResponses } },
    onRequest: owner,
  }, async (req) => app.services.offerings.close(req.principal!, req.params.id));

  app.post('/v1/offerings/:id/confirm', {
    schema: { tags: ['offerings'], summary: 'Confirm an offering is still current (freshness)', params: IdParams, response: { 200: OfferingView, ...errorResponses } },
    onRequest: owner,
  }, async (req) => app.services.offerings.confirm(req.principal!, req.params.id));

  app.post('/v1/offerings/bulk', {
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags: ['offerings'], summary: 'Create or update many offerings at once: a JSON array or text/csv (all-or-nothing)',
      description: 'JSON: an array of Offering bodies (each may carry `externalRef`). CSV columns: title, description, languages, modalities, regions, countries, availableFrom, availableUntil, capacity, budgetAmount, budgetCurrency, thematicAreas, externalRef (lists separated by `;`), and the same offering in other languages as title_fr and description_fr, title_ar and description_ar... (both of a language, or neither). Any invalid row rejects the whole upload, with one `details` entry per problem (`rows.N.field`).',
      querystring: ImportQuery, response: { 201: BulkResult, ...errorResponses },
    },
    onRequest: owner,
  }, async (req, reply) => {
    const providerId = await app.services.offerings.resolveProvider(req.principal!, req.query.providerId);
    const rowErrors: ErrorDetail[] = [];
    let items: { row: number; value: unknown }[];
    if (typeof req.body === 'string') {
      const parsed = parseOfferingsCsv(req.body);
      parsed.errors.forEach((e) => rowErrors.push({ path: `rows.${e.row}.${e.path}`, message: e.message }));
      items = parsed.items;
    } else if (Array.isArray(req.body)) {
      items = req.body.map((value, i) => ({ row: i + 1, value }));
    } else {
      throw badRequest('Send a JSON array of offerings, or text/csv.', [{ path: 'body', message: 'expected an array' }]);
    }
    if (items.length > MAX_BULK_ROWS) throw badRequest(`At most ${MAX_BULK_ROWS} rows per upload.`, [{ path: 'rows', message: `${items.length} rows` }]);
    const rows = validateRows(items, BulkRow, rowErrors);
    return reply.code(201).send(await app.services.offerings.upsertMany(req.principal!, providerId, rows, typeof req.body === 'string' ? 'csv' : 'bulk', rowErrors));
  });

  app.post('/v1/offerings/iati', {
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags: ['offerings'], summary: 'Import an IATI 2.03 iati-activities XML file (all-or-nothing; re-import updates)',
      description: 'Send the file as `application/xml`. Activities map to offerings: title, description, recipient countries and regions, DAC sectors → thematic areas, activity dates and status, budget; title and description narratives in other languages (xml:lang) become `translations`.',
      querystring: ImportQuery, response: { 201: BulkResult, ...errorResponses },
    },
    onRequest: owner,
  }, async (req, reply) => {
    const providerId = await app.services.offerings.resolveProvider(req.principal!, req.query.providerId);
    if (typeof req.body !== 'string') throw badRequest('Send the IATI file as application/xml.', [{ path: 'body', message: 'expected XML text' }]);
    const ref = await app.services.reference.get();
    let parsed;
    try {
      parsed = parseIatiActivities(req.body, {
        dacToArea: ref.dacToArea, iso2ToIso3: ref.iso2ToIso3, m49Regions: ref.regionCodes,
      });
    } catch (err) {
      if (err instanceof IatiFormatError) throw badRequest(err.message, err.details);
      throw err;
    }
    const rowErrors: ErrorDetail[] = parsed.errors.map((e) => ({ path: `rows.${e.row}.${e.path}`, message: e.message }));
    const rows = validateRows(parsed.items, BulkRow, rowErrors);
    return reply.code(201).send(await app.services.offerings.upsertMany(req.principal!, providerId, rows, 'iati', rowErrors));
  });
};
