import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './people.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A person's authenticator app (TOTP, RFC 6238). Secrets are stored encrypted (AES-256-GCM under a
 * key derived from ENCRYPTION_KEY), never in the clear. A new enrolment waits in `pending_secret`
 * while the confirmed secret keeps working, so re-enrolling never locks a person out half-way.
 */
export const userTotp = pgTable('user_totp', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret'),
  confirmedAt: ts('confirmed_at'),
  pendingSecret: text('pending_secret'),
  pendingAt: ts('pending_at'),
  /** The last time step (30 s) a code was accepted for: a code of that step or an earlier one is a replay. */
  lastStep: bigint('last_step', { mode: 'number' }),
  lastUsedAt: ts('last_used_at'),
});

/** Single-use recovery codes, stored as keyed hashes (HMAC-SHA-256); shown once when made. */
export const userRecoveryCodes = pgTable('user_recovery_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  codeHash: text('code_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  usedAt: ts('used_at'),
}, (t) => [uniqueIndex('user_recovery_codes_user_code_uq').on(t.userId, t.codeHash)]);

/** WebAuthn credentials (passkeys, security keys): only the public key is kept. */
export const userPasskeys = pgTable('user_passkeys', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** base64url, as the authenticator gives it. */
  credentialId: text('credential_id').notNull().unique(),
  /** The COSE public key, base64url. */
  publicKey: text('public_key').notNull(),
  /** The signature counter; a value that goes backwards means a cloned authenticator. */
  counter: bigint('counter', { mode: 'number' }).notNull().default(0),
  transports: text('transports').array().notNull().default([]),
  name: text('name').notNull(),
  deviceType: text('device_type').notNull(),
  backedUp: boolean('backed_up').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
}, (t) => [index('user_passkeys_user_idx').on(t.userId)]);

/** WebAuthn challenges issued and not yet answered; each is taken (deleted) by the answer, once. */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  challenge: text('challenge').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose').notNull(),
  expiresAt: ts('expires_at').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('webauthn_challenges_user_idx').on(t.userId, t.purpose)]);

/** Wrong second-factor answers in a row, per person: enough of them lock the second factor for a while. */
export const secondFactorFailures = pgTable('second_factor_failures', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: ts('last_failure_at'),
  lockedUntil: ts('locked_until'),
});
