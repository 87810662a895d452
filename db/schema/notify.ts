import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const textArray = (name: string) => text(name).array().notNull().default(sql`'{}'::text[]`);

/**
 * What a person is told (issue 14 item 1): one row per person, kind and event, whatever retries or
 * relays happen (the unique key). `event_key` is the outbox event id, or the scheduled check's own key
 * (`deadline:<request>:<routed at>`, `feedback:<request>:1`, ...). `params` never holds confidential
 * text beyond the request's title, which mail leaves out for restricted requests.
 */
export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** A person (users.id of the people module); not a foreign key, so notifications stand on their own. */
  userId: uuid('user_id').notNull(),
  kind: text('kind').notNull(),
  eventKey: text('event_key').notNull(),
  requestId: uuid('request_id'),
  offeringId: uuid('offering_id'),
  params: jsonb('params').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  /** A path in OneDoor's web interface (the mail makes it absolute). */
  link: text('link').notNull(),
  /** The person's preference for the kind when the notification was made: immediate, daily, weekly or never. */
  delivery: text('delivery').notNull(),
  /** When a mail (its own or a digest) carrying it was queued; null while a digest has yet to take it. */
  mailedAt: ts('mailed_at'),
  /** The mail's dedupe key (the notification's own, or the digest's). */
  mailKey: text('mail_key'),
  readAt: ts('read_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('notifications_user_kind_event_uq').on(t.userId, t.kind, t.eventKey),
  index('notifications_user_idx').on(t.userId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  // The scheduled checks look whether a key was already used.
  index('notifications_event_idx').on(t.eventKey),
  index('notifications_unread_idx').on(t.userId).where(sql`read_at is null`),
  // What each digest run collects.
  index('notifications_digest_idx').on(t.delivery, t.userId, t.createdAt).where(sql`mailed_at is null and delivery in ('daily', 'weekly')`),
]);

/** How often a person is mailed about each kind of notification (absent: the kind's default). */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id').notNull(),
  kind: text('kind').notNull(),
  /** immediate | daily | weekly | never */
  frequency: text('frequency').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.userId, t.kind] })]);

/**
 * A provider's saved search over the open requests it may see (issue 14 item 2). `terms` and
 * `concepts` are the engine's analysis of `words` in every language, so a word finds its
 * translations; an empty criterion matches anything.
 */
export const savedSearches = pgTable('saved_searches', {
  id: uuid('id').primaryKey().defaultRandom(),
  providerId: uuid('provider_id').notNull(),
  /** Who saved it and is told of new requests. */
  userId: uuid('user_id').notNull(),
  name: text('name').notNull(),
  areas: textArray('areas'),
  /** M49 region or sub-region names, or ISO3 codes of states. */
  regions: textArray('regions'),
  modalities: textArray('modalities'),
  words: text('words').notNull().default(''),
  terms: textArray('terms'),
  concepts: textArray('concepts'),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('saved_searches_provider_idx').on(t.providerId, t.createdAt),
  index('saved_searches_user_idx').on(t.userId, t.createdAt),
]);

export type NotificationRow = typeof notifications.$inferSelect;
export type SavedSearchRow = typeof savedSearches.$inferSelect;

/**
 * An address a mail server refused for good (a 5xx answer to RCPT TO): mail to it is held, not sent,
 * until the person or an admin confirms the address (`confirmedAt`). Keyed by the lower-cased address.
 */
export const mailBounces = pgTable('mail_bounces', {
  address: text('address').primaryKey(),
  /** The server's reply, as it gave it (shown to admins). */
  reply: text('reply').notNull(),
  /** The mail that was refused. */
  mailId: uuid('mail_id'),
  bouncedAt: ts('bounced_at').notNull().defaultNow(),
  confirmedAt: ts('confirmed_at'),
  /** Who confirmed the address: the person themselves or an admin (a label, for the record). */
  confirmedBy: text('confirmed_by'),
});
