import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest } from '../../errors.js';
import { errorResponses, IdParams } from '../common.schemas.js';
import {
  DecisionBody, HitsPage, HitsQuery, HitView, LoadListQuery, LoadResult, ScreeningStatus,
} from './screening.schemas.js';

/** The published list is about 2.5 MB; a larger limit leaves room for its growth, not for anything else. */
const LIST_BODY_LIMIT = 32 * 1024 * 1024;

/** Sanctions screening for admins: the hits to decide, the loaded list and loading a new one. */
export const screeningRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = app.requireRole('admin');

  app.get('/v1/admin/screening/hits', {
    schema: { tags: ['screening'], summary: 'Screening hits (open by default), highest score first', querystring: HitsQuery, response: { 200: HitsPage, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.screening.listHits(req.query));

  app.get('/v1/admin/screening/hits/:id', {
    schema: { tags: ['screening'], summary: 'One screening hit with the list entry it matched', params: IdParams, response: { 200: HitView, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.screening.getHit(req.params.id));

  app.post('/v1/admin/screening/hits/:id/decision', {
    schema: {
      tags: ['screening'], summary: 'Clear (not this person or organisation; note required) or confirm a hit',
      description: 'The system never clears a hit by itself. An open or confirmed hit blocks the approval of the organisation or user.',
      params: IdParams, body: DecisionBody, response: { 200: HitView, ...errorResponses },
    },
    onRequest: admin,
  }, async (req) => app.services.screening.decide(req.params.id, req.body.decision, req.principal!, req.body.note));

  app.get('/v1/admin/screening/status', {
    schema: { tags: ['screening'], summary: 'The loaded Consolidated List, the last re-screen, subjects and open hits', response: { 200: ScreeningStatus, ...errorResponses } },
    onRequest: admin,
  }, async () => app.services.screening.status());

  app.post('/v1/admin/screening/list', {
    config: { long: true },
    bodyLimit: LIST_BODY_LIMIT,
    schema: {
      tags: ['screening'], summary: 'Load the UN Security Council Consolidated List (its XML) in place of the current one',
      description: 'Send consolidated.xml as `application/xml`. The list is replaced atomically and every registered subject is re-screened. The same file again changes nothing; an older file (dateGenerated) is refused unless `force=true`.',
      querystring: LoadListQuery, response: { 201: LoadResult, 200: LoadResult, ...errorResponses },
    },
    onRequest: admin,
  }, async (req, reply) => {
    if (typeof req.body !== 'string') throw badRequest('Send the Consolidated List as application/xml.', [{ path: 'body', message: 'expected XML text' }]);
    const r = await app.services.screening.loadList(req.principal!, req.body, { source: req.query.source ?? 'upload', force: req.query.force === 'true' });
    return reply.code(r.unchanged ? 200 : 201).send(r);
  });
};
