import { UnrecoverableError } from 'bullmq';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { mailBounces, mailMessages, outbox, users } from '../../../db/schema/index.js';
import { createSecretBox, type SecretBox } from '../common/secrets.js';
import type { MailTransport } from './mail.transport.js';
import { renderMail, MAIL_TEMPLATES, type MailTemplate } from './templates/index.js';
import { isNotifyTemplate, type NotifyMailTemplate } from '../notifications/notification-mail.js';

export interface QueuedMail {
  to: string;
  language: string;
  /** A template of templates/ or one of the notifications' (notification, digest: src/modules/notifications/notification-mail.ts). */
  template: MailTemplate | NotifyMailTemplate;
  /** Filled into the template; `link` (a single-use token) is sealed at rest and dropped once sent. */
  params: Record<string, string>;
  /** At most one mail per key. */
  dedupeKey?: string;
}

/** A param holding a secret (a link with a token): stored sealed with a key derived from the session secret. */
const SEALED = 'sealed:';

/** What became of a mail the send-mail job was given. */
export type SendOutcome = 'sent' | 'already' | 'held';

/**
 * Whether a permanent refusal (at RCPT TO or after the message, at DATA) says the mailbox is wrong rather
 * than the mail or the sender (a 5.7.x policy refusal at RCPT TO is the server's policy, not a bad address).
 * The enhanced status code (RFC 3463) decides when there is one: 5.1.x (addressing) and 5.2.1 (mailbox
 * disabled) are the address; 5.7.x (policy, spam), 5.6.x (content), 5.3.4 and 5.2.3 (too big), 5.2.2
 * (mailbox full) are that mail only. Without one, 550, 551 and 553 name the mailbox (RFC 5321), while
 * 552 (size or storage) and 554 (transaction failed) are about the mail.
 */
export function refusesMailbox(code: number, reply: string): boolean {
  const enhanced = /^\d{3}[ -]5\.(\d{1,3})\.(\d{1,3})\b/.exec(reply.trim()) ?? /^5\.(\d{1,3})\.(\d{1,3})\b/.exec(reply.trim());
  if (enhanced) return enhanced[1] === '1' || (enhanced[1] === '2' && enhanced[2] === '1');
  return code === 550 || code === 551 || code === 553;
}

/**
 * The mail server's reply when it refused for good (5xx): retrying changes nothing. `address`: the
 * address itself was refused (at RCPT TO or DATA when the reply names the mailbox, refusesMailbox).
 */
function permanentRefusal(err: unknown): { reply: string; address: boolean } | null {
  const e = err as { responseCode?: unknown; response?: unknown; command?: unknown; message?: unknown };
  if (typeof e?.responseCode !== 'number' || e.responseCode < 500 || e.responseCode > 599) return null;
  const reply = String(e.response ?? e.message);
  return { reply, address: (e.command === 'RCPT TO' || e.command === 'DATA') && refusesMailbox(e.responseCode, reply) };
}

/** The mail server's reply, or what went wrong reaching it. */
const replyOf = (err: unknown) => {
  const e = err as { response?: unknown; message?: unknown };
  return String(e?.response ?? e?.message ?? err);
};

/**
 * A temporary failure to hand a mail over (a 4xx reply, a refused or dropped connection): the job is
 * retried with backoff and its attempts count, so the mail fails in the end. Its message names no
 * socket error: the queue would take that for the database being away and wait without counting.
 */
export class MailNotSentError extends Error {
  constructor(mailId: string, readonly reply: string) {
    super(`mail ${mailId} was not handed over; it is tried again`);
    this.name = 'MailNotSentError';
  }
}

const addressKey = (a: string) => a.trim().toLowerCase();

/** Sends held mail to an address again (its outbox events start new send-mail jobs: `round` makes each job id new). */
async function requeue(tx: DbOrTx, where: ReturnType<typeof and>): Promise<number> {
  const rows = await tx.update(mailMessages).set({ status: 'queued' }).where(where).returning({ id: mailMessages.id, attempts: mailMessages.attempts });
  if (rows.length) await tx.insert(outbox).values(rows.map((r) => ({ topic: 'mail.queued', payload: { mailId: r.id, round: String(r.attempts) } })));
  return rows.length;
}

/**
 * Mail, written first and sent after: `queue` writes a mail_messages row and an outbox event in the
 * caller's transaction (so a mail is kept exactly when the change that sends it commits), the outbox
 * relay starts the `send-mail` job, and `send` (its processor) claims the row, renders it and sends it.
 */
