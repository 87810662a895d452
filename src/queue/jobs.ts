import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';

/** Every job OneDoor runs, with its payload schema: the one map producers and workers share. */
/** The HTTP request id that caused the job, carried into its logs. */
const traced = { traceId: z.string().max(100).optional() };
export const JobPayloads = {
  'match-request': z.object({ requestId: z.uuid(), reason: z.string().optional(), ...traced }),
  // One changed offering or need (`id`), or all those of one import (`ids`): one job either way.
  'reverse-match': z.object({ kind: z.enum(['offering', 'need']), id: z.uuid().optional(), ids: z.array(z.uuid()).max(5_000).optional(), ...traced })
    .refine((d) => d.id !== undefined || (d.ids?.length ?? 0) > 0, 'id or ids is required'),
  'fanout-webhooks': z.object({ eventId: z.uuid(), ...traced }),
  'deliver-webhook': z.object({ deliveryId: z.uuid(), ...traced }),
  'escalate-overdue': z.object({ at: z.string().optional(), ...traced }),
  'sweep-stranded': z.object({ at: z.string().optional(), ...traced }),
  /** Re-screens the subjects the list or their names changed for; `runKey` (day:YYYY-MM-DD or list:<id>) makes each run happen once. */
  'screening-rescreen': z.object({ runKey: z.string().min(1).max(100), ...traced }),
  /** Reads the text of a PDF or DOCX attachment; with `rematch` (or when the state asked for it) matches its request again with that text. */
  'extract-attachment': z.object({ attachmentId: z.uuid(), rematch: z.boolean().optional(), ...traced }),
  /** The people an outbox event concerns, each told once (src/modules/notifications). */
  'notify-event': z.object({
    eventId: z.uuid(),
    /** For a `request.matched` event, its request (the relay copies it from the event, so the job need not read the event). */
    matchedRequest: z.uuid().optional(),
    ...traced,
  }),
  /** Deadlines, stale offerings, feedback, unanswered questions, the yearly check; `at` simulates another time (tests). */
  'notify-follow-ups': z.object({ at: z.string().optional(), ...traced }),
  /** Each person's daily or weekly digest of the notifications they chose to receive so. */
  'send-digests': z.object({ frequency: z.enum(['daily', 'weekly']), at: z.string().optional(), ...traced }),
  /** Sends one mail_messages row (src/modules/mail/mail.service.ts). */
  'send-mail': z.object({ mailId: z.uuid(), ...traced }),
} as const;

export type JobName = keyof typeof JobPayloads;
export type JobData<N extends JobName> = z.infer<(typeof JobPayloads)[N]>;
export const JOB_NAMES = Object.keys(JobPayloads) as JobName[];

/** Retry policy of every job without its own: five attempts, 0.5 s doubling (about 7.5 s in all), then the dead-letter table. */
export const RETRY = { attempts: 5, backoffMs: 500 } as const;

/** How often a job is tried and how long it waits after its n-th (1-based) failed attempt. */
export interface RetryPolicy {
  attempts: number;
  delayMs(attemptsMade: number, random?: () => number): number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: RETRY.attempts, delayMs: (n) => RETRY.backoffMs * 2 ** Math.max(0, n - 1) };

export type MailRetryConfig = Pick<Config, 'MAIL_RETRY_HOURS' | 'MAIL_RETRY_FIRST_DELAY_MS' | 'MAIL_RETRY_MAX_DELAY_MS'>;

/**
 * Mail's own policy (send-mail): a mail server away for a restart or an hour's maintenance must not
 * fail the mail of that time. Exponential backoff from MAIL_RETRY_FIRST_DELAY_MS, capped at
 * MAIL_RETRY_MAX_DELAY_MS, with jitter (each wait is 50–100 % of its ceiling, so mail filed together
 * does not come back together), for as many attempts as fill MAIL_RETRY_HOURS on average; only then
 * is the mail failed. Waiting mail is a delayed job: it holds no worker and no connection meanwhile.
 */
export function mailRetryPolicy(c: MailRetryConfig): RetryPolicy {
  const ceiling = (n: number) => Math.min(c.MAIL_RETRY_MAX_DELAY_MS, c.MAIL_RETRY_FIRST_DELAY_MS * 2 ** Math.min(Math.max(0, n - 1), 30));
  const period = c.MAIL_RETRY_HOURS * 3600_000;
  let attempts = 1;
  // The mean wait is 75 % of the ceiling; a sum of many such waits stays close to its mean.
  for (let waited = 0; waited < period && attempts < 100_000; attempts++) waited += 0.75 * ceiling(attempts);
  return { attempts, delayMs: (n, random = Math.random) => Math.round(ceiling(n) * (0.5 + random() / 2)) };
}

/** The jobs with a policy of their own (both drivers take it from here; the others use DEFAULT_RETRY). */
export function retryPolicies(c: MailRetryConfig): Partial<Record<JobName, RetryPolicy>> {
  return { 'send-mail': mailRetryPolicy(c) };
}

/**
 * A job that failed because the database or Redis could not be reached waits and runs again without
 * using up an attempt, however long the outage lasts: 0.5 s, 1 s, 2 s, ... up to 15 s, with jitter so
 * that a queue of waiting jobs does not return all at once.
 */
export const OUTAGE_RETRY = { baseMs: 500, maxMs: 15_000 } as const;

/** How long a job waits after its n-th (0-based) failure on a connection error. */
export function outageDelayMs(n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(OUTAGE_RETRY.maxMs, OUTAGE_RETRY.baseMs * 2 ** Math.min(n, 20));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface JobContext {
  jobId: string;
  attempt: number;
  /** The attempts the job's retry policy allows (the last one is `attempt === maxAttempts`). */
  maxAttempts: number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}
export type JobHandler<N extends JobName> = (data: JobData<N>, ctx: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** Validates a job payload; a malformed one fails at once without retries. */
export function parseJob<N extends JobName>(name: N, data: unknown): JobData<N> {
  const parsed = JobPayloads[name].safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`bad ${name} payload: ${parsed.error.message}`);
  return parsed.data as JobData<N>;
}

/** Job ids may not contain ':' in BullMQ; a fixed id per event makes replays harmless. */
export function jobIdFor(name: JobName, key: string): string {
  return `${name}-${key}`.replace(/:/g, '_');
}
