import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailRetryPolicy } from '../../src/queue/jobs.js';
import { freePort } from '../helpers/processes.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, type WebSession } from '../helpers/web-session.js';

const GONE = 'gone@bounce.example';
const LATER = 'later@bounce.example';
const FINE = 'fine@bounce.example';
/** Refused at RCPT TO for policy (5.7.1): that mail fails, but the address is not wrong. */
const POLICY = 'policy@bounce.example';
/** Refused after the message, each with its reply (code, text): the mailbox (flagged) or the mail (that mail only). */
const AT_DATA: Record<string, [number, string]> = {
  'unknown@data.example': [550, '5.1.1 <unknown@data.example>: no such user'],
  'moved@data.example': [551, 'user not local'],
  'spam@data.example': [550, '5.7.1 message refused as spam'],
  'big@data.example': [552, 'message exceeds the size limit'],
};
/** A short retry period (about 5 attempts, a fraction of a second apart), the policy of mail's own (src/queue/jobs.ts). */
const RETRY_ENV = { MAIL_RETRY_FIRST_DELAY_MS: '50', MAIL_RETRY_MAX_DELAY_MS: '200', MAIL_RETRY_HOURS: '0.0001' };

/**
 * A real SMTP server that refuses GONE at RCPT TO with a 550 (while `refusing`), answers 451 to the
 * data of any mail to LATER, and keeps what it accepts; every RCPT TO is counted per address.
 */