export function createMailService(deps: { db: Db; transport: () => MailTransport; secret: () => string }) {
  const { db } = deps;
  // The secrets module's box (made on first use: the secret may be generated into DATA_DIR).
  let box: SecretBox | undefined;
  const sealer = () => (box ??= createSecretBox(deps.secret(), 'mail-link'));
  const seal = (v: string) => SEALED + sealer().seal(v, 'mail-link');
  const unseal = (v: string) => {
    if (!v.startsWith(SEALED)) return v;
    const plain = sealer().open(v.slice(SEALED.length), 'mail-link');
    if (plain === null) throw new Error('a queued mail link does not open: SESSION_SECRET changed since it was queued');
    return plain;
  };

  return {
    /** Queues a mail in `tx` (or on its own); returns the row id, or null when `dedupeKey` was already used. */
    async queue(tx: DbOrTx | undefined, m: QueuedMail): Promise<string | null> {
      if (!MAIL_TEMPLATES.includes(m.template as MailTemplate) && !isNotifyTemplate(m.template)) throw new Error(`unknown mail template ${m.template}`);
      const params = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, k === 'link' ? seal(v) : v]));
      const run = async (t: DbOrTx) => {
        const [row] = await t.insert(mailMessages).values({ to: m.to, language: m.language, template: m.template, params, dedupeKey: m.dedupeKey ?? null })
          .onConflictDoNothing().returning({ id: mailMessages.id });
        if (!row) return null;
        await t.insert(outbox).values({ topic: 'mail.queued', payload: { mailId: row.id } });
        return row.id;
      };
      return tx ? run(tx) : db.transaction(run);
    },

    /**
     * Sends one queued mail (the send-mail job): claims the row, sends it with a Message-ID made from the
     * row id, marks it sent and forgets its link. A temporary failure (4xx, no connection) is recorded
     * (`retrying`, with the reply) and thrown, so the queue retries with mail's backoff (about
     * MAIL_RETRY_HOURS, src/queue/jobs.ts mailRetryPolicy); after the last attempt the row stays `failed`
     * with the last reply for admins. A permanent refusal (5xx) fails it at once with the server's reply,
     * without retrying; refused at RCPT TO, or at DATA with a reply naming the mailbox (refusesMailbox),
     * the address is marked bounced and later mail to it is `held`.
     */
    async send(mailId: string, attempt = 1, maxAttempts = 5): Promise<SendOutcome> {
      const [row] = await db.update(mailMessages).set({ status: 'sending', attempts: sql`${mailMessages.attempts} + 1` })
        .where(and(eq(mailMessages.id, mailId), inArray(mailMessages.status, ['queued', 'retrying', 'failed']))).returning();
      if (!row) {
        const [exists] = await db.select({ status: mailMessages.status }).from(mailMessages).where(eq(mailMessages.id, mailId));
        if (!exists) throw new UnrecoverableError(`no mail ${mailId}`);
        if (exists.status === 'sent') return 'already';
        // Waiting for its address to be confirmed (confirmAddress sends it then).
        if (exists.status === 'held') return 'held';
        // 'sending': an attempt that died holding it (or a stalled one still running: its commit below
        // then finds the row taken over and abandons its mail before the end). A 'sending' row was never
        // handed over in full (see commit), so it is sent again.
        await db.update(mailMessages).set({ status: 'retrying' }).where(and(eq(mailMessages.id, mailId), eq(mailMessages.status, 'sending')));
        return this.send(mailId, attempt, maxAttempts);
      }
      const address = addressKey(row.to);
      const [bounced] = await db.select({ reply: mailBounces.reply }).from(mailBounces).where(and(eq(mailBounces.address, address), isNull(mailBounces.confirmedAt)));
      if (bounced) {
        await db.update(mailMessages).set({ status: 'held', lastError: bounced.reply })
          .where(and(eq(mailMessages.id, mailId), eq(mailMessages.status, 'sending'), eq(mailMessages.attempts, row.attempts)));
        return 'held';
      }
      const params = Object.fromEntries(Object.entries(row.params).map(([k, v]) => [k, unseal(v)]));
      const rendered = renderMail(row.template as MailTemplate, row.language, params);
      const kept = Object.fromEntries(Object.entries(row.params).filter(([k]) => k !== 'link'));
      // Marked sent after the whole message went to the server and before it is ended (the transport
      // calls it before the final dot), guarded by this attempt's claim: a process killed at any moment
      // either left the mail unfinished at the server and `sending` here (sent again), or sent here.
      let committed = false;
      let commitFailed = false;
      const commit = async () => {
        commitFailed = true;
        const done = await db.update(mailMessages).set({ status: 'sent', sentAt: new Date(), lastError: null, params: kept })
          .where(and(eq(mailMessages.id, mailId), eq(mailMessages.status, 'sending'), eq(mailMessages.attempts, row.attempts))).returning({ id: mailMessages.id });
        if (!done.length) throw new Error('the mail was taken over by another attempt');
        commitFailed = false;
        committed = true;
      };
      // RFC 8058 one-click unsubscribe, for the notifications' mail.
      const headers = params.unsubscribeUrl ? { 'List-Unsubscribe': `<${params.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : undefined;
      try {
        await deps.transport().send({ to: row.to, subject: rendered.subject, text: rendered.text, html: rendered.html, language: rendered.language, messageId: `<${row.id}@onedoor>`, headers }, commit);
        if (!committed) await commit();
      } catch (err) {
        // Our own commit failed (the database): the queue's rules for the database apply.
        if (commitFailed) throw err;
        const refusal = permanentRefusal(err);
        const reply = (refusal?.reply ?? replyOf(err)).slice(0, 500);
        await db.transaction(async (tx) => {
          // Refused after the commit (the server answered the final dot with an error): not sent after all.
          // The link the commit let go of is put back for the retry.
          await tx.update(mailMessages).set({ status: refusal || attempt >= maxAttempts ? 'failed' : 'retrying', lastError: reply, sentAt: null, params: row.params })
            .where(and(eq(mailMessages.id, mailId), eq(mailMessages.attempts, row.attempts)));
          if (refusal?.address) {
            await tx.insert(mailBounces).values({ address, reply, mailId })
              .onConflictDoUpdate({ target: mailBounces.address, set: { reply, mailId, bouncedAt: new Date(), confirmedAt: null, confirmedBy: null } });
          }
        });
        if (refusal) throw new UnrecoverableError(`mail ${mailId} was refused for good: ${reply}`);
        throw new MailNotSentError(mailId, reply);
      }
      return 'sent';
    },

    /** Sends a failed or held mail again (an admin's retry); false when it is neither. */
    async retry(mailId: string): Promise<boolean> {
      return db.transaction(async (tx) => (await requeue(tx, and(eq(mailMessages.id, mailId), inArray(mailMessages.status, ['failed', 'held'])))) > 0);
    },

    /**
     * The person or an admin says a bounced address is right after all: mail to it is no longer held,
     * and what was held is sent. Returns how many held mails went back to the queue (null: not bounced).
     */
    async confirmAddress(address: string, by: string): Promise<number | null> {
      const a = addressKey(address);
      return db.transaction(async (tx) => {
        const [b] = await tx.update(mailBounces).set({ confirmedAt: new Date(), confirmedBy: by.slice(0, 200) })
          .where(and(eq(mailBounces.address, a), isNull(mailBounces.confirmedAt))).returning({ address: mailBounces.address });
        if (!b) return null;
        return requeue(tx, and(sql`lower(${mailMessages.to}) = ${a}`, eq(mailMessages.status, 'held')));
      });
    },

    /** The bounce holding a person's mail, if any (their notice on the notifications page). */
    async bounceOfPerson(userId: string): Promise<{ address: string; reply: string; bouncedAt: Date } | null> {
      const [b] = await db.select({ address: mailBounces.address, reply: mailBounces.reply, bouncedAt: mailBounces.bouncedAt }).from(mailBounces)
        .innerJoin(users, sql`lower(${users.email}) = ${mailBounces.address}`)
        .where(and(eq(users.id, userId), isNull(mailBounces.confirmedAt)));
      return b ?? null;
    },

    /** Which of these addresses bounced and are not confirmed, by lower-cased address (the admins' people list). */
    async bouncedAmong(addresses: string[]): Promise<Map<string, { reply: string; bouncedAt: Date }>> {
      const keys = [...new Set(addresses.map(addressKey))];
      if (!keys.length) return new Map();
      const rows = await db.select({ address: mailBounces.address, reply: mailBounces.reply, bouncedAt: mailBounces.bouncedAt }).from(mailBounces)
        .where(and(inArray(mailBounces.address, keys), isNull(mailBounces.confirmedAt)));
      return new Map(rows.map((r) => [r.address, { reply: r.reply, bouncedAt: r.bouncedAt }]));
    },

    /** Addresses that bounced and are not confirmed, with the person they belong to (admins). */
    async bounces(limit = 200) {
      return db.select({ address: mailBounces.address, reply: mailBounces.reply, bouncedAt: mailBounces.bouncedAt, personId: users.id, personName: users.name })
        .from(mailBounces).leftJoin(users, sql`lower(${users.email}) = ${mailBounces.address}`)
        .where(isNull(mailBounces.confirmedAt)).orderBy(desc(mailBounces.bouncedAt)).limit(limit);
    },

    /** The latest mail, newest first (admins see what failed and why). */
    async list(opts: { status?: string | string[]; limit?: number } = {}) {
      const rows = await db.select({
        id: mailMessages.id, to: mailMessages.to, template: mailMessages.template, language: mailMessages.language, status: mailMessages.status,
        attempts: mailMessages.attempts, lastError: mailMessages.lastError, createdAt: mailMessages.createdAt, sentAt: mailMessages.sentAt,
      }).from(mailMessages).where(opts.status ? inArray(mailMessages.status, [opts.status].flat()) : undefined).orderBy(desc(mailMessages.createdAt)).limit(opts.limit ?? 100);
      return rows;
    },
  };
}
export type MailService = ReturnType<typeof createMailService>;
