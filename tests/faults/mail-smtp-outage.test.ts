import { afterAll, describe, expect, it } from 'vitest';
import { mailRetryPolicy, RETRY } from '../../src/queue/jobs.js';
import { freePort } from '../helpers/processes.js';
import { rows } from '../helpers/rows.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const MAILS = 12;
const params = { kind: 'question', title: 'A request', link: 'https://onedoor.example/requests/x', unsubscribeUrl: 'https://onedoor.example/unsubscribe?token=x' };
/** Short waits (the defaults are 30 s doubling up to 20 min for 24 h): the outage outlasts the shared policy's five attempts many times over. */
const RETRY_ENV = { MAIL_RETRY_FIRST_DELAY_MS: '100', MAIL_RETRY_MAX_DELAY_MS: '400', MAIL_RETRY_HOURS: '1' };

describe.each(['in-process', 'bullmq'] as const)('a mail server down for longer than the queue\'s shared retries (%s queue)', (queue) => {
  let t: TestApp | undefined;
  let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  afterAll(async () => { await t?.close(); await sink?.close(); });

  it('mail filed during the outage keeps retrying with backoff and arrives exactly once when the server is back', async () => {
    const first = await startSmtpSink();
    sink = first;
    const port = first.port;
    t = await buildTestApp({ queue, db: queue === 'bullmq' ? 'postgres' : 'pglite', env: { SMTP_URL: first.url, ...RETRY_ENV, SESSION_SECRET: 'a-session-secret-for-the-mail-outage-test-01' } });
    await t.startWorkers();
    const queueMail = (i: number) => t!.services.mail.queue(undefined, { to: `person${i}@example.org`, language: 'en', template: 'notification', params: { ...params, title: `Request ${i}` } });
    const before = (await queueMail(-1))!;
    await t.drain();
    expect(first.mails.map((m) => m.messageId)).toEqual([`<${before}@onedoor>`]);

    // The server stops (a restart, a relay's maintenance); mail is filed meanwhile.
    await first.close();
    sink = undefined;
    const ids: string[] = [];
    for (let i = 0; i < MAILS; i++) ids.push((await queueMail(i))!);
    const states = () => rows<{ id: string; status: string; attempts: number; last_error: string | null }>(t!,
      'select id, status, attempts, last_error from mail_messages where id = any($1::uuid[])', [ids]);
    // Each mail has been tried more often than the shared policy allows, and is still waiting, not failed.
    await waitFor(async () => (await states()).every((m) => m.attempts > RETRY.attempts + 1), 120_000, 'every mail retried past the shared policy');
    const waiting = await states();
    expect(waiting.map((m) => m.status).filter((s) => s !== 'retrying' && s !== 'sending')).toEqual([]);
    expect(waiting.every((m) => m.attempts < mailRetryPolicy(t!.config).attempts)).toBe(true);
    // The last reply is kept for admins: the server could not be reached.
    expect(waiting.find((m) => m.status === 'retrying')!.last_error).toMatch(/ECONNREFUSED|could not be reached/);

    // Back on the same port: every mail of the outage arrives, once.
    sink = await startSmtpSink({ port });
    await waitFor(async () => (await states()).every((m) => m.status === 'sent'), 120_000, 'every mail sent after the outage');
    await t.drain();
    const got = sink.mails.map((m) => m.messageId);
    expect(got.filter((id, i) => got.indexOf(id) !== i)).toEqual([]);
    expect(new Set(got)).toEqual(new Set(ids.map((id) => `<${id}@onedoor>`)));
    expect(await rows(t, "select id from mail_messages where status <> 'sent'")).toEqual([]);
  }, 300_000);
});

describe('an embedded process restarted while its mail waits for the server', () => {
  let t1: TestApp | undefined;
  let t2: TestApp | undefined;
  let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  afterAll(async () => { await t2?.close(); await t1?.close(); await sink?.close(); });

  it('takes the waiting mail up again at start (in-process jobs die with the process) and sends each once', async () => {
    const port = await freePort();
    const env = { SMTP_URL: `smtp://127.0.0.1:${port}`, ...RETRY_ENV, SESSION_SECRET: 'a-session-secret-for-the-mail-outage-test-01' };
    t1 = await buildTestApp({ env });
    await t1.startWorkers();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await t1.services.mail.queue(undefined, { to: `restart${i}@example.org`, language: 'fr', template: 'notification', params }))!);
    const states = (t: TestApp) => rows<{ status: string; attempts: number }>(t, 'select status, attempts from mail_messages where id = any($1::uuid[])', [ids]);
    await waitFor(async () => (await states(t1!)).every((m) => m.attempts >= 2), 60_000, 'every mail retried');
    // The process goes away: its relay and its queue (with the waiting jobs) stop; the database stays.
    await t1.runtime.relay?.stop();
    await t1.queue.close();
    expect((await states(t1)).every((m) => m.status !== 'sent' && m.status !== 'failed')).toBe(true);
    sink = await startSmtpSink({ port });
    t2 = await buildTestApp({ env: { ...env, DATABASE_URL: t1.config.DATABASE_URL! }, reuseDatabase: true });
    await t2.startWorkers();
    await waitFor(async () => (await states(t2!)).every((m) => m.status === 'sent'), 60_000, 'every mail sent after the restart');
    await t2.drain();
    const got = sink.mails.map((m) => m.messageId).sort();
    expect(got).toEqual(ids.map((id) => `<${id}@onedoor>`).sort());
  }, 180_000);
});

describe('mail retry policy', () => {
  it('backs off exponentially with jitter up to its cap, for about MAIL_RETRY_HOURS in all', () => {
    const p = mailRetryPolicy({ MAIL_RETRY_FIRST_DELAY_MS: 30_000, MAIL_RETRY_MAX_DELAY_MS: 20 * 60_000, MAIL_RETRY_HOURS: 24 });
    expect([1, 2, 3].map((n) => p.delayMs(n, () => 1))).toEqual([30_000, 60_000, 120_000]);
    expect(p.delayMs(3, () => 0)).toBe(60_000);
    expect(p.delayMs(40, () => 1)).toBe(20 * 60_000);
    let mean = 0;
    for (let n = 1; n < p.attempts; n++) mean += p.delayMs(n, () => 0.5);
    expect(Math.abs(mean - 24 * 3600_000)).toBeLessThan(20 * 60_000);
    // No retry period: one attempt.
    expect(mailRetryPolicy({ MAIL_RETRY_FIRST_DELAY_MS: 100, MAIL_RETRY_MAX_DELAY_MS: 100, MAIL_RETRY_HOURS: 0 }).attempts).toBe(1);
  });
});
