import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, { restart?: string; healthcheck?: { test: string[] } }> };

describe('docker-compose.yml supervision', () => {
  it('restarts every service that exits (a crash, an OOM kill), unless an operator stopped it', () => {
    for (const [name, svc] of Object.entries(compose.services)) expect(svc.restart, name).toBe('unless-stopped');
  });

  it('judges the worker by its heartbeat, not by whether PID 1 exists', () => {
    const test = compose.services.worker.healthcheck!.test.join(' ');
    expect(test).toContain('onedoor-worker.alive');
    expect(test).not.toMatch(/process\.kill\(1, 0\)/);
    // Run it as the container would: unhealthy without a beat, healthy after one, unhealthy once it is old.
    const script = compose.services.worker.healthcheck!.test.at(-1)!;
    const dir = mkdtempSync(join(tmpdir(), 'od-hc-'));
    const healthy = () => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: dir } }).status === 0;
    try {
      expect(healthy()).toBe(false);
      writeFileSync(join(dir, 'onedoor-worker.alive'), 'now');
      expect(healthy()).toBe(true);
      const old = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'onedoor-worker.alive'), old, old);
      expect(healthy()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
