import ipaddr from 'ipaddr.js';
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

/** Names proxy-addr (Fastify's trustProxy) knows for whole address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Which proxies' X-Forwarded-For / -Proto / -Host headers are believed: off (the default: the
 * socket's peer is the client), a hop count (`1`: the one load balancer in front), or a comma list
 * of addresses, CIDRs or the names loopback, linklocal, uniquelocal. `true` (every proxy) is refused:
 * it would let any client choose its own address.
 */
const TrustProxy = z.string().trim().default('').transform((v, ctx): false | number | string[] => {
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => !PROXY_RANGE_NAMES.has(x) && !ipaddr.isValid(x) && !isCidr(x));
  if (v === 'true' || bad.length) {
    ctx.addIssue({ code: 'custom', message: v === 'true' ? 'give a hop count or the proxies\' addresses, not true (that would trust every client)' : `not an address, CIDR or range name: ${bad.join(', ')}` });
    return z.NEVER;
  }
  return list;
});

function isCidr(v: string): boolean {
  try { ipaddr.parseCIDR(v); return true; } catch { return false; }
}

/**
 * Secrets that were once published (the old docker-compose default, the README's examples): a
 * server started with one of them would be open to anyone who read the repository.
 */
export const KNOWN_DEFAULT_SECRETS: ReadonlySet<string> = new Set([
  'change-me-to-a-long-random-admin-key',
  'change-me-to-a-long-random-session-secret',
]);
const notPublished = (v: string) => !KNOWN_DEFAULT_SECRETS.has(v) && !/^change[-_ ]?me/i.test(v);
const PUBLISHED = 'is a published example value: set your own (e.g. `openssl rand -base64 32`)';

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
  ADMIN_API_KEY: optionalEmpty(z.string().min(24, 'must be at least 24 characters').refine(notPublished, PUBLISHED)),
  /**
   * Signs CSRF tokens and seals the links of queued mail. Required in production; in the embedded default
   * one is generated into DATA_DIR/session-secret (mode 0600) so restarts keep working pages and sessions.
   */
  SESSION_SECRET: optionalEmpty(z.string().min(32, 'must be at least 32 characters').refine(notPublished, PUBLISHED)),
  TRUST_PROXY: TrustProxy,
  /** A web session ends after this long without a request (NIST SP 800-63B: 30 minutes at AAL2)... */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** ...and this long after sign-in, however active. */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** Failed password sign-ins in a row before an account is locked (and an unlock link is mailed). */
  SIGN_IN_LOCK_AFTER: z.coerce.number().int().min(3).max(100).default(10),
  SIGN_IN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Where mail goes (smtp:// or smtps://user:pass@host:port); without it each mail is written to DATA_DIR/mail as an .eml file. */
  SMTP_URL: optionalEmpty(urlWithScheme(['smtp', 'smtps'])),
  MAIL_FROM: z.string().min(3).default('OneDoor <no-reply@onedoor.invalid>'),
  /**
   * A mail the server did not take (a 4xx, no connection) is tried again for about this long, waiting
   * MAIL_RETRY_FIRST_DELAY_MS, then twice as long each time up to MAIL_RETRY_MAX_DELAY_MS, with jitter;
   * then it is failed (admins see it on /admin/mail with the last reply). src/queue/jobs.ts mailRetryPolicy.
   */
  MAIL_RETRY_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  MAIL_RETRY_FIRST_DELAY_MS: z.coerce.number().int().min(10).max(3600_000).default(30_000),
  MAIL_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).max(24 * 3600_000).default(20 * 60_000),
  /** The address people reach OneDoor at, for the links in mail (and the first-admin link printed at start); http://localhost:PORT when unset. */
  PUBLIC_URL: optionalEmpty(urlWithScheme(['http', 'https']).transform((v) => v.replace(/\/+$/, ''))),
  /**
   * Encrypts secrets kept at rest (TOTP seeds, identity providers' client secrets). When unset, SESSION_SECRET is
   * used; the embedded default generates one into DATA_DIR. Changing it makes what was sealed under it unreadable.
   */
  ENCRYPTION_KEY: optionalEmpty(z.string().min(32, 'must be at least 32 characters').refine(notPublished, PUBLISHED)),
  /** Bearer token Prometheus sends to read /metrics; without it /metrics answers only the admin key. */
  METRICS_TOKEN: optionalEmpty(z.string().min(32, 'must be at least 32 characters').refine(notPublished, PUBLISHED)),
  /** Allow webhook URLs on loopback/private addresses (tests, single-host installs). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Allow identity providers (SSO issuers and every URL of their discovery) on loopback/private addresses (tests, single-host installs). */
  SSO_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Per API key or web session (after authentication), and per client address for requests without a known credential. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Per client address: lookups of credentials not seen valid lately (each costs a database read); beyond it, 429 before the lookup. */
  RATE_LIMIT_KEY_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Per client address, on routes that opt in (`config: { rateLimit: 'sensitive' }`): sign-in, key creation. */
  RATE_LIMIT_SENSITIVE_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  AUTO_ROUTE_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.85),
  ENTITY_DUE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Days a request may wait on CTED (or sit routed without any offering) before CTED's triage flags it as waiting too long. */
  REVIEW_DUE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** BullMQ job lock; a job whose worker died is retried after about this long. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  EMBEDDED_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Re-matching takes the requests a changed offering or need may concern this many at a time (their analyses, scores and changes; all of them). */
  REMATCH_PAGE_SIZE: z.coerce.number().int().min(1).max(20_000).default(1000),
  /**
   * Embedded default only: the share of the process's time jobs (matching, re-matching) may take while
   * the API is serving requests, so filing stays responsive; with no HTTP traffic jobs run freely.
   */
  EMBEDDED_JOB_SHARE: z.coerce.number().min(0.05).max(1).default(0.3),
  /** Embedded default only: jobs run at once in the API process (matching is CPU work on the same thread as HTTP). */
  EMBEDDED_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Largest attachment accepted, in bytes (10 MiB). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(10 * 1024 * 1024),
  /**
   * Largest multipart upload in all (its files and fields), in bytes (50 MiB: five documents of the
   * largest size); refused with 413 while it arrives, before the rest is read.
   */
  UPLOAD_MAX_TOTAL_BYTES: z.coerce.number().int().min(64 * 1024).max(4 * 1024 ** 3).default(50 * 1024 * 1024),
  /** Documents on one request, its messages included; on one offering; on one message. */
  ATTACHMENTS_PER_REQUEST: z.coerce.number().int().min(1).max(1000).default(50),
  ATTACHMENTS_PER_OFFERING: z.coerce.number().int().min(1).max(1000).default(10),
  ATTACHMENTS_PER_MESSAGE: z.coerce.number().int().min(1).max(50).default(5),
  /** A DOCX, XLSX or ODT (a ZIP inside) may inflate to at most this many bytes, in at most this many entries (zip bombs). */
  ATTACHMENT_MAX_INFLATED_BYTES: z.coerce.number().int().min(1024).max(4 * 1024 ** 3).default(64 * 1024 * 1024),
  ATTACHMENT_MAX_ZIP_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Characters of an attachment's extracted text the matcher reads beside the request's own text. */
  ATTACHMENT_MATCH_CHARS: z.coerce.number().int().min(100).max(200_000).default(8000),
  /** Pages of a PDF read for text, and characters of text kept. */
  ATTACHMENT_EXTRACT_MAX_PAGES: z.coerce.number().int().min(1).max(10_000).default(300),
  ATTACHMENT_EXTRACT_MAX_CHARS: z.coerce.number().int().min(1000).max(10_000_000).default(500_000),
  /** An S3-compatible bucket for attachments; without it they are stored in the database. */
  S3_BUCKET: optionalEmpty(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  /** The object store's URL (MinIO, Ceph, Garage, a cloud's S3 endpoint); AWS itself when unset. */
  S3_ENDPOINT: optionalEmpty(urlWithScheme(['http', 'https'])),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalEmpty(z.string().min(1)),
  S3_SECRET_ACCESS_KEY: optionalEmpty(z.string().min(1)),
  /** Path-style URLs (endpoint/bucket/key), which most S3-compatible stores need. */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Key prefix of OneDoor's objects in the bucket. */
  S3_PREFIX: z.string().regex(/^[\w./-]*$/, 'letters, digits, . / _ - only').default('onedoor/'),
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
  /**
   * The longest any route may take before it answers 503 (a database behind a partition answers
   * nothing, not even a refusal). Uploads, imports and exports get LONG_HANDLER_TIMEOUT_MS instead.
   */
  HANDLER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  LONG_HANDLER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(600_000),
  /** The longest a client may take to send one whole request, headers and body (slow-body attacks hold a connection otherwise). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
});

export type Config = Readonly<Omit<z.infer<typeof ConfigSchema>, 'PUBLIC_URL'> & { PUBLIC_URL: string }>;

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
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required in production (at least 32 characters, e.g. `openssl rand -base64 32`); every API process and worker must have the same one']);
  }
  if (!!c.S3_ACCESS_KEY_ID !== !!c.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(['S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: give both or neither (neither: the AWS SDK\'s default credential chain)']);
  }
  return Object.freeze({ ...c, PUBLIC_URL: c.PUBLIC_URL ?? `http://localhost:${c.PORT}` });
}

/** Which storage and queue the process runs on. */
export function describeMode(config: Config): { db: 'postgres' | 'pglite'; queue: 'bullmq' | 'in-process' } {
  return { db: config.DATABASE_URL ? 'postgres' : 'pglite', queue: config.REDIS_URL ? 'bullmq' : 'in-process' };
}
