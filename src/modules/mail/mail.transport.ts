import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable across retries (derived from the mail_messages row), so a receiver can drop a duplicate. */
  messageId: string;
  language: string;
  /** Extra headers (List-Unsubscribe and List-Unsubscribe-Post for notifications). */
  headers?: Record<string, string>;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'folder';
  /**
   * Sends one mail. `commit`, when given, runs once the whole message is handed over but before it is
   * ended (SMTP: before the final dot); if it throws the message is abandoned and never delivered.
   */
  send(mail: OutgoingMail, commit?: () => Promise<void>): Promise<void>;
  close(): void;
}

type Log = { info(o: object, m?: string): void };

/** nodemailer, loaded at the first mail: most API processes send none, and it is a large module to keep resident. */
const importNodemailer = () => Promise.all([
  import('nodemailer').then((m) => m.default), import('nodemailer/lib/mail-composer/index.js').then((m) => m.default), import('nodemailer/lib/smtp-connection/index.js').then((m) => m.default),
]);
let nodemailerModules: ReturnType<typeof importNodemailer> | undefined;
const loadNodemailer = () => (nodemailerModules ??= importNodemailer());

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise (the embedded default) nodemailer builds the
 * same message and it is written to DATA_DIR/mail/<id>.eml with a log line, so `npm start` needs no mail server.
 */
export function createMailTransport(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATA_DIR' | 'MAIL_RETRY_FIRST_DELAY_MS'>, log: Log): MailTransport {
  const message = (m: OutgoingMail) => ({
    from: config.MAIL_FROM, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId,
    headers: { 'Content-Language': m.language, 'Auto-Submitted': 'auto-generated', ...m.headers },
  });
  if (config.SMTP_URL) {
    const url = new URL(config.SMTP_URL);
    const secure = url.protocol === 'smtps:';
    const options = { host: url.hostname, port: url.port ? Number(url.port) : secure ? 465 : 587, secure, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };
    const auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null;
    let queue: Promise<void> = Promise.resolve();
    // The server could not be reached (refused, timed out, no greeting): the mail in line behind fails at
    // once without connecting (the queue tries each again with its backoff) until one connection tries
    // again after MAIL_RETRY_FIRST_DELAY_MS. A server that is down is asked by one connection at a time,
    // not by every waiting mail, and one that hangs delays one mail, not every worker slot behind it.
    let unreachable: { until: number; reason: string } | null = null;
    return {
      kind: 'smtp',
      /**
       * One SMTP transaction on nodemailer's own SMTPConnection (not sendMail, which reads the message
       * ahead), so that `commit` runs after the body went to the socket and before the final dot: a
       * sender killed before the commit leaves an unfinished DATA the server throws away (the mail is
       * still `sending` and is sent again), and one killed after it has said `sent` — so a retry never
       * sends a mail twice (issue 14: exactly once). What no ordering can close is a kill inside the
       * commit's own round trip (PostgreSQL committed, the final dot not yet written): that one mail
       * is then lost rather than doubled.
       */
      async send(m, commit) {
        // One transaction at a time per process: at any moment at most one mail of this process is in
        // the instant between its commit and its final dot (and a kill while the server answers one
        // mail finds no other mail half-way).
        const turn = queue.then(() => sendOne(m, commit));
        queue = turn.catch(() => {});
        return turn;
      },
      close() {},
    };
    async function sendOne(m: OutgoingMail, commit?: () => Promise<void>): Promise<void> {
      const [, MailComposer, SMTPConnection] = await loadNodemailer();
      const node = new MailComposer(message(m)).compile();
      const envelope = node.getEnvelope();
      const raw = await node.build();
      if (unreachable && Date.now() < unreachable.until) throw new Error(`not tried: the mail server could not be reached a moment ago (${unreachable.reason})`);
      const conn = new SMTPConnection(options);
      let ok = false;
      try {
        await new Promise<void>((resolve, reject) => { conn.once('error', reject); conn.connect(() => resolve()); }).then(
          () => { unreachable = null; },
          (err: Error & { response?: string }) => {
            unreachable = { until: Date.now() + config.MAIL_RETRY_FIRST_DELAY_MS, reason: String(err.response ?? err.message).slice(0, 300) };
            throw err;
          },
        );
        if (auth) await new Promise<void>((resolve, reject) => conn.login(auth, (err) => (err ? reject(err) : resolve())));
        let stage = 0;
        // highWaterMark 0: read() is asked for more only once the body was taken by the connection.
        const body = new Readable({
          highWaterMark: 0,
          read() {
            if (stage === 0) { stage = 1; this.push(raw); return; }
            if (stage === 1) { stage = 2; (commit ? commit() : Promise.resolve()).then(() => this.push(null), (err: Error) => this.destroy(err)); }
          },
        });
        await new Promise<void>((resolve, reject) => conn.send({ from: envelope.from || '', to: envelope.to }, body, (err) => (err ? reject(err) : resolve())));
        ok = true;
      } finally {
        // A failed transaction is dropped, never QUIT (in the middle of DATA the QUIT would be message text).
        if (ok) conn.quit(); else conn.close();
      }
    }
  }
  const stream = loadNodemailer().then(([nodemailer]) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  stream.catch(() => {});
  const dir = join(config.DATA_DIR, 'mail');
  return {
    kind: 'folder',
    async send(m, commit) {
      const info = await (await stream).sendMail(message(m));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${m.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      // Written again by a retry, the file (named by the Message-ID) is the same file.
      await commit?.();
      // The recipient and subject only: the body carries single-use links.
      log.info({ to: m.to, subject: m.subject, file }, 'mail written to the mail folder (no SMTP_URL)');
    },
    close() {},
  };
}
