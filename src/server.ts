import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { buildApp } from './app.js';
import { logSerializers } from './plugins/log-serializers.js';
import { ConfigError, describeMode, loadConfig, type Config } from './config.js';
import { resolveEncryptionKey } from './modules/common/secrets.js';
import { openRuntime, startConsumers, survivesLostConnections, startRelay } from './runtime.js';

let config: Config;
try {
  config = loadConfig();
  // Refuses production without a key for secrets at rest now, not at the first sign-in.
  resolveEncryptionKey(config);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`OneDoor cannot start.\n${err.message}`);
    process.exit(1);
  }
  throw err;
}

const log = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'], serializers: logSerializers });
let adminKey = config.ADMIN_API_KEY;
if (!adminKey) {
  adminKey = `od_admin_${randomBytes(24).toString('base64url')}`;
  config = Object.freeze({ ...config, ADMIN_API_KEY: adminKey });
  // Printed once, on purpose: without ADMIN_API_KEY this is the only way in.
  console.log(`\nNo ADMIN_API_KEY set: this run's admin key is\n\n  ${adminKey}\n\nSet ADMIN_API_KEY to keep one across restarts.\n`);
}

const mode = describeMode(config);
log.info({ mode }, `starting OneDoor: database ${mode.db}${mode.db === 'pglite' ? ` (${config.DATA_DIR})` : ''}, queue ${mode.queue}`);

survivesLostConnections(log);
const rt = await openRuntime(config, log);
// With BullMQ the API relays the outbox too, so what is filed reaches the queue while workers are down.
if (rt.queue.kind === 'bullmq' && config.RELAY_IN_API) startRelay(rt, log);
if (rt.queue.kind === 'bullmq') {
  // Intake does not need Redis (events wait in the outbox), so the API starts without it; say so.
  void rt.queue.ping(2000).catch((err) => log.warn({ err: String(err) }, 'Redis is not reachable yet; accepting requests, their events wait in the outbox'));
}
const app = await buildApp({ config, db: rt.db, queue: rt.queue, redis: rt.redis, services: rt.services, loggerInstance: log });

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
  const force = setTimeout(() => { log.error('shutdown took too long; exiting'); process.exit(1); }, 20_000);
  force.unref();
  try {
    await app.close();
    await rt.close();
  } finally {
    clearTimeout(force);
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.HOST, port: config.PORT });
// Embedded mode has no separate worker: the API process consumes its own jobs. It starts once the API
// listens, so building the offering index (page by page, yielding) never keeps anyone from filing.
if (rt.queue.kind === 'in-process' && config.EMBEDDED_WORKER) await startConsumers(rt, log);

// The first sign-in: until an admin person exists, each start prints a single-use link (24 h) to create one.
try {
  const link = await rt.services.people.firstAdminLink();
  // Printed on purpose, like the admin key above: it is the only way to make the first person.
  if (link) console.log(`\nNo administrator has signed up yet. Create the first one (the link works once, for 24 hours):\n\n  ${link}\n\nThe admin key is for machines and bootstrapping (the API); people sign in with e-mail and password.\n`);
} catch (err) {
  log.warn({ err: String(err) }, 'could not make the first-administrator link; restart to try again');
}
