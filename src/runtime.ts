import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { analyzeChanged } from '../db/maintenance.js';
import { migrateAndSeed } from '../db/migrate.js';
import { createJobHandlers } from '../workers/handlers.js';
import type { Config } from './config.js';
import { isConnectionError } from './errors.js';
import { coreEventRouter, createOutboxRelay, type OutboxRelay } from './modules/events/outbox.relay.js';
import { createQueueDriver } from './queue/index.js';
import type { InProcessQueueDriver } from './queue/in-process.driver.js';
import { webhookEventRouter } from './modules/webhooks/webhooks.service.js';
import { nightlyRescreenJob, screeningEventRouter } from './modules/screening/screening.events.js';
import { attachmentsEventRouter } from './modules/attachments/attachments.events.js';
import { NOTIFY_SCHEDULES, notificationsEventRouter } from './modules/notifications/notifications.events.js';
import { jobIdFor, type JobContext, type JobName } from './queue/jobs.js';
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

/** How often PGlite's tables are checked for statistics to refresh (it has no autovacuum; db/maintenance.ts). */
const PGLITE_ANALYZE_EVERY_MS = 60_000;

/** Start-up waits: 0.5 s, 1 s, 2 s, ... up to 15 s between tries, for as long as it takes. */
const STARTUP_BACKOFF = { firstMs: 500, maxMs: 15_000 } as const;

