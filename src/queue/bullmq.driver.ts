import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { isConnectionError } from '../errors.js';
import { DEFAULT_RETRY, JOB_NAMES, RETRY, outageDelayMs, type JobHandlers, type JobName, type RetryPolicy } from './jobs.js';
import type { ConsumeOptions, ConsumerStatus, DurableList, QueueDriver } from './queue.driver.js';

/** A heartbeat key lives this many beats: one missed beat (a busy event loop) is not a dead worker. */
const BEATS_TO_LIVE = 3;

/** BullMQ on Redis: one queue per job name, workers in the `npm run worker` process. */
export class BullMqQueueDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private consumerConn?: Redis;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];
  private heartbeat?: NodeJS.Timeout;
  private readonly consumerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  /** `retry`: the jobs with a policy of their own (retryPolicies(config)), their backoff computed by the worker; the others use RETRY. */
  constructor(private readonly url: string, private readonly prefix: string, private readonly lockMs = 30_000, private readonly retry: Partial<Record<JobName, RetryPolicy>> = {}) {
    // Producers fail fast when Redis is away (the outbox keeps the event); workers wait for it.
    this.producer = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.producer.on('error', () => { /* reported through ping() and failed enqueues */ });
  }

  /** Every queue, created on demand (the admin dashboard lists them). */
  allQueues(): Queue[] {
    return JOB_NAMES.map((n) => this.queue(n));
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const own = this.retry[name];
      q = new Queue(name, {
        connection: this.producer,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: own?.attempts ?? RETRY.attempts,
          // 'policy': the worker's backoffStrategy asks the job's RetryPolicy (capped, with jitter).
          backoff: own ? { type: 'policy' } : { type: 'exponential', delay: RETRY.backoffMs },
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(name: JobName, data: unknown, opts: { jobId: string; delayMs?: number }): Promise<void> {
    await this.queue(name).add(name, data, { jobId: opts.jobId, delay: opts.delayMs });
  }

  async enqueueAll(jobs: readonly { name: JobName; data: unknown; jobId: string }[]): Promise<void> {
    const byName = new Map<JobName, { name: JobName; data: unknown; opts: { jobId: string } }[]>();
    for (const j of jobs) {
      const list = byName.get(j.name) ?? [];
      list.push({ name: j.name, data: j.data, opts: { jobId: j.jobId } });
      byName.set(j.name, list);
    }
    // addBulk sends a queue's jobs in one pipeline (one write, one answer), where add is a round trip each.
    await Promise.all([...byName].map(([name, list]) => this.queue(name).addBulk(list)));
  }

  async schedule(schedulerId: string, name: JobName, everyMs: number, data: unknown): Promise<void> {
    // Upserting the same id again (every worker at start) changes nothing but the options.
    await this.queue(name).upsertJobScheduler(schedulerId, { every: everyMs }, { name, data });
  }

  async consume(handlers: JobHandlers, opts: ConsumeOptions): Promise<void> {
    this.consumerConn = new Redis(this.url, { maxRetriesPerRequest: null });
    this.consumerConn.on('error', (err) => opts.log.warn({ err: err.message }, 'redis (worker) error'));
    for (const name of JOB_NAMES) {
      const handler = handlers[name] as ((d: unknown, c: unknown) => Promise<void>) | undefined;
      if (!handler) continue;
      const policy = this.retry[name] ?? DEFAULT_RETRY;
      const worker = new Worker(name, async (job: Job, token?: string) => {
        try {
          await handler(job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? policy.attempts, log: opts.log });
        } catch (err) {
          if (!token || !isConnectionError(err)) throw err;
          // The database or Redis is away: wait and run again without using up an attempt
          // (moveToDelayed skips the attempt count; DelayedError tells the worker it was moved).
          const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
          const delay = (opts.outageDelayMs ?? outageDelayMs)(waits);
          opts.log.warn({ job: name, jobId: job.id, waits: waits + 1, retryInMs: delay, err: (err as Error).message }, 'job waits for the database or Redis (not counted as an attempt)');
          await job.moveToDelayed(Date.now() + delay, token);
          throw new DelayedError();
        }
      }, {
        connection: this.consumerConn, prefix: this.prefix, concurrency: opts.concurrency, lockDuration: this.lockMs, stalledInterval: this.lockMs,
        // Jobs are idempotent; a job whose worker was killed twice (a crash loop, a redeploy) still runs.
        maxStalledCount: 3,
        settings: { backoffStrategy: (attemptsMade: number) => policy.delayMs(attemptsMade) },
      });
      worker.on('failed', (job, err) => {
        if (!job) return;
        const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
        opts.log.warn({ job: name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, exhausted ? 'job failed for good' : 'job failed, will retry');
        if (exhausted) {
          void opts.onDeadLetter({
            id: crypto.randomUUID(), queue: name, jobName: job.name, jobId: job.id ?? '', payload: job.data, error: err.message,
            attempts: job.attemptsMade, failedAt: new Date().toISOString(),
          }).catch((e) => opts.log.error({ err: String(e) }, 'could not keep dead letter'));
        }
      });
      worker.on('error', (err) => opts.log.warn({ err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
    this.startHeartbeat(opts.heartbeatMs ?? 5000, opts.onHeartbeat);
  }

  private beatKey(id: string) { return `${this.prefix}:od-heartbeat:${id}`; }
  private get beatSet() { return `${this.prefix}:od-heartbeats`; }

  /**
   * While this process's workers run, a key with a TTL of three beats says so; /health/ready counts
   * the keys that have not expired (Redis's clock, so the hosts' clocks do not matter).
   */
  private startHeartbeat(everyMs: number, onBeat?: () => void) {
    const startedAt = new Date().toISOString();
    const beat = async () => {
      if (!this.workers.length || !this.workers.every((w) => w.isRunning()) || this.consumerConn?.status !== 'ready') return;
      const value = JSON.stringify({ id: this.consumerId, host: hostname(), pid: process.pid, startedAt, beatAt: new Date().toISOString() });
      await this.producer.multi().set(this.beatKey(this.consumerId), value, 'PX', everyMs * BEATS_TO_LIVE).sadd(this.beatSet, this.consumerId).exec();
      onBeat?.();
    };
    const tick = () => { void beat().catch(() => { /* Redis away: the key expires and health says so */ }); };
    tick();
    this.heartbeat = setInterval(tick, everyMs);
    this.heartbeat.unref();
  }

  async consumers(): Promise<ConsumerStatus> {
    const ids = await this.producer.smembers(this.beatSet);
    if (!ids.length) return { alive: 0, consumers: [] };
    const values = await this.producer.mget(ids.map((id) => this.beatKey(id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length) await this.producer.srem(this.beatSet, ...gone).catch(() => {});
    const consumers = values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as ConsumerStatus['consumers'][number]);
    return { alive: consumers.length, consumers };
  }

  durableList(name: string): DurableList {
    const key = `${this.prefix}:od-list:${name}`;
    return {
      push: async (item) => { await this.producer.rpush(key, item); },
      length: () => this.producer.llen(key),
      all: () => this.producer.lrange(key, 0, -1),
      remove: async (item) => { await this.producer.lrem(key, 1, item); },
    };
  }

  async ping(timeoutMs = 1000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.producer.ping(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs); }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async depth(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of JOB_NAMES) {
      const q = this.queue(name);
      const [c, schedulers] = await Promise.all([q.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), q.getJobSchedulersCount()]);
      // A job scheduler always keeps its next run delayed: that is not work waiting.
      out[name] = c.waiting + c.active + c.prioritized + Math.max(0, c.delayed - schedulers);
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.allSettled(this.workers.map((w) => w.close()));
    // Gone at once rather than after the key's TTL, so readiness turns red as soon as the last worker stops.
    if (this.heartbeat) await this.producer.multi().del(this.beatKey(this.consumerId)).srem(this.beatSet, this.consumerId).exec().catch(() => {});
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    // BullMQ does not close connections it was given.
    await Promise.allSettled([this.consumerConn?.quit(), this.producer.quit()]);
    this.consumerConn?.disconnect();
    this.producer.disconnect();
  }
}
