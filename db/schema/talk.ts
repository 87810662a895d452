import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { offerings, requests } from './core.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Raw bytes: postgres.js hands back a Buffer, PGlite a Uint8Array; both become a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

/**
 * The conversation on a request. Parties are written `state:SEN`, `cted`, `entity:UNODC`,
 * `provider:<uuid>` or `admin` (see request-visibility.ts). Never deleted; edits keep every earlier
 * text in request_message_revisions.
 */
export const requestMessages = pgTable('request_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  /** `shared` (the state and every participant may read it) or `internal` (CTED and entities only). */
  visibility: text('visibility').notNull(),
  body: text('body').notNull(),
  language: text('language').notNull(),
  authorKeyId: uuid('author_key_id'),
  authorLabel: text('author_label').notNull(),
  authorRole: text('author_role').notNull(),
  authorParty: text('author_party').notNull(),
  /** Set when the message is a question to a participant (a party, as above). */
  addresseeParty: text('addressee_party'),
  /** The question this message answers, when it was posted as an answer. */
  answersId: uuid('answers_id'),
  answeredAt: ts('answered_at'),
  answeredByParty: text('answered_by_party'),
  answeredByLabel: text('answered_by_label'),
  answerMessageId: uuid('answer_message_id'),
  revision: integer('revision').notNull().default(1),
  /** Words of every version of the text as the matching engine normalises them (en, fr, es stemmers; other scripts by script): CTED's search. */
  searchTokens: text('search_tokens').array().notNull().default(sql`'{}'::text[]`),
  createdAt: ts('created_at').notNull().defaultNow(),
  editedAt: ts('edited_at'),
}, (t) => [
  index('request_messages_request_idx').on(t.requestId, t.createdAt),
  index('request_messages_search_idx').using('gin', t.searchTokens),
  index('request_messages_open_questions_idx').on(t.addresseeParty).where(sql`addressee_party is not null and answered_at is null`),
]);

/** Every version of every message's text, the first included: what was said is never lost. */
export const requestMessageRevisions = pgTable('request_message_revisions', {
  messageId: uuid('message_id').notNull().references(() => requestMessages.id),
  revision: integer('revision').notNull(),
  body: text('body').notNull(),
  editorKeyId: uuid('editor_key_id'),
  editorLabel: text('editor_label').notNull(),
  at: ts('at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.messageId, t.revision] })]);

/**
 * Documents: a state's letter, draft law or assessment (on the request or a message), a provider's
 * programme sheet (on an offering), CTED's assessment summary. Who may read one follows what it
 * belongs to. The bytes live behind the blob store (attachment_blobs or an S3 bucket).
 */
export const attachments = pgTable('attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** `request`, `message` or `offering`. */
  ownerType: text('owner_type').notNull(),
  requestId: uuid('request_id').references(() => requests.id),
  messageId: uuid('message_id').references(() => requestMessages.id),
  offeringId: uuid('offering_id').references(() => offerings.id),
  purpose: text('purpose').notNull(),
  filename: text('filename').notNull(),
  /** Checked from the content: pdf, docx, odt, xlsx, csv, png or jpeg. */
  kind: text('kind').notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  /** `postgres` or `s3`, and the key there. */
  storage: text('storage').notNull(),
  storageKey: text('storage_key').notNull(),
  /** The state asked for the text to be used by the matcher beside the request's own. */
  useForMatching: boolean('use_for_matching').notNull().default(false),
  /** `pending`, `done`, `failed` or `none` (kinds whose text is not extracted). */
  extractionStatus: text('extraction_status').notNull(),
  extractedText: text('extracted_text'),
  extractionError: text('extraction_error'),
  extractedAt: ts('extracted_at'),
  uploaderKeyId: uuid('uploader_key_id'),
  uploaderLabel: text('uploader_label').notNull(),
  uploaderRole: text('uploader_role').notNull(),
  uploaderParty: text('uploader_party').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('attachments_request_idx').on(t.requestId),
  index('attachments_message_idx').on(t.messageId),
  index('attachments_offering_idx').on(t.offeringId),
]);

/** The bytes of attachments stored in the database (the embedded default, and whenever no bucket is set). */
export const attachmentBlobs = pgTable('attachment_blobs', {
  key: text('key').primaryKey(),
  content: bytea('content').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
