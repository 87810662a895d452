import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable across retries (derived from the mail_messages row), so a receiver can drop a duplicate. */
  messageId: string;
  language: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'folder';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

type Log = { info(o: object, m?: string): void };

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise (the embedded default) nodemailer builds the
 * same message and it is written to DATA_DIR/mail/<id>.eml with a log line, so `npm start` needs no mail server.
 */
export function createMailTransport(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATA_DIR'>, log: Log): MailTransport {
  const message = (m: OutgoingMail) => ({
    from: config.MAIL_FROM, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId,
    headers: { 'Content-Language': m.language, 'Auto-Submitted': 'auto-generated' },
  });
  if (config.SMTP_URL) {
    const smtp = nodemailer.createTransport(config.SMTP_URL);
    return {
      kind: 'smtp',
      async send(m) { await smtp.sendMail(message(m)); },
      close() { smtp.close(); },
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = join(config.DATA_DIR, 'mail');
  return {
    kind: 'folder',
    async send(m) {
      const info = await stream.sendMail(message(m));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${m.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      // The recipient and subject only: the body carries single-use links.
      log.info({ to: m.to, subject: m.subject, file }, 'mail written to the mail folder (no SMTP_URL)');
    },
    close() {},
  };
}
