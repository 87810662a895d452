import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams, Uuid } from '../common.schemas.js';
import {
  AssignmentBody, AssignmentPlan, BulkDecisionBody, CodeParams, DecisionBody, DecisionResult, EntityActionBody, EntityQueuePage, EntityQueueQuery, InboxPage, InboxQuery,
  ResponseBody, ReviewPage, ReviewQueueQuery,
} from './review.schemas.js';

/** CTED reviews proposals; entities act on what is routed to them; providers answer. */
export const reviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const cted = app.requireRole('cted', 'admin');

  app.get('/v1/review/queue', {
    schema: { tags: ['review'], summary: 'Pending proposed matches, oldest first (CTED), a page at a time', querystring: ReviewQueueQuery, response: { 200: ReviewPage, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.review.reviewQueue(req.query));

  app.post('/v1/matches/:id/decision', {
    schema: { tags: ['review'], summary: 'Approve, reject (with a reason) or reassign (with a note) a proposed match', params: IdParams, body: DecisionBody, response: { 200: DecisionResult, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.review.decide(req.principal!, req.params.id, req.body));

  app.post('/v1/matches/decisions', {
    schema: {
      tags: ['review'], summary: 'The same decision on many proposed matches',
      body: BulkDecisionBody,
      response: { 200: z.object({ results: z.array(z.object({ id: Uuid, ok: z.boolean(), error: z.string().optional(), result: DecisionResult.optional() })) }), ...errorResponses },
    },
    onRequest: cted,
  }, async (req) => {
    const { matchIds, ...d } = req.body;
    return { results: await app.services.review.decideMany(req.principal!, matchIds, d) };
  });

  app.post('/v1/review/assignments', {
    schema: {
      tags: ['review'], summary: 'Capacity-aware assignment of the requests waiting in review (plan, or apply as approvals)',
      description: 'Each request gets at most one offering and no offering more than its remaining capacity; the plan serves as many requests as possible, then maximises the lowest score any served request gets, then the total (min-cost flow). The greedy figures are returned beside it.',
      body: AssignmentBody, response: { 200: AssignmentPlan, ...errorResponses },
    },
    onRequest: cted,
  }, async (req) => app.services.review.planAssignments(req.principal!, req.body));

  app.get('/v1/entities/:code/queue', {
    schema: { tags: ['review'], summary: 'Requests routed to a Task Force entity, first routed first, a page at a time', params: CodeParams, querystring: EntityQueueQuery, response: { 200: EntityQueuePage, ...errorResponses } },
    onRequest: app.requireRole('entity', 'cted', 'admin'),
  }, async (req) => app.services.review.entityQueue(req.principal!, req.params.code, req.query));

  app.post('/v1/requests/:id/entity-action', {
    schema: { tags: ['review'], summary: 'The routed entity acknowledges, forwards a match to its provider, or hands the request back to CTED', params: IdParams, body: EntityActionBody, response: { 200: z.object({ requestId: Uuid, status: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('entity', 'cted', 'admin'),
  }, async (req) => app.services.review.entityAction(req.principal!, req.params.id, req.body));

  app.get('/v1/inbox', {
    schema: { tags: ['review'], summary: 'Matches that reached this provider, newest first, a page at a time', querystring: InboxQuery, response: { 200: InboxPage, ...errorResponses } },
    onRequest: app.requireRole('provider'),
  }, async (req) => app.services.review.providerInbox(req.principal!, req.query));

  app.post('/v1/matches/:id/response', {
    schema: { tags: ['review'], summary: 'The provider accepts or declines (with a reason code) a match', params: IdParams, body: ResponseBody, response: { 200: z.object({ matchId: Uuid, status: z.string(), requestId: Uuid, requestStatus: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('provider', 'admin'),
  }, async (req) => app.services.review.respond(req.principal!, req.params.id, req.body));

  app.post('/v1/requests/:id/start-delivery', {
    schema: { tags: ['review'], summary: 'Delivery has started (accepting provider, routed entity, CTED)', params: IdParams, response: { 200: z.object({ id: Uuid, status: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('provider', 'entity', 'cted', 'admin'),
  }, async (req) => app.services.review.startDelivery(req.principal!, req.params.id));
};
