import type { JobData, JobHandlers, JobName } from './jobs.js';

export interface DeadLetter {
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
}

export interface ConsumeOptions {
  concurrency: number;
  onDeadLetter: (dl: DeadLetter) => Promise<void>;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** What the rest of OneDoor knows of a queue: BullMQ in production, in-process when embedded. */
export interface QueueDriver {
  readonly kind: 'bullmq' | 'in-process';
  /** Adds a job; a second add with the same jobId is ignored. */
  enqueue<N extends JobName>(name: N, data: JobData<N>, opts: { jobId: string; delayMs?: number }): Promise<void>;
  /** Starts consuming every job that has a handler. */
  consume(handlers: JobHandlers, opts: ConsumeOptions): Promise<void>;
  /** Rejects when the queue backend does not answer. */
  ping(timeoutMs?: number): Promise<void>;
  /** Waiting + active + delayed jobs per job name. */
  depth(): Promise<Record<string, number>>;
  /** Stops taking jobs, waits for running ones, closes connections. */
  close(): Promise<void>;
}
