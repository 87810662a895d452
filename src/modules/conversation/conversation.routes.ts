import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { acceptUploads } from '../attachments/uploads.plugin.js';
import {
  AnsweredBody, EditMessageBody, MessageParams, MessageView, PostMessageBody, SearchQuery, SearchResult, ThreadView, Timeline,
} from './conversation.schemas.js';

/** The conversation on each request: its participants read, post, ask, answer and edit; CTED searches. */
export const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  await acceptUploads(app, app.deps.config);
  const anyone = app.requireRole();

  app.get('/v1/requests/:id/messages', {
    schema: { tags: ['conversation'], summary: 'The request\'s conversation as the caller may read it (internal messages: CTED and entities only)', params: IdParams, response: { 200: ThreadView, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.conversation.thread(req.principal!, req.params.id));

  app.post('/v1/requests/:id/messages', {
    schema: {
      tags: ['conversation'], summary: 'Post a message, a question (with `addressee`) or an answer (with `answers`)',
      description: '`visibility` is required: `shared` (the state and every participant read it) or `internal` (CTED and the entities only). JSON, or multipart/form-data with the same fields and `file` fields for documents.',
      consumes: ['application/json', 'multipart/form-data'],
      params: IdParams, body: PostMessageBody, response: { 201: MessageView, ...errorResponses },
    },
    onRequest: anyone,
  }, async (req, reply) => reply.code(201).send(await app.services.conversation.post(req.principal!, req.params.id, req.body)));

  app.patch('/v1/requests/:id/messages/:messageId', {
    schema: { tags: ['conversation'], summary: 'The author edits a message; earlier texts are kept and shown', params: MessageParams, body: EditMessageBody, response: { 200: MessageView, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.conversation.edit(req.principal!, req.params.id, req.params.messageId, req.body.body));

  app.post('/v1/requests/:id/messages/:messageId/answered', {
    schema: { tags: ['conversation'], summary: 'Mark a question answered (its addressee, its author or CTED)', params: MessageParams, body: AnsweredBody, response: { 200: MessageView, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.conversation.markAnswered(req.principal!, req.params.id, req.params.messageId, req.body?.answerId));

  app.get('/v1/requests/:id/timeline', {
    schema: { tags: ['conversation'], summary: 'The request\'s history with its conversation: status changes, messages, questions, answers, edits, documents', params: IdParams, response: { 200: Timeline, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.conversation.timeline(req.principal!, req.params.id));

  app.get('/v1/messages/search', {
    schema: { tags: ['conversation'], summary: 'Search every conversation, in any of the six languages (CTED)', querystring: SearchQuery, response: { 200: SearchResult, ...errorResponses } },
    onRequest: app.requireRole('cted', 'admin'),
  }, async (req) => app.services.conversation.search(req.principal!, req.query));
};
