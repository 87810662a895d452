import { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrateAndSeed } from '../db/migrate.js';
import { createJobHandlers } from '../workers/handlers.js';
import type { Config } from './config.js';
import { coreEventRouter, createOutboxRelay, type OutboxRelay } from './modules/events/outbox.relay.js';
import { createQueueDriver } from './queue/index.js';
import { webhookEventRouter } from './modules/webhooks/webhooks.service.js';
import { nightlyRescreenJob, screeningEventRouter } from './modules/screening/screening.events.js';
import { attachmentsEventRouter } from './modules/attachments/attachments.events.js';
import { jobIdFor, type JobContext } from './queue/jobs.js';
import type { QueueDriver } from './queue/queue.driver.js';
import { createServices, type Services } from './services.js';

export interface Runtime {
  config: Config;
  db: DatabaseHandle;
  queue: QueueDriver;
  services: Services;
  redis?: Redis;
  relay?: OutboxRelay;
  /** Stops consumers and the relay, then closes connections. */
  close(): Promise<void>;
}

type Log = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/** Opens the database (migrating it) and the queue; the same code for both modes. */
export async function openRuntime(config: Config, _log: Log): Promise<Runtime> {
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DATABASE_POOL_MAX });
  await migrateAndSeed(db, config.DATABASE_URL);
  const queue = createQueueDriver(config);
  const services = createServices({ db: db.db, query: db.query, queue, config });
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => { /* rate limiting skips on error; health reports the queue */ });
  }
  const rt: Runtime = {
    config, db, queue, services, redis,
    async close() {
      await rt.relay?.stop();
      await queue.close();
      if (redis) { await redis.quit().catch(() => {}); redis.disconnect(); }
      await db.close();
    },
  };
  return rt;
}

/** Starts the consumers: job handlers, the outbox relay and the periodic escalation check. */
export async function startConsumers(rt: Runtime, log: Log): Promise<void> {
  // Build the offering index before taking jobs, so the first request does not pay for it.
  await rt.services.matching.syncIndex().catch((err) => log.warn({ err: String(err) }, 'could not pre-load the offering index'));
  const handlers = createJobHandlers(rt.services) as Record<string, (d: unknown, c: never) => Promise<void>>;
  // Every job is timed for /metrics, in whichever process runs it.
  const timed = Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, async (d: unknown, c: JobContext) => {
    const end = rt.services.metrics.jobDuration.startTimer({ job: name });
    // Log lines of a job carry the id of the HTTP request that caused it.
    const traceId = (d as { traceId?: string }).traceId;
    const bound = (fn: (o: object, m?: string) => void) => (o: object, m?: string) => fn.call(c.log, { traceId, ...o }, m);
    const ctx = traceId ? { ...c, log: { info: bound(c.log.info), warn: bound(c.log.warn), error: bound(c.log.error) } } : c;
    try { await h(d, ctx as never); end({ outcome: 'ok' }); } catch (err) { end({ outcome: 'error' }); throw err; }
  }]));
  await rt.queue.consume(timed, {
    concurrency: rt.config.WORKER_CONCURRENCY,
    onDeadLetter: (dl) => rt.services.deadLetters.store(dl),
    log,
  });
  rt.relay = createOutboxRelay({ db: rt.db.db, queue: rt.queue, routers: [coreEventRouter, webhookEventRouter, screeningEventRouter, attachmentsEventRouter], log, pollMs: rt.config.OUTBOX_POLL_MS });
  rt.relay.start();
  // The hourly escalation sweep; a fixed id per hour means many workers enqueue it once.
  const sweep = () => rt.queue.enqueue('escalate-overdue', {}, { jobId: jobIdFor('escalate-overdue', new Date().toISOString().slice(0, 13)) }).catch(() => {});
  void sweep();
  const t = setInterval(sweep, 15 * 60_000);
  t.unref();
  // The nightly screening re-run, enqueued the same way with a fixed id per day (and the run itself keyed by the day).
  const nightly = () => { const j = nightlyRescreenJob(new Date()); return rt.queue.enqueue('screening-rescreen', j.data, { jobId: j.jobId }).catch(() => {}); };
  void nightly();
  const tNightly = setInterval(nightly, 15 * 60_000);
  tNightly.unref();
  const close = rt.close;
  rt.close = async () => { clearInterval(t); clearInterval(tNightly); await close(); };
}
