import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { DatabaseHandle } from '../db/client.js';
import type { Config } from './config.js';
import { adminRoutes } from './modules/admin/admin.routes.js';
import { analyticsRoutes } from './modules/analytics/analytics.routes.js';
import { attachmentRoutes } from './modules/attachments/attachments.routes.js';
import { conversationRoutes } from './modules/conversation/conversation.routes.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { entityRoutes } from './modules/entities/entities.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { learningRoutes } from './modules/learning/learning.routes.js';
import { needRoutes } from './modules/needs/needs.routes.js';
import { offeringRoutes } from './modules/offerings/offerings.routes.js';
import { referenceRoutes } from './modules/reference/reference.routes.js';
import { requestRoutes } from './modules/requests/requests.routes.js';
import { reviewRoutes } from './modules/review/review.routes.js';
import { screeningRoutes } from './modules/screening/screening.routes.js';
import { ssoRoutes } from './modules/sso/sso.routes.js';
import { operationsRoutes } from './modules/operations/operations.routes.js';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.js';
import { notificationRoutes } from './modules/notifications/notifications.routes.js';
import { savedSearchRoutes } from './modules/saved-searches/saved-searches.routes.js';
import { unsubscribePlugin } from './web/unsubscribe.plugin.js';
import authPlugin from './plugins/auth.plugin.js';
import errorHandler from './plugins/error-handler.plugin.js';
import { responseSerializer } from './plugins/response-serializer.js';
import { logSerializers } from './plugins/log-serializers.js';
import security from './plugins/security.plugin.js';
import swagger from './plugins/swagger.plugin.js';
import type { QueueDriver } from './queue/queue.driver.js';
import { SESSION_COOKIE } from './web/session.js';
import { notFoundPage, webPlugin } from './web/web.plugin.js';
import { createServices, type Services } from './services.js';
import { UNPACED } from './job-pacer.js';
import { keyGenerationReader } from './modules/admin/key-revocations.js';

/** What the app is built from; tests pass their own. */
export interface AppDeps {
  config: Config;
  db: DatabaseHandle;
  queue: QueueDriver;
  /** Redis for the shared rate-limit store (BullMQ mode). */
  redis?: Redis;
  services?: Services;
  logger?: FastifyServerOptions['logger'];
  /** The rate limits' clock; tests pass a still one. */
  now?: () => number;
  /** An existing pino logger (the server's), shared with the jobs. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
}

declare module 'fastify' {
  interface FastifyInstance { deps: AppDeps }
}

/** TRUST_PROXY as Fastify takes it; a hop count becomes the function Fastify itself makes of one (its types omit numbers). */
function trustProxyOption(v: Config['TRUST_PROXY']): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_addr, hop) => hop < v : v;
}

/** Builds the HTTP app: external plugins, then OneDoor's plugins, then the feature modules. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : { logger: deps.logger ?? { level: deps.config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], serializers: logSerializers } }),
    bodyLimit: 256 * 1024,
    // Off unless TRUST_PROXY names the proxies in front: then req.ip, req.protocol (Secure cookies) and req.host come from X-Forwarded-*.
    trustProxy: trustProxyOption(deps.config.TRUST_PROXY),
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && /^[\w-]{1,64}$/.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : crypto.randomUUID()),
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    // The router's own refusals (a malformed URL, a path part over maxParamLength) in OneDoor's error shape, as every other error.
    frameworkErrors: (err, _req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return (reply as unknown as FastifyReply).code(tooLong ? 414 : 400).send({ error: { code: tooLong ? 'uri_too_long' : 'bad_url', message: tooLong ? 'A part of the URL is too long.' : 'The URL is malformed.', details: [] } });
    },
    // Every answer is bounded: 503 when a route (its database reads above all) takes longer.
    handlerTimeout: deps.config.HANDLER_TIMEOUT_MS,
    // A client trickling its body a byte at a time is cut off (Node checks every 30 s).
    requestTimeout: deps.config.REQUEST_TIMEOUT_MS,
  }).withTypeProvider<ZodTypeProvider>();
  // Node enforces the request timeout only once the headers timeout (60 s by default) has passed too.
  app.server.headersTimeout = Math.min(app.server.headersTimeout, deps.config.REQUEST_TIMEOUT_MS);
  // Routes that move files or many rows (uploads, imports, exports, downloads, analytics) may take long on a
  // healthy system: each says so with `config: { long: true }` and gets the long bound.
  app.addHook('onRoute', (route) => {
    if (route.config?.long) route.handlerTimeout ??= deps.config.LONG_HANDLER_TIMEOUT_MS;
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer);
  // Bulk imports arrive as CSV or XML text.
  app.addContentTypeParser(['text/csv', 'application/xml', 'text/xml', 'application/iati+xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const services = deps.services ?? createServices({ db: deps.db.db, query: deps.db.query, queue: deps.queue, config: deps.config });
  app.decorate('deps', deps);
  app.decorate('services', services);

  const paced = services.pacer !== UNPACED;
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    // Embedded default: jobs wait while a request is being served ('close' comes once, answered or aborted).
    if (paced) { services.pacer.mark(); reply.raw.once('close', services.pacer.answered); }
    done();
  });
  // Every route's latency for /metrics (here, not in a module, so no plugin scope hides it).
  app.addHook('onResponse', (req, reply, done) => {
    services.metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  // 1. external and cross-cutting plugins
  await app.register(errorHandler, { htmlNotFound: notFoundPage });
  await app.register(security, {
    perMinute: deps.config.RATE_LIMIT_PER_MINUTE, lookupsPerMinute: deps.config.RATE_LIMIT_KEY_LOOKUPS_PER_MINUTE,
    sensitivePerMinute: deps.config.RATE_LIMIT_SENSITIVE_PER_MINUTE, redis: deps.redis, sessionCookie: SESSION_COOKIE, now: deps.now,
  });
  await app.register(swagger);
  await app.register(authPlugin, {
    keys: services.admin.keyLookup, adminKey: deps.config.ADMIN_API_KEY,
    // A key not seen valid lately costs a database read: its address pays for it from the lookup budget;
    // a request refused 401 counts against its address as an anonymous one does.
    beforeLookup: (req, digest) => (app.rateLimits.vouched(digest) ? undefined : app.rateLimits.take('lookup', `ip:${req.ip}`)),
    onValid: (digest) => app.rateLimits.vouch(digest),
    onRejected: (req) => app.rateLimits.chargeAddress(req),
    // Several processes may share PostgreSQL's keys: a revocation in one is seen by the others on their next request.
    revocationGeneration: deps.db.kind === 'postgres' ? keyGenerationReader(deps.db.query) : undefined,
  });

  // 2. feature modules
  await app.register(healthRoutes);
  await app.register(operationsRoutes);
  await app.register(referenceRoutes);
  await app.register(adminRoutes);
  await app.register(entityRoutes);
  await app.register(learningRoutes);
  await app.register(requestRoutes);
  await app.register(offeringRoutes);
  await app.register(needRoutes);
  await app.register(reviewRoutes);
  await app.register(webhookRoutes);
  await app.register(directoryRoutes);
  await app.register(analyticsRoutes);
  await app.register(screeningRoutes);
  await app.register(ssoRoutes);
  await app.register(conversationRoutes);
  await app.register(attachmentRoutes);
  await app.register(notificationRoutes);
  await app.register(savedSearchRoutes);
  await app.register(unsubscribePlugin);

  // 3. the web interface, over the same services
  await app.register(webPlugin);
  return app;
}
