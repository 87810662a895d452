import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'od_session';
/** A random per-browser value before sign-in, so the sign-in form itself carries a CSRF token. */
export const PRE_SESSION_COOKIE = 'od_pre';
export const LANG_COOKIE = 'od_lang';
/** Sessions end after this long even if the browser keeps the cookie. */
export const SESSION_MAX_AGE_S = 12 * 3600;

interface SessionPayload { k: string; iat: number }

/**
 * Seals an API key into a cookie value (AES-256-GCM) and derives CSRF tokens from cookie values (HMAC-SHA-256).
 * Both keys come from one secret through HKDF, so a leaked CSRF token says nothing about the encryption key.
 */
export function createSessionCrypto(secret: string | undefined) {
  const master = Buffer.from(secret ?? randomBytes(32).toString('base64url'), 'utf8');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, 'onedoor-web', info, 32));
  const encKey = derive('session-encryption');
  const macKey = derive('csrf');

  return {
    /** The cookie value holding `apiKey`, valid for SESSION_MAX_AGE_S. */
    seal(apiKey: string, now = Date.now()): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify({ k: apiKey, iat: Math.floor(now / 1000) } satisfies SessionPayload), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },

    /** The API key in a cookie value, or null when it was tampered with, sealed under another secret, or expired. */
    open(value: string | undefined, now = Date.now()): string | null {
      if (!value || value.length > 4096) return null;
      try {
        const buf = Buffer.from(value, 'base64url');
        if (buf.length < 12 + 16 + 2) return null;
        const decipher = createDecipheriv('aes-256-gcm', encKey, buf.subarray(0, 12));
        decipher.setAuthTag(buf.subarray(12, 28));
        const json = Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
        const p = JSON.parse(json) as Partial<SessionPayload>;
        if (typeof p.k !== 'string' || typeof p.iat !== 'number') return null;
        if (now / 1000 - p.iat > SESSION_MAX_AGE_S || p.iat - now / 1000 > 300) return null;
        return p.k;
      } catch {
        return null;
      }
    },

    /** The CSRF token bound to a session (or pre-session) cookie value. */
    csrfToken(cookieValue: string): string {
      return createHmac('sha256', macKey).update(cookieValue, 'utf8').digest('base64url');
    },

    /** Constant-time check of a submitted CSRF token against the cookie it must be bound to. */
    checkCsrf(cookieValue: string | undefined, token: unknown): boolean {
      if (!cookieValue || typeof token !== 'string' || token.length > 100) return false;
      const want = Buffer.from(this.csrfToken(cookieValue));
      const got = Buffer.from(token);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}
export type SessionCrypto = ReturnType<typeof createSessionCrypto>;

/** A fresh pre-session value. */
export const newPreSession = () => randomBytes(18).toString('base64url');
