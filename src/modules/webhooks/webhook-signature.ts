import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a OneDoor webhook. */
export const SIGNATURE_HEADER = 'onedoor-signature';
export const TIMESTAMP_HEADER = 'onedoor-timestamp';
export const DELIVERY_HEADER = 'onedoor-delivery';
/** A receiver should refuse deliveries older than this (replay protection). */
export const DEFAULT_TOLERANCE_S = 300;

/** The exact text a OneDoor webhook signature covers (receivers rebuild it to verify). */
export const signedText = (timestamp: number, deliveryId: string, rawBody: string) => `${timestamp}.${deliveryId}.${rawBody}`;

/**
 * `v2=<hex HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>")>`. The timestamp and the
 * delivery id are signed with the body, so neither can be swapped: a receiver that deduplicates on
 * `OneDoor-Delivery` cannot be made to take a captured delivery again under another id.
 * (v1 signed only "<timestamp>.<raw body>".)
 */
export function signWebhook(secret: string, timestamp: number, deliveryId: string, rawBody: string): string {
  return `v2=${createHmac('sha256', secret).update(signedText(timestamp, deliveryId, rawBody)).digest('hex')}`;
}

/** What a receiver runs: constant-time check of the signature (over timestamp, delivery id and body) and freshness of the timestamp. */
export function verifyWebhook(
  secret: string, headers: { signature?: string; timestamp?: string; delivery?: string }, rawBody: string,
  nowS = Math.floor(Date.now() / 1000), toleranceS = DEFAULT_TOLERANCE_S,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !headers.delivery || !Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, ts, headers.delivery, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
