import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFactorsService, LOCK_MS, MAX_FAILURES, membershipKinds, type FactorsService } from '../../src/modules/factors/factors.service.js';
import { createSecretBox } from '../../src/modules/common/secrets.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson } from '../helpers/web-session.js';

const ORIGIN = 'https://onedoor.example.org';
const KEY = 'factors-test-encryption-key-0123456789abcdef';
const ACTOR: Principal = { keyId: null, role: 'cted', memberState: null, providerId: null, entity: null, label: 'Test person', userId: null, organisationId: null, memberRole: null };
const BINDING: Record<string, { memberState?: string; entity?: string }> = { member_state: { memberState: 'MLI' }, entity: { entity: 'UNODC' } };

const codeAt = (secret: string, at: Date) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));

for (const dbKind of ['postgres', 'pglite'] as const) {
  describe(`second factor service on ${dbKind}`, () => {
    let t: TestApp;
    let f: FactorsService;
    let clock = new Date('2026-12-02T01:00:10Z');
    const tick = (ms: number) => { clock = new Date(clock.getTime() + ms); };
    /** A real person (users, organisations, memberships) in an organisation of `kind`. */
    const person = async (kind: 'cted' | 'entity' | 'admin' | 'member_state') => (await createPerson(t, { kind, binding: BINDING[kind] })).userId;

    beforeAll(async () => {
      t = await buildTestApp({ db: dbKind });
      f = createFactorsService({
        db: t.db.db, config: { ENCRYPTION_KEY: KEY, SESSION_SECRET: undefined, PUBLIC_URL: ORIGIN, NODE_ENV: 'test', DATA_DIR: './data' },
        organisationKindsOf: membershipKinds(t.db.query), now: () => clock,
      });
    });
    afterAll(async () => { await t?.close(); });

    /** Enrols an authenticator app and returns its seed and the recovery codes that came with it. */
    async function enrolled(kind: 'cted' | 'entity' | 'admin' | 'member_state' = 'cted') {
      const id = await person(kind);
      const { secret } = await f.beginTotp(id, 'analyst@un.org');
      const r = await f.confirmTotp(ACTOR, id, codeAt(secret, clock));
      expect(r.ok).toBe(true);
      tick(30_000);
      return { id, secret, codes: r.recoveryCodes! };
    }

    it('says who must have a second factor and who has one', async () => {
      const cted = await person('cted'); const ministry = await person('member_state');
      expect(await f.status(cted)).toEqual({ enrolled: false, required: true, totp: false, passkeys: 0, recoveryCodesLeft: 0 });
      expect(await f.status(ministry)).toMatchObject({ enrolled: false, required: false });
      for (const k of ['entity', 'admin'] as const) expect((await f.status(await person(k))).required).toBe(true);
    });

    it('enrols an authenticator app: a wrong code does not confirm it, a right one does and brings ten recovery codes', async () => {
      const id = await person('cted');
      const { secret, uri } = await f.beginTotp(id, 'analyst@un.org');
      expect(uri).toMatch(/^otpauth:\/\/totp\/OneDoor:analyst%40un\.org\?issuer=OneDoor&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/);
      expect((await f.pendingTotp(id, 'analyst@un.org'))?.secret).toBe(secret);
      const wrong = String((Number(codeAt(secret, clock)) + 1) % 1_000_000).padStart(6, '0');
      expect(await f.confirmTotp(ACTOR, id, wrong)).toEqual({ ok: false });
      expect((await f.status(id)).enrolled).toBe(false);
      const ok = await f.confirmTotp(ACTOR, id, codeAt(secret, clock));
      expect(ok.ok).toBe(true);
      expect(ok.recoveryCodes).toHaveLength(10);
      expect(new Set(ok.recoveryCodes).size).toBe(10);
      for (const c of ok.recoveryCodes!) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect(await f.status(id)).toMatchObject({ enrolled: true, totp: true, recoveryCodesLeft: 10 });
      expect(await f.pendingTotp(id, 'x')).toBeNull();
    });

    it('keeps no seed or recovery code in the clear', async () => {
      const { id, secret, codes } = await enrolled();
      const dump = JSON.stringify(rows(await t.db.db.execute(sql`select t.*, (select json_agg(code_hash) from user_recovery_codes where user_id = t.user_id) as codes from user_totp t where user_id = ${id}`)));
      expect(dump).not.toContain(secret);
      for (const c of codes) { expect(dump).not.toContain(c); expect(dump).not.toContain(c.replace('-', '')); }
      const [row] = rows<{ secret: string }>(await t.db.db.execute(sql`select secret from user_totp where user_id = ${id}`));
      expect(createSecretBox(KEY, 'second-factor').open(row.secret, id)).toBe(secret);
      // Sealed for its owner: the same text on another person's row does not open, nor under another key.
      expect(createSecretBox(KEY, 'second-factor').open(row.secret, randomUUID())).toBeNull();
      expect(createSecretBox(`${KEY}-other`, 'second-factor').open(row.secret, id)).toBeNull();
    });

    it('accepts a code once (a replay is refused), allows one step of clock drift each way and no more', async () => {
      const { id, secret } = await enrolled();
      const code = codeAt(secret, clock);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code })).toEqual({ ok: true, method: 'totp' });
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code })).toEqual({ ok: false, reason: 'wrong' });
      // The previous step's code is within the window but older than the one used: a replay too.
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, new Date(clock.getTime() - 30_000)) })).toMatchObject({ ok: false });
      tick(60_000);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, new Date(clock.getTime() + 30_000)) })).toMatchObject({ ok: true });
      tick(120_000);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, new Date(clock.getTime() - 30_000)) })).toMatchObject({ ok: true });
      tick(120_000);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, new Date(clock.getTime() - 60_000)) })).toMatchObject({ ok: false });
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, new Date(clock.getTime() + 60_000)) })).toMatchObject({ ok: false });
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: 'abcdef' })).toMatchObject({ ok: false });
    });

    it('accepts the same code only once when two sign-ins send it at the same moment', async () => {
      const { id, secret } = await enrolled();
      const code = codeAt(secret, clock);
      const both = await Promise.all([f.attempt(ACTOR, id, { kind: 'totp', code }), f.attempt(ACTOR, id, { kind: 'totp', code })]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
    });

    it('takes each recovery code once, in any case and spacing, and new codes replace the old', async () => {
      const { id, codes } = await enrolled();
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: ` ${codes[3].toUpperCase().replace('-', ' ')} ` })).toEqual({ ok: true, method: 'recovery', recoveryCodesLeft: 9 });
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: codes[3] })).toEqual({ ok: false, reason: 'wrong' });
      const other = await enrolled();
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: other.codes[0] })).toMatchObject({ ok: false });
      const fresh = await f.generateRecoveryCodes(ACTOR, id);
      expect(fresh).toHaveLength(10);
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: codes[4] })).toMatchObject({ ok: false });
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: fresh[0] })).toMatchObject({ ok: true, recoveryCodesLeft: 9 });
      const audit = rows<{ action: string }>(await t.db.db.execute(sql`select action from audit_events where target_id = ${id} order by created_at`)).map((r) => r.action);
      expect(audit).toEqual(expect.arrayContaining(['factors.totp_confirmed', 'factors.recovery_code_used', 'factors.recovery_codes_generated', 'factors.failed']));
    });

    it(`locks the second factor after ${MAX_FAILURES} wrong answers in a row, even for a right one, until the lock passes`, async () => {
      const { id, secret } = await enrolled();
      for (let i = 1; i < MAX_FAILURES; i++) expect(await f.attempt(ACTOR, id, { kind: 'totp', code: '000000' })).toEqual({ ok: false, reason: 'wrong' });
      expect(await f.attempt(ACTOR, id, { kind: 'recovery', code: 'aaaaa-aaaaa' })).toEqual({ ok: false, reason: 'locked', retryAfterS: LOCK_MS / 1000 });
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, clock) })).toMatchObject({ ok: false, reason: 'locked' });
      tick(LOCK_MS);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, clock) })).toEqual({ ok: true, method: 'totp' });
    });

    it('keeps the confirmed app working while a new one is being added, then only the new one', async () => {
      const { id, secret } = await enrolled();
      const next = await f.beginTotp(id, 'analyst@un.org');
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, clock) })).toMatchObject({ ok: true });
      tick(30_000);
      const r = await f.confirmTotp(ACTOR, id, codeAt(next.secret, clock));
      expect(r).toEqual({ ok: true, recoveryCodes: undefined });
      tick(30_000);
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(secret, clock) })).toMatchObject({ ok: false });
      expect(await f.attempt(ACTOR, id, { kind: 'totp', code: codeAt(next.secret, clock) })).toMatchObject({ ok: true });
    });

    it('registers a passkey and signs in with it; a replayed answer, another origin and a counter gone back are refused', async () => {
      const id = await person('entity');
      const user = { id, email: 'desk@unodc.org', name: 'UNODC desk' };
      const auth = new SoftAuthenticator(ORIGIN);
      const reg = await f.passkeyRegistrationOptions(user);
      expect(reg.rp).toEqual({ name: 'OneDoor', id: 'onedoor.example.org' });
      const { passkey, recoveryCodes } = await f.registerPasskey(ACTOR, id, auth.register(reg) as never, 'Laptop');
      expect(passkey).toMatchObject({ name: 'Laptop', lastUsedAt: null });
      expect(recoveryCodes).toHaveLength(10);
      expect(await f.status(id)).toMatchObject({ enrolled: true, passkeys: 1, totp: false, recoveryCodesLeft: 10 });
      // The registration challenge was taken: the same answer does not register twice.
      await expect(f.registerPasskey(ACTOR, id, auth.register(reg) as never, 'Again')).rejects.toMatchObject({ statusCode: 400 });
      // A second registration excludes the passkey already there.
      expect((await f.passkeyRegistrationOptions(user)).excludeCredentials).toEqual([{ id: auth.id, type: 'public-key', transports: ['internal'] }]);

      const opts = await f.passkeyAuthenticationOptions(id);
      const answer = auth.authenticate(opts);
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: answer as never })).toEqual({ ok: true, method: 'passkey' });
      expect((await f.listPasskeys(id))[0].lastUsedAt).toBe(clock.toISOString());
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: answer as never })).toMatchObject({ ok: false });

      const phished = auth.authenticate(await f.passkeyAuthenticationOptions(id), { origin: 'https://onedoor.example.org.evil.test' });
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: phished as never })).toMatchObject({ ok: false });
      const cloned = auth.authenticate(await f.passkeyAuthenticationOptions(id), { counter: 1 });
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: cloned as never })).toMatchObject({ ok: false });
      // A challenge answered after it expired is refused.
      const late = await f.passkeyAuthenticationOptions(id);
      tick(5 * 60_000 + 1000);
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: auth.authenticate(late) as never })).toMatchObject({ ok: false });
      // Another person's passkey does not sign this one in.
      const stranger = await person('entity');
      expect(await f.attempt(ACTOR, stranger, { kind: 'passkey', response: auth.authenticate(await f.passkeyAuthenticationOptions(id)) as never })).toMatchObject({ ok: false });
      tick(60_000);
      expect(await f.attempt(ACTOR, id, { kind: 'passkey', response: auth.authenticate(await f.passkeyAuthenticationOptions(id)) as never })).toMatchObject({ ok: true });
    });

    it('refuses to remove the last factor of a person who must have one, and allows it for others', async () => {
      const { id } = await enrolled('admin');
      await expect(f.removeTotp(ACTOR, id)).rejects.toMatchObject({ statusCode: 409, code: 'second_factor_required' });
      const auth = new SoftAuthenticator(ORIGIN);
      const { passkey: pk, recoveryCodes } = await f.registerPasskey(ACTOR, id, auth.register(await f.passkeyRegistrationOptions({ id, email: 'a@un.org', name: 'A' })) as never, 'Key');
      expect(recoveryCodes).toBeUndefined();
      await f.removeTotp(ACTOR, id);
      expect(await f.status(id)).toMatchObject({ enrolled: true, totp: false, passkeys: 1 });
      await expect(f.removePasskey(ACTOR, id, pk.id)).rejects.toMatchObject({ code: 'second_factor_required' });
      await expect(f.removePasskey(ACTOR, randomUUID(), pk.id)).rejects.toMatchObject({ statusCode: 404 });

      const ministry = await enrolled('member_state');
      await f.removeTotp(ACTOR, ministry.id);
      expect(await f.status(ministry.id)).toMatchObject({ enrolled: false, required: false });
    });
  });
}

describe('relying party', () => {
  const f = (c: { PUBLIC_URL: string; NODE_ENV: 'production' | 'development' }) => createFactorsService({
    db: null as never, config: { ENCRYPTION_KEY: KEY, SESSION_SECRET: undefined, DATA_DIR: './data', ...c }, organisationKindsOf: async () => [],
  });
  it('binds passkeys to PUBLIC_URL in production, and to the address the browser used elsewhere', () => {
    expect(f({ PUBLIC_URL: 'https://onedoor.un.org/app', NODE_ENV: 'production' }).relyingParty('https://evil.test')).toEqual({ rpID: 'onedoor.un.org', origin: 'https://onedoor.un.org' });
    expect(f({ PUBLIC_URL: 'http://localhost:3000', NODE_ENV: 'development' }).relyingParty('http://localhost:41234')).toEqual({ rpID: 'localhost', origin: 'http://localhost:41234' });
    expect(f({ PUBLIC_URL: 'http://localhost:3000', NODE_ENV: 'development' }).relyingParty()).toEqual({ rpID: 'localhost', origin: 'http://localhost:3000' });
  });
});
