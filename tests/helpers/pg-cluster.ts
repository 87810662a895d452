import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './processes.js';

const run = promisify(execFile);
const VERSION = '15';
const PREFIX = 'od_fault_';

/**
 * A PostgreSQL cluster of the test's own (Debian's pg_createcluster, on a free port, data under
 * /tmp), so a fault test can restart it without touching the shared server. Dropped by `drop()`.
 */
export async function createCluster() {
  await dropStaleClusters();
  const name = `${PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  await run('pg_createcluster', [VERSION, name, '-p', String(port), '-d', `/tmp/${name}`, '-l', `/tmp/${name}.log`, '--start', '--', '--auth=trust'], { timeout: 60_000 });
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const admin = postgres(url('postgres'), { max: 1, onnotice: () => {} });
  try { await admin.unsafe('create database onedoor'); } finally { await admin.end(); }
  return {
    name, port, url: url('onedoor'),
    /** `pg_ctlcluster restart -m fast`: every connection is cut, the server is away for a moment. */
    restart: () => run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, 'restart', '-m', 'fast'], { timeout: 60_000 }),
    drop: () => run('pg_dropcluster', ['--stop', VERSION, name], { timeout: 60_000 }).then(() => run('rm', ['-f', `/tmp/${name}.log`])),
  };
}
export type Cluster = Awaited<ReturnType<typeof createCluster>>;

/** Clusters left by test processes that died before dropping them. */
async function dropStaleClusters() {
  const { stdout } = await run('pg_lsclusters', ['-h']).catch(() => ({ stdout: '' }));
  for (const line of stdout.split('\n')) {
    const name = line.split(/\s+/)[1] ?? '';
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('_')[0]);
    let alive = false;
    try { process.kill(pid, 0); alive = true; } catch { /* gone */ }
    if (!alive) await run('pg_dropcluster', ['--stop', VERSION, name]).catch(() => {});
  }
}
