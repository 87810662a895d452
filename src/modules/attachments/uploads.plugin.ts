import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { checkUploadTotal, countUpload, multipartError, multipartOptions } from './upload.js';

/**
 * Makes the routes of the calling (encapsulated) plugin accept multipart/form-data uploads held to
 * UPLOAD_MAX_TOTAL_BYTES while they arrive, and turns the parser's own refusals into OneDoor's errors
 * before the usual error handler answers.
 */
export async function acceptUploads(app: FastifyInstance, config: Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENTS_PER_MESSAGE' | 'UPLOAD_MAX_TOTAL_BYTES'>): Promise<void> {
  // preParsing: after the route's own checks (who may upload here), before the parser reads a byte.
  app.addHook('preParsing', (req, _reply, payload, done) => {
    try {
      if (/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) countUpload(req, config.UPLOAD_MAX_TOTAL_BYTES);
      done(null, payload);
    } catch (err) { done(err as Error); }
  });
  await app.register(multipart, multipartOptions(config));
  // After the parser's own preValidation hook: the fields after the last file count too.
  app.addHook('preValidation', async (req) => { checkUploadTotal(req); });
  app.setErrorHandler((err, _req, reply) => {
    const e = multipartError(err) ?? err;
    // The client may still be sending the rest of a body too large to read: the answer closes the connection.
    if (e instanceof AppError && e.statusCode === 413) reply.header('connection', 'close');
    throw e;
  });
}
