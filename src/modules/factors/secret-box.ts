import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config.js';

const VERSION = 'v1';

/**
 * Encryption at rest for second-factor secrets: AES-256-GCM under a key derived (HKDF-SHA-256)
 * from ENCRYPTION_KEY, with the owner's id as associated data, so a sealed seed copied onto another
 * person's row does not open. Node's crypto is the library here; only the framing is ours.
 */
export interface SecretBox {
  seal(plain: string, owner: string): string;
  /** The plaintext, or null when the text was not sealed by this key for this owner. */
  open(sealed: string, owner: string): string | null;
  /** A keyed hash (HMAC-SHA-256) for values that are only ever compared, never read back. */
  digest(value: string): string;
}

/** Builds the box from the configured secret (any string of 32 characters or more). */
export function createSecretBox(secret: string): SecretBox {
  const ikm = Buffer.from(secret, 'utf8');
  const encKey = Buffer.from(hkdfSync('sha256', ikm, 'onedoor', 'second-factor secrets v1', 32));
  const macKey = Buffer.from(hkdfSync('sha256', ikm, 'onedoor', 'recovery codes v1', 32));
  return {
    seal(plain, owner) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      c.setAAD(Buffer.from(owner, 'utf8'));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${VERSION}.${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
    },
    open(sealed, owner) {
      const [v, body] = sealed.split('.');
      if (v !== VERSION || !body) return null;
      const raw = Buffer.from(body, 'base64url');
      if (raw.length < 29) return null;
      try {
        const d = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
        d.setAAD(Buffer.from(owner, 'utf8'));
        d.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
      } catch { return null; }
    },
    digest(value) { return createHmac('sha256', macKey).update(value, 'utf8').digest('base64url'); },
  };
}

/**
 * A secret kept in a file under DATA_DIR (made on first start, readable by its owner only), so the
 * embedded default keeps it across restarts without anyone having to set it.
 */
export function loadOrCreateSecret(dataDir: string, fileName: string): string {
  const path = join(dataDir, fileName);
  if (existsSync(path)) {
    const v = readFileSync(path, 'utf8').trim();
    // Never replace a file that is there: whatever it sealed would be lost.
    if (v.length < 32) throw new Error(`${path} holds fewer than 32 characters; fix or remove it`);
    return v;
  }
  mkdirSync(dataDir, { recursive: true });
  const v = randomBytes(32).toString('base64url');
  writeFileSync(path, `${v}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return v;
}

/**
 * The configuration with ENCRYPTION_KEY filled in when neither it nor SESSION_SECRET is set: in
 * production that is refused (sealed seeds must survive a restart and be shared by every process);
 * elsewhere a key is generated into DATA_DIR once and kept.
 */
export function withEncryptionKey<C extends { ENCRYPTION_KEY?: string; SESSION_SECRET?: string; NODE_ENV: string; DATA_DIR: string }>(config: C): C {
  if (config.ENCRYPTION_KEY || config.SESSION_SECRET) return config;
  if (config.NODE_ENV === 'production') throw new ConfigError(['ENCRYPTION_KEY: required in production when SESSION_SECRET is not set (it encrypts second-factor secrets)']);
  return Object.freeze({ ...config, ENCRYPTION_KEY: loadOrCreateSecret(config.DATA_DIR, 'encryption-key') });
}
