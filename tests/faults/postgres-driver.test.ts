import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/webhook-receiver.js';

type Msg = { step: string; outcome?: string; rows?: string };

/**
 * postgres.js 3.4.9 (the latest release) kills the process when a connection closes under a
 * transaction: patches/postgres+3.4.9.patch settles such writes with CONNECTION_CLOSED instead.
 */
describe('postgres.js: a connection closed under a transaction', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('rejects the transaction, keeps the process alive, and the pool works again afterwards', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.stop());
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const tag = `od_cut_${randomBytes(4).toString('hex')}`;
    const messages: Msg[] = [];
    let stderr = '';
    const child: ChildProcess = fork('tests/faults/fixtures/transaction-cut.ts', [], {
      execArgv: ['--import', 'tsx'], env: { ...process.env, DATABASE_URL: viaProxy.toString(), TAG: tag }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr!.on('data', (b) => { stderr += String(b); });
    child.on('message', (m) => messages.push(m as Msg));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let exitCode: number | null | undefined;
    void exited.then((c) => { exitCode = c; });
    cleanup.push(async () => { if (exitCode === undefined) { child.kill('SIGKILL'); await exited; } });

    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    cleanup.push(() => admin.end());
    await waitFor(async () => (await admin`select 1 from pg_stat_activity where application_name = ${tag} and query like '%pg_sleep%'`).length > 0, 30_000, 'statement in flight');
    await proxy.stop();
    await waitFor(async () => messages.some((m) => m.step === 'waiting') || exitCode !== undefined, 30_000, 'the transaction settles');
    expect(stderr).not.toMatch(/Cannot read properties of null/);
    expect(exitCode).toBeUndefined();
    expect(messages.find((m) => m.step === 'transaction')?.outcome).toMatch(/^rejected:(CONNECTION_CLOSED|ECONNRESET)$/);

    await proxy.start();
    child.send('query-again');
    await waitFor(async () => exitCode !== undefined, 30_000, 'the child finishes');
    expect(messages.find((m) => m.step === 'query-again')?.rows).toBe('1');
    expect(exitCode).toBe(0);
    expect(stderr).not.toMatch(/TypeError/);
  }, 90_000);
});

describe('postgres.js: a connection torn down while a small write waits for its flush', () => {
  it('forgets the cancelled flush, so the next connection on that slot is not left without its start-up message', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const sockets: Socket[] = [];
    // Our own sockets, so the test can destroy one at an exact point of the event loop.
    const sql = postgres(TEST_DATABASE_URL, {
      max: 1, onnotice: () => {}, connect_timeout: 3, backoff: () => 0,
      // `socket` is a documented option that postgres.js's types leave out.
      ...({ socket: () => { const s = connect(Number(target.port || 5432), target.hostname); sockets.push(s); return s; } } as object),
    });
    try {
      expect((await sql`select 1 as one`)[0].one).toBe(1);
      // In the check phase: the query's bytes wait for the next setImmediate flush, and the socket's
      // 'close' arrives in this loop iteration's close phase, before that flush runs.
      const failed = await new Promise<unknown>((resolve) => setImmediate(() => {
        sql`select 2 as two`.execute().then(() => resolve(null), resolve);
        sockets.at(-1)!.destroy();
      }));
      expect(String((failed as { code?: string })?.code)).toMatch(/CONNECTION_CLOSED|CONNECTION_DESTROYED|ECONNRESET/);
      // Before the patch the stale timer swallowed the next start-up message: CONNECT_TIMEOUT here.
      expect((await sql`select 3 as three`)[0].three).toBe(3);
      expect(sockets.length).toBe(2);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 30_000);
});
