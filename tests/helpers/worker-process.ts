import { fork, type ChildProcess } from 'node:child_process';

/** Starts `npm run worker` as a real child process and waits until it consumes. */
export function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess & { exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = fork('workers/main.ts', [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }) as ChildProcess & { exited: Promise<number | null> };
    child.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => reject(new Error('worker did not start within 90 s')), 90_000);
    child.once('message', () => { clearTimeout(timer); resolve(child); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`worker exited early with ${code}`)); });
  });
}
