import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { decisionExamples, learnedModels } from '../../../db/schema/index.js';
import { conflict, notFound } from '../../errors.js';
import { fitModel, type DecisionExample, type DecisionKind, type LearnedModel } from '../../matching/learning.js';
import { SCORING_WEIGHTS } from '../../matching/weights.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { actorLabel, recordChange } from '../events/events.repository.js';

type ModelRow = typeof learnedModels.$inferSelect;

const view = (m: ModelRow) => ({
  id: m.id, status: m.status as 'candidate' | 'active' | 'retired', examples: m.examples,
  basis: (m.model as unknown as LearnedModel).basis, routingCorrections: (m.model as unknown as LearnedModel).routingCorrections,
  weights: (m.model as unknown as LearnedModel).weights ?? null, figures: m.figures,
  fittedBy: m.fittedBy, fittedAt: m.fittedAt.toISOString(), appliedBy: m.appliedBy, appliedAt: m.appliedAt?.toISOString() ?? null,
  retiredAt: m.retiredAt?.toISOString() ?? null, note: m.note,
});
export type LearnedModelView = ReturnType<typeof view>;

/**
 * The learning loop's storage: the labelled examples decisions leave (decision-recorder.ts), models fitted
 * from them, and the one explicit, audited step that makes a model active. Matchers apply the active model
 * at their next job (matching.service.ts); retiring it returns them to the shipped behaviour.
 */
export function createLearningService(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** Every example, oldest first, as the pure learner takes them. */
    async examples(): Promise<DecisionExample[]> {
      const rows = await db.select().from(decisionExamples).orderBy(asc(decisionExamples.createdAt), asc(decisionExamples.id));
      return rows.map((r) => ({
        kind: r.kind as DecisionKind, requestId: r.requestId, offeringId: r.offeringId, providerId: r.providerId, area: r.area, concept: r.concept,
        engineEntity: r.engineEntity, decidedEntity: r.decidedEntity, score: r.score, components: r.components, at: r.createdAt.toISOString(),
      }));
    },

    /** How many examples of each kind there are. */
    async summary() {
      const rows = await db.select({ kind: decisionExamples.kind, n: sql<number>`count(*)::int` }).from(decisionExamples).groupBy(decisionExamples.kind).orderBy(asc(decisionExamples.kind));
      return { total: rows.reduce((s, r) => s + r.n, 0), byKind: Object.fromEntries(rows.map((r) => [r.kind, r.n])) };
    },

    /** Fits a model from every example (weights refitted when there are enough pairs). Pure; nothing is stored. */
    async fit(): Promise<LearnedModel> {
      return fitModel(await this.examples(), { weights: 'refit', baseWeights: SCORING_WEIGHTS });
    },

    /** Keeps a fitted model as a candidate (the same parameters twice are one model). Changes no matching. */
    async store(p: Principal, model: LearnedModel, figures: Record<string, unknown>, note?: string): Promise<LearnedModelView> {
      return db.transaction(async (tx) => {
        await tx.insert(learnedModels).values({
          id: model.version, model: model as unknown as Record<string, unknown>, figures, examples: model.basis.examples, fittedBy: actorLabel(p), note: note ?? null,
        }).onConflictDoNothing();
        await recordChange(tx, p, { action: 'learning.model_fit', targetType: 'learned_model', targetId: model.version, summary: { basis: model.basis, note: note ?? null } });
        const [row] = await tx.select().from(learnedModels).where(eq(learnedModels.id, model.version));
        return view(row);
      });
    },

    async list(): Promise<LearnedModelView[]> {
      return (await db.select().from(learnedModels).orderBy(desc(learnedModels.fittedAt), asc(learnedModels.id))).map(view);
    },

    async get(id: string): Promise<LearnedModelView> {
      const [row] = await db.select().from(learnedModels).where(eq(learnedModels.id, id));
      if (!row) throw notFound('Learned model');
      return view(row);
    },

    /** Makes a model the active one (the previous one retires), with who and when; audited. */
    async apply(p: Principal, id: string, note?: string): Promise<LearnedModelView> {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(learnedModels).where(eq(learnedModels.id, id)).for('update');
        if (!row) throw notFound('Learned model');
        if (row.status === 'active') throw conflict('already_active', `Model ${id} is already the active one.`);
        const now = new Date();
        const [before] = await tx.update(learnedModels).set({ status: 'retired', retiredAt: now })
          .where(eq(learnedModels.status, 'active')).returning({ id: learnedModels.id });
        const [after] = await tx.update(learnedModels).set({ status: 'active', appliedBy: actorLabel(p), appliedAt: now, retiredAt: null, note: note ?? row.note })
          .where(and(eq(learnedModels.id, id))).returning();
        await recordChange(tx, p, {
          action: 'learning.model_apply', targetType: 'learned_model', targetId: id,
          summary: { before: { active: before?.id ?? null }, after: { active: id }, basis: (row.model as unknown as LearnedModel).basis, note: note ?? null },
          event: { topic: 'learning.model_applied', payload: { modelId: id } },
        });
        return view(after);
      });
    },

    /** Retires the active model: matching goes back to the shipped behaviour. Audited. */
    async retire(p: Principal, note?: string): Promise<{ retired: string | null }> {
      return db.transaction(async (tx) => {
        const [row] = await tx.update(learnedModels).set({ status: 'retired', retiredAt: new Date() }).where(eq(learnedModels.status, 'active')).returning({ id: learnedModels.id });
        if (!row) throw conflict('no_active_model', 'No model is active; matching already uses the shipped behaviour.');
        await recordChange(tx, p, { action: 'learning.model_retire', targetType: 'learned_model', targetId: row.id, summary: { before: { active: row.id }, after: { active: null }, note: note ?? null } });
        return { retired: row.id };
      });
    },
  };
}
export type LearningService = ReturnType<typeof createLearningService>;
