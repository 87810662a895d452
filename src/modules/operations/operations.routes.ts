import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashApiKey, keyDigest } from '../../plugins/auth.plugin.js';
import { errorResponses, IdParams } from '../common.schemas.js';

/** Prometheus metrics (METRICS_TOKEN or the admin key), the dead-letter table, and (BullMQ mode) the queue dashboard. */
export const operationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const metrics = app.services.metrics;
  new Gauge({
    name: 'onedoor_queue_depth', help: 'Waiting + active + delayed jobs per job name', labelNames: ['job'], registers: [metrics.registry],
    async collect() {
      const depth = await app.deps.queue.depth().catch(() => ({} as Record<string, number>));
      for (const [job, n] of Object.entries(depth)) this.set({ job }, n);
    },
  });
  new Gauge({
    name: 'onedoor_outbox_backlog', help: 'Committed events not yet relayed to the queue', registers: [metrics.registry],
    async collect() {
      const rows = await app.deps.db.db.execute('select count(*)::int as n from outbox where published_at is null').catch(() => null);
      const list = rows ? (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) : [];
      this.set(Number((list[0] as { n?: number } | undefined)?.n ?? 0));
    },
  });

  const admin = app.requireRole('admin');
  // METRICS_TOKEN, when set, is what Prometheus sends (`Authorization: Bearer <token>`, compared as a
  // digest in constant time); the admin key is always accepted; nobody else reads the metrics.
  const tokenDigest = app.deps.config.METRICS_TOKEN ? Buffer.from(hashApiKey(app.deps.config.METRICS_TOKEN), 'hex') : null;
  const metricsReader = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const digest = keyDigest(req);
    if (tokenDigest && digest && timingSafeEqual(Buffer.from(digest, 'hex'), tokenDigest)) return done();
    admin(req, reply, done);
  };
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false }, onRequest: metricsReader }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/v1/admin/dead-letters', {
    schema: { tags: ['admin'], summary: 'Jobs that failed after every retry', response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), queue: z.string(), jobName: z.string(), jobId: z.string().nullable(), payload: z.record(z.string(), z.unknown()), error: z.string(), attempts: z.number(), failedAt: z.string() })) }), ...errorResponses } },
    onRequest: admin,
  }, async () => ({ items: await app.services.deadLetters.list() }));

  app.post('/v1/admin/dead-letters/:id/replay', {
    schema: { tags: ['admin'], summary: 'Run a dead job again', params: IdParams, response: { 202: z.object({ id: z.uuid(), replayed: z.literal(true) }), ...errorResponses } },
    onRequest: admin,
  }, async (req, reply) => { await app.services.deadLetters.replay(req.params.id); return reply.code(202).send({ id: req.params.id, replayed: true as const }); });

  const queue = app.deps.queue as { allQueues?: () => import('bullmq').Queue[] };
  if (queue.allQueues) {
    const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
      import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/fastify'),
    ]);
    const serverAdapter = new FastifyAdapter();
    createBullBoard({ queues: queue.allQueues().map((q) => new BullMQAdapter(q)), serverAdapter });
    serverAdapter.setBasePath('/admin/queues');
    await app.register(async (scoped) => {
      scoped.addHook('onRequest', admin);
      await scoped.register(serverAdapter.registerPlugin());
    }, { prefix: '/admin/queues' });
  }
};
