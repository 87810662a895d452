import { z } from 'zod';

const urlWithScheme = (schemes: string[]) =>
  z.string().trim().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  }, { message: `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}` });

const optionalEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Every setting OneDoor reads from the environment, validated once at start. */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalEmpty(urlWithScheme(['postgres', 'postgresql'])),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalEmpty(urlWithScheme(['redis', 'rediss'])),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only').default('onedoor'),
  ADMIN_API_KEY: optionalEmpty(z.string().min(24, 'must be at least 24 characters')),
  /** Encrypts web session cookies; when unset a random one is made per process (sessions end on restart). */
  SESSION_SECRET: optionalEmpty(z.string().min(32, 'must be at least 32 characters')),
  /** Allow webhook URLs on loopback/private addresses (tests, single-host installs). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  AUTO_ROUTE_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.85),
  ENTITY_DUE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** BullMQ job lock; a job whose worker died is retried after about this long. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  EMBEDDED_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Reliability (docs/operations.md): API processes relay the outbox too, so events reach the queue while workers are down. */
  RELAY_IN_API: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** A request still submitted (or matched) after this long is put back on the queue by the sweeper. */
  STRANDED_AFTER_S: z.coerce.number().int().min(10).max(86_400).default(300),
  SWEEP_INTERVAL_S: z.coerce.number().int().min(5).max(3600).default(60),
  /** How often a worker says it is alive; readiness counts a worker dead after three missed beats. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(200).max(60_000).default(5000),
  /** Readiness fails when the oldest event not yet relayed to the queue is older than this. */
  OUTBOX_MAX_LAG_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How long intake waits for the database before answering 503 (never longer). */
  DB_WAIT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** A configuration that cannot be used; `problems` lists each bad variable. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and freezes the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}

/** Which storage and queue the process runs on. */
export function describeMode(config: Config): { db: 'postgres' | 'pglite'; queue: 'bullmq' | 'in-process' } {
  return { db: config.DATABASE_URL ? 'postgres' : 'pglite', queue: config.REDIS_URL ? 'bullmq' : 'in-process' };
}
