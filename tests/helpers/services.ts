import { execSync } from 'node:child_process';
import { Redis } from 'ioredis';
import postgres from 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The same server, another database on it. */
export function databaseUrl(name: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function postgresAnswers(url = TEST_DATABASE_URL): Promise<string | null> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try { await sql`select 1`; return null; } catch (err) { return err instanceof Error ? err.message : String(err); } finally { await sql.end({ timeout: 1 }).catch(() => {}); }
}

export async function redisAnswers(url = TEST_REDIS_URL): Promise<string | null> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  r.on('error', () => {});
  try { await r.connect(); await r.ping(); return null; } catch (err) { return err instanceof Error ? err.message : String(err); } finally { r.disconnect(); }
}

/** When a Docker engine is there, `docker compose up -d --wait` starts PostgreSQL and Redis. */
export function tryDockerCompose(): boolean {
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 5000 });
  } catch {
    return false;
  }
  try {
    // The compose file requires the API's secrets even to start the two services the tests use; these are not used by them.
    const env = { ...process.env, ADMIN_API_KEY: process.env.ADMIN_API_KEY || 'unused-by-postgres-and-redis-0000', SESSION_SECRET: process.env.SESSION_SECRET || 'unused-by-postgres-and-redis-00000000' };
    execSync('docker compose up -d --wait postgres redis', { stdio: 'inherit', timeout: 180_000, env });
    return true;
  } catch {
    return false;
  }
}
