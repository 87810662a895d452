import type { JobData, JobHandlers, JobName } from './jobs.js';

export interface DeadLetter {
  /** Made when the job fails for good, so storing it again (after an outage) never makes a second row. */
  id: string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface ConsumeOptions {
  concurrency: number;
  onDeadLetter: (dl: DeadLetter) => Promise<void>;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** How often a consumer says it is alive (BullMQ: a Redis key that expires after three beats). */
  heartbeatMs?: number;
  /** How long a job waits after its n-th failure on a connection error (default outageDelayMs; tests shorten it). */
  outageDelayMs?: (n: number) => number;
  /** Called after each heartbeat that reached the queue backend (the worker touches a file for its container healthcheck). */
  onHeartbeat?: () => void;
}

/** Consumers known to be alive, for health and metrics. */
export interface ConsumerStatus {
  alive: number;
  /** Host, pid and start time of each live consumer process. */
  consumers: { id: string; host: string; pid: number; startedAt: string; beatAt: string }[];
}

/** A small list kept on the queue backend, for what must outlive this process (dead letters the database refused). */
export interface DurableList {
  push(item: string): Promise<void>;
  length(): Promise<number>;
  all(): Promise<string[]>;
  remove(item: string): Promise<void>;
}

/** What the rest of OneDoor knows of a queue: BullMQ in production, in-process when embedded. */
export interface QueueDriver {
  readonly kind: 'bullmq' | 'in-process';
  /** Adds a job; a second add with the same jobId is ignored. */
  enqueue<N extends JobName>(name: N, data: JobData<N>, opts: { jobId: string; delayMs?: number }): Promise<void>;
  /** Adds several jobs at once (BullMQ: one Redis round trip per job name); the same as enqueueing each, in order. */
  enqueueAll(jobs: readonly { name: JobName; data: unknown; jobId: string }[]): Promise<void>;
  /**
   * Runs a job every `everyMs` for as long as OneDoor runs, however many processes ask (BullMQ: a job
   * scheduler, `upsertJobScheduler`, so one job per period whatever the number of workers; in-process: a timer).
   */
  schedule<N extends JobName>(schedulerId: string, name: N, everyMs: number, data: JobData<N>): Promise<void>;
  /** Starts consuming every job that has a handler. */
  consume(handlers: JobHandlers, opts: ConsumeOptions): Promise<void>;
  /** Rejects when the queue backend does not answer. */
  ping(timeoutMs?: number): Promise<void>;
  /** Waiting + active + delayed jobs per job name. */
  depth(): Promise<Record<string, number>>;
  /** The consumers (worker processes, or this process when embedded) that are alive now. */
  consumers(): Promise<ConsumerStatus>;
  /** A list on the queue backend that survives this process (BullMQ: Redis); none in-process. */
  durableList?(name: string): DurableList;
  /** Stops taking jobs, waits for running ones, closes connections. */
  close(): Promise<void>;
}
