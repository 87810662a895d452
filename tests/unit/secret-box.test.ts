import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretBox, resolveEncryptionKey, resolveSessionSecret } from '../../src/modules/common/secrets.js';

describe('secrets at rest (src/modules/common/secrets.ts, the one home)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals with a fresh nonce each time and opens only in its context, under its key and purpose; a tampered text does not open', () => {
    const box = createSecretBox('a-secret-of-at-least-thirty-two-characters', 'second-factor');
    const a = box.seal('JBSWY3DPEHPK3PXP', 'u1');
    expect(a).not.toBe(box.seal('JBSWY3DPEHPK3PXP', 'u1'));
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'u2')).toBeNull();
    expect(createSecretBox('a-secret-of-at-least-thirty-two-characters', 'sso').open(a, 'u1')).toBeNull();
    expect(createSecretBox('another-secret-of-at-least-thirty-two-chars', 'second-factor').open(a, 'u1')).toBeNull();
    const raw = Buffer.from(a.slice(3), 'base64url'); raw[raw.length - 1] ^= 1;
    expect(box.open(`v1.${raw.toString('base64url')}`, 'u1')).toBeNull();
    expect(box.open('garbage', 'u1')).toBeNull();
    expect(box.digest('abc')).toBe(createSecretBox('a-secret-of-at-least-thirty-two-characters', 'second-factor').digest('abc'));
    expect(box.digest('abc')).not.toBe(createSecretBox('another-secret-of-at-least-thirty-two-chars', 'second-factor').digest('abc'));
  });

  it('takes ENCRYPTION_KEY, else SESSION_SECRET, else generates one into DATA_DIR once (owner-only) and keeps it; production must set one', () => {
    const base = { NODE_ENV: 'development' as const, DATA_DIR: dir, ENCRYPTION_KEY: undefined, SESSION_SECRET: undefined };
    expect(resolveEncryptionKey({ ...base, ENCRYPTION_KEY: 'e'.repeat(40), NODE_ENV: 'production' })).toBe('e'.repeat(40));
    expect(resolveEncryptionKey({ ...base, SESSION_SECRET: 's'.repeat(40), NODE_ENV: 'production' })).toBe('s'.repeat(40));
    expect(() => resolveEncryptionKey({ ...base, NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY: required in production/);
    const first = resolveEncryptionKey(base);
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(resolveEncryptionKey(base)).toBe(first);
    expect(readFileSync(join(dir, 'encryption-key'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'encryption-key')).mode & 0o777).toBe(0o600);
    // The session secret is its own file, not the encryption key.
    const session = resolveSessionSecret(base);
    expect(session).not.toBe(first);
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(session);
  });

  it('never replaces a key file that is there, even a broken one (what it sealed would be lost)', () => {
    const other = mkdtempSync(join(tmpdir(), 'od-secret-'));
    try {
      writeFileSync(join(other, 'encryption-key'), 'short\n');
      expect(() => resolveEncryptionKey({ NODE_ENV: 'development', DATA_DIR: other, ENCRYPTION_KEY: undefined, SESSION_SECRET: undefined })).toThrow(/fewer than 32/);
      expect(readFileSync(join(other, 'encryption-key'), 'utf8')).toBe('short\n');
    } finally { rmSync(other, { recursive: true, force: true }); }
  });
});
