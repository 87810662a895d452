import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/screening/consolidated.xml', import.meta.url));
const UPDATE = fileURLToPath(new URL('../fixtures/screening/consolidated-update.xml', import.meta.url));

/** Runs `npm run screening:load -- …` as the operator would (tsx, a child process). */
function load(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/modules/screening/load-list.cli.ts', ...args], { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }));
  });
}

describe('npm run screening:load', () => {
  let t: TestApp;
  let base: string;
  let files: Server;
  let filesBase: string;
  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // Stands in for scsanctions.un.org: serves the fixture over HTTP on a free local port.
    files = createServer((req, res) => {
      if (req.url === '/resources/xml/en/consolidated.xml') { res.writeHead(200, { 'content-type': 'application/xml' }); res.end(readFileSync(UPDATE)); return; }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => files?.close(r));
    await t?.close();
  });

  it('loads a file into the running server, then says so when the same file comes again', async () => {
    const r = await load([FIXTURE], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY });
    expect(r.err).toBe('');
    expect(r.out).toContain('loaded: 5 individuals, 4 entities, dateGenerated 2026-09-02T23:00:02.141Z; 9 entries added, 0 removed');
    expect((await t.services.screening.status()).list).toMatchObject({ source: 'consolidated.xml', individuals: 5 });
    expect((await load([FIXTURE], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY })).out).toContain('unchanged');
  });

  it('downloads the list from a URL', async () => {
    const r = await load([`${filesBase}/resources/xml/en/consolidated.xml`], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY });
    expect(r.out).toContain('loaded: 6 individuals, 4 entities, dateGenerated 2026-09-05T23:00:04.811Z; 1 entries added, 0 removed');
    expect((await t.services.screening.status()).list?.source).toBe(`${filesBase}/resources/xml/en/consolidated.xml`);
  });

  it('explains what is wrong and exits 1: older file, missing key, bad file, no server, a URL that fails', async () => {
    const older = await load([FIXTURE], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY });
    expect(older.code).toBe(1);
    expect(older.err).toMatch(/not loaded \(HTTP 409\): This file was generated on 2026-09-02/);
    expect((await load([FIXTURE, '--force'], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY })).out).toContain('loaded: 5 individuals');
    expect((await load([FIXTURE], { ONEDOOR_URL: base, ADMIN_API_KEY: '' })).err).toContain('set ADMIN_API_KEY');
    const bad = await load([fileURLToPath(new URL('../fixtures/screening/entity-expansion.xml', import.meta.url))], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY });
    expect(bad.err).toContain('body: DOCTYPE and ENTITY declarations are not accepted');
    expect((await load(['/nonexistent/list.xml'], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY })).err).toContain('could not read /nonexistent/list.xml');
    expect((await load([`${filesBase}/missing.xml`], { ONEDOOR_URL: base, ADMIN_API_KEY: ADMIN_KEY })).err).toContain('answered HTTP 404');
    const down = await load([FIXTURE], { ONEDOOR_URL: filesBase.replace(/:\d+$/, ':1'), ADMIN_API_KEY: ADMIN_KEY });
    expect(down.code).toBe(1);
    expect(down.err).toContain('OneDoor does not answer');
    expect((await load([], {})).err).toContain('Usage: npm run screening:load');
  }, 60_000);
});
