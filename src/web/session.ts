import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The random session token (the server keeps only its SHA-256: src/modules/people/people.service.ts). */
export const SESSION_COOKIE = 'od_session';
/** A random per-browser value before sign-in, so the sign-in form itself carries a CSRF token. */
export const PRE_SESSION_COOKIE = 'od_pre';
export const LANG_COOKIE = 'od_lang';

/**
 * CSRF tokens bound to the session (or pre-session) cookie: an HMAC-SHA-256 of the cookie value under a
 * key derived from SESSION_SECRET (src/modules/people/secret.ts), so a page's token is worthless with
 * another session, and the sign-in form still works after a restart.
 */
export function createCsrf(secret: string) {
  const macKey = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'onedoor-web', 'csrf', 32));
  return {
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
export type Csrf = ReturnType<typeof createCsrf>;

/** A fresh pre-session value. */
export const newPreSession = () => randomBytes(18).toString('base64url');
