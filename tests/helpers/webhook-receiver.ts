import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received { headers: Record<string, string | string[] | undefined>; body: string; json: any }

/**
 * A local HTTP receiver for webhooks; `failFirst` answers 500 that many times first, `status` and
 * `headers` replace the 204 answer (a redirect), `host` and `port` choose where it listens; with
 * `hold`, a request is counted in `attempts` when it arrives and answered only once `hold` resolves.
 */
export async function startReceiver(opts: { failFirst?: number; status?: number; headers?: Record<string, string>; host?: string; port?: number; hold?: Promise<unknown> } = {}): Promise<{ url: string; port: number; received: Received[]; attempts: number; close(): Promise<void> }> {
  let failures = opts.failFirst ?? 0;
  const state = { received: [] as Received[], attempts: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      state.attempts++;
      await opts.hold;
      if (failures > 0) { failures--; res.statusCode = 500; res.end('not now'); return; }
      state.received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.statusCode = opts.status ?? 204;
      for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
      res.end();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, host, resolve); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/hook`,
    port,
    get received() { return state.received; },
    get attempts() { return state.attempts; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until `check` is true (bounded). */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
