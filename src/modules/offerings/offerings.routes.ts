import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { errorResponses, IdParams, Uuid } from '../common.schemas.js';
import {
  BulkResult, CreateOfferingBody, ListOfferingsQuery, OfferingView, UpdateOfferingBody,
} from './offerings.schemas.js';

/** Bulk uploads may be larger than the 256 KiB default (an IATI file of a large donor). */
const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;
const ImportQuery = z.strictObject({ providerId: Uuid.optional() });

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
    schema: {
      tags: ['offerings'], summary: 'One offering',
      description: 'The import source, external reference and audit timestamps are shown to the offering\'s provider, CTED and admins only.',
      params: IdParams, response: { 200: OfferingView, ...errorResponses },
    },
    onRequest: app.requireRole(),
  }, async (req) => app.services.offerings.getFor(req.principal!, req.params.id));

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
    config: { long: true },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags: ['offerings'], summary: 'Create or update many offerings at once: a JSON array or text/csv (all-or-nothing)',
      description: 'JSON: an array of Offering bodies (each may carry `externalRef`). CSV columns: title, description, languages, modalities, regions, countries, availableFrom, availableUntil, capacity, budgetAmount, budgetCurrency, thematicAreas, externalRef (lists separated by `;`; budgetAmount in major units, e.g. 12500.50), and the same offering in other languages as title_fr and description_fr, title_ar and description_ar... (both of a language, or neither). Any invalid row rejects the whole upload, with one `details` entry per problem (`rows.N.field`, N the data row: the line under the header).',
      querystring: ImportQuery, response: { 201: BulkResult, ...errorResponses },
    },
    onRequest: owner,
  }, async (req, reply) => {
    const providerId = await app.services.offerings.resolveProvider(req.principal!, req.query.providerId);
    if (typeof req.body === 'string') return reply.code(201).send(await app.services.offerings.importCsv(req.principal!, providerId, req.body));
    if (Array.isArray(req.body)) return reply.code(201).send(await app.services.offerings.importJson(req.principal!, providerId, req.body));
    throw badRequest('Send a JSON array of offerings, or text/csv.', [{ path: 'body', message: 'expected an array' }]);
  });

  app.post('/v1/offerings/iati', {
    config: { long: true },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags: ['offerings'], summary: 'Import an IATI 2.03 iati-activities XML file (all-or-nothing; re-import updates)',
      description: 'Send the file as `application/xml`. Activities map to offerings: title, description, recipient countries and regions, activity dates and status, budget; DAC sector codes are weighed as evidence beside the text when the areas are inferred. Under a provider key every activity\'s reporting-org/@ref must be the provider\'s IATI identifier (recorded by an admin), else 403 `foreign_reporting_org`; an admin may import any file for a provider. Title and description narratives in other languages (xml:lang) become `translations`.',
      querystring: ImportQuery, response: { 201: BulkResult, ...errorResponses },
    },
    onRequest: owner,
  }, async (req, reply) => {
    const providerId = await app.services.offerings.resolveProvider(req.principal!, req.query.providerId);
    if (typeof req.body !== 'string') throw badRequest('Send the IATI file as application/xml.', [{ path: 'body', message: 'expected XML text' }]);
    return reply.code(201).send(await app.services.offerings.importIati(req.principal!, providerId, req.body));
  });
};
