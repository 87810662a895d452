import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { freePort, startServerUntilHealthy, type Child } from '../helpers/processes.js';
import { ADMIN_KEY } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The embedded default (PGlite + in-process queue) killed with SIGKILL while requests are filed:
 * the jobs it held in memory die with it. Started again on the same DATA_DIR, it keeps every request
 * it acknowledged and matches those left waiting at once (before, only the sweeper did, after
 * STRANDED_AFTER_S: five minutes of requests stuck in `submitted`).
 */
describe('probe: the embedded default killed under load and started again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-embedded-'));
  const children: Child[] = [];
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every 202 and matches every request soon after the restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // STRANDED_AFTER_S far beyond the test: only the start-up sweep can match what the killed process left.
    const env = { DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '100000', STRANDED_AFTER_S: '86400', EMBEDDED_CONCURRENCY: '1' };
    const start = async () => {
      const api = await startServerUntilHealthy(env, base);
      children.push(api);
      return api;
    };
    const call = async (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: await res.json().catch(() => null) as any };
    };
    const first = await start();
    const prov = await call('POST', '/v1/providers', ADMIN_KEY, { name: 'UNODC TPB', kind: 'task_force_entity', entity: 'UNODC' });
    const pkey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'provider', label: 'p', providerId: prov.body.id })).body.key;
    expect((await call('POST', '/v1/offerings', pkey, fiuOffering)).status).toBe(201);
    const skey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'member_state', label: 's', memberState: 'SEN' })).body.key;

    // Filed faster than one job at a time matches them, so some wait in memory when the process dies.
    const accepted: string[] = [];
    await Promise.all(Array.from({ length: 4 }, async (_, c) => {
      for (let i = 0; i < 15; i++) {
        const res = await call('POST', '/v1/requests', skey, { ...fiuRequest, title: `FIU request before the kill ${c}-${i}` });
        expect(res.status).toBe(202);
        accepted.push(res.body.id);
      }
    }));
    const waiting = async () => (await call('GET', '/health/ready', ADMIN_KEY)).body?.checks?.matching?.waiting as number;
    expect(await waiting()).toBeGreaterThan(0);
    first.proc.kill('SIGKILL');
    await first.exited;
    await sleep(200);

    await start();
    const views = async () => Promise.all(accepted.map((id) => call('GET', `/v1/requests/${id}`, skey)));
    // Every request acknowledged before the kill is still there...
    expect((await views()).map((v) => v.status).filter((s) => s !== 200)).toEqual([]);
    // ...and each is matched, without waiting for STRANDED_AFTER_S.
    await waitFor(async () => (await views()).every((v) => v.body.matchedAt !== null), 90_000, `all ${accepted.length} requests matched after the restart`);
  }, 300_000);
});
