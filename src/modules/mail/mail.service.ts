import { UnrecoverableError } from 'bullmq';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { mailMessages, outbox } from '../../../db/schema/index.js';
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
     * row id, marks it sent and forgets its link. A transport failure is recorded and thrown, so the queue
     * retries with backoff; after the last attempt the row stays `failed` with the error for admins.
     */
    async send(mailId: string, attempt = 1, maxAttempts = 5): Promise<'sent' | 'already'> {
      const [row] = await db.update(mailMessages).set({ status: 'sending', attempts: sql`${mailMessages.attempts} + 1` })
        .where(and(eq(mailMessages.id, mailId), inArray(mailMessages.status, ['queued', 'retrying', 'failed']))).returning();
      if (!row) {
        const [exists] = await db.select({ status: mailMessages.status }).from(mailMessages).where(eq(mailMessages.id, mailId));
        if (!exists) throw new UnrecoverableError(`no mail ${mailId}`);
        if (exists.status === 'sent') return 'already';
        // 'sending': an attempt that died holding it (or a stalled one still running: its commit below
        // then finds the row taken over and abandons its mail before the end). A 'sending' row was never
        // handed over in full (see commit), so it is sent again.
        await db.update(mailMessages).set({ status: 'retrying' }).where(and(eq(mailMessages.id, mailId), eq(mailMessages.status, 'sending')));
        return this.send(mailId, attempt, maxAttempts);
      }
      const params = Object.fromEntries(Object.entries(row.params).map(([k, v]) => [k, unseal(v)]));
      const rendered = renderMail(row.template as MailTemplate, row.language, params);
      const kept = Object.fromEntries(Object.entries(row.params).filter(([k]) => k !== 'link'));
      // Marked sent after the whole message went to the server and before it is ended (the transport
      // calls it before the final dot), guarded by this attempt's claim: a process killed at any moment
      // either left the mail unfinished at the server and `sending` here (sent again), or sent here.
      let committed = false;
      const commit = async () => {
        const done = await db.update(mailMessages).set({ status: 'sent', sentAt: new Date(), lastError: null, params: kept })
          .where(and(eq(mailMessages.id, mailId), eq(mailMessages.status, 'sending'), eq(mailMessages.attempts, row.attempts))).returning({ id: mailMessages.id });
        if (!done.length) throw new Error('the mail was taken over by another attempt');
        committed = true;
      };
      // RFC 8058 one-click unsubscribe, for the notifications' mail.
      const headers = params.unsubscribeUrl ? { 'List-Unsubscribe': `<${params.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : undefined;
      try {
        await deps.transport().send({ to: row.to, subject: rendered.subject, text: rendered.text, html: rendered.html, language: rendered.language, messageId: `<${row.id}@onedoor>`, headers }, commit);
        if (!committed) await commit();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Refused after the commit (the server answered the final dot with an error): not sent after all.
        // The link the commit let go of is put back for the retry.
        await db.update(mailMessages).set({ status: attempt >= maxAttempts ? 'failed' : 'retrying', lastError: message.slice(0, 500), sentAt: null, params: row.params })
          .where(and(eq(mailMessages.id, mailId), eq(mailMessages.attempts, row.attempts)));
        throw err;
      }
      return 'sent';
    },

    /** The latest mail, newest first (admins see what failed and why). */
    async list(opts: { status?: string; limit?: number } = {}) {
      const rows = await db.select({
        id: mailMessages.id, to: mailMessages.to, template: mailMessages.template, language: mailMessages.language, status: mailMessages.status,
        attempts: mailMessages.attempts, lastError: mailMessages.lastError, createdAt: mailMessages.createdAt, sentAt: mailMessages.sentAt,
      }).from(mailMessages).where(opts.status ? eq(mailMessages.status, opts.status) : undefined).orderBy(desc(mailMessages.createdAt)).limit(opts.limit ?? 100);
      return rows;
    },
  };
}
export type MailService = ReturnType<typeof createMailService>;
