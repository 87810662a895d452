import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One name an entry is known by: its listed name, an alias (with the list's QUALITY), or its name in original script. */
export interface ScreeningEntryName { name: string; type: 'primary' | 'alias' | 'original_script'; quality: string | null }

/** What the list says about an entry besides its names, as published (shown to the admin deciding a hit). */
export interface ScreeningEntryDetails {
  nationalities: string[];
  datesOfBirth: string[];
  placesOfBirth: string[];
  designations: string[];
  titles: string[];
  addresses: string[];
  comments: string | null;
}

/** Each loaded copy of the UN Security Council Consolidated List; the newest `current` one is screened against. */
export const screeningLists = pgTable('screening_lists', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The file name or URL it was loaded from. */
  source: text('source').notNull(),
  /** CONSOLIDATED_LIST/@dateGenerated, as the file states it. */
  dateGenerated: ts('date_generated'),
  sha256: text('sha256').notNull(),
  individuals: integer('individuals').notNull(),
  entities: integer('entities').notNull(),
  status: text('status').notNull().default('current'),
  loadedBy: text('loaded_by').notNull(),
  loadedAt: ts('loaded_at').notNull().defaultNow(),
}, (t) => [index('screening_lists_status_idx').on(t.status, t.loadedAt)]);

/** The entries of a loaded list. Entries of replaced lists are deleted in the transaction that replaces them. */
export const screeningEntries = pgTable('screening_entries', {
  listId: uuid('list_id').notNull().references(() => screeningLists.id, { onDelete: 'cascade' }),
  /** DATAID: stable across versions of the list. */
  dataId: text('data_id').notNull(),
  kind: text('kind').notNull(),
  referenceNumber: text('reference_number').notNull(),
  unListType: text('un_list_type'),
  listedOn: text('listed_on'),
  name: text('name').notNull(),
  names: jsonb('names').$type<ScreeningEntryName[]>().notNull(),
  details: jsonb('details').$type<ScreeningEntryDetails>().notNull(),
}, (t) => [primaryKey({ columns: [t.listId, t.dataId] })]);

/** Organisations and users kept for screening (now and every night). */
export const screeningSubjects = pgTable('screening_subjects', {
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  kind: text('kind').notNull(),
  names: text('names').array().notNull().default(sql`'{}'::text[]`),
  /** Hash of kind and names: the nightly run re-screens a subject whose hash or list changed. */
  namesHash: text('names_hash').notNull(),
  registeredAt: ts('registered_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  lastScreenedAt: ts('last_screened_at'),
  lastScreenedListId: uuid('last_screened_list_id'),
  lastScreenedHash: text('last_screened_hash'),
}, (t) => [primaryKey({ columns: [t.subjectType, t.subjectId] })]);

/**
 * A possible match between a subject and a list entry. One row per subject and entry (DATAID):
 * a later screening updates it, and reopens a cleared hit only when what matched has changed.
 */
export const screeningHits = pgTable('screening_hits', {
  id: uuid('id').primaryKey().defaultRandom(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  entryDataId: text('entry_data_id').notNull(),
  entryRef: text('entry_ref').notNull(),
  entryName: text('entry_name').notNull(),
  /** The subject's name that matched, and the entry's name (or alias) it matched. */
  matchedName: text('matched_name').notNull(),
  matchedEntryName: text('matched_entry_name').notNull(),
  score: real('score').notNull(),
  /** The entry as it was when matched, so the admin sees it even after the list moves on. */
  entry: jsonb('entry').$type<Record<string, unknown>>().notNull(),
  /** Hash of the subject's names and the entry's names at the last match. */
  basis: text('basis').notNull(),
  listId: uuid('list_id').notNull(),
  status: text('status').notNull().default('open'),
  firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  decidedAt: ts('decided_at'),
  decidedBy: text('decided_by'),
  decisionNote: text('decision_note'),
}, (t) => [
  uniqueIndex('screening_hits_subject_entry_uq').on(t.subjectType, t.subjectId, t.entryDataId),
  index('screening_hits_status_idx').on(t.status, t.firstSeenAt),
]);

/** Every decision on a hit, kept when a hit is reopened and decided again. */
export const screeningDecisions = pgTable('screening_decisions', {
  id: uuid('id').primaryKey().defaultRandom(),
  hitId: uuid('hit_id').notNull().references(() => screeningHits.id),
  decision: text('decision').notNull(),
  note: text('note'),
  actor: text('actor').notNull(),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('screening_decisions_hit_idx').on(t.hitId)]);

/** Runs of the re-screen (nightly, or after a list load): at most one nightly run per day. */
export const screeningRuns = pgTable('screening_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** `day:YYYY-MM-DD` for the nightly run, `list:<list id>` after a load. */
  runKey: text('run_key').notNull(),
  listId: uuid('list_id'),
  startedAt: ts('started_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
  subjects: integer('subjects').notNull().default(0),
  newHits: integer('new_hits').notNull().default(0),
}, (t) => [uniqueIndex('screening_runs_key_uq').on(t.runKey)]);
