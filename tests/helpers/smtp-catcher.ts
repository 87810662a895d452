import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a random port that keeps every mail it receives, parsed (tests only). */
export interface SmtpCatcher {
  url: string;
  mails: ParsedMail[];
  /** Refuse the next `n` messages with a 451 (a temporary failure), to test retries. */
  failNext(n: number): void;
  /** The next mail to `to` (waits for it); with `match`, the next such mail that `match` accepts. */
  next(to: string, timeoutMs?: number, match?: (m: ParsedMail) => boolean): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const mails: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  let failing = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, cb) {
      if (failing > 0) {
        failing--;
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((m) => { mails.push(m); cb(); }, cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const toOf = (m: ParsedMail) => [m.to].flat().flatMap((a) => a?.value ?? []).map((v) => v.address?.toLowerCase());
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext(n) { failing = n; },
    async next(to, timeoutMs = 10_000, match = () => true) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = mails.find((x) => !taken.has(x) && toOf(x).includes(to.toLowerCase()) && match(x));
        if (m) { taken.add(m); return m; }
        if (Date.now() > until) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link to OneDoor in a mail's text part. */
export function linkIn(mail: ParsedMail, base: string): string {
  const m = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/[^\\s]+)`).exec(mail.text ?? '');
  if (!m) throw new Error(`no link to ${base} in: ${mail.text}`);
  return m[1]!;
}
