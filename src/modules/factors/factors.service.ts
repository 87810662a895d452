import { randomInt } from 'node:crypto';
import type {
  AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { and, asc, count, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import type { Db, DbOrTx, Query } from '../../../db/client.js';
import { secondFactorFailures, userPasskeys, userRecoveryCodes, userTotp, webauthnChallenges } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { AppError, badRequest, conflict, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import { createSecretBox, resolveEncryptionKey, type SecretBox } from '../common/secrets.js';

/** Organisation kinds whose people must have a second factor (issue 13: CTED, entity and admin roles). */
export const SECOND_FACTOR_REQUIRED_FOR: ReadonlySet<string> = new Set(['cted', 'entity', 'admin']);
export const RECOVERY_CODE_COUNT = 10;
/** Wrong answers in a row before the second factor is locked, and for how long. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
/** The WebAuthn library, loaded at the first passkey ceremony (its certificate stack is slow to load; workers never need it). */
const webauthn = () => import('@simplewebauthn/server');
const CHALLENGE_TTL_MS = 5 * 60_000;
const TOTP_PERIOD_S = 30;
const ISSUER = 'OneDoor';
// Lower case letters and digits without the look-alikes (0/o, 1/l/i): 31 symbols, 10 of them ≈ 50 bits.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A person's second factors, as the account page and the sign-in gate see them. */
export interface FactorStatus {
  /** A confirmed authenticator app or at least one passkey. */
  enrolled: boolean;
  /** The person belongs to an organisation whose members must have one. */
  required: boolean;
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** What the second-factor form sends: one of the three. */
export type FactorAnswer =
  | { kind: 'totp'; code: string }
  | { kind: 'recovery'; code: string }
  | { kind: 'passkey'; response: AuthenticationResponseJSON; requestOrigin?: string };

export type AttemptResult =
  | { ok: true; method: FactorAnswer['kind']; recoveryCodesLeft?: number }
  | { ok: false; reason: 'wrong' | 'locked'; retryAfterS?: number };

export interface PasskeyView { id: string; name: string; createdAt: string; lastUsedAt: string | null; deviceType: string; backedUp: boolean }

export interface FactorsDeps {
  db: Db;
  config: Pick<Config, 'ENCRYPTION_KEY' | 'SESSION_SECRET' | 'PUBLIC_URL' | 'NODE_ENV' | 'DATA_DIR'>;
  /** The kinds of the organisations a person belongs to (people's memberships). */
  organisationKindsOf(userId: string): Promise<string[]>;
  now?: () => Date;
  log?: { warn(o: object, m?: string): void };
}

/** The kinds of the organisations (not suspended) a person belongs to, from people's memberships. */
export const membershipKinds = (query: Query) => async (userId: string): Promise<string[]> => {
  const rows = await query<{ kind: string }>(
    "select distinct o.kind from memberships m join organisations o on o.id = m.organisation_id where m.user_id = $1 and o.status <> 'suspended'", [userId]);
  return rows.map((r) => r.kind);
};

const iso = (d: Date | null) => d?.toISOString() ?? null;
const normaliseCode = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const b64u = (u: Uint8Array) => Buffer.from(u).toString('base64url');

function uuidBytes(id: string): Uint8Array {
  return new Uint8Array(Buffer.from(id.replace(/-/g, ''), 'hex'));
}

/** A TOTP object for a base32 seed (SHA-1, 6 digits, 30 s: what every authenticator app reads). */
function totpOf(base32: string, label = ''): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: OTPAuth.Secret.fromBase32(base32) });
}

/**
 * The second factor (issue 13 item 3): an authenticator app (TOTP), passkeys (WebAuthn) and
 * single-use recovery codes; required for CTED, entity and admin organisations. Seeds are sealed
 * at rest, recovery codes are kept as keyed hashes, and WebAuthn challenges live server-side with
 * an expiry and are taken once.
 */
export function createFactorsService(deps: FactorsDeps) {
  const { db, config } = deps;
  const now = deps.now ?? (() => new Date());
  const box: SecretBox = createSecretBox(resolveEncryptionKey(config), 'second-factor');

  /**
   * The relying party passkeys are bound to: in production PUBLIC_URL's host and origin, never the
   * request's (a phishing proxy chooses its Host header); elsewhere the address the browser used, so
   * a development server on any port works.
   */
  function relyingParty(requestOrigin?: string): { rpID: string; origin: string } {
    const base = config.NODE_ENV === 'production' ? config.PUBLIC_URL : requestOrigin ?? config.PUBLIC_URL;
    if (!base) throw new AppError(503, 'passkeys_unconfigured', 'Passkeys need PUBLIC_URL (the address people reach OneDoor at) to be set.');
    const u = new URL(base);
    return { rpID: u.hostname, origin: u.origin };
  }

  async function required(userId: string): Promise<boolean> {
    return (await deps.organisationKindsOf(userId)).some((k) => SECOND_FACTOR_REQUIRED_FOR.has(k));
  }

  async function counts(tx: DbOrTx, userId: string) {
    const [t] = await tx.select({ confirmedAt: userTotp.confirmedAt }).from(userTotp).where(eq(userTotp.userId, userId));
    const [p] = await tx.select({ n: count() }).from(userPasskeys).where(eq(userPasskeys.userId, userId));
    const [r] = await tx.select({ n: count() }).from(userRecoveryCodes).where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
    return { totp: !!t?.confirmedAt, passkeys: Number(p?.n ?? 0), recoveryCodesLeft: Number(r?.n ?? 0) };
  }

  /** What the sign-in gate asks: does this person have a second factor, and must they? */
  async function status(userId: string): Promise<FactorStatus> {
    const c = await counts(db, userId);
    return { enrolled: c.totp || c.passkeys > 0, required: await required(userId), ...c };
  }

  // ---- recovery codes ----

  function newRecoveryCode(): string {
    let s = '';
    for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  }

  async function replaceRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    // A keyed hash, not a slow one: a code has ~50 random bits, and whoever holds the key can read the TOTP seed anyway.
    await tx.insert(userRecoveryCodes).values(codes.map((c) => ({ userId, codeHash: box.digest(normaliseCode(c)) })));
    return codes;
  }

  /** Ten new recovery codes, replacing the old ones; shown once, only their hashes are kept. */
  async function generateRecoveryCodes(actor: Principal, userId: string): Promise<string[]> {
    return db.transaction(async (tx) => {
      const codes = await replaceRecoveryCodes(tx, userId);
      await recordChange(tx, actor, { action: 'factors.recovery_codes_generated', targetType: 'user', targetId: userId, summary: { count: codes.length } });
      return codes;
    });
  }

  async function consumeRecoveryCode(tx: DbOrTx, userId: string, code: string): Promise<boolean> {
    const c = normaliseCode(code);
    if (c.length !== 10) return false;
    const used = await tx.update(userRecoveryCodes).set({ usedAt: now() })
      .where(and(eq(userRecoveryCodes.userId, userId), eq(userRecoveryCodes.codeHash, box.digest(c)), isNull(userRecoveryCodes.usedAt)))
      .returning({ id: userRecoveryCodes.id });
    return used.length === 1;
  }

  // ---- TOTP ----

  /**
   * Starts (or restarts) enrolling an authenticator app: a new seed waits until a code from it is
   * confirmed; a confirmed app keeps working meanwhile. Returns the seed and its otpauth:// URI.
   */
  async function beginTotp(userId: string, accountLabel: string): Promise<{ secret: string; uri: string }> {
    const base32 = new OTPAuth.Secret({ size: 20 }).base32;
    const sealed = box.seal(base32, userId);
    await db.insert(userTotp).values({ userId, pendingSecret: sealed, pendingAt: now() })
      .onConflictDoUpdate({ target: userTotp.userId, set: { pendingSecret: sealed, pendingAt: now() } });
    return { secret: base32, uri: totpOf(base32, accountLabel).toString() };
  }

  /** The pending seed's otpauth:// URI again (the account page shows it until confirmed), or null. */
  async function pendingTotp(userId: string, accountLabel: string): Promise<{ secret: string; uri: string } | null> {
    const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId));
    const base32 = row?.pendingSecret ? box.open(row.pendingSecret, userId) : null;
    return base32 ? { secret: base32, uri: totpOf(base32, accountLabel).toString() } : null;
  }

  /** The time step a code matches (±1 step for clock drift), or null. */
  function matchingStep(base32: string, code: string): number | null {
    const token = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const ts = now().getTime();
    const delta = totpOf(base32).validate({ token, timestamp: ts, window: 1 });
    return delta === null ? null : Math.floor(ts / 1000 / TOTP_PERIOD_S) + delta;
  }

  /**
   * Confirms the pending authenticator app with a code from it. The first factor a person confirms
   * comes with recovery codes (returned, shown once); a re-enrolment keeps the codes they have.
   */
  async function confirmTotp(actor: Principal, userId: string, code: string): Promise<{ ok: boolean; recoveryCodes?: string[] }> {
    return db.transaction(async (tx) => {
      const [row] = await tx.select().from(userTotp).where(eq(userTotp.userId, userId)).for('update');
      const base32 = row?.pendingSecret ? box.open(row.pendingSecret, userId) : null;
      if (!base32) throw conflict('totp_not_started', 'Start adding an authenticator app first.');
      const step = matchingStep(base32, code);
      if (step === null) return { ok: false };
      await tx.update(userTotp).set({ secret: row!.pendingSecret, confirmedAt: now(), pendingSecret: null, pendingAt: null, lastStep: step, lastUsedAt: now() })
        .where(eq(userTotp.userId, userId));
      const c = await counts(tx, userId);
      const recoveryCodes = c.recoveryCodesLeft === 0 ? await replaceRecoveryCodes(tx, userId) : undefined;
      await recordChange(tx, actor, { action: 'factors.totp_confirmed', targetType: 'user', targetId: userId, summary: { recoveryCodes: !!recoveryCodes } });
      return { ok: true, recoveryCodes };
    });
  }

  /** Checks a code against the confirmed app; a code of a step already used (or earlier) is refused. */
  async function verifyTotp(tx: DbOrTx, userId: string, code: string): Promise<boolean> {
    const [row] = await tx.select().from(userTotp).where(eq(userTotp.userId, userId));
    const base32 = row?.secret && row.confirmedAt ? box.open(row.secret, userId) : null;
    if (!base32) return false;
    const step = matchingStep(base32, code);
    if (step === null) return false;
    // One statement: of two requests with the same code, only one moves last_step forward.
    const moved = await tx.update(userTotp).set({ lastStep: step, lastUsedAt: now() })
      .where(and(eq(userTotp.userId, userId), sql`(${userTotp.lastStep} is null or ${userTotp.lastStep} < ${step})`))
      .returning({ userId: userTotp.userId });
    return moved.length === 1;
  }

  // ---- passkeys ----

  async function storeChallenge(userId: string, purpose: 'registration' | 'authentication', challenge: string): Promise<void> {
    await db.transaction(async (tx) => {
      // One outstanding challenge per person and purpose; expired ones go too.
      await tx.delete(webauthnChallenges).where(and(eq(webauthnChallenges.userId, userId), eq(webauthnChallenges.purpose, purpose)));
      await tx.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now()));
      await tx.insert(webauthnChallenges).values({ challenge, userId, purpose, expiresAt: new Date(now().getTime() + CHALLENGE_TTL_MS) });
    });
  }

  /** Takes a challenge once: true when it was issued to this person for this purpose and has not expired. */
  async function takeChallenge(tx: DbOrTx, userId: string, purpose: string, challenge: string): Promise<boolean> {
    const taken = await tx.delete(webauthnChallenges)
      .where(and(eq(webauthnChallenges.challenge, challenge), eq(webauthnChallenges.userId, userId), eq(webauthnChallenges.purpose, purpose), gt(webauthnChallenges.expiresAt, now())))
      .returning({ c: webauthnChallenges.challenge });
    return taken.length === 1;
  }

  async function passkeysOf(tx: DbOrTx, userId: string) {
    return tx.select().from(userPasskeys).where(eq(userPasskeys.userId, userId)).orderBy(asc(userPasskeys.createdAt));
  }

  /** Options for navigator.credentials.create(): the person's existing passkeys are excluded. */
  async function passkeyRegistrationOptions(user: { id: string; email: string; name: string }, requestOrigin?: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = relyingParty(requestOrigin);
    const existing = await passkeysOf(db, user.id);
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: ISSUER, rpID: rp.rpID, userName: user.email, userDisplayName: user.name, userID: uuidBytes(user.id) as Uint8Array<ArrayBuffer>,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await storeChallenge(user.id, 'registration', options.challenge);
    return options;
  }

  /**
   * Verifies the browser's answer to the registration options and stores the passkey. The first
   * factor a person adds comes with recovery codes (returned, shown once), as with an app.
   */
  async function registerPasskey(actor: Principal, userId: string, response: RegistrationResponseJSON, name: string, requestOrigin?: string): Promise<{ passkey: PasskeyView; recoveryCodes?: string[] }> {
    const rp = relyingParty(requestOrigin);
    const label = name.trim().slice(0, 80) || 'Passkey';
    return db.transaction(async (tx) => {
      let verified;
      try {
        verified = await (await webauthn()).verifyRegistrationResponse({
          response, expectedChallenge: (c) => takeChallenge(tx, userId, 'registration', c), expectedOrigin: rp.origin, expectedRPID: rp.rpID,
          requireUserVerification: false,
        });
      } catch (err) {
        throw badRequest('The passkey could not be verified.', [{ path: 'response', message: err instanceof Error ? err.message : String(err), code: 'passkey_invalid' }]);
      }
      if (!verified.verified) throw badRequest('The passkey could not be verified.', [{ path: 'response', message: 'not verified', code: 'passkey_invalid' }]);
      const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
      const [row] = await tx.insert(userPasskeys).values({
        userId, credentialId: credential.id, publicKey: b64u(credential.publicKey), counter: credential.counter,
        transports: credential.transports ?? [], name: label, deviceType: credentialDeviceType, backedUp: credentialBackedUp,
      }).onConflictDoNothing().returning();
      if (!row) throw conflict('passkey_exists', 'This passkey is already registered.');
      const c = await counts(tx, userId);
      const recoveryCodes = c.recoveryCodesLeft === 0 ? await replaceRecoveryCodes(tx, userId) : undefined;
      await recordChange(tx, actor, { action: 'factors.passkey_added', targetType: 'user', targetId: userId, summary: { passkey: row.id, name: label, recoveryCodes: !!recoveryCodes } });
      return { passkey: viewOf(row), recoveryCodes };
    });
  }

  /** Options for navigator.credentials.get(), limited to this person's passkeys. */
  async function passkeyAuthenticationOptions(userId: string, requestOrigin?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rp = relyingParty(requestOrigin);
    const existing = await passkeysOf(db, userId);
    if (!existing.length) throw notFound('Passkey');
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: rp.rpID, userVerification: 'preferred',
      allowCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
    await storeChallenge(userId, 'authentication', options.challenge);
    return options;
  }

  async function verifyPasskey(tx: DbOrTx, userId: string, response: AuthenticationResponseJSON, requestOrigin?: string): Promise<boolean> {
    const rp = relyingParty(requestOrigin);
    const [pk] = await tx.select().from(userPasskeys).where(and(eq(userPasskeys.userId, userId), eq(userPasskeys.credentialId, String(response?.id ?? ''))));
    if (!pk) return false;
    try {
      const r = await (await webauthn()).verifyAuthenticationResponse({
        response, expectedChallenge: (c) => takeChallenge(tx, userId, 'authentication', c), expectedOrigin: rp.origin, expectedRPID: rp.rpID,
        credential: { id: pk.credentialId, publicKey: new Uint8Array(Buffer.from(pk.publicKey, 'base64url')), counter: pk.counter, transports: pk.transports },
        requireUserVerification: false,
      });
      if (!r.verified) return false;
      await tx.update(userPasskeys).set({ counter: r.authenticationInfo.newCounter, lastUsedAt: now() }).where(eq(userPasskeys.id, pk.id));
      return true;
    } catch (err) {
      // A wrong origin, a replayed or expired challenge, a bad signature or a counter gone backwards.
      deps.log?.warn({ userId, err: err instanceof Error ? err.message : String(err) }, 'passkey sign-in refused');
      return false;
    }
  }

  function viewOf(p: typeof userPasskeys.$inferSelect): PasskeyView {
    return { id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: iso(p.lastUsedAt), deviceType: p.deviceType, backedUp: p.backedUp };
  }

  async function listPasskeys(userId: string): Promise<PasskeyView[]> {
    return (await passkeysOf(db, userId)).map(viewOf);
  }

  /** Refuses to take away a required person's last factor (recovery codes alone are not one). */
  async function assertNotLast(tx: DbOrTx, userId: string, removing: 'totp' | 'passkey', isRequired: boolean): Promise<void> {
    const c = await counts(tx, userId);
    const left = (c.totp && removing !== 'totp' ? 1 : 0) + c.passkeys - (removing === 'passkey' ? 1 : 0);
    if (left <= 0 && isRequired) {
      throw conflict('second_factor_required', 'Your organisation requires a second factor: add another one before removing this one.');
    }
  }

  async function removePasskey(actor: Principal, userId: string, passkeyId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(passkeyId)) throw notFound('Passkey');
    // Asked before the transaction: the embedded database has one connection, which the transaction holds.
    const isRequired = await required(userId);
    await db.transaction(async (tx) => {
      // Locks the person's factors so two removals at once cannot both pass the "not the last" check.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`factors:${userId}`}))`);
      const [pk] = await tx.select().from(userPasskeys).where(and(eq(userPasskeys.id, passkeyId), eq(userPasskeys.userId, userId)));
      if (!pk) throw notFound('Passkey');
      await assertNotLast(tx, userId, 'passkey', isRequired);
      await tx.delete(userPasskeys).where(eq(userPasskeys.id, passkeyId));
      await recordChange(tx, actor, { action: 'factors.passkey_removed', targetType: 'user', targetId: userId, summary: { passkey: passkeyId, name: pk.name } });
    });
  }

  async function removeTotp(actor: Principal, userId: string): Promise<void> {
    const isRequired = await required(userId);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`factors:${userId}`}))`);
      const [row] = await tx.select().from(userTotp).where(eq(userTotp.userId, userId));
      if (!row?.confirmedAt) {
        if (row) await tx.delete(userTotp).where(eq(userTotp.userId, userId));
        return;
      }
      await assertNotLast(tx, userId, 'totp', isRequired);
      await tx.delete(userTotp).where(eq(userTotp.userId, userId));
      await recordChange(tx, actor, { action: 'factors.totp_removed', targetType: 'user', targetId: userId });
    });
  }

  /**
   * Takes away every second factor of a person (an admin's reset for someone who lost them all): the
   * app, pending or confirmed, passkeys, recovery codes, open challenges and the failure count, in `tx`.
   * Returns what was removed; the caller audits, ends the sessions and tells the person.
   */
  async function resetAll(tx: DbOrTx, userId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodes: number }> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`factors:${userId}`}))`);
    const before = await counts(tx, userId);
    await tx.delete(userTotp).where(eq(userTotp.userId, userId));
    await tx.delete(userPasskeys).where(eq(userPasskeys.userId, userId));
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
    await tx.delete(secondFactorFailures).where(eq(secondFactorFailures.userId, userId));
    return { totp: before.totp, passkeys: before.passkeys, recoveryCodes: before.recoveryCodesLeft };
  }

  // ---- the sign-in step ----

  /**
   * Checks a second-factor answer at sign-in, counting wrong answers: after MAX_FAILURES in a row
   * the factor is locked for LOCK_MS (on top of the per-address rate limit), whatever is sent.
   */
  async function attempt(actor: Principal, userId: string, answer: FactorAnswer): Promise<AttemptResult> {
    return db.transaction(async (tx) => {
      await tx.insert(secondFactorFailures).values({ userId }).onConflictDoNothing();
      const [f] = await tx.select().from(secondFactorFailures).where(eq(secondFactorFailures.userId, userId)).for('update');
      const at = now();
      if (f?.lockedUntil && f.lockedUntil > at) return { ok: false, reason: 'locked', retryAfterS: Math.ceil((f.lockedUntil.getTime() - at.getTime()) / 1000) };
      let ok = false;
      if (answer.kind === 'totp') ok = await verifyTotp(tx, userId, String(answer.code ?? ''));
      else if (answer.kind === 'recovery') ok = await consumeRecoveryCode(tx, userId, String(answer.code ?? ''));
      else if (answer.kind === 'passkey') ok = await verifyPasskey(tx, userId, answer.response, answer.requestOrigin);
      if (ok) {
        await tx.update(secondFactorFailures).set({ failures: 0, lockedUntil: null }).where(eq(secondFactorFailures.userId, userId));
        if (answer.kind === 'recovery') {
          const left = (await counts(tx, userId)).recoveryCodesLeft;
          await recordChange(tx, actor, { action: 'factors.recovery_code_used', targetType: 'user', targetId: userId, summary: { left } });
          return { ok: true, method: answer.kind, recoveryCodesLeft: left };
        }
        return { ok: true, method: answer.kind };
      }
      const failures = (f?.failures ?? 0) + 1;
      const lockedUntil = failures >= MAX_FAILURES ? new Date(at.getTime() + LOCK_MS) : null;
      await tx.update(secondFactorFailures).set({ failures: lockedUntil ? 0 : failures, lastFailureAt: at, lockedUntil })
        .where(eq(secondFactorFailures.userId, userId));
      await recordChange(tx, actor, { action: lockedUntil ? 'factors.locked' : 'factors.failed', targetType: 'user', targetId: userId, summary: { method: answer.kind, failures } });
      return lockedUntil ? { ok: false, reason: 'locked', retryAfterS: LOCK_MS / 1000 } : { ok: false, reason: 'wrong' };
    });
  }

  return {
    status, required, relyingParty,
    beginTotp, pendingTotp, confirmTotp, removeTotp,
    generateRecoveryCodes,
    passkeyRegistrationOptions, registerPasskey, passkeyAuthenticationOptions, listPasskeys, removePasskey,
    resetAll, attempt,
  };
}

export type FactorsService = ReturnType<typeof createFactorsService>;
