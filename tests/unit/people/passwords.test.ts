import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { hashPassword, passwordProblems, verifyPassword } from '../../../src/modules/people/passwords.js';
import { resolveSessionSecret } from '../../../src/modules/people/secret.js';

describe('password rules (NIST SP 800-63B)', () => {
  const who = { email: 'awa.diop@gouv.sn', name: 'Awa Diop' };
  it('asks for 15 characters without a second factor and 8 with one, and allows at least 64', () => {
    expect(passwordProblems('short but ok?', who)).toEqual(['tooShort']);
    expect(passwordProblems('short but ok?', { ...who, secondFactor: true })).toEqual([]);
    expect(passwordProblems('x'.repeat(3) + ' a long enough phrase', who)).toEqual([]);
    expect(passwordProblems('when the rains came early the millet grew tall along the river bank', who)).toEqual([]);
    expect(passwordProblems('é'.repeat(129), who)).toContain('tooLong');
    // Characters, not bytes: 15 Arabic letters are enough.
    expect(passwordProblems('كلمة مرور طويلة جدا', who)).toEqual([]);
  });
  it('has no composition rules: a lower-case passphrase passes', () => {
    expect(passwordProblems('the river flows under the old bridge', who)).toEqual([]);
  });
  it('refuses common and breached passwords, with digits tacked on, and repeated ones', () => {
    expect(passwordProblems('qwertyuiopasdfgh', who)).toContain('common');
    expect(passwordProblems('password123456789', who)).toContain('common');
    expect(passwordProblems('Password!!!!!!!!', who)).toContain('common');
    expect(passwordProblems('passwordpassword', who)).toContain('common');
    expect(passwordProblems('iloveyouiloveyou', who)).toContain('common');
  });
  it('refuses the e-mail, its local part, the name, and trivial runs', () => {
    expect(passwordProblems('awa.diop@gouv.sn-2026', who)).toContain('personal');
    expect(passwordProblems('my name is diop and that is that', who)).toContain('personal');
    expect(passwordProblems('aaaaaaaaaaaaaaaaaaa', who)).toContain('repetitive');
    expect(passwordProblems('123456789012345678', who).length).toBeGreaterThan(0);
    expect(passwordProblems('abcdefghijklmnopq', who)).toContain('repetitive');
  });
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('the river flows under the old bridge');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'the river flows under the old bridge')).toBe(true);
    expect(await verifyPassword(h, 'the river flows under the new bridge')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });
});

describe('SESSION_SECRET', () => {
  it('is required in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-real-secret-of-enough-length-0123456789' }).SESSION_SECRET).toBeDefined();
  });
  it('is generated once into DATA_DIR (mode 0600) in the embedded default and read back after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onedoor-secret-'));
    try {
      const first = resolveSessionSecret({ NODE_ENV: 'development', DATA_DIR: dir, SESSION_SECRET: undefined });
      const file = join(dir, 'session-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(resolveSessionSecret({ NODE_ENV: 'development', DATA_DIR: dir, SESSION_SECRET: undefined })).toBe(first);
      expect(resolveSessionSecret({ NODE_ENV: 'development', DATA_DIR: dir, SESSION_SECRET: 'x'.repeat(40) })).toBe('x'.repeat(40));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
