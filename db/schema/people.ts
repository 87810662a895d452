import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { providers } from './core.js';
import { entities, memberStates } from './reference.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * An office that works in OneDoor: a member state's ministry or mission (bound to the state), a
 * provider (bound to its provider record), CTED, a Task Force entity desk, or the platform's admins.
 * `kind` is the Role its members act in; member_state / provider_id / entity_code are the binding.
 */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  memberState: text('member_state').references(() => memberStates.iso3),
  providerId: uuid('provider_id').references(() => providers.id),
  entityCode: text('entity_code').references(() => entities.code),
  status: text('status').notNull().default('active'),
  createdAt: ts('created_at').notNull().defaultNow(),
  approvedAt: ts('approved_at'),
  approvedBy: uuid('approved_by'),
}, (t) => [index('organisations_kind_idx').on(t.kind, t.name)]);

/** A person. Only an argon2id hash of the password is stored; `email` is kept lower-cased. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  language: text('language').notNull().default('en'),
  passwordHash: text('password_hash'),
  status: text('status').notNull().default('invited'),
  failedSignIns: integer('failed_sign_ins').notNull().default(0),
  lockedUntil: ts('locked_until'),
  passwordChangedAt: ts('password_changed_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('users_email_uq').on(t.email)]);

/**
 * A user's place in an organisation: focal point (files, decides, invites), contributor (drafts) or reader.
 * `status` 'suspended' is a focal point's suspension: the person no longer acts for this organisation
 * (their other memberships are untouched; only admins suspend the person, users.status).
 */
export const memberships = pgTable('memberships', {
  userId: uuid('user_id').notNull().references(() => users.id),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  role: text('role').notNull(),
  status: text('status').notNull().default('active'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.userId, t.organisationId] }), index('memberships_org_idx').on(t.organisationId)]);

/** A signed-in browser: the cookie holds a random token, only its SHA-256 is stored here. */
export const webSessions = pgTable('web_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  /** The absolute end, however active the session is. */
  expiresAt: ts('expires_at').notNull(),
  secondFactorNeeded: boolean('second_factor_needed').notNull().default(false),
  secondFactorAt: ts('second_factor_at'),
  revokedAt: ts('revoked_at'),
  userAgent: text('user_agent'),
  ip: text('ip'),
}, (t) => [uniqueIndex('web_sessions_token_hash_uq').on(t.tokenHash), index('web_sessions_user_idx').on(t.userId).where(sql`revoked_at is null`)]);

/** Single-use, expiring links sent by mail (invitation, reset, unlock) or printed at first start (first_admin); hashed. */
export const userTokens = pgTable('user_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  purpose: text('purpose').notNull(),
  organisationId: uuid('organisation_id').references(() => organisations.id),
  role: text('role'),
  email: text('email'),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('user_tokens_org_idx').on(t.organisationId, t.purpose)]);

/** Every mail OneDoor sends, written in the transaction that decided to send it; the send-mail job delivers it. */
export const mailMessages = pgTable('mail_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  to: text('to').notNull(),
  language: text('language').notNull(),
  template: text('template').notNull(),
  /** What the template is filled with; links carrying a token are kept only until the mail is sent. */
  params: jsonb('params').$type<Record<string, string>>().notNull().default({}),
  /** One mail per key (an invitation re-sent is a new key): a retried caller does not send twice. */
  dedupeKey: text('dedupe_key'),
  status: text('status').notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  sentAt: ts('sent_at'),
}, (t) => [uniqueIndex('mail_messages_dedupe_uq').on(t.dedupeKey), index('mail_messages_status_idx').on(t.status, t.createdAt)]);

/** A request a contributor drafted, waiting for a focal point of the organisation to file it. */
export const requestDrafts = pgTable('request_drafts', {
  id: uuid('id').primaryKey().defaultRandom(),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  memberState: text('member_state').notNull().references(() => memberStates.iso3),
  title: text('title').notNull(),
  /** The filing form's body as the contributor sent it, filed as it is. */
  body: jsonb('body').$type<Record<string, unknown>>().notNull(),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
  filedAt: ts('filed_at'),
  filedBy: uuid('filed_by'),
  requestId: uuid('request_id'),
}, (t) => [index('request_drafts_org_idx').on(t.organisationId, t.createdAt)]);
