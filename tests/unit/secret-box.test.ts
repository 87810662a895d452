import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretBox, withEncryptionKey } from '../../src/modules/factors/secret-box.js';

describe('secret box', () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals with a fresh nonce each time and opens only for its owner and key; a tampered text does not open', () => {
    const box = createSecretBox('a-secret-of-at-least-thirty-two-characters');
    const a = box.seal('JBSWY3DPEHPK3PXP', 'u1');
    expect(a).not.toBe(box.seal('JBSWY3DPEHPK3PXP', 'u1'));
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'u2')).toBeNull();
    const raw = Buffer.from(a.slice(3), 'base64url'); raw[raw.length - 1] ^= 1;
    expect(box.open(`v1.${raw.toString('base64url')}`, 'u1')).toBeNull();
    expect(box.open('garbage', 'u1')).toBeNull();
    expect(box.digest('abc')).toBe(createSecretBox('a-secret-of-at-least-thirty-two-characters').digest('abc'));
    expect(box.digest('abc')).not.toBe(createSecretBox('another-secret-of-at-least-thirty-two-chars').digest('abc'));
  });

  it('generates the embedded default key into DATA_DIR once (owner-only) and keeps it; production must set one', () => {
    const base: { NODE_ENV: string; DATA_DIR: string; ENCRYPTION_KEY?: string; SESSION_SECRET?: string } = { NODE_ENV: 'development', DATA_DIR: dir };
    const first = withEncryptionKey(base).ENCRYPTION_KEY!;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(withEncryptionKey(base).ENCRYPTION_KEY).toBe(first);
    expect(readFileSync(join(dir, 'encryption-key'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'encryption-key')).mode & 0o777).toBe(0o600);
    expect(withEncryptionKey({ ...base, SESSION_SECRET: 's'.repeat(32) }).ENCRYPTION_KEY).toBeUndefined();
    expect(() => withEncryptionKey({ ...base, NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY: required in production/);
    writeFileSync(join(dir, 'encryption-key'), 'short\n');
    expect(() => withEncryptionKey(base)).toThrow(/fewer than 32/);
  });
});
