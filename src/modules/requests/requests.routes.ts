import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import {
  Accepted, ConsentBody, CreateRequestBody, FeedbackBody, ListRequestsQuery, PartsBody, PartsResult, RequestSummary, RequestView, WithdrawBody,
} from './requests.schemas.js';

/** Member states file and follow their requests here. */
export const requestRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/requests', {
    schema: {
      tags: ['requests'], summary: 'File a request for technical assistance (member state)',
      description: 'Answers 202 at once; matching runs in the background. Send an `Idempotency-Key` header to make retries safe.',
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: CreateRequestBody, response: { 202: Accepted, ...errorResponses },
    },
    onRequest: app.requireRole('member_state'),
  }, async (req, reply) => {
    const key = req.headers['idempotency-key'];
    const created = await app.services.requests.submit(req.principal!, req.body, typeof key === 'string' ? key : undefined);
    if (created.replayed) reply.header('idempotent-replayed', 'true');
    else app.services.metrics.requestsFiled.inc();
    return reply.code(202).header('location', `/v1/requests/${created.id}`).send({ id: created.id, status: created.status as z.infer<typeof Accepted>['status'] });
  });

  app.get('/v1/requests', {
    schema: {
      tags: ['requests'], summary: 'List requests (own for a state; routed ones for an entity; all for CTED)',
      querystring: ListRequestsQuery,
      response: { 200: z.object({ items: z.array(RequestSummary), nextOffset: z.number().nullable(), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    onRequest: app.requireRole('member_state', 'entity', 'cted', 'admin'),
  }, async (req) => app.services.requests.list(req.principal!, req.query));

  app.get('/v1/requests/:id', {
    schema: { tags: ['requests'], summary: 'A request with its matches, routing, linked needs and possible duplicates', params: IdParams, response: { 200: RequestView, ...errorResponses } },
    onRequest: app.requireRole(),
  }, async (req) => app.services.requests.view(req.principal!, req.params.id));

  app.post('/v1/requests/:id/withdraw', {
    schema: { tags: ['requests'], summary: 'Withdraw a request (the requesting state)', params: IdParams, body: WithdrawBody, response: { 200: Accepted, ...errorResponses } },
    onRequest: app.requireRole('member_state'),
  }, async (req) => app.services.requests.withdraw(req.principal!, req.params.id, req.body?.reason));

  app.put('/v1/requests/:id/parts', {
    schema: {
      tags: ['requests'], summary: 'CTED merges a request into one part or splits it into parts; matching runs again with them',
      description: 'One text merges the request (no parts); two or more split it, each part getting its own areas, route and matches. Only for a request in review or routed. Answers at once; `parts` in the request view shows the new parts when matching has run.',
      params: IdParams, body: PartsBody, response: { 200: PartsResult, ...errorResponses },
    },
    onRequest: app.requireRole('cted', 'admin'),
  }, async (req) => app.services.requests.setParts(req.principal!, req.params.id, req.body.parts, req.body.note));

  app.delete('/v1/requests/:id/parts', {
    schema: { tags: ['requests'], summary: 'CTED lets the engine split the request again (undoes a merge or split)', params: IdParams, response: { 200: PartsResult, ...errorResponses } },
    onRequest: app.requireRole('cted', 'admin'),
  }, async (req) => app.services.requests.setParts(req.principal!, req.params.id, null));

  app.put('/v1/requests/:id/consent', {
    schema: { tags: ['requests'], summary: 'Give or withdraw consent to share the request with providers', params: IdParams, body: ConsentBody, response: { 200: z.object({ id: z.uuid(), consentToShare: z.boolean() }), ...errorResponses } },
    onRequest: app.requireRole('member_state'),
  }, async (req) => app.services.requests.setConsent(req.principal!, req.params.id, req.body.consentToShare));

  app.post('/v1/requests/:id/feedback', {
    schema: {
      tags: ['requests'], summary: 'Complete a delivered request with the state\'s feedback', params: IdParams, body: FeedbackBody,
      response: { 200: z.object({ id: z.uuid(), status: z.literal('completed'), feedback: z.object({ outcome: z.string(), comment: z.string().optional(), at: z.string() }) }), ...errorResponses },
    },
    onRequest: app.requireRole('member_state'),
  }, async (req) => app.services.requests.complete(req.principal!, req.params.id, req.body));
};
