import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds.js';

/** What an unsubscribe link stands for: this person, no more mail of this kind (or of any, `all`). */
export interface Unsubscribe { userId: string; kind: NotificationKind | 'all' }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Signs and checks one-click unsubscribe tokens (RFC 8058: the POST carries no session, so the token
 * alone authenticates it). HMAC-SHA-256 under a key derived from SESSION_SECRET, or from a random
 * secret kept in the database when it is unset, so a link in yesterday's mail still works after a restart.
 * The token never expires: RFC 8058 links must keep working as long as mail keeps arriving.
 */
export function createUnsubscribeTokens(deps: { secret: () => string }) {
  let key: Buffer | undefined;
  const getKey = async () => (key ??= Buffer.from(hkdfSync('sha256', Buffer.from(deps.secret(), 'utf8'), 'onedoor-notify', 'unsubscribe', 32)));
  const mac = (k: Buffer, body: string) => createHmac('sha256', k).update(body, 'utf8').digest('base64url');

  return {
    async sign(u: Unsubscribe): Promise<string> {
      const body = `${u.userId}.${u.kind}`;
      return `${body}.${mac(await getKey(), body)}`;
    },
    /** The token's person and kind, or null when it was not made by us. */
    async verify(token: unknown): Promise<Unsubscribe | null> {
      if (typeof token !== 'string' || token.length > 200) return null;
      const [userId, kind, sig, ...rest] = token.split('.');
      if (rest.length || !userId || !kind || !sig || !UUID.test(userId)) return null;
      if (kind !== 'all' && !(NOTIFICATION_KINDS as readonly string[]).includes(kind)) return null;
      const want = Buffer.from(mac(await getKey(), `${userId}.${kind}`));
      const got = Buffer.from(sig);
      if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
      return { userId: userId.toLowerCase(), kind: kind as Unsubscribe['kind'] };
    },
  };
}
export type UnsubscribeTokens = ReturnType<typeof createUnsubscribeTokens>;
