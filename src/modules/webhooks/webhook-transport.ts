import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './webhook-address.js';

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
  const lookup: LookupFunction = (_host, options, callback) => {
    // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily): there is one.
    if (options.all) (callback as unknown as (err: null, list: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup,
      agent: false,
      signal: AbortSignal.timeout(timeoutMs),
    }, (res) => {
      // The answer's body is not read: only its status counts.
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', (err) => reject(err.name === 'AbortError' || err.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs} ms`) : err));
    req.end(body);
  });
}
