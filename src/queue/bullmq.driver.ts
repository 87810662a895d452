import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, RETRY, type JobHandlers, type JobName } from './jobs.js';
import type { ConsumeOptions, QueueDriver } from './queue.driver.js';

/** BullMQ on Redis: one queue per job name, workers in the `npm run worker` process. */
export class BullMqQueueDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private consumerConn?: Redis;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly url: string, private readonly prefix: string, private readonly lockMs = 30_000) {
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
      q = new Queue(name, {
        connection: this.producer,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: RETRY.attempts,
          backoff: { type: 'exponential', delay: RETRY.backoffMs },
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

  async consume(handlers: JobHandlers, opts: ConsumeOptions): Promise<void> {
    this.consumerConn = new Redis(this.url, { maxRetriesPerRequest: null });
    this.consumerConn.on('error', (err) => opts.log.warn({ err: err.message }, 'redis (worker) error'));
    for (const name of JOB_NAMES) {
      const handler = handlers[name] as ((d: unknown, c: unknown) => Promise<void>) | undefined;
      if (!handler) continue;
      const worker = new Worker(name, async (job: Job) => {
        await handler(job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1, log: opts.log });
      }, { connection: this.consumerConn, prefix: this.prefix, concurrency: opts.concurrency, lockDuration: this.lockMs, stalledInterval: this.lockMs });
      worker.on('failed', (job, err) => {
        if (!job) return;
        const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
        opts.log.warn({ job: name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, exhausted ? 'job failed for good' : 'job failed, will retry');
        if (exhausted) {
          void opts.onDeadLetter({
            queue: name, jobName: job.name, jobId: job.id ?? '', payload: job.data, error: err.message, attempts: job.attemptsMade,
          }).catch((e) => opts.log.error({ err: String(e) }, 'could not store dead letter'));
        }
      });
      worker.on('error', (err) => opts.log.warn({ err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
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
      const c = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      out[name] = Object.values(c).reduce((a, b) => a + b, 0);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    // BullMQ does not close connections it was given.
    await Promise.allSettled([this.consumerConn?.quit(), this.producer.quit()]);
    this.consumerConn?.disconnect();
    this.producer.disconnect();
  }
}
