import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** A name in each of the six UN languages. */
export type SixNames = Record<'en' | 'fr' | 'es' | 'ru' | 'ar' | 'zh', string>;

/** UN M49 regions, sub-regions and intermediate regions used by the member states. */
export const m49Regions = pgTable('m49_regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  level: text('level').notNull(),
  parentCode: text('parent_code'),
  /** The UN M49 names in the six languages (UNSD tables); `name` is the English one. */
  names: jsonb('names').$type<Partial<SixNames>>().notNull().default({}),
});

/** The 193 UN member states with their M49 placement. */
export const memberStates = pgTable('member_states', {
  iso3: text('iso3').primaryKey(),
  iso2: text('iso2').notNull(),
  m49: text('m49').notNull(),
  name: text('name').notNull(),
  region: text('region').notNull(),
  subRegion: text('sub_region').notNull(),
  intermediateRegion: text('intermediate_region'),
  /** The UN short names in the six languages (UNSD M49 tables, from UNTERM); `name` is the English one. */
  names: jsonb('names').$type<Partial<SixNames>>().notNull().default({}),
});

/**
 * Task Force entities: the report's annex, EOSG, the entities created since, and any an admin adds.
 * An entity with a `successor` was renamed or merged: its code stays valid and answers as an alias.
 */
export const entities = pgTable('entities', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  /** Names in the six languages; `name` is the English one. */
  names: jsonb('names').$type<Partial<SixNames>>().notNull().default({}),
  kind: text('kind').notNull(),
  paragraphs: jsonb('paragraphs').$type<number[]>().notNull().default([]),
  /** The code that replaced this one (DPKO → DPO); null for a current entity. */
  successor: text('successor'),
  /** 'reference' (db/reference/entities.json) or 'admin' (added at run time). */
  origin: text('origin').notNull().default('reference'),
  /** Set when an admin changed the row: reference reloads then leave its names alone. */
  editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }),
});

/** The nine Task Force working groups. */
export const workingGroups = pgTable('working_groups', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  otherPartners: jsonb('other_partners').$type<string[]>().notNull().default([]),
  paragraphs: jsonb('paragraphs').$type<number[]>().notNull().default([]),
});

export const workingGroupMembers = pgTable('working_group_members', {
  workingGroupCode: text('working_group_code').notNull().references(() => workingGroups.code),
  entityCode: text('entity_code').notNull().references(() => entities.code),
  isLead: boolean('is_lead').notNull().default(false),
  position: integer('position').notNull(),
}, (t) => [primaryKey({ columns: [t.workingGroupCode, t.entityCode] })]);

/** Thematic taxonomy: areas of assistance with six-language names and cross-language terms. */
export const thematicAreas = pgTable('thematic_areas', {
  code: text('code').primaryKey(),
  pillar: text('pillar').notNull(),
  position: integer('position').notNull(),
  names: jsonb('names').$type<Record<string, string>>().notNull(),
  terms: jsonb('terms').$type<Record<string, string[]>>().notNull(),
  dacCodes: jsonb('dac_codes').$type<string[]>().notNull(),
  paragraphs: jsonb('paragraphs').$type<number[]>().notNull(),
  provenance: text('provenance').notNull(),
  description: text('description').notNull(),
});

/** Responsible entities of a thematic area, rank 1 first. */
export const thematicAreaEntities = pgTable('thematic_area_entities', {
  areaCode: text('area_code').notNull().references(() => thematicAreas.code),
  entityCode: text('entity_code').notNull().references(() => entities.code),
  rank: integer('rank').notNull(),
}, (t) => [primaryKey({ columns: [t.areaCode, t.entityCode] })]);

/** Small key/value facts about the database itself, e.g. the hash of the loaded reference data. */
export const dbMeta = pgTable('db_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
