// A server for the intake benchmark, run as a child process so the load generator does not share its event loop.
//   tsx bench/intake-server.ts baseline|onedoor <port> <database url> <redis url>
import Fastify from 'fastify';
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRuntime } from '../src/runtime.js';

const [mode, port, dbUrl, redisUrl] = process.argv.slice(2);
// The same pool size for all three servers (BENCH_POOL, default 10, as DATABASE_POOL_MAX).
const POOL = Number(process.env.BENCH_POOL ?? 10);
const quiet = { info() {}, warn() {}, error() {} };

if (mode === 'baseline') {
  const sql = postgres(dbUrl, { max: POOL, onnotice: () => {} });
  await sql`create table if not exists bench_baseline (id uuid primary key default gen_random_uuid(), title text not null, description text not null, created_at timestamptz not null default now())`;
  const app = Fastify({ logger: false });
  app.post('/v1/requests', async (req, reply) => {
    const b = req.body as { title: string; description: string };
    const [row] = await sql`insert into bench_baseline (title, description) values (${b.title}, ${b.description}) returning id`;
    return reply.code(202).send({ id: row.id, status: 'submitted' });
  });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
} else if (mode === 'same-writes') {
  // A bare Fastify route doing the same durable writes as OneDoor's intake (request, transition,
  // audit, outbox in one statement), without auth, validation or rate limiting: the floor the
  // database sets for this work on this machine.
  const sql = postgres(dbUrl, { max: POOL, onnotice: () => {} });
  const app = Fastify({ logger: false });
  app.post('/v1/requests', async (req, reply) => {
    const b = req.body as { title: string; description: string };
    const [row] = await sql`with r as (insert into requests (member_state, title, description, language) values ('SEN', ${b.title}, ${b.description}, 'en') returning id),
      t as (insert into request_transitions (request_id, to_status, actor) select id, 'submitted', 'bench' from r),
      a as (insert into audit_events (actor_role, action, target_type, target_id) select 'member_state', 'request.submit', 'request', id::text from r),
      o as (insert into outbox (topic, payload) select 'request.submitted', jsonb_build_object('requestId', id) from r) select id from r`;
    return reply.code(202).send({ id: row.id, status: 'submitted' });
  });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
} else {
  const config = loadConfig({ DATABASE_URL: dbUrl, REDIS_URL: redisUrl, ADMIN_API_KEY: 'bench-admin-key-0123456789abcdef', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '10000000', RATE_LIMIT_SENSITIVE_PER_MINUTE: '10000', QUEUE_PREFIX: 'odbench', DATABASE_POOL_MAX: String(POOL) });
  const rt = await openRuntime(config, quiet);
  const app = await buildApp({ config, db: rt.db, queue: rt.queue, redis: rt.redis, services: rt.services, logger: false });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
}
process.send?.('ready');

// A CPU profile of the load phase only (not start-up): `kill -USR2 <pid>` starts it, a second
// USR2 writes it to BENCH_CPU_PROFILE (open it in Chrome DevTools or speedscope).
if (process.env.BENCH_CPU_PROFILE) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  let on = false;
  process.on('SIGUSR2', async () => {
    if (!on) { await session.post('Profiler.enable'); await session.post('Profiler.start'); on = true; return; }
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(profile));
    on = false;
  });
}
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
