import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { matches, offerings, providers, requests } from './core.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every decision people make on what the engine proposed, as a labelled example (issue 15, learning):
 * CTED's approvals, rejections and reassignments, entity hand-backs, provider acceptances and declines.
 * Written in the same transaction as the decision (src/modules/learning/decision-recorder.ts).
 */
export const decisionExamples = pgTable('decision_examples', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  matchId: uuid('match_id').references(() => matches.id),
  offeringId: uuid('offering_id').references(() => offerings.id),
  providerId: uuid('provider_id').references(() => providers.id),
  /** The area and fine concept the engine routed on, and the entity it chose. */
  area: text('area'),
  concept: text('concept'),
  engineEntity: text('engine_entity'),
  /** The entity the person decided for (reassignment, approval) or handed back from. */
  decidedEntity: text('decided_entity'),
  score: real('score'),
  rank: integer('rank'),
  components: jsonb('components').$type<Record<string, number>>(),
  actor: text('actor').notNull(),
  note: text('note'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('decision_examples_created_idx').on(t.createdAt),
  index('decision_examples_request_idx').on(t.requestId),
]);

/** Models fitted from the examples. Only an explicit, audited apply makes one active; at most one is. */
export const learnedModels = pgTable('learned_models', {
  /** Content hash of the parameters (`lm-…`, src/matching/learning.ts modelVersion). */
  id: text('id').primaryKey(),
  model: jsonb('model').$type<Record<string, unknown>>().notNull(),
  /** Eval figures before and after, per set, as printed when it was fitted. */
  figures: jsonb('figures').$type<Record<string, unknown>>().notNull().default({}),
  examples: integer('examples').notNull(),
  status: text('status').notNull().default('candidate'),
  fittedBy: text('fitted_by').notNull(),
  fittedAt: ts('fitted_at').notNull().defaultNow(),
  appliedBy: text('applied_by'),
  appliedAt: ts('applied_at'),
  retiredAt: ts('retired_at'),
  note: text('note'),
}, (t) => [uniqueIndex('learned_models_one_active_uq').on(t.status).where(sql`status = 'active'`)]);
