import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';
import { multipart } from '../helpers/zip.js';

const MiB = 1024 * 1024;
const CAP = 2 * MiB;
const FILE_MAX = 4 * MiB;
/** The attack: twenty files, each just under the per-file limit (80 MiB in all), in one upload. */
const FILES = 20;

interface Sent { head: string; body: string; written: number; total: number }

/**
 * Sends a multipart upload over a real socket, chunk after chunk as the server takes them, and stops
 * as soon as an answer begins: `written` is how much of the body had gone out by then. `contentLength`
 * declares the whole size up front (and then sends nothing until asked); without it the body is chunked.
 */
function sendUpload(port: number, path: string, key: string, opts: { contentLength?: boolean } = {}): Promise<Sent> {
  const boundary = 'attackboundary';
  const field = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nrequest_letter\r\n`);
  const fileHead = (i: number) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="part${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
  const fileSize = FILE_MAX - 64 * 1024;
  const total = field.length + FILES * (fileHead(0).length + fileSize + 2) + boundary.length + 6;
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let answer = '';
    let written = 0;
    let wake: (() => void) | null = null;
    const answered = () => answer.length > 0 || s.destroyed;
    const done = () => {
      wake?.();
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ head, body, written, total });
    };
    s.on('data', (b) => {
      answer += String(b);
      wake?.();
      // A whole answer (its Content-Length read) ends the exchange even when the server keeps the connection.
      const [head, body] = answer.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(head ?? '')?.[1];
      if (body !== undefined && length && Buffer.byteLength(body) >= Number(length)) s.destroy();
    });
    s.on('drain', () => wake?.());
    s.on('error', () => { wake?.(); });
    s.on('close', done);
    const write = async (chunk: Buffer) => {
      if (answered()) return;
      const framed = opts.contentLength ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      written += chunk.length;
      if (!s.write(framed)) await new Promise<void>((r) => { wake = r; });
      wake = null;
    };
    s.on('connect', () => {
      const length = opts.contentLength ? `Content-Length: ${total}` : 'Transfer-Encoding: chunked';
      s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n${length}\r\n\r\n`);
      if (opts.contentLength) return; // declared too large: the answer comes before any of the body is sent
      void (async () => {
        await write(field);
        const block = Buffer.alloc(64 * 1024, 0x41);
        for (let i = 0; i < FILES && !answered(); i++) {
          await write(fileHead(i));
          for (let n = 0; n < fileSize && !answered(); n += block.length) await write(block.subarray(0, Math.min(block.length, fileSize - n)));
          await write(Buffer.from('\r\n'));
        }
        await write(Buffer.from(`--${boundary}--\r\n`));
        if (!answered()) s.write('0\r\n\r\n');
      })().catch(reject);
    });
  });
}

/**
 * A multipart upload (documents on a request or a message) was read whole before any check: twenty
 * files under the per-file limit made a 200 MiB body held in memory. UPLOAD_MAX_TOTAL_BYTES now holds
 * it while it arrives: refused 413 once the count passes the cap, the rest never read, nothing kept.
 */
describe('attack: an upload larger in all than UPLOAD_MAX_TOTAL_BYTES', () => {
  let t: TestApp;
  let c: Cast;
  let id: string;
  let port: number;
  const stored = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from attachments', []))[0]!.n;
  const messages = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from request_messages', []))[0]!.n;

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1', ATTACHMENT_MAX_BYTES: String(FILE_MAX), UPLOAD_MAX_TOTAL_BYTES: String(CAP), ATTACHMENTS_PER_REQUEST: '100' } });
    c = await castOf(t);
    await t.startWorkers();
    ({ id } = await routedRequestWithProviders(t, c));
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => { await t?.close(); });

  it('is refused 413 as it streams in, long before the client has sent it all, and nothing of it is stored', async () => {
    const before = await stored();
    for (const path of [`/v1/requests/${id}/attachments`, `/v1/requests/${id}/messages`]) {
      const sent = await sendUpload(port, path, c.stateA);
      expect(sent.head.split('\r\n')[0], path).toBe('HTTP/1.1 413 Payload Too Large');
      expect(sent.head.toLowerCase()).toContain('connection: close');
      const error = JSON.parse(sent.body).error;
      expect(error.code).toBe('attachment_refused');
      expect(error.details[0].message.split(':')[0]).toBe('upload_too_large');
      expect(error.message).toBe('The upload is larger than 2 MiB in all, the most one upload may carry; send fewer or smaller documents at a time.');
      // The server stopped reading near the cap: most of the 80 MiB was never sent (socket buffers hold a few MiB).
      expect(sent.total).toBeGreaterThan(75 * MiB);
      expect(sent.written, `${path}: ${sent.written} of ${sent.total} bytes sent before the answer`).toBeLessThan(sent.total / 4);
    }
    expect(await stored()).toBe(before);
  }, 60_000);

  it('is refused before a byte of its body is read when it declares its size', async () => {
    const msgs = await messages();
    const sent = await sendUpload(port, `/v1/requests/${id}/messages`, c.stateA, { contentLength: true });
    expect(sent.written).toBe(0);
    expect(sent.head.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(JSON.parse(sent.body).error.details[0].message).toMatch(/^upload_too_large: /);
    // The key is checked first: without a valid one the answer is 401, whatever the size.
    const anonymous = await sendUpload(port, `/v1/requests/${id}/attachments`, 'not-a-key', { contentLength: true });
    expect(anonymous.head.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(await messages()).toBe(msgs);
  });

  it('still takes an upload under the cap, and the web form says the refusal in the person\'s language', async () => {
    const pdf = (n: number) => ({ name: `letter${n}.pdf`, data: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(900 * 1024, 0x41)]) });
    const ok = multipart({ purpose: 'request_letter' }, [pdf(1), pdf(2)]);
    const res = await t.call({ method: 'POST', url: `/v1/requests/${id}/attachments`, key: c.stateA, payload: ok.payload, headers: ok.headers });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items).toHaveLength(2);

    const web = await webSession(t, c.stateA);
    const big = multipart({ purpose: 'request_letter' }, [pdf(3), pdf(4), pdf(5)]);
    const refused = await web.postRaw(`/requests/${id}/attachments`, big.payload, big.headers['content-type']!, 'fr');
    expect(refused.status).toBe(413);
    expect(refused.body.error.message).toBe('L’envoi dépasse 2 MiB au total, le maximum d’un seul envoi. Envoyez moins de documents, ou des documents plus petits, à la fois.');
  });
});

describe('attack: an import body over its route\'s limit', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('is refused 413 naming that route\'s limit, and nothing is imported', async () => {
    const csv = `memberState,description,priority\n${'SEN,Border management needs a review of the watch lists used at crossings,high\n'.repeat(80_000)}`;
    expect(csv.length).toBeGreaterThan(5 * MiB);
    const res = await t.call({ method: 'POST', url: '/v1/needs/import', key: 'test-admin-key-0123456789abcdef', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'payload_too_large', message: 'The body is larger than 5 MiB.', details: [] });
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from needs', []))[0]!.n).toBe(0);
    const json = await t.call({ method: 'POST', url: '/v1/needs', key: 'test-admin-key-0123456789abcdef', payload: { memberState: 'SEN', description: 'x'.repeat(300 * 1024), priority: 'high' } });
    expect(json.status).toBe(413);
    expect(json.body.error.message).toBe('The body is larger than 256 KiB.');
  });
});
