import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { SavedSearchBody, SavedSearchList, SavedSearchView } from './saved-searches.schemas.js';

/** A provider's saved searches over open requests (its people are told of new ones). */
export const savedSearchRoutes: FastifyPluginAsyncZod = async (app) => {
  const provider = app.requireRole('provider');
  app.get('/v1/saved-searches', {
    schema: { tags: ['saved searches'], summary: 'The provider\'s saved searches', response: { 200: SavedSearchList, ...errorResponses } },
    onRequest: provider,
  }, async (req) => ({ items: await app.services.savedSearches.list(req.principal!) }));

  app.post('/v1/saved-searches', {
    schema: {
      tags: ['saved searches'], summary: 'Save a search; the person who saves it is told of each new open request it meets that the provider may see',
      description: 'Areas, regions (M49 codes or ISO3), modalities and words in any of the six languages; each criterion given must hold. A restricted request is never found.',
      body: SavedSearchBody, response: { 201: SavedSearchView, ...errorResponses },
    },
    onRequest: provider,
  }, async (req, reply) => reply.code(201).send(await app.services.savedSearches.create(req.principal!, req.body)));

  app.delete('/v1/saved-searches/:id', {
    schema: { tags: ['saved searches'], summary: 'Delete a saved search', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    onRequest: provider,
  }, async (req, reply) => { await app.services.savedSearches.remove(req.principal!, req.params.id); return reply.code(204).send(null); });
};
