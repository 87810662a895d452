import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../../config.js';

/**
 * The one home of OneDoor's own secrets: where the session secret and the encryption key come from
 * when they are not set, and how secrets are sealed at rest. Node's crypto is the library; only the
 * framing (`v1.<iv|tag|ciphertext>`) and the file rule are ours.
 */

type SecretConfig = Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'SESSION_SECRET' | 'ENCRYPTION_KEY'>;

const perProcess = new Map<string, string>();

/**
 * A secret kept in DATA_DIR/<fileName> (made on first start with mode 0600, never replaced: what it
 * sealed would be lost), so the embedded default keeps it across restarts without anyone setting it.
 * Tests get one random value per process instead. Two processes starting at once keep whichever wrote first.
 */
export function dataDirSecret(config: Pick<Config, 'NODE_ENV' | 'DATA_DIR'>, fileName: string): string {
  const memo = config.NODE_ENV === 'test' ? `test:${fileName}` : `${config.DATA_DIR}:${fileName}`;
  const hit = perProcess.get(memo);
  if (hit) return hit;
  let secret: string;
  if (config.NODE_ENV === 'test') secret = randomBytes(32).toString('base64url');
  else {
    const file = join(config.DATA_DIR, fileName);
    let existing: string | null = null;
    try { existing = readFileSync(file, 'utf8').trim(); } catch { /* first start: make one */ }
    if (existing !== null) {
      if (existing.length < 32) throw new Error(`${file} holds fewer than 32 characters; fix or remove it`);
      secret = existing;
    } else {
      mkdirSync(config.DATA_DIR, { recursive: true });
      secret = randomBytes(32).toString('base64url');
      try { writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }); chmodSync(file, 0o600); } catch { secret = readFileSync(file, 'utf8').trim(); }
    }
  }
  perProcess.set(memo, secret);
  return secret;
}

/** Signs CSRF tokens, unsubscribe links and sealed mail links: SESSION_SECRET (required in production), else DATA_DIR/session-secret. */
export function resolveSessionSecret(config: Pick<SecretConfig, 'SESSION_SECRET' | 'NODE_ENV' | 'DATA_DIR'>): string {
  return config.SESSION_SECRET ?? dataDirSecret(config, 'session-secret');
}

/**
 * Encrypts secrets kept in the database (authenticator-app seeds, identity providers' client secrets):
 * ENCRYPTION_KEY, else SESSION_SECRET, else (outside production) DATA_DIR/encryption-key. Production
 * without either is refused at start, since every process must read what any of them sealed.
 */
export function resolveEncryptionKey(config: SecretConfig): string {
  if (config.ENCRYPTION_KEY) return config.ENCRYPTION_KEY;
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.NODE_ENV === 'production') throw new ConfigError(['ENCRYPTION_KEY: required in production when SESSION_SECRET is not set (it encrypts secrets kept in the database)']);
  return dataDirSecret(config, 'encryption-key');
}

/**
 * AES-256-GCM for secrets at rest, under a key derived (HKDF-SHA-256) per purpose from the key
 * material; each ciphertext is bound to its place (`context`, e.g. the row's owner) as associated
 * data, so a sealed value copied onto another row does not open.
 */
export function createSecretBox(material: string, purpose: string) {
  const ikm = Buffer.from(material, 'utf8');
  const encKey = Buffer.from(hkdfSync('sha256', ikm, 'onedoor-secrets', purpose, 32));
  const macKey = Buffer.from(hkdfSync('sha256', ikm, 'onedoor-secrets', `${purpose}:digest`, 32));
  return {
    /** `v1.<base64url(iv | tag | ciphertext)>`. */
    seal(plain: string, context: string): string {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1.${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url')}`;
    },
    /** The plain text, or null when the value was tampered with, moved to another context or sealed under another key. */
    open(sealed: string, context: string): string | null {
      const [v, data] = sealed.split('.', 2);
      if (v !== 'v1' || !data) return null;
      const buf = Buffer.from(data, 'base64url');
      if (buf.length < 29) return null;
      try {
        const d = createDecipheriv('aes-256-gcm', encKey, buf.subarray(0, 12));
        d.setAAD(Buffer.from(context, 'utf8'));
        d.setAuthTag(buf.subarray(12, 28));
        return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
      } catch { return null; }
    },
    /** A keyed hash (HMAC-SHA-256) for values that are only ever compared, never read back. */
    digest(value: string): string { return createHmac('sha256', macKey).update(value, 'utf8').digest('base64url'); },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
