import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams, Uuid } from '../common.schemas.js';
import {
  AssignmentBody, AssignmentPlan, AttachBody, BulkDecisionBody, CodeParams, DecideRequestBody, DecideRequestResult, DecisionBody, DecisionResult, DuplicateDecisionBody,
  DuplicateParams, EntityActionBody, EntityQueueItem, InboxItem, ReasonBody, RequestActionResult, ResponseBody, ReviewItem, ReviewQueueQuery, RouteBody, TriagePage, TriageQuery,
} from './review.schemas.js';

/** CTED reviews proposals; entities act on what is routed to them; providers answer. */
export const reviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const cted = app.requireRole('cted', 'admin');

  app.get('/v1/review/queue', {
    schema: { tags: ['review'], summary: 'Pending proposed matches, oldest first (CTED)', querystring: ReviewQueueQuery, response: { 200: z.object({ items: z.array(ReviewItem) }), ...errorResponses } },
    onRequest: cted,
  }, async (req) => ({ items: await app.services.review.reviewQueue(req.query) }));

  app.post('/v1/matches/:id/decision', {
    schema: { tags: ['review'], summary: 'Approve, reject (with a reason) or reassign (with a note) a proposed match', params: IdParams, body: DecisionBody, response: { 200: DecisionResult, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.review.decide(req.principal!, req.params.id, req.body));

  app.post('/v1/requests/:id/decisions', {
    schema: {
      tags: ['review'], summary: 'Partial decisions on one request\'s proposals: approve one or several, reject others each with a reason (CTED)',
      description: 'All or nothing. Proposals neither approved nor rejected stay waiting for CTED. The request is routed once, to `entity` when given, else to the approved match\'s entity.',
      params: IdParams, body: DecideRequestBody, response: { 200: DecideRequestResult, ...errorResponses },
    },
    onRequest: cted,
  }, async (req) => app.services.review.decideRequest(req.principal!, req.params.id, req.body));

  app.get('/v1/review/requests', {
    schema: {
      tags: ['review'], summary: 'CTED\'s triage of requests: no proposal, handed back, not acted on, all declined, low confidence, possible duplicate, waiting too long',
      description: 'Open requests without an accepted offering that need CTED, each with its reasons (most pressing first) and age, oldest first. `view=parked` lists those marked unanswerable for now.',
      querystring: TriageQuery, response: { 200: TriagePage, ...errorResponses },
    },
    onRequest: cted,
  }, async (req) => app.services.triage.queue(req.principal!, req.query));

  app.post('/v1/requests/:id/attach', {
    schema: { tags: ['review'], summary: 'CTED attaches a proposable offering (found in the directory) and approves it; the request goes to the entity', params: IdParams, body: AttachBody, response: { 200: RequestActionResult.extend({ matchId: Uuid }), ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.triage.attachOffering(req.principal!, req.params.id, req.body));

  app.post('/v1/requests/:id/route', {
    schema: { tags: ['review'], summary: 'CTED routes the request to an entity of its choice, or asks the same entity again', params: IdParams, body: RouteBody, response: { 200: RequestActionResult, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.triage.route(req.principal!, req.params.id, req.body));

  app.post('/v1/requests/:id/park', {
    schema: { tags: ['review'], summary: 'CTED marks the request unanswerable for now: it stays open, and any new offering that fits is proposed', params: IdParams, body: ReasonBody, response: { 200: RequestActionResult, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.triage.park(req.principal!, req.params.id, req.body.reason));

  app.post('/v1/requests/:id/close', {
    schema: { tags: ['review'], summary: 'CTED closes the request (status rejected) with its reason', params: IdParams, body: ReasonBody, response: { 200: RequestActionResult, ...errorResponses } },
    onRequest: cted,
  }, async (req) => app.services.triage.close(req.principal!, req.params.id, req.body.reason));

  app.post('/v1/requests/:id/duplicates/:otherId', {
    schema: {
      tags: ['review'], summary: 'CTED confirms (merge: the later request points to the earlier and is closed) or dismisses a possible duplicate',
      params: DuplicateParams, body: DuplicateDecisionBody,
      response: { 200: RequestActionResult.extend({ duplicateOf: Uuid.nullable(), decision: z.enum(['confirmed', 'dismissed']) }), ...errorResponses },
    },
    onRequest: cted,
  }, async (req) => app.services.triage.decideDuplicate(req.principal!, req.params.id, req.params.otherId, req.body));

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
    schema: { tags: ['review'], summary: 'Requests routed to a Task Force entity', params: CodeParams, response: { 200: z.object({ items: z.array(EntityQueueItem) }), ...errorResponses } },
    onRequest: app.requireRole('entity', 'cted', 'admin'),
  }, async (req) => ({ items: await app.services.review.entityQueue(req.principal!, req.params.code) }));

  app.post('/v1/requests/:id/entity-action', {
    schema: { tags: ['review'], summary: 'The routed entity acknowledges, forwards a match to its provider, or hands the request back to CTED', params: IdParams, body: EntityActionBody, response: { 200: z.object({ requestId: Uuid, status: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('entity', 'cted', 'admin'),
  }, async (req) => app.services.review.entityAction(req.principal!, req.params.id, req.body));

  app.get('/v1/inbox', {
    schema: { tags: ['review'], summary: 'Matches that reached this provider', response: { 200: z.object({ items: z.array(InboxItem) }), ...errorResponses } },
    onRequest: app.requireRole('provider'),
  }, async (req) => ({ items: await app.services.review.providerInbox(req.principal!) }));

  app.post('/v1/matches/:id/response', {
    schema: { tags: ['review'], summary: 'The provider accepts or declines (with a reason code) a match', params: IdParams, body: ResponseBody, response: { 200: z.object({ matchId: Uuid, status: z.string(), requestId: Uuid, requestStatus: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('provider', 'admin'),
  }, async (req) => app.services.review.respond(req.principal!, req.params.id, req.body));

  app.post('/v1/requests/:id/start-delivery', {
    schema: { tags: ['review'], summary: 'Delivery has started (accepting provider, routed entity, CTED)', params: IdParams, response: { 200: z.object({ id: Uuid, status: z.string() }), ...errorResponses } },
    onRequest: app.requireRole('provider', 'entity', 'cted', 'admin'),
  }, async (req) => app.services.review.startDelivery(req.principal!, req.params.id));
};
