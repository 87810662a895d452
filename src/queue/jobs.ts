import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';

/** Every job OneDoor runs, with its payload schema: the one map producers and workers share. */
/** The HTTP request id that caused the job, carried into its logs. */
const traced = { traceId: z.string().max(100).optional() };
export const JobPayloads = {
  'match-request': z.object({ requestId: z.uuid(), reason: z.string().optional(), ...traced }),
  'reverse-match': z.object({ kind: z.enum(['offering', 'need']), id: z.uuid(), ...traced }),
  'fanout-webhooks': z.object({ eventId: z.uuid(), ...traced }),
  'deliver-webhook': z.object({ deliveryId: z.uuid(), ...traced }),
  'escalate-overdue': z.object({ at: z.string().optional(), ...traced }),
  /** Re-screens the subjects the list or their names changed for; `runKey` (day:YYYY-MM-DD or list:<id>) makes each run happen once. */
  'screening-rescreen': z.object({ runKey: z.string().min(1).max(100), ...traced }),
  /** Reads the text of a PDF or DOCX attachment; with `rematch` (or when the state asked for it) matches its request again with that text. */
  'extract-attachment': z.object({ attachmentId: z.uuid(), rematch: z.boolean().optional(), ...traced }),
} as const;

export type JobName = keyof typeof JobPayloads;
export type JobData<N extends JobName> = z.infer<(typeof JobPayloads)[N]>;
export const JOB_NAMES = Object.keys(JobPayloads) as JobName[];

/** Retry policy shared by both drivers: exponential backoff, then the dead-letter table. */
export const RETRY = { attempts: 5, backoffMs: 500 } as const;

export interface JobContext {
  jobId: string;
  attempt: number;
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
