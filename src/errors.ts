/**
 * One detail of an error: which field, what is wrong with it. `code` and `params` say the same as the
 * English `message` so that the web interface can say it in the user's language; `line` is the line of
 * an uploaded file the problem is on. The API answers with `path` and `message` only.
 */
export interface ErrorDetail { path: string; message: string; code?: string; params?: Record<string, string | number>; line?: number }

/** Every error OneDoor answers with on purpose; the error handler turns it into the contract shape. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Too many requests in a rate-limit window: a 429 carrying what a client needs to wait and retry. */
export class RateLimitedError extends AppError {
  constructor(readonly limit: number, readonly retryAfterS: number) {
    super(429, 'rate_limited', `Too many requests: at most ${limit} a minute; retry in ${retryAfterS} s.`);
    this.name = 'RateLimitedError';
  }

  /** The headers of the 429 answer. */
  get headers(): Record<string, string> {
    const s = String(this.retryAfterS);
    return { 'retry-after': s, 'x-ratelimit-limit': String(this.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': s };
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new AppError(400, 'validation_failed', message, details);
export const unauthorized = (message = 'A valid API key is required (Authorization: Bearer <key>).') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'This key is not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unavailable = (message: string) => new AppError(503, 'service_unavailable', message);

/** PostgreSQL's error code (SQLSTATE) on a driver error or its cause, else ''. */
export function sqlState(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : '';
  return /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

/**
 * Text PostgreSQL cannot store (a NUL character: 22021, or its escape in JSON: 22P05) is the
 * caller's input, answered 400 wherever it slipped past a schema.
 */
export const unstorableText = (err: unknown) => (['22021', '22P05'].includes(sqlState(err))
  ? badRequest('The text contains a character that cannot be stored (NUL).', [{ path: 'body', message: 'must not contain the NUL character' }])
  : null);

const CONNECTION_CODES = new Set([
  // sockets and DNS (a restarting container's name may not resolve for a moment)
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // postgres.js
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  // PostgreSQL: shutting down, crashed, starting up; too many connections (class 53, transient)
  '57P01', '57P02', '57P03', '53300',
  // OneDoor's own bounded waits (db/client.ts)
  'DATABASE_UNAVAILABLE',
]);
const CONNECTION_MESSAGES = /database ping timed out|connect ECONNREFUSED|Connection terminated|write CONNECTION_CLOSED|Connection is closed|Stream isn't writeable|max retries per request|ioredis.*timed out/i;

/**
 * True when an error means "the database or Redis cannot be reached right now", not "this work is
 * wrong": such failures are answered 503 and never use up a job's attempts (the job waits instead).
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return false;
  if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  // drizzle wraps driver errors (cause); a connect to several addresses fails as an AggregateError (errors)
  if (e.cause && isConnectionError(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1));
}
