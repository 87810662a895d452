import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './webhook-address.js';

/** A socket `lookup` that answers with the checked address whatever the name: the connection goes where the check looked. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_host, options, callback) => {
    // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily): there is one.
    if (options.all) (callback as unknown as (err: null, list: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

/** What a receiver answered. */
export interface ReceiverAnswer { status: number; headers: IncomingHttpHeaders }

/**
 * POSTs `body` to `url`, connecting only to `pinned` (the address resolveReceiver checked).
 * Written on node:http rather than fetch because fetch offers no way to choose the address it
 * connects to: here the socket's `lookup` answers with the checked address, while the Host header,
 * TLS SNI and certificate check still use the URL's name. No agent (no pooled socket opened for an
 * earlier answer is reused) and no redirects: node:http never follows them.
 */
export function postPinned(url: URL, pinned: ResolvedAddress, body: string, headers: Record<string, string>, timeoutMs: number): Promise<ReceiverAnswer> {
  return new Promise((resolve, reject) => {
    sendPinned(url, pinned, { method: 'POST', headers, body }, timeoutMs, reject, (res) => {
      // The answer's body is not read: only its status counts.
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
  });
}

/** One request on node:http(s) to the pinned address, no agent, bounded by `timeoutMs`; errors go to `fail`. */
function sendPinned(url: URL, pinned: ResolvedAddress, init: { method: string; headers: Record<string, string>; body?: string }, timeoutMs: number, fail: (err: Error) => void, onResponse: (res: IncomingMessage) => void): void {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send({
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: init.method,
    headers: init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
    lookup: pinnedLookup(pinned),
    agent: false,
    signal: AbortSignal.timeout(timeoutMs),
  }, onResponse);
  req.on('error', (err) => fail(err.name === 'AbortError' || err.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs} ms`) : err));
  req.end(init.body);
}

/**
 * A fetch-shaped request to `url` connecting only to `pinned`, for callers that need a `Response`
 * (openid-client's customFetch): so a name that resolved to a public address when it was checked cannot
 * be re-resolved to an internal one when the connection is made (DNS rebinding). Same node:http core
 * as postPinned, for the same reason (fetch cannot be told the address); no redirects; the body is read
 * up to `maxBytes` (an identity provider's documents are small).
 */
export function fetchPinned(url: URL, pinned: ResolvedAddress, init: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: unknown }, timeoutMs: number, maxBytes = 1024 * 1024): Promise<Response> {
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  return new Promise((resolve, reject) => {
    sendPinned(url, pinned, { method: init.method ?? 'GET', headers, body }, timeoutMs, reject, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) { res.destroy(new Error(`answer larger than ${maxBytes} bytes`)); return; }
        chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) out.append(k, x);
        // A Response refuses a body with these statuses.
        const bodyless = status === 204 || status === 205 || status === 304 || status < 200;
        resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status: status < 200 ? 502 : status, headers: out }));
      });
    });
  });
}
