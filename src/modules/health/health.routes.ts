import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Health = z.object({ status: z.enum(['ok', 'degraded']), db: z.enum(['ok', 'down']), queue: z.enum(['ok', 'down']), mode: z.object({ db: z.string(), queue: z.string() }) });

/** Liveness of the two things OneDoor cannot work without. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: { tags: ['operations'], summary: 'Database and queue status', response: { 200: Health, 503: Health } },
    config: { rateLimit: false },
  }, async (_req, reply) => {
    const [db, queue] = await Promise.all([
      app.deps.db.ping(1500).then(() => 'ok' as const, () => 'down' as const),
      app.deps.queue.ping(1000).then(() => 'ok' as const, () => 'down' as const),
    ]);
    const ok = db === 'ok' && queue === 'ok';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', db, queue, mode: { db: app.deps.db.kind, queue: app.deps.queue.kind } });
  });
};
