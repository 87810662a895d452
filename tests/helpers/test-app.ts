import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance, InjectOptions } from 'fastify';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateAndSeed } from '../../db/migrate.js';
import { buildApp } from '../../src/app.js';
import { logSerializers } from '../../src/plugins/log-serializers.js';
import { loadConfig, type Config } from '../../src/config.js';
import { InProcessQueueDriver } from '../../src/queue/in-process.driver.js';
import type { QueueDriver } from '../../src/queue/queue.driver.js';
import { createQueueDriver, retryPolicies } from '../../src/queue/index.js';
import { startConsumers, type Runtime } from '../../src/runtime.js';
import { createServices, type Services } from '../../src/services.js';
import { databaseUrl, TEST_DATABASE_URL, TEST_REDIS_URL } from './services.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
export type TestLog = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/** A log that keeps its lines, so a test can wait for what a process says. */
export function memoryLog() {
  const lines: { level: 'info' | 'warn' | 'error'; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: 'info' | 'warn' | 'error') => (obj: object, msg = '') => { lines.push({ level, msg, obj: obj as Record<string, unknown> }); };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), count: (msg: string | RegExp) => lines.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg))).length };
}

export interface TestApp {
  app: FastifyInstance;
  db: DatabaseHandle;
  queue: QueueDriver;
  services: Services;
  config: Config;
  /** Runs the worker side (job handlers + outbox relay) inside the test process. */
  startWorkers(opts?: { log?: TestLog; outageDelayMs?: (n: number) => number }): Promise<void>;
  /** The runtime the workers run in (relay, close). */
  runtime: Runtime;
  /** Relays the outbox and waits until the in-process queue is idle. */
  drain(): Promise<void>;
  call(opts: InjectOptions & { key?: string }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Creates an API key through the API and returns the secret. */
  key(body: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A fresh PostgreSQL database cloned from the migrated template (fast: CREATE DATABASE ... TEMPLATE). */
async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `onedoor_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    // CREATE DATABASE ... TEMPLATE fails if another session is connected to the template at that instant.
    for (let i = 0; ; i++) {
      try { await admin.unsafe(`create database "${name}" template "${inject('templateDb')}"`); break; } catch (err) {
        if (i >= 20 || !String(err).includes('being accessed')) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally { await admin.end(); }
  return {
    url: databaseUrl(name),
    drop: async () => {
      const a = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try { await a.unsafe(`drop database if exists "${name}" with (force)`); } finally { await a.end(); }
    },
  };
}

let pgliteSeed: Promise<File | Blob> | undefined;
/** One migrated PGlite per test process, cloned for each app (migrating costs ~2.5 s). */
export async function freshPglite(): Promise<PGlite> {
  pgliteSeed ??= (async () => {
    const lite = await PGlite.create('memory://');
    await migrateAndSeed(await openDatabase({ pglite: lite }));
    const dump = await lite.dumpDataDir('none');
    await lite.close();
    return dump;
  })();
  return PGlite.create({ loadDataDir: await pgliteSeed });
}

/** Builds the real app over real PostgreSQL (default) or PGlite, with the in-process queue or BullMQ. */
export async function buildTestApp(opts: { db?: 'postgres' | 'pglite'; queue?: 'in-process' | 'bullmq'; env?: Record<string, string>; reuseDatabase?: boolean; logStream?: { write(line: string): void }; now?: () => number } = {}): Promise<TestApp> {
  const dbKind = opts.db ?? 'postgres';
  let drop = async () => {};
  let url: string | undefined;
  let db: DatabaseHandle;
  if (dbKind === 'postgres' && opts.reuseDatabase && opts.env?.DATABASE_URL) {
    // Another app's database, reached another way (e.g. through a TCP proxy).
    url = opts.env.DATABASE_URL;
    db = await openDatabase({ url, poolMax: 5 });
  } else if (dbKind === 'postgres') {
    const fresh = await freshPostgres();
    url = fresh.url; drop = fresh.drop;
    db = await openDatabase({ url, poolMax: 5 });
  } else {
    db = await openDatabase({ pglite: await freshPglite() });
  }
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: 'true', SSO_ALLOW_PRIVATE: 'true', ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_KEY_LOOKUPS_PER_MINUTE: '100000', RATE_LIMIT_SENSITIVE_PER_MINUTE: '100000', OUTBOX_POLL_MS: '50',
    ...(url ? { DATABASE_URL: url } : {}),
    ...(opts.queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `odtest-${randomBytes(4).toString('hex')}` } : {}),
    ...opts.env,
  });
  const queue = opts.queue === 'bullmq' ? createQueueDriver(config) : new InProcessQueueDriver(retryPolicies(config));
  const services = createServices({ db: db.db, query: db.query, queue, config, now: opts.now });
  const logger = opts.logStream
    ? { level: 'info', stream: opts.logStream, redact: ['req.headers.authorization', 'req.headers.cookie'], serializers: logSerializers }
    : false;
  const app = await buildApp({ config, db, queue, services, logger, now: opts.now });
  await app.ready();
  const builtAt = new Date();
  const rt: Runtime = { config, db, queue, services, close: async () => { await rt.relay?.stop(); await services.deadLetterSpool.stop(); await queue.close(); } };
  let workersStarted = false;

  const t: TestApp = {
    app, db, queue, services, config,
    async startWorkers(o = {}) {
      if (workersStarted) return;
      workersStarted = true;
      // This app's queue began when it was built: pending work from before belongs to an earlier app on the same database (a restart).
      await startConsumers(rt, o.log ?? quiet, { outageDelayMs: o.outageDelayMs, startedAt: builtAt });
    },
    get runtime() { return rt; },
    async drain() {
      if (!workersStarted) throw new Error('drain() needs startWorkers() first');
      for (let i = 0; i < 50; i++) {
        const sent = await rt.relay!.tick();
        if (queue instanceof InProcessQueueDriver) await queue.idle();
        else {
          const depth = await queue.depth();
          if (Object.values(depth).some((n) => n > 0)) { await new Promise((r) => setTimeout(r, 50)); continue; }
        }
        if (sent === 0 && (await rt.relay!.backlog()) === 0) return;
      }
      throw new Error('queue did not drain');
    },
    async call({ key, headers, ...o }) {
      const res = await app.inject({ ...o, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
      let body: unknown = res.body;
      try { body = res.json(); } catch { /* not JSON */ }
      return { status: res.statusCode, body, headers: res.headers as Record<string, unknown> };
    },
    async key(body) {
      const res = await t.call({ method: 'POST', url: '/v1/api-keys', key: ADMIN_KEY, payload: { label: 'test', ...body } });
      if (res.status !== 201) throw new Error(`key creation failed: ${JSON.stringify(res.body)}`);
      return res.body.key as string;
    },
    async close() {
      await app.close();
      await rt.close();
      await db.close();
      await drop();
    },
  };
  return t;
}