async function startRefusingServer() {
  const received: ParsedMail[] = [];
  const rcpts = new Map<string, number>();
  const state = { refusing: true };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      rcpts.set(a, (rcpts.get(a) ?? 0) + 1);
      if (a === GONE && state.refusing) return cb(Object.assign(new Error('5.1.1 <gone@bounce.example>: mailbox unknown'), { responseCode: 550 }));
      if (a === POLICY) return cb(Object.assign(new Error('5.7.1 <policy@bounce.example>: relay access denied by policy'), { responseCode: 554 }));
      cb();
    },
    onData(stream, session, cb) {
      const refusal = AT_DATA[session.envelope.rcptTo[0]?.address.toLowerCase() ?? ''];
      if (refusal) {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error(refusal[1]), { responseCode: refusal[0] })));
        return;
      }
      if (session.envelope.rcptTo.some((r) => r.address.toLowerCase() === LATER)) {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((m) => { received.push(m); cb(); }, cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, rcpts, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The mail row failed after `attempts` attempts, its reason holding each of `reply`'s parts. */
async function expectFailed(rows: { id: string; status: string; attempts: number; lastError: string | null }[], id: string, attempts: number, ...reply: string[]) {
  const m = rows.find((x) => x.id === id)!;
  expect({ status: m.status, attempts: m.attempts }).toEqual({ status: 'failed', attempts });
  for (const part of reply) expect(m.lastError).toContain(part);
}

const mailParams = { kind: 'question', title: 'A request', link: 'https://onedoor.example/requests/x', unsubscribeUrl: 'https://onedoor.example/unsubscribe?token=x' };

describe('mail the server refuses: permanent and temporary failures, bounced addresses held until confirmed', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startRefusingServer>>;
  let admin: WebSession;
  let gonePerson: Awaited<ReturnType<typeof createPerson>>;
  let firstGone = '';

  const row = async (id: string) => (await t.services.mail.list({ limit: 500 })).find((m) => m.id === id)!;
  const queue = async (to: string) => (await t.services.mail.queue(undefined, { to, language: 'en', template: 'notification', params: mailParams }))!;
  const toOf = (m: ParsedMail) => [m.to].flat().flatMap((a) => a?.value ?? []).map((v) => v.address?.toLowerCase());

  beforeAll(async () => {
    smtp = await startRefusingServer();
    t = await buildTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://onedoor.example', ...RETRY_ENV } });
    await t.startWorkers();
    admin = await signInPerson(t, await createPerson(t, { kind: 'admin', name: 'Ada Admin' }));
    gonePerson = await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, email: 'Gone@bounce.example', name: 'Awa Gone' });
  }, 120_000);
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('a 550 at RCPT TO fails the mail at once with the server\'s reply, and flags the address', async () => {
    firstGone = await queue(GONE);
    await t.drain();
    await expectFailed(await t.services.mail.list(), firstGone, 1, '550', 'mailbox unknown');
    // Not retried: the server was asked once.
    expect(smtp.rcpts.get(GONE)).toBe(1);
    const bounces = await t.services.mail.bounces();
    expect(bounces.map((b) => [b.address, b.personName])).toEqual([[GONE, 'Awa Gone']]);
  });

  it('further mail to the bounced address is held, not sent', async () => {
    const next = await queue('GONE@bounce.example');
    await t.drain();
    expect((await row(next)).status).toBe('held');
    expect(smtp.rcpts.get(GONE)).toBe(1);
    // Another address is not concerned.
    const fine = await queue(FINE);
    await t.drain();
    expect((await row(fine)).status).toBe('sent');
    expect(smtp.received.filter((x) => toOf(x).includes(FINE))).toHaveLength(1);
  });

  it('a 5.7.1 policy refusal at RCPT TO fails that mail at once, without flagging the address', async () => {
    const first = await queue(POLICY);
    await t.drain();
    await expectFailed(await t.services.mail.list(), first, 1, '554', '5.7.1');
    expect((await t.services.mail.bounces()).map((b) => b.address)).not.toContain(POLICY);
    // The next mail to it is tried (not held).
    const next = await queue(POLICY);
    await t.drain();
    expect((await row(next)).status).toBe('failed');
    expect(smtp.rcpts.get(POLICY)).toBe(2);
  });

  it('a 451 is retried with backoff for the retry period, then the mail fails with the reply', async () => {
    const { attempts } = mailRetryPolicy(t.config);
    expect(attempts).toBeGreaterThan(2);
    const id = await queue(LATER);
    await t.drain();
    await expectFailed(await t.services.mail.list(), id, attempts, '451', 'try again later');
    expect(smtp.rcpts.get(LATER)).toBe(attempts);
  }, 60_000);

  it('a refusal at DATA naming the mailbox (550 5.1.1, 551) fails the mail and flags the address; one about the mail (5.7.1 policy, 552 size) fails that mail only', async () => {
    const ids = Object.fromEntries(await Promise.all(Object.keys(AT_DATA).map(async (a) => [a, await queue(a)] as const)));
    await t.drain();
    const rows = await t.services.mail.list({ limit: 500 });
    await expectFailed(rows, ids['unknown@data.example'], 1, '550', 'no such user');
    await expectFailed(rows, ids['moved@data.example'], 1, '551', 'user not local');
    await expectFailed(rows, ids['spam@data.example'], 1, '550', '5.7.1');
    await expectFailed(rows, ids['big@data.example'], 1, '552', 'size limit');
    const flagged = (await t.services.mail.bounces()).map((b) => b.address).filter((a) => a.endsWith('@data.example')).sort();
    expect(flagged).toEqual(['moved@data.example', 'unknown@data.example']);
    // The next mail to a flagged address is held; to the others it is tried again (and refused again, for that mail).
    const again = Object.fromEntries(await Promise.all(Object.keys(AT_DATA).map(async (a) => [a, await queue(a)] as const)));
    await t.drain();
    const status = async (a: string) => (await row(again[a])).status;
    expect(await status('unknown@data.example')).toBe('held');
    expect(await status('moved@data.example')).toBe('held');
    expect(await status('spam@data.example')).toBe('failed');
    expect(await status('big@data.example')).toBe('failed');
    expect(smtp.rcpts.get('spam@data.example')).toBe(2);
    expect(smtp.rcpts.get('unknown@data.example')).toBe(1);
  });

  it('admins see what failed or is held, with the reason, and the bounced address with its person', async () => {
    const page = await admin.get('/admin/mail');
    expect(page.status).toBe(200);
    const undelivered = /<table id="mail-undelivered">[\s\S]*?<\/table>/.exec(page.html)![0];
    expect(undelivered).toContain(`id="mail-${firstGone}" data-status="failed"`);
    expect(undelivered).toContain('mailbox unknown');
    expect(undelivered).toContain('data-status="held"');
    expect(undelivered).toContain('try again later');
    expect(undelivered).toContain(`action="/admin/mail/${firstGone}/retry"`);
    const bounced = /<table id="mail-bounces">[\s\S]*?<\/table>/.exec(page.html)![0];
    expect(bounced).toContain(GONE);
    expect(bounced).toContain('Awa Gone');
    expect(bounced).toContain('action="/admin/mail/bounces/confirm"');
    // In the admin's language.
    expect((await admin.get('/admin/mail', 'fr')).html).toContain('Adresses rejetées');
    // On the People page, beside the person, linking to the mail page, in each language; nobody else is marked.
    const people = await admin.get('/admin/people');
    const goneRow = /<tr><td>Awa Gone<\/td>[\s\S]*?<\/tr>/.exec(people.html)![0];
    expect(goneRow).toMatch(/<a href="\/admin\/mail#mail-bounces" class="badge badge-warn" data-bounced="gone@bounce\.example" title="[^"]*mailbox unknown[^"]*">Mail bounced<\/a>/i);
    expect(/<tr><td>Ada Admin<\/td>[\s\S]*?<\/tr>/.exec(people.html)![0]).not.toContain('data-bounced');
    const badges = { fr: 'Courriel rejeté', es: 'Correo rechazado', ru: 'Почта отклонена', ar: 'البريد مرفوض', zh: '邮件被退回' };
    for (const [lang, text] of Object.entries(badges)) expect((await admin.get('/admin/people', lang)).html).toContain(`>${text}</a>`);
    // Only admins.
    const other = await signInPerson(t, gonePerson);
    expect((await other.get('/admin/mail')).status).toBe(403);
    expect((await other.post(`/admin/mail/${firstGone}/retry`, {})).status).toBe(403);
  });

  it('the person is told on their notifications page and confirms the address: the held mail is sent', async () => {
    const me = await signInPerson(t, gonePerson);
    const before = await me.get('/notifications');
    expect(before.html).toContain('id="mail-bounced"');
    expect(before.html).toContain('mailbox unknown');
    // The mailbox works again.
    smtp.state.refusing = false;
    const res = await me.post('/notifications/confirm-address', {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/notifications?addressConfirmed');
    await t.drain();
    expect(smtp.received.filter((x) => toOf(x).includes(GONE))).toHaveLength(1);
    expect((await t.services.mail.bounces()).map((b) => b.address)).not.toContain(GONE);
    expect((await me.get('/notifications')).html).not.toContain('id="mail-bounced"');
  });

  it('an admin retries a failed mail from the mail page, and confirms a bounced address', async () => {
    const res = await admin.post(`/admin/mail/${firstGone}/retry`, {});
    expect(res.headers.location).toBe('/admin/mail?retried');
    await t.drain();
    expect((await row(firstGone)).status).toBe('sent');
    expect(smtp.received.filter((x) => toOf(x).includes(GONE))).toHaveLength(2);
    // A mail that is not failed or held is left alone; a retry of a sent mail sends nothing.
    expect((await admin.post(`/admin/mail/${firstGone}/retry`, {})).headers.location).toBe('/admin/mail?notRetried');

    // Bounced again, then confirmed by an admin.
    smtp.state.refusing = true;
    const id = await queue(GONE);
    await t.drain();
    expect((await row(id)).status).toBe('failed');
    const held = await queue(GONE);
    await t.drain();
    expect((await row(held)).status).toBe('held');
    smtp.state.refusing = false;
    const confirmed = await admin.post('/admin/mail/bounces/confirm', { address: GONE });
    expect(confirmed.headers.location).toBe('/admin/mail?confirmed=1');
    await t.drain();
    expect((await row(held)).status).toBe('sent');
    expect((await admin.post('/admin/mail/bounces/confirm', { address: GONE })).headers.location).toBe('/admin/mail?notConfirmed');
  }, 60_000);
});

describe('a mail server that refuses connections', () => {
  it('retries with backoff for the retry period, then fails the mail with the reason (not waiting forever as for the database)', async () => {
    const port = await freePort();
    const t = await buildTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, ...RETRY_ENV } });
    try {
      await t.startWorkers();
      const id = (await t.services.mail.queue(undefined, { to: FINE, language: 'en', template: 'notification', params: mailParams }))!;
      await t.drain();
      await expectFailed(await t.services.mail.list(), id, mailRetryPolicy(t.config).attempts, 'ECONNREFUSED');
    } finally {
      await t.close();
    }
  }, 60_000);
});
