import { UnrecoverableError } from 'bullmq';
import { hostname } from 'node:os';
import { isConnectionError } from '../errors.js';
import { DEFAULT_RETRY, outageDelayMs, type JobHandlers, type JobName, type RetryPolicy } from './jobs.js';
import type { ConsumeOptions, ConsumerStatus, QueueDriver } from './queue.driver.js';

/**
 * Jobs that may run for minutes (re-matching every request an import concerns): in the embedded default
 * they never take the last free slot, so that a request a State files meanwhile is matched in that slot
 * instead of waiting behind them (two imports used to fill both slots, and nothing new was matched).
 */
const BACKGROUND: ReadonlySet<JobName> = new Set(['reverse-match']);

/** `waits`: failures on a connection error, which do not count as attempts. */
interface PendingJob { name: JobName; data: unknown; jobId: string; attempt: number; waits: number }

/**
 * Runs the same job handlers as the BullMQ workers inside the API process, for the
 * embedded default. Jobs live in memory: the outbox, not this queue, is what keeps them safe.
 */
export class InProcessQueueDriver implements QueueDriver {
  readonly kind = 'in-process' as const;
  private readonly ready: PendingJob[] = [];
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schedulers = new Set<NodeJS.Timeout>();
  private running = 0;
  private runningBackground = 0;
  private handlers: JobHandlers = {};
  private opts?: ConsumeOptions;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private startedAt = '';

  /** `retry`: the jobs with a policy of their own (retryPolicies(config)); the others use DEFAULT_RETRY. */
  constructor(private readonly retry: Partial<Record<JobName, RetryPolicy>> = {}) {}

  async enqueue(name: JobName, data: unknown, opts: { jobId: string; delayMs?: number }): Promise<void> {
    if (this.closed) throw new Error('queue closed');
    if (this.known.has(opts.jobId)) return;
    this.known.add(opts.jobId);
    const job = { name, data, jobId: opts.jobId, attempt: 0, waits: 0 };
    if (opts.delayMs) this.later(job, opts.delayMs);
    else { this.ready.push(job); this.pump(); }
  }

  async enqueueAll(jobs: readonly { name: JobName; data: unknown; jobId: string }[]): Promise<void> {
    for (const j of jobs) await this.enqueue(j.name, j.data as never, { jobId: j.jobId });
  }

  /** The embedded equivalent of a BullMQ job scheduler: a timer adding the job with one id per period. */
  async schedule(schedulerId: string, name: JobName, everyMs: number, data: unknown): Promise<void> {
    if (this.closed) throw new Error('queue closed');
    const add = () => this.enqueue(name, data as never, { jobId: `${schedulerId}-${Math.floor(Date.now() / everyMs)}` }).catch(() => {});
    void add();
    const t = setInterval(add, everyMs);
    t.unref?.();
    this.schedulers.add(t);
  }

  async consume(handlers: JobHandlers, opts: ConsumeOptions): Promise<void> {
    this.handlers = handlers;
    this.opts = opts;
    this.startedAt = new Date().toISOString();
    this.pump();
  }

  /** This process is the only consumer, alive while it consumes. */
  async consumers(): Promise<ConsumerStatus> {
    if (!this.opts || this.closed) return { alive: 0, consumers: [] };
    const now = new Date().toISOString();
    return { alive: 1, consumers: [{ id: `${hostname()}:${process.pid}`, host: hostname(), pid: process.pid, startedAt: this.startedAt, beatAt: now }] };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue closed');
  }

  async depth(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const j of this.ready) out[j.name] = (out[j.name] ?? 0) + 1;
    return out;
  }

  /** Resolves when no job is waiting or running (tests and graceful shutdown). */
  async idle(): Promise<void> {
    if (this.running === 0 && this.ready.length === 0 && this.timers.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.schedulers) clearInterval(t);
    this.schedulers.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ready.length = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private later(job: PendingJob, ms: number) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.closed) return;
      this.ready.push(job);
      this.pump();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** The first waiting job that may take a free slot now (BACKGROUND jobs leave the last one free), or -1. */
  private next(): number {
    const concurrency = this.opts!.concurrency;
    const backgroundMay = concurrency === 1 || this.runningBackground < concurrency - 1;
    return backgroundMay ? 0 : this.ready.findIndex((j) => !BACKGROUND.has(j.name));
  }

  private pump() {
    if (!this.opts) return;
    while (!this.closed && this.running < this.opts.concurrency && this.ready.length > 0) {
      const at = this.next();
      if (at < 0) break;
      const job = this.ready.splice(at, 1)[0]!;
      const background = BACKGROUND.has(job.name);
      this.running++;
      if (background) this.runningBackground++;
      void this.run(job).finally(() => {
        this.running--;
        if (background) this.runningBackground--;
        this.pump();
        if (this.running === 0 && this.ready.length === 0 && this.timers.size === 0) {
          const waiters = this.idleWaiters.splice(0);
          for (const w of waiters) w();
        }
      });
    }
  }

  private async run(job: PendingJob): Promise<void> {
    const opts = this.opts!;
    const handler = this.handlers[job.name] as ((d: unknown, c: unknown) => Promise<void>) | undefined;
    if (!handler) return;
    job.attempt++;
    const log = opts.log;
    const policy = this.retry[job.name] ?? DEFAULT_RETRY;
    try {
      await handler(job.data, { jobId: job.jobId, attempt: job.attempt, maxAttempts: policy.attempts, log });
      // A finished job may be enqueued again later (e.g. a request re-matched by a new offering).
      this.known.delete(job.jobId);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isConnectionError(err) && !this.closed) {
        // The database is away: wait and run again without using up an attempt (as the BullMQ driver does).
        job.attempt--;
        const delay = (opts.outageDelayMs ?? outageDelayMs)(job.waits++);
        log.warn({ job: job.name, jobId: job.jobId, waits: job.waits, retryInMs: delay, err: message }, 'job waits for the database (not counted as an attempt)');
        this.later(job, delay);
        return;
      }
      const final = err instanceof UnrecoverableError || job.attempt >= policy.attempts;
      log.warn({ job: job.name, jobId: job.jobId, attempt: job.attempt, err: message }, final ? 'job failed for good' : 'job failed, will retry');
      if (final || this.closed) {
        this.known.delete(job.jobId);
        await opts.onDeadLetter({
          id: crypto.randomUUID(), queue: job.name, jobName: job.name, jobId: job.jobId,
          payload: job.data as Record<string, unknown>, error: message, attempts: job.attempt, failedAt: new Date().toISOString(),
        }).catch((e) => log.error({ err: String(e) }, 'could not keep dead letter'));
      } else {
        this.later(job, policy.delayMs(job.attempt));
      }
    }
  }
}
