import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../common.schemas.js';
import { CodeParams, CreateEntityBody, EntityView, UpdateEntityBody } from './entities.schemas.js';

/** Admins add and rename Task Force entities without a migration; old codes answer as aliases of their successor. */
export const entityRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = app.requireRole('admin');
  app.post('/v1/admin/entities', {
    schema: { tags: ['admin'], summary: 'Add a Task Force entity (optionally replacing old codes, which become its aliases)', body: CreateEntityBody, response: { 201: EntityView, ...errorResponses } },
    onRequest: admin,
  }, async (req, reply) => reply.code(201).send(await app.services.entities.create(req.principal!, req.body)));

  app.patch('/v1/admin/entities/:code', {
    schema: { tags: ['admin'], summary: 'Rename an entity, change its kind, or record its successor', params: CodeParams, body: UpdateEntityBody, response: { 200: EntityView, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.entities.update(req.principal!, req.params.code, req.body));

  app.get('/v1/admin/entities', {
    schema: { tags: ['admin'], summary: 'Every entity, superseded ones included, with names, successor and aliases', response: { 200: z.object({ items: z.array(EntityView) }), ...errorResponses } },
    onRequest: admin,
  }, async () => ({ items: await app.services.entities.list() }));
};
