import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** A child OneDoor process (API or worker) whose log lines (pino JSON on stdout) the test can read. */
export interface Child {
  proc: ChildProcess;
  /** Parsed log lines so far. */
  lines: { level: number; msg: string; [k: string]: unknown }[];
  /** Everything it wrote to stderr. */
  stderr: () => string;
  /** Resolves with the exit code when it exits. */
  exited: Promise<number | null>;
  /** The exit code, once it has exited. */
  exitCode: () => number | null | undefined;
  /** True once it sent 'ready' over IPC (workers do when they consume). */
  ready: () => boolean;
  /** SIGTERM and wait (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

/** Forks `npm start` (src/server.ts) or `npm run worker` (workers/main.ts) with its own environment. */
export function startChild(entry: 'src/server.ts' | 'workers/main.ts', env: Record<string, string>): Child {
  const proc = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: Child['lines'] = [];
  let err = '';
  let buf = '';
  let code: number | null | undefined;
  let isReady = false;
  proc.stdout!.on('data', (b) => {
    buf += String(b);
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try { lines.push(JSON.parse(line)); } catch { /* the admin key banner and other plain text */ }
    }
  });
  proc.stderr!.on('data', (b) => { err += String(b); });
  proc.on('message', (m) => { if (m === 'ready') isReady = true; });
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => { code = c; r(c); }));
  return {
    proc, lines, exited,
    stderr: () => err,
    exitCode: () => code,
    ready: () => isReady,
    async stop() {
      if (code !== undefined) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Starts the API (`npm start`'s entry) as a child and waits until `base`/health answers; fails with its
 * stderr if it exits first. The caller keeps the child (to kill it, or to stop it in afterAll).
 */
export async function startServerUntilHealthy(env: Record<string, string>, base: string, timeoutMs = 120_000): Promise<Child> {
  const api = startChild('src/server.ts', env);
  const deadline = Date.now() + timeoutMs;
  while (!(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
    if (api.exitCode() !== undefined) throw new Error(`the server exited before answering:\n${api.stderr()}`);
    if (Date.now() > deadline) { await api.stop(); throw new Error(`the server did not answer /health within ${timeoutMs} ms:\n${api.stderr()}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return api;
}
