import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a script in a fresh Node (the guard installs a process-wide handler) and returns its exit code and output. */
function run(reject: string) {
  const script = `
    import { survivesLostConnections } from './src/runtime.ts';
    const lines = [];
    survivesLostConnections({ info() {}, warn: (o, m) => lines.push('warn ' + m), error: (o, m) => lines.push('error ' + m) });
    Promise.reject(${reject});
    setTimeout(() => { console.log(lines.join('|')); console.log('still running'); process.exit(0); }, 300);
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
}

describe('a promise rejected with nobody waiting', () => {
  it('because a connection was reset (PostgreSQL restarting): logged, the process keeps running', () => {
    const r = run(`Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })`);
    expect(r.stdout).toContain('warn a connection was lost under a query nobody awaited');
    expect(r.stdout).toContain('still running');
    expect(r.status).toBe(0);
  });

  it('for any other reason (a bug): logged, and the process exits for its supervisor to restart it', () => {
    const r = run(`new TypeError('x is not a function')`);
    expect(r.stdout).not.toContain('still running');
    expect(r.status).toBe(1);
  });
});
