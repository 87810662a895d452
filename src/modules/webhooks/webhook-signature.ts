import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a OneDoor webhook. */
export const SIGNATURE_HEADER = 'onedoor-signature';
export const TIMESTAMP_HEADER = 'onedoor-timestamp';
/** A receiver should refuse deliveries older than this (replay protection). */
export const DEFAULT_TOLERANCE_S = 300;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`: the timestamp is signed so it cannot be swapped. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** What a receiver runs: constant-time check of the signature and freshness of the timestamp. */
export function verifyWebhook(secret: string, headers: { signature?: string; timestamp?: string }, rawBody: string, nowS = Math.floor(Date.now() / 1000), toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
