import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { multipartError, multipartOptions } from './upload.js';

/**
 * Makes the routes of the calling (encapsulated) plugin accept multipart/form-data uploads, and
 * turns the parser's own refusals into OneDoor's errors before the usual error handler answers.
 */
export async function acceptUploads(app: FastifyInstance, config: Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENTS_PER_MESSAGE'>): Promise<void> {
  await app.register(multipart, multipartOptions(config));
  app.setErrorHandler((err) => { throw multipartError(err) ?? err; });
}
