import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { errorResponses } from '../common.schemas.js';
import { CreateNeedBody, ListNeedsQuery, NeedsImportResult, NeedView } from './needs.schemas.js';

/** CTED loads the needs it identified. */
export const needRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/needs', {
    schema: { tags: ['needs'], summary: 'Record a need identified by CTED', body: CreateNeedBody, response: { 201: NeedView, ...errorResponses } },
    onRequest: app.requireRole('cted', 'admin'),
  }, async (req, reply) => reply.code(201).send(await app.services.needs.create(req.principal!, req.body)));

  app.get('/v1/needs', {
    schema: { tags: ['needs'], summary: 'List needs (a member state sees its own; an entity sees every need without its description)', querystring: ListNeedsQuery, response: { 200: z.object({ items: z.array(NeedView), nextOffset: z.number().nullable() }), ...errorResponses } },
    onRequest: app.requireRole('cted', 'admin', 'member_state', 'entity'),
  }, async (req) => app.services.needs.list(req.principal!, req.query));

  app.post('/v1/needs/import', {
    config: { long: true },
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['needs'], summary: 'Import CTED\'s needs matrix as text/csv (re-importing updates rather than duplicates)',
      description: 'Columns: memberState, description, priority, thematicArea (optional), identifiedAt (YYYY-MM-DD, optional), source (optional), needId (optional, the stable key of a row).',
      response: { 201: NeedsImportResult, ...errorResponses },
    },
    onRequest: app.requireRole('cted', 'admin'),
  }, async (req, reply) => {
    if (typeof req.body !== 'string') throw badRequest('Send the matrix as text/csv.', [{ path: 'body', message: 'expected CSV text' }]);
    return reply.code(201).send(await app.services.needs.importCsv(req.principal!, req.body));
  });
};
