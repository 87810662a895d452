import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { memberStates } from './reference.js';
import { providers } from './core.js';
import { organisations, users } from './people.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * An organisation's corporate identity provider (OpenID Connect). The client secret is stored sealed
 * (AES-256-GCM under ENCRYPTION_KEY, src/modules/sso/secret-box.ts), never in the clear.
 */
export const ssoConfigs = pgTable('sso_configs', {
  organisationId: uuid('organisation_id').primaryKey().references(() => organisations.id),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  clientSecretSealed: text('client_secret_sealed').notNull(),
  /** E-mail domains (lower case) whose people may sign in through it, and are provisioned into this organisation. */
  allowedDomains: text('allowed_domains').array().notNull().default(sql`'{}'::text[]`),
  /** The membership role of a person provisioned on first sign-in. */
  defaultRole: text('default_role').notNull().default('reader'),
  enabled: boolean('enabled').notNull().default(true),
  /** The provider enforces multi-factor sign-in itself: OneDoor asks for no second factor of its own after it. */
  idpEnforcesMfa: boolean('idp_enforces_mfa').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
}, (t) => [index('sso_configs_issuer_idx').on(t.issuer)]);

/** A person's account at an identity provider, linked once to a user of one organisation. */
export const userIdentities = pgTable('user_identities', {
  issuer: text('issuer').notNull(),
  subject: text('subject').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** The organisation whose provider first signed the person in: the only one it signs them into. */
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  email: text('email'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSignInAt: ts('last_sign_in_at'),
}, (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index('user_identities_user_idx').on(t.userId)]);

/**
 * A sign-in in progress: kept from the redirect to the provider until it sends the browser back, used
 * once. Keyed by a hash of the state; the PKCE verifier is sealed; `browser_hash` binds it to the
 * browser that started it (a cookie), so a link sent to someone else does not sign them in.
 */
export const ssoSignIns = pgTable('sso_sign_ins', {
  stateHash: text('state_hash').primaryKey(),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  browserHash: text('browser_hash').notNull(),
  nonce: text('nonce').notNull(),
  codeVerifierSealed: text('code_verifier_sealed').notNull(),
  returnTo: text('return_to'),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
}, (t) => [index('sso_sign_ins_expires_idx').on(t.expiresAt)]);

/**
 * A provider's application to join (self-registration): what it said about itself, and the admin's
 * decision. The organisation itself (pending until approved) and its first user are people's rows.
 */
export const providerRegistrations = pgTable('provider_registrations', {
  organisationId: uuid('organisation_id').primaryKey().references(() => organisations.id),
  providerId: uuid('provider_id').notNull().references(() => providers.id),
  country: text('country').notNull().references(() => memberStates.iso3),
  website: text('website').notNull(),
  contactEmail: text('contact_email').notNull(),
  contactName: text('contact_name').notNull(),
  submittedAt: ts('submitted_at').notNull().defaultNow(),
  /** 'approved' or 'rejected'; null while it waits. */
  decision: text('decision'),
  decidedAt: ts('decided_at'),
  decidedBy: text('decided_by'),
  decisionNote: text('decision_note'),
}, (t) => [index('provider_registrations_waiting_idx').on(t.decision, t.submittedAt)]);
