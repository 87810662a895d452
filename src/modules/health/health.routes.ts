import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createHealthService } from './health.service.js';

const Up = z.enum(['ok', 'down']);
const Health = z.object({
  status: z.enum(['ok', 'degraded']), db: Up, queue: Up, mode: z.object({ db: z.string(), queue: z.string() }),
  workers: z.object({ alive: z.number().nullable() }),
  outbox: z.object({ unrelayed: z.number().nullable(), oldestSeconds: z.number().nullable() }),
});
const Ready = z.object({
  status: z.enum(['ready', 'not_ready']),
  failing: z.array(z.enum(['db', 'queue', 'workers', 'outbox'])),
  checks: z.object({
    db: z.object({ status: Up }),
    queue: z.object({ status: Up }),
    workers: z.object({
      status: z.enum(['ok', 'none', 'unknown']), alive: z.number().nullable(),
      consumers: z.array(z.object({ id: z.string(), host: z.string(), pid: z.number(), startedAt: z.string(), beatAt: z.string() })),
    }),
    outbox: z.object({ status: z.enum(['ok', 'lagging', 'unknown']), unrelayed: z.number().nullable(), oldestSeconds: z.number().nullable(), maxLagSeconds: z.number() }),
    matching: z.object({ waiting: z.number().nullable(), oldestSeconds: z.number().nullable(), strandedAfterSeconds: z.number() }),
    deadLetters: z.object({ unstored: z.number() }),
  }),
});

/**
 * `GET /health` (the contract's liveness: can this process reach its database and queue) and
 * `GET /health/ready` (is the system doing its work: a worker consuming, the outbox relayed).
 * See docs/operations.md for what each means and which to wire where.
 */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const health = createHealthService({ db: app.deps.db, queue: app.deps.queue, spool: app.services.deadLetterSpool, config: app.deps.config });
  health.registerMetrics(app.services.metrics.registry);

  app.get('/health', {
    schema: { tags: ['operations'], summary: 'Liveness: database and queue reachable (also reports workers and outbox)', response: { 200: Health, 503: Health } },
    config: { rateLimit: false },
  }, async (_req, reply) => {
    const live = await health.liveness();
    return reply.code(live.status === 'ok' ? 200 : 503).send(live);
  });

  app.get('/health/ready', {
    schema: { tags: ['operations'], summary: 'Readiness: a worker is consuming and the outbox is relayed', response: { 200: Ready, 503: Ready } },
    config: { rateLimit: false },
  }, async (_req, reply) => {
    const ready = await health.readiness();
    return reply.code(ready.status === 'ready' ? 200 : 503).send(ready);
  });
};