const where = (url: string | undefined) => {
  if (!url) return undefined;
  try { const u = new URL(url); return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`; } catch { return undefined; }
};

/**
 * Runs `attempt` until it succeeds, waiting with backoff while it fails on a connection error (the
 * database or Redis is not up yet: a host reboot, `docker compose up`, a restart), and saying so in
 * the log. Any other error (a wrong password, a broken migration) is thrown: waiting would not help.
 */
export async function untilReachable<T>(what: string, attempt: () => Promise<T>, log: Log, opts: { sleep?: (ms: number) => Promise<void>; at?: string } = {}): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let tries = 1; ; tries++) {
    try {
      const out = await attempt();
      if (tries > 1) log.info({ [what]: opts.at, tries }, `${what} is reachable; continuing start-up`);
      return out;
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      const retryInMs = Math.min(STARTUP_BACKOFF.maxMs, STARTUP_BACKOFF.firstMs * 2 ** Math.min(tries - 1, 10));
      log.warn({ [what]: opts.at, tries, retryInMs, err: err instanceof Error ? err.message : String(err) }, `${what} is not reachable yet; waiting and retrying`);
      await sleep(retryInMs);
    }
  }
}

/**
 * A promise rejected with nobody waiting for it would end the process (Node's default). When the
 * reason is a lost connection (a driver's internal query on a connection PostgreSQL or Redis reset
 * while restarting) the process logs it and goes on: every caller that awaited the connection gets
 * its own error, and the pools reconnect. Any other stray rejection is a bug: it is logged and the
 * process exits, as by default, for its supervisor to restart it.
 */
export function survivesLostConnections(log: Log, exit: (code: number) => void = (code) => process.exit(code)): void {
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? reason.message : String(reason);
    if (isConnectionError(reason)) { log.warn({ err }, 'a connection was lost under a query nobody awaited; continuing'); return; }
    log.error({ err, stack: reason instanceof Error ? reason.stack : undefined }, 'unhandled promise rejection; exiting');
    exit(1);
  });
}

/** Opens the database (migrating it, waiting for it if it is not up yet) and the queue; the same code for both modes. */
export async function openRuntime(config: Config, log: Log): Promise<Runtime> {
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DATABASE_POOL_MAX });
  await untilReachable('PostgreSQL', () => migrateAndSeed(db, config.DATABASE_URL), log, { at: where(config.DATABASE_URL) });
  const queue = createQueueDriver(config);
  const services = createServices({ db: db.db, query: db.query, queue, config, log });
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => { /* rate limiting skips on error; health reports the queue */ });
  }
  // PGlite runs no autovacuum: tables that changed enough are analysed here, each a paced job (the API's thread).
  // The first check soon after start (a data directory filled by an earlier run may never have been analysed).
  let analysing: Promise<unknown> | undefined;
  const analyseChanged = () => {
    analysing ??= analyzeChanged(db, async (analyse) => { await services.pacer.turn(); try { await analyse(); } finally { services.pacer.done(); } })
      .catch((err) => log.warn({ err: String(err) }, 'could not refresh the database statistics'))
      .finally(() => { analysing = undefined; });
  };
  const maintenance = db.kind === 'pglite' ? [setTimeout(analyseChanged, 1_000), setInterval(analyseChanged, PGLITE_ANALYZE_EVERY_MS)] : [];
  for (const t of maintenance) t.unref();
  const rt: Runtime = {
    config, db, queue, services, redis,
    async close() {
      for (const t of maintenance) clearTimeout(t);
      await analysing;
      await rt.relay?.stop();
      await services.deadLetterSpool.stop();
      await queue.close();
      await services.people.close();
      if (redis) { await redis.quit().catch(() => {}); redis.disconnect(); }
      await db.close();
    },
  };
  return rt;
}

/**
 * The embedded default's checkpoint (DATA_DIR/jobs-done-before): a time at which the in-process queue
 * was idle, so every event relayed before it had its jobs run. The start-up recovery takes again
 * the events relayed since the last checkpoint: their jobs may have died in memory with the process.
 */
const checkpointFile = (dataDir: string) => join(dataDir, 'jobs-done-before');
function readCheckpoint(dataDir: string): Date | null {
  try { const d = new Date(readFileSync(checkpointFile(dataDir), 'utf8').trim()); return Number.isNaN(d.getTime()) ? null : d; } catch { return null; }
}
/** Writes a checkpoint each time the queue is idle, at most every few seconds, while the process runs. */
async function checkpointWhileIdle(queue: InProcessQueueDriver, dataDir: string, log: Log) {
  mkdirSync(dataDir, { recursive: true });
  for (;;) {
    // Taken before waiting: an event relayed before `t` had its job enqueued before `t`, so it ran before the queue was idle.
    const t = new Date();
    await queue.idle();
    try { writeFileSync(checkpointFile(dataDir), t.toISOString()); } catch (err) { log.warn({ err: String(err) }, 'could not write the job checkpoint'); return; }
    await new Promise((r) => setTimeout(r, 5_000).unref());
  }
}

/** Every module's mapping from outbox events to jobs. */
const EVENT_ROUTERS = [coreEventRouter, webhookEventRouter, screeningEventRouter, attachmentsEventRouter, notificationsEventRouter];

/**
 * Starts the outbox relay in this process. API processes run it too (RELAY_IN_API): events then
 * reach the queue while every worker is down. Any number of relays may run: each takes its rows
 * with FOR UPDATE SKIP LOCKED and every job has a fixed id, so a replay is harmless.
 */
export function startRelay(rt: Runtime, log: Log): OutboxRelay {
  rt.relay ??= createOutboxRelay({ db: rt.db.db, queue: rt.queue, routers: EVENT_ROUTERS, log, pollMs: rt.config.OUTBOX_POLL_MS });
  rt.relay.start();
  return rt.relay;
}

/** Starts the consumers: job handlers, the outbox relay and the periodic escalation check and sweep. */
/**
 * `startedAt`: when this process's queue began (default: the process's start). What the database shows
 * pending from before it was held by an earlier process's in-process queue and is put back.
 */
export async function startConsumers(rt: Runtime, log: Log, opts: { outageDelayMs?: (n: number) => number; onHeartbeat?: () => void; startedAt?: Date } = {}): Promise<void> {
  // A worker started while Redis is down waits for it here, saying so, instead of hanging silently.
  if (rt.queue.kind === 'bullmq') await untilReachable('Redis', () => rt.queue.ping(2000), log, { at: where(rt.config.REDIS_URL) });
  // Build the offering index before taking jobs, so the first request does not pay for it.
  await rt.services.matching.syncIndex().catch((err) => log.warn({ err: String(err) }, 'could not pre-load the offering index'));
  const handlers = createJobHandlers(rt.services) as Record<string, (d: unknown, c: never) => Promise<void>>;
  // Every job is timed for /metrics, in whichever process runs it.
  const timed = Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, async (d: unknown, c: JobContext) => {
    // Embedded default: a job waits its turn while the API is busy (src/job-pacer.ts).
    await rt.services.pacer.turn();
    const end = rt.services.metrics.jobDuration.startTimer({ job: name });
    // Log lines of a job carry the id of the HTTP request that caused it.
    const traceId = (d as { traceId?: string }).traceId;
    const bound = (fn: (o: object, m?: string) => void) => (o: object, m?: string) => fn.call(c.log, { traceId, ...o }, m);
    const ctx = traceId ? { ...c, log: { info: bound(c.log.info), warn: bound(c.log.warn), error: bound(c.log.error) } } : c;
    try { await h(d, ctx as never); end({ outcome: 'ok' }); } catch (err) { end({ outcome: 'error' }); throw err; } finally { rt.services.pacer.done(); }
  }]));
  const spool = rt.services.deadLetterSpool;
  await rt.queue.consume(timed, {
    concurrency: rt.queue.kind === 'in-process' ? rt.config.EMBEDDED_CONCURRENCY : rt.config.WORKER_CONCURRENCY,
    onDeadLetter: (dl) => spool.add(dl),
    log,
    heartbeatMs: rt.config.WORKER_HEARTBEAT_MS,
    outageDelayMs: opts.outageDelayMs,
    onHeartbeat: opts.onHeartbeat,
  });
  // Dead letters an earlier process could not store (the database was down) are stored now.
  void spool.flush();
  startRelay(rt, log);
  // Embedded default: the jobs the last process held in memory died with it; its waiting requests are matched now, not after STRANDED_AFTER_S.
  if (rt.queue.kind === 'in-process') {
    const startedAt = opts.startedAt ?? new Date(Date.now() - process.uptime() * 1000);
    const queue = rt.queue as InProcessQueueDriver;
    void rt.services.sweeper.recoverAtStart(startedAt, { doneBefore: readCheckpoint(rt.config.DATA_DIR), routers: EVENT_ROUTERS }).then(
      (n) => {
        if (Object.values(n).some(Boolean)) log.warn({ requeued: n }, 'jobs the previous process left pending put back on the queue');
        // Only once what was left is back on the queue: a checkpoint before would skip it after another crash.
        void checkpointWhileIdle(queue, rt.config.DATA_DIR, log);
      },
      (err) => log.warn({ err: String(err) }, 'could not put back the jobs left pending'));
  }
  // Periodic jobs; a fixed id per period means many workers enqueue each one once.
  const every = (name: JobName, periodMs: number) => {
    const enqueue = () => rt.queue.enqueue(name, {}, { jobId: jobIdFor(name, String(Math.floor(Date.now() / periodMs))) }).catch(() => {});
    void enqueue();
    const t = setInterval(enqueue, Math.min(periodMs, 15 * 60_000));
    t.unref();
    return t;
  };
  const timers = [every('escalate-overdue', 3600_000), every('sweep-stranded', rt.config.SWEEP_INTERVAL_S * 1000)];
  // The nightly screening re-run, with a fixed id per day (and the run itself keyed by the day).
  const nightly = () => { const j = nightlyRescreenJob(new Date()); return rt.queue.enqueue('screening-rescreen', j.data, { jobId: j.jobId }).catch(() => {}); };
  void nightly();
  timers.push(setInterval(nightly, 15 * 60_000));
  timers.at(-1)!.unref();
  // Digests and follow-ups: job schedulers (BullMQ) or the in-process driver's timers.
  for (const s of NOTIFY_SCHEDULES) await rt.queue.schedule(s.id, s.job, s.everyMs, s.data as never).catch((err) => log.warn({ scheduler: s.id, err: String(err) }, 'could not schedule'));
  const close = rt.close;
  rt.close = async () => { for (const t of timers) clearInterval(t); await close(); };
}
