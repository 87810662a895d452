import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';

const VERSION = 'v1';
const KEY_FILE = 'encryption-key';
let testKey: string | undefined;

/** Thrown when a secret must be stored or read but no ENCRYPTION_KEY is configured (PostgreSQL mode). */
export const encryptionKeyMissing = () => new AppError(503, 'encryption_key_missing',
  'ENCRYPTION_KEY is not set, so secrets cannot be stored or read: set it (at least 32 characters, e.g. `openssl rand -base64 32`) and restart.');

/**
 * The key material: ENCRYPTION_KEY, else SESSION_SECRET, else in the embedded default (no DATABASE_URL) a
 * random one kept in DATA_DIR/encryption-key (the same file factors uses) so restarts can read what was
 * stored; in tests one per process; null when none applies (secrets cannot be stored: the caller says so).
 */
export function resolveEncryptionKey(config: Pick<Config, 'ENCRYPTION_KEY' | 'SESSION_SECRET' | 'DATA_DIR' | 'DATABASE_URL' | 'NODE_ENV'>): string | null {
  if (config.ENCRYPTION_KEY) return config.ENCRYPTION_KEY;
  // Tests: one random key per process (what they seal, they read back in the same process).
  if (config.NODE_ENV === 'test') return (testKey ??= randomBytes(32).toString('base64url'));
  // As factors does: SESSION_SECRET (required in production) stands in; HKDF per purpose keeps the keys apart.
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.DATABASE_URL) return null;
  const file = join(config.DATA_DIR, KEY_FILE);
  try { return readFileSync(file, 'utf8').trim(); } catch { /* first start: make one */ }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // 'wx': two processes starting at once keep whichever wrote first.
  try { writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 }); chmodSync(file, 0o600); } catch { return readFileSync(file, 'utf8').trim(); }
  return key;
}

/**
 * AES-256-GCM for secrets at rest. The 256-bit key is derived from the configured material with HKDF
 * (per purpose), and each ciphertext is bound to its place (`context`, e.g. the row it belongs to)
 * as additional data, so a ciphertext copied to another row does not decrypt.
 */
export function createSecretBox(material: string | null, purpose: string) {
  const key = material === null ? null : Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), 'onedoor-secrets', purpose, 32));
  const need = () => { if (!key) throw encryptionKeyMissing(); return key; };
  return {
    /** Whether secrets can be stored (a key is configured). */
    get available(): boolean { return key !== null; },
    /** `v1.<base64url(iv | tag | ciphertext)>`. */
    seal(plain: string, context: string): string {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', need(), iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${VERSION}.${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url')}`;
    },
    /** The plain text; throws when the value was tampered with, moved to another context or sealed under another key. */
    open(sealed: string, context: string): string {
      const [v, data] = sealed.split('.', 2);
      if (v !== VERSION || !data) throw new Error('not a sealed secret');
      const buf = Buffer.from(data, 'base64url');
      const d = createDecipheriv('aes-256-gcm', need(), buf.subarray(0, 12));
      d.setAAD(Buffer.from(context, 'utf8'));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
