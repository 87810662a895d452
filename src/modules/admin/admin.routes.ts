import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { ApiKeyItem, CreateApiKeyBody, CreatedApiKey, CreateProviderBody, EntitySuggestion, ProviderItem, UpdateProviderBody } from './admin.schemas.js';

/** Admin-only set-up: API keys and providers. */
export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = app.requireRole('admin');
  app.post('/v1/api-keys', {
    schema: { tags: ['admin'], summary: 'Create an API key (shown once)', body: CreateApiKeyBody, response: { 201: CreatedApiKey, ...errorResponses } },
    onRequest: admin,
    config: { rateLimit: 'sensitive' },
  }, async (req, reply) => reply.code(201).send(await app.services.admin.createKey(req.principal!, req.body)));

  app.get('/v1/api-keys', {
    schema: { tags: ['admin'], summary: 'List API keys (never their secrets)', response: { 200: z.object({ items: z.array(ApiKeyItem) }), ...errorResponses } },
    onRequest: admin,
  }, async () => ({ items: await app.services.admin.listKeys() }));

  app.delete('/v1/api-keys/:id', {
    schema: { tags: ['admin'], summary: 'Revoke an API key', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    onRequest: admin,
  }, async (req, reply) => {
    await app.services.admin.revokeKey(req.principal!, req.params.id);
    app.forgetKeyCache();
    return reply.code(204).send(null);
  });

  app.post('/v1/providers', {
    schema: { tags: ['admin'], summary: 'Register a provider', body: CreateProviderBody, response: { 201: ProviderItem, ...errorResponses } },
    onRequest: admin,
  }, async (req, reply) => reply.code(201).send(await app.services.admin.createProvider(req.principal!, req.body)));

  app.patch('/v1/providers/:id', {
    schema: {
      tags: ['admin'], summary: 'Set or clear the Task Force entity a provider is (and its kind or name)',
      description: '`entity: null` unlinks the provider. An entity needs kind `task_force_entity`. Audited with before and after; the provider\'s offerings are routed on the new entity from then on.',
      params: IdParams, body: UpdateProviderBody, response: { 200: ProviderItem, ...errorResponses },
    },
    onRequest: admin,
  }, async (req) => app.services.admin.updateProvider(req.principal!, req.params.id, req.body));

  app.get('/v1/providers/:id/entity-suggestion', {
    schema: { tags: ['admin'], summary: 'The Task Force entity a provider\'s name most likely refers to, for the admin to confirm', params: IdParams, response: { 200: EntitySuggestion, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.admin.entitySuggestion(req.params.id));

  app.get('/v1/providers', {
    schema: { tags: ['admin'], summary: 'List providers', response: { 200: z.object({ items: z.array(ProviderItem) }), ...errorResponses } },
    onRequest: app.requireRole('admin', 'cted', 'entity'),
  }, async () => ({ items: await app.services.admin.listProviders() }));
};
