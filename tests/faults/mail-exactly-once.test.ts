import type { ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';
import { startWorkerProcess } from '../helpers/worker-process.js';

const MAILS = 500;
/** The worker is killed while the SMTP server holds this mail's answer (the batch is then well under way). */
const KILL_AT = 150;
const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

describe('mail is sent exactly once, even when the worker is killed mid-batch', () => {
  const procs: (ChildProcess & { exited: Promise<number | null> })[] = [];
  let t: TestApp | undefined;
  let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await t?.close();
    await sink?.close();
  });

  it(`SIGKILL while sending ${MAILS} mails, then a new worker: every Message-ID arrives once`, async () => {
    let killed = false;
    sink = await startSmtpSink({
      beforeAccept: async (_m, n) => {
        if (n !== KILL_AT || killed) return;
        killed = true;
        // Mid-batch, with other mails in every stage (claimed, streaming, committed, answered).
        procs[0].kill('SIGKILL');
        await procs[0].exited;
      },
    });
    t = await buildTestApp({ queue: 'bullmq', env: { SMTP_URL: sink.url, SESSION_SECRET: 'a-session-secret-for-the-mail-kill-test-0123' } });
    await t.db.db.transaction(async (tx) => {
      for (let i = 0; i < MAILS; i++) {
        await t!.services.mail.queue(tx, {
          to: `person${i}@example.org`, language: ['en', 'fr', 'es', 'ru', 'ar', 'zh'][i % 6], template: 'notification', dedupeKey: `kill-test-${i}`,
          params: { kind: 'question', title: `Question ${i}`, link: `https://onedoor.example/requests/${i}`, unsubscribeUrl: 'https://onedoor.example/unsubscribe?token=x' },
        });
      }
    });
    const env = {
      DATABASE_URL: t.config.DATABASE_URL!, REDIS_URL: t.config.REDIS_URL!, QUEUE_PREFIX: t.config.QUEUE_PREFIX, ADMIN_API_KEY: ADMIN_KEY,
      OUTBOX_POLL_MS: '50', SESSION_SECRET: 'a-session-secret-for-the-mail-kill-test-0123', SMTP_URL: sink.url,
      // A killed worker's jobs come back after about a lock's time.
      JOB_LOCK_MS: '2000', WORKER_CONCURRENCY: '8',
    };
    procs.push(await startWorkerProcess(env));
    await waitFor(() => killed && procs[0].signalCode === 'SIGKILL', 120_000, `the worker killed at mail ${KILL_AT}`);
    const atKill = sink.mails.length;
    expect(atKill).toBeLessThan(MAILS);
    procs.push(await startWorkerProcess(env));
    const sent = async () => Number(rowsOf<{ n: number }>(await t!.db.db.execute(sql`select count(*)::int as n from mail_messages where status = 'sent'`))[0].n);
    await waitFor(async () => (await sent()) === MAILS && sink!.mails.length >= MAILS, 180_000, 'every mail sent').catch(async (err) => {
      const states = rowsOf<{ status: string; n: number; err: string | null }>(await t!.db.db.execute(sql`select status, count(*)::int as n, max(last_error) as err from mail_messages group by 1`));
      throw new Error(`${(err as Error).message}: ${JSON.stringify(states)}, ${sink!.mails.length} received`);
    });
    // Anything sent twice would arrive now (retries of the killed worker's jobs are done by then).
    await new Promise((r) => setTimeout(r, 2500));
    const ids = sink.mails.map((m) => m.messageId);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(twice).toEqual([]);
    expect(new Set(ids).size).toBe(MAILS);
    const rows = rowsOf<{ id: string }>(await t.db.db.execute(sql`select id from mail_messages`));
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => `<${r.id}@onedoor>`)));
    // Each in its language: the Russian ones say so.
    expect(sink.mails.filter((m) => m.headers.get('content-language') === 'ru').length).toBe(Math.ceil((MAILS - 3) / 6));
  }, 400_000);
});
