import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { freePort, startServerUntilHealthy, type Child } from '../helpers/processes.js';
import { ADMIN_KEY } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * The embedded default (PGlite + in-process queue) killed with SIGKILL while jobs wait in memory
 * behind a webhook receiver that does not answer: their outbox events are already relayed. Started
 * again on the same DATA_DIR, every job kind the queue lost runs, once: the pending webhook
 * delivery, the invitation mails, the attachment's text extraction (issue 14, "nothing lost").
 */
describe('probe: jobs the embedded default held in memory when it was killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-embedded-jobs-'));
  const children: Child[] = [];
  // The receiver holds every request open until `answering`; then it answers 204 and records the event.
  let answering = false;
  const held: ServerResponse[] = [];
  const answered: { delivery: string; event: string }[] = [];
  let attempts = 0;
  const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => { body += String(c); });
    req.on('end', () => {
      attempts++;
      if (!answering) { held.push(res); return; }
      answered.push({ delivery: String(req.headers['onedoor-delivery'] ?? req.headers['x-onedoor-delivery'] ?? ''), event: JSON.parse(body).id });
      res.statusCode = 204;
      res.end();
    });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    for (const r of held) r.destroy();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('runs every lost job after the restart, each once', async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // STRANDED_AFTER_S far beyond the test: only the start-up recovery can run what the killed process held.
    const env = {
      // As `npm start` runs it: the session secret (which seals mail links) is generated into DATA_DIR and kept across the restart.
      NODE_ENV: 'development', DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_SENSITIVE_PER_MINUTE: '100000',
      STRANDED_AFTER_S: '86400', EMBEDDED_CONCURRENCY: '1', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '60000', AUTO_ROUTE_CONFIDENCE: '0',
    };
    const start = async () => {
      const api = await startServerUntilHealthy(env, base);
      children.push(api);
      return api;
    };
    const call = async (method: string, path: string, key: string | null, body?: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: await res.json().catch(() => null) as any };
    };
    const depth = async () => {
      const text = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text());
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^onedoor_queue_depth\{job="([\w-]+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
      return out;
    };
    const first = await start();
    const prov = await call('POST', '/v1/providers', ADMIN_KEY, { name: 'UNODC TPB', kind: 'task_force_entity', entity: 'UNODC' });
    const pkey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'provider', label: 'p', providerId: prov.body.id })).body.key;
    expect((await call('POST', '/v1/offerings', pkey, fiuOffering)).status).toBe(201);
    const ekey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'entity', label: 'e', entity: 'UNODC' })).body.key;
    expect((await call('POST', '/v1/webhooks', ekey, { url: hook, events: ['request.routed'] })).status).toBe(201);
    const skey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'member_state', label: 's', memberState: 'SEN' })).body.key;

    // The first routed request's delivery holds the only job slot: what follows waits in memory.
    const firstRequest = await call('POST', '/v1/requests', skey, { ...fiuRequest, title: 'FIU request held at the receiver' });
    expect(firstRequest.status).toBe(202);
    await waitFor(() => held.length === 1, 90_000, 'the first delivery to reach the receiver');

    const emails = ['reg-a@provider-one.example', 'reg-b@provider-two.example', 'reg-c@provider-three.example'];
    for (const [n, contactEmail] of emails.entries()) {
      const r = await call('POST', '/v1/provider-registrations', null, { organisationName: `Training provider ${n}`, kind: 'ngo', contactName: `Contact ${n}`, contactEmail, country: 'NOR', website: `https://provider-${n}.example` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const form = new FormData();
    form.append('purpose', 'draft_law');
    form.append('file', new Blob([readFileSync('tests/fixtures/attachments/draft-law-en.docx')]), 'draft-law-en.docx');
    const up = await fetch(`${base}/v1/requests/${firstRequest.body.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${skey}` }, body: form });
    expect(up.status, await up.clone().text()).toBe(201);
    const attachmentId = (await up.json() as { items: { id: string }[] }).items[0]!.id;
    // Relayed (their events are marked published) and waiting in memory when the process dies.
    await waitFor(async () => { const d = await depth(); return (d['send-mail'] ?? 0) >= emails.length && (d['extract-attachment'] ?? 0) >= 1; }, 60_000, 'the jobs to wait in memory');
    first.proc.kill('SIGKILL');
    await first.exited;
    for (const r of held.splice(0)) r.destroy();

    answering = true;
    const second = await start();
    const mailed = () => [...first.lines, ...second.lines].filter((l) => l.msg === 'mail written to the mail folder (no SMTP_URL)').map((l) => String(l.to));
    await waitFor(() => emails.every((e) => mailed().includes(e)), 90_000, 'the invitation mails after the restart');
    await waitFor(async () => (await call('GET', `/v1/attachments/${attachmentId}`, skey)).body?.extraction?.status === 'done', 90_000, 'the text extraction after the restart');
    await waitFor(() => answered.length >= 1, 90_000, 'the held delivery after the restart');
    // Once each: one mail per invitation, one answered delivery per event, the held one tried once before.
    expect(mailed().filter((e) => emails.includes(e)).sort()).toEqual([...emails].sort());
    expect(new Set(answered.map((a) => a.event)).size).toBe(answered.length);
    expect(attempts).toBe(answered.length + 1);
  }, 300_000);
});
