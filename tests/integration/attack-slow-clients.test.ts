import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Slow-body clients (slowloris): a client that sends its headers, then its body one byte at a time,
 * held its connection for ever (Fastify's requestTimeout defaults to none), so a few thousand of them
 * used up the server's sockets. REQUEST_TIMEOUT_MS bounds the whole request; Node answers 408 and
 * closes the connection (it checks every 30 s).
 */
describe('attack: clients that send their request slowly', () => {
  let t: TestApp;
  let port: number;
  let state: string;
  beforeAll(async () => {
    t = await buildTestApp({ env: { REQUEST_TIMEOUT_MS: '1000', HANDLER_TIMEOUT_MS: '120000' } });
    state = await t.key({ role: 'member_state', memberState: 'SEN' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => { await t?.close(); });

  it('are cut off once REQUEST_TIMEOUT_MS has passed, however they trickle, and others are still served', async () => {
    const slow = (path: string) => new Promise<string>((resolve) => {
      const s: Socket = connect(port, '127.0.0.1');
      let answer = '';
      let trickle: NodeJS.Timeout | undefined;
      s.on('connect', () => {
        s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${state}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"`);
        trickle = setInterval(() => { if (!s.destroyed) s.write('a'); }, 200);
      });
      s.on('data', (b) => { answer += String(b); });
      s.on('error', () => {});
      s.on('close', () => { clearInterval(trickle); resolve(answer); });
    });
    const answers = await Promise.all([slow('/v1/requests'), slow('/sign-in')]);
    for (const a of answers) expect(a.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    const ok = await fetch(`http://127.0.0.1:${port}/v1/reference/entities`);
    expect(ok.status).toBe(200);
  }, 120_000);
});
