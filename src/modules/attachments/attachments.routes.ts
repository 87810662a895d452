import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { AttachmentList, AttachmentView, MatchingBody, UploadAttachmentsBody } from './attachments.schemas.js';
import { sendDownload } from './download.js';
import { acceptUploads } from './uploads.plugin.js';

const uploadDoc = 'multipart/form-data: one or more `file` fields and `purpose`. Each file must be a PDF, DOCX, ODT, XLSX, CSV, PNG or JPEG, read from its content (the name must agree); at most ATTACHMENT_MAX_BYTES each and UPLOAD_MAX_TOTAL_BYTES in all (a larger upload is refused 413 while it arrives, reason `upload_too_large`). A refused file answers `attachment_refused` with the reason in `details`.';

/** Documents on requests and offerings, and their downloads. */
export const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  await acceptUploads(app, app.deps.config);

  app.post('/v1/requests/:id/attachments', {
    config: { long: true },
    schema: {
      tags: ['documents'], summary: 'Attach documents to a request (the state, CTED, the routed entity)', description: uploadDoc, consumes: ['multipart/form-data'],
      params: IdParams, body: UploadAttachmentsBody, response: { 201: AttachmentList, ...errorResponses },
    },
    onRequest: app.requireRole('member_state', 'cted', 'entity', 'admin'),
  }, async (req, reply) => reply.code(201).send({ items: await app.services.attachments.addToRequest(req.principal!, req.params.id, req.body) }));

  app.get('/v1/requests/:id/attachments', {
    config: { long: true },
    schema: { tags: ['documents'], summary: 'A request\'s documents, with those of the messages the caller may read', params: IdParams, response: { 200: AttachmentList, ...errorResponses } },
    onRequest: app.requireRole(),
  }, async (req) => ({ items: await app.services.attachments.listForRequest(req.principal!, req.params.id) }));

  app.post('/v1/offerings/:id/attachments', {
    config: { long: true },
    schema: {
      tags: ['documents'], summary: 'Attach a programme sheet to an offering (its provider)', description: uploadDoc, consumes: ['multipart/form-data'],
      params: IdParams, body: UploadAttachmentsBody.omit({ useForMatching: true }), response: { 201: AttachmentList, ...errorResponses },
    },
    onRequest: app.requireRole('provider', 'admin'),
  }, async (req, reply) => reply.code(201).send({ items: await app.services.attachments.addToOffering(req.principal!, req.params.id, req.body) }));

  app.get('/v1/offerings/:id/attachments', {
    config: { long: true },
    schema: { tags: ['documents'], summary: 'An offering\'s documents', params: IdParams, response: { 200: AttachmentList, ...errorResponses } },
    onRequest: app.requireRole(),
  }, async (req) => ({ items: await app.services.attachments.listForOffering(req.principal!, req.params.id) }));

  app.get('/v1/attachments/:id', {
    config: { long: true },
    schema: { tags: ['documents'], summary: 'One document\'s description (who may read it follows what it belongs to)', params: IdParams, response: { 200: AttachmentView, ...errorResponses } },
    onRequest: app.requireRole(),
  }, async (req) => app.services.attachments.view(req.principal!, req.params.id));

  app.get('/v1/attachments/:id/content', {
    config: { long: true },
    schema: {
      tags: ['documents'], summary: 'Download a document',
      description: 'Always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff` and `Content-Security-Policy: default-src \'none\'; sandbox`, with the media type read from the content.',
      params: IdParams, produces: ['application/octet-stream'],
    },
    onRequest: app.requireRole(),
  }, async (req, reply) => {
    const { a, data } = await app.services.attachments.content(req.principal!, req.params.id);
    return sendDownload(reply, a, data);
  });

  app.put('/v1/attachments/:id/matching', {
    config: { long: true },
    schema: { tags: ['documents'], summary: 'The requesting state lets the matcher read a PDF or DOCX beside its request, or stops it', params: IdParams, body: MatchingBody, response: { 200: AttachmentView, ...errorResponses } },
    onRequest: app.requireRole('member_state'),
  }, async (req) => app.services.attachments.setMatching(req.principal!, req.params.id, req.body.useForMatching));
};
