import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, describeMode, loadConfig, type Config } from '../src/config.js';
import { openRuntime, startConsumers, survivesLostConnections } from '../src/runtime.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`OneDoor worker cannot start.\n${err.message}`);
    process.exit(1);
  }
  throw err;
}
const log = pino({ level: config.LOG_LEVEL });
if (!config.REDIS_URL) {
  console.error('The worker needs REDIS_URL (BullMQ). Without it, `npm start` runs the jobs in-process and no worker is needed.');
  process.exit(1);
}
log.info({ mode: describeMode(config) }, 'starting OneDoor worker');
survivesLostConnections(log);
const rt = await openRuntime(config, log);
// Touched at each heartbeat that reached Redis: the container healthcheck reads its age (docker-compose.yml).
const aliveFile = join(tmpdir(), 'onedoor-worker.alive');
await startConsumers(rt, log, { onHeartbeat: () => { void writeFile(aliveFile, new Date().toISOString()).catch(() => {}); } });
log.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker consuming');
process.send?.('ready');

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'worker shutting down: letting running jobs finish');
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await rt.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
