import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every header, lower-cased names, as the raw values. */
  headers: Map<string, string>;
  raw: string;
}

/**
 * A real SMTP server on a random port (smtp-server), every accepted mail parsed back with mailparser.
 * Only a message received in full (up to its final dot) is counted: a sender that dies mid-data
 * leaves nothing. `beforeAccept` runs before the server answers 250 (a test can kill the sender there).
 * `port`: listen there (a server restarted on the port it had), else on a free one.
 */
export async function startSmtpSink(opts: { beforeAccept?: (m: ReceivedMail, n: number) => Promise<void> | void; port?: number } = {}) {
  const mails: ReceivedMail[] = [];
  let seen = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // The sender went away before the final dot: smtp-server destroys the stream, and it never ends.
      stream.on('error', () => {});
      stream.on('end', () => {
        void (async () => {
          // A sender that vanished mid-data leaves a truncated stream: not a mail.
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(new Error('too big'));
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed: ParsedMail = await simpleParser(raw);
          const headers = new Map<string, string>();
          for (const line of parsed.headerLines) headers.set(line.key.toLowerCase(), line.line.slice(line.line.indexOf(':') + 1).trim());
          const m: ReceivedMail = {
            messageId: parsed.messageId ?? '', to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: parsed.subject ?? '',
            text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '', headers, raw,
          };
          seen++;
          await opts.beforeAccept?.(m, seen);
          mails.push(m);
          callback();
        })().catch((err) => callback(err as Error));
      });
    },
  });
  // A sender killed mid-transaction resets its connection: expected here, not a test failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port, url: `smtp://127.0.0.1:${port}`, mails,
    /** Waits until `n` mails arrived (or `ms` passed). */
    async waitFor(n: number, ms = 30_000): Promise<ReceivedMail[]> {
      const until = Date.now() + ms;
      while (mails.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
