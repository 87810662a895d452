import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { CreatedWebhook, CreateWebhookBody, DeliveryView, WebhookView } from './webhooks.schemas.js';

/** Webhook subscriptions of entities and providers, their delivery log and redelivery. */
export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const who = app.requireRole('entity', 'provider', 'cted', 'admin');
  app.post('/v1/webhooks', {
    schema: {
      tags: ['webhooks'], summary: 'Subscribe a URL to events (the secret is shown once)',
      description: 'Each delivery is a POST with `OneDoor-Timestamp`, `OneDoor-Delivery` (the delivery id, the same on every retry) and `OneDoor-Signature: v2=<hex HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>")>`. Receivers should verify it in constant time, refuse timestamps older than 5 minutes and deduplicate on the delivery id. The URL must reach a public address: its name is resolved and every address checked here and again at each delivery, which connects only to the address checked and never follows a redirect.',
      body: CreateWebhookBody, response: { 201: CreatedWebhook, ...errorResponses },
    },
    onRequest: who,
  }, async (req, reply) => reply.code(201).send(await app.services.webhooks.subscribe(req.principal!, req.body)));

  app.get('/v1/webhooks', {
    schema: { tags: ['webhooks'], summary: 'Own subscriptions', response: { 200: z.object({ items: z.array(WebhookView) }), ...errorResponses } },
    onRequest: who,
  }, async (req) => ({ items: await app.services.webhooks.list(req.principal!) }));

  app.delete('/v1/webhooks/:id', {
    schema: { tags: ['webhooks'], summary: 'Stop a subscription', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    onRequest: who,
  }, async (req, reply) => { await app.services.webhooks.remove(req.principal!, req.params.id); return reply.code(204).send(null); });

  app.get('/v1/webhooks/:id/deliveries', {
    schema: { tags: ['webhooks'], summary: 'Delivery log of a subscription', params: IdParams, response: { 200: z.object({ items: z.array(DeliveryView) }), ...errorResponses } },
    onRequest: who,
  }, async (req) => ({ items: await app.services.webhooks.deliveries(req.principal!, req.params.id) }));

  app.post('/v1/webhooks/deliveries/:id/redeliver', {
    schema: { tags: ['webhooks'], summary: 'Send a delivery again', params: IdParams, response: { 202: DeliveryView, ...errorResponses } },
    onRequest: who,
  }, async (req, reply) => reply.code(202).send(await app.services.webhooks.redeliver(req.principal!, req.params.id)));
};
