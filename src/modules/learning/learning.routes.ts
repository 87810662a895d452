import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../common.schemas.js';
import { ApplyBody, ExamplesSummary, LearnedModelItem, ModelIdParams } from './learning.schemas.js';

/** Admin: the examples decisions left, the models fitted from them, and the audited apply. */
export const learningRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = app.requireRole('admin');

  app.get('/v1/admin/learning/examples', {
    config: { long: true },
    schema: { tags: ['learning'], summary: 'How many labelled examples decisions have left, by kind', response: { 200: ExamplesSummary, ...errorResponses } },
    onRequest: admin,
  }, async () => app.services.learning.summary());

  app.get('/v1/admin/learning/models', {
    config: { long: true },
    schema: { tags: ['learning'], summary: 'Models fitted from the examples (candidate, active, retired)', response: { 200: z.object({ items: z.array(LearnedModelItem) }), ...errorResponses } },
    onRequest: admin,
  }, async () => ({ items: await app.services.learning.list() }));

  app.post('/v1/admin/learning/models', {
    config: { long: true },
    schema: {
      tags: ['learning'], summary: 'Fit a model from every example and keep it as a candidate (changes no matching)',
      description: 'The figures on the eval sets are computed by `npm run learn -- --fit`, which stores the model with them; this call stores it without figures.',
      body: ApplyBody, response: { 201: LearnedModelItem, ...errorResponses },
    },
    onRequest: admin,
  }, async (req, reply) => reply.code(201).send(await app.services.learning.store(req.principal!, await app.services.learning.fit(), {}, req.body?.note)));

  app.get('/v1/admin/learning/models/:id', {
    config: { long: true },
    schema: { tags: ['learning'], summary: 'One model', params: ModelIdParams, response: { 200: LearnedModelItem, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.learning.get(req.params.id));

  app.post('/v1/admin/learning/models/:id/apply', {
    config: { long: true },
    schema: {
      tags: ['learning'], summary: 'Make a model the active one (audited); every matcher applies it at its next job',
      params: ModelIdParams, body: ApplyBody, response: { 200: LearnedModelItem, ...errorResponses },
    },
    onRequest: admin,
  }, async (req) => app.services.learning.apply(req.principal!, req.params.id, req.body?.note));

  app.post('/v1/admin/learning/retire', {
    config: { long: true },
    schema: { tags: ['learning'], summary: 'Retire the active model: matching goes back to the shipped behaviour (audited)', body: ApplyBody, response: { 200: z.object({ retired: z.string().nullable() }), ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.learning.retire(req.principal!, req.body?.note));
};
