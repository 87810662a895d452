import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, isConnectionError, RateLimitedError, unstorableText, type ErrorDetail } from '../errors.js';
import { isApiPath } from './security.plugin.js';
import { MB } from '../modules/attachments/file-inspect.js';

const body = (code: string, message: string, details: ErrorDetail[] = []) => ({ error: { code, message, details } });

/** Renders every 4xx/5xx in the contract's error shape; 5xx messages are never leaked. */
export default fp(async function errorHandler(app: FastifyInstance, opts: { htmlNotFound?: (req: FastifyRequest, reply: FastifyReply) => unknown }) {
  app.setNotFoundHandler((req, reply) => {
    // A browser asking for a page that does not exist gets the web interface's 404 page; API clients get the error shape.
    if (opts.htmlNotFound && req.method === 'GET' && String(req.headers.accept ?? '').includes('text/html') && !isApiPath(req.url)) {
      return opts.htmlNotFound(req, reply);
    }
    reply.code(404).send(body('not_found', `No route for ${req.method} ${req.url.split('?')[0]}.`));
  });

  app.setErrorHandler((thrown: FastifyError | AppError | Error, req, reply) => {
    const err = unstorableText(thrown) ?? thrown;
    if (err instanceof AppError) {
      if (err instanceof RateLimitedError) reply.headers(err.headers);
      if (err.statusCode === 503) reply.header('retry-after', '5');
      return reply.code(err.statusCode).send(body(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const details = err.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const prefix = where === 'body' ? '' : where;
        const join = (...parts: string[]) => parts.filter(Boolean).join('.');
        const keys = v.keyword === 'unrecognized_keys' ? ((v.params as { keys?: string[] })?.keys ?? []) : [];
        if (keys.length) return keys.map((k) => ({ path: join(prefix, path, k), message: 'unknown field' }));
        return [{ path: join(prefix, path) || where, message: v.message ?? 'invalid' }];
      }).flat();
      return reply.code(400).send(body('validation_failed', `The ${where} is not valid.`, details));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return reply.code(500).send(body('internal_error', 'Something went wrong on our side.'));
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The route's own limit (bulk imports take 5 MiB), else the contract's 256 KiB.
      const limit = req.routeOptions.bodyLimit ?? 256 * 1024;
      const size = limit >= 1024 * 1024 ? MB(limit) : `${Math.round(limit / 1024)} KiB`;
      return reply.code(413).send(body('payload_too_large', `The body is larger than ${size}.`));
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(body('unsupported_media_type', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted here.`));
    }
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return reply.code(400).send(body('validation_failed', 'The body is not valid JSON.', [{ path: 'body', message: err.message }]));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send(body(String(fe.code ?? 'bad_request').toLowerCase(), err.message));
    }
    if (isConnectionError(err)) {
      req.log.warn({ err: err.message }, 'database unavailable');
      return reply.code(503).header('retry-after', '5').send(body('service_unavailable', 'The database is not reachable; try again shortly.'));
    }
    if (fe.code === 'FST_ERR_HANDLER_TIMEOUT') {
      req.log.warn({ err: err.message }, 'no answer within the handler timeout');
      return reply.code(503).header('retry-after', '5').send(body('service_unavailable', 'The service did not answer in time (its database may be unreachable); try again shortly.'));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(body('internal_error', 'Something went wrong on our side.'));
  });
}, { name: 'error-handler' });
