import { and, asc, count, desc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { screeningEntries, screeningHits, screeningLists, screeningRuns, screeningSubjects } from '../../../db/schema/index.js';
import type { ListEntry } from './un-list.parser.js';

export type ListRow = typeof screeningLists.$inferSelect;
export type EntryRow = typeof screeningEntries.$inferSelect;
export type SubjectRow = typeof screeningSubjects.$inferSelect;
export type HitRow = typeof screeningHits.$inferSelect;
export type RunRow = typeof screeningRuns.$inferSelect;

// Arbitrary constant: two list loads at once are serialised, so exactly one list is current.
const LOAD_LOCK = 7_413_101;
const INSERT_CHUNK = 500;

/** Database access of the screening module; no rules here. */
export function createScreeningRepository(db: Db) {
  return {
    async currentList(tx: DbOrTx = db): Promise<ListRow | null> {
      const [row] = await tx.select().from(screeningLists).where(eq(screeningLists.status, 'current')).orderBy(desc(screeningLists.loadedAt)).limit(1);
      return row ?? null;
    },

    entriesOf(listId: string, tx: DbOrTx = db): Promise<EntryRow[]> {
      return tx.select().from(screeningEntries).where(eq(screeningEntries.listId, listId));
    },

    /** Replaces the current list in one transaction: readers see the old list or the new one, never a mix. */
    async replaceList(tx: DbOrTx, list: Omit<typeof screeningLists.$inferInsert, 'id' | 'status'>, entries: ListEntry[]): Promise<ListRow> {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK})`);
      await tx.update(screeningLists).set({ status: 'replaced' }).where(eq(screeningLists.status, 'current'));
      const [row] = await tx.insert(screeningLists).values({ ...list, status: 'current' }).returning();
      for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
        await tx.insert(screeningEntries).values(entries.slice(i, i + INSERT_CHUNK).map((e) => ({
          listId: row.id, dataId: e.dataId, kind: e.kind, referenceNumber: e.referenceNumber, unListType: e.unListType,
          listedOn: e.listedOn, name: e.name, names: e.names, details: e.details,
        })));
      }
      // Replaced lists keep their row (what was loaded, when, by whom); their entries go.
      await tx.delete(screeningEntries).where(ne(screeningEntries.listId, row.id));
      return row;
    },

    async dataIdsOf(listId: string, tx: DbOrTx = db): Promise<Set<string>> {
      const rows = await tx.select({ dataId: screeningEntries.dataId }).from(screeningEntries).where(eq(screeningEntries.listId, listId));
      return new Set(rows.map((r) => r.dataId));
    },

    async upsertSubject(tx: DbOrTx, s: { subjectType: string; subjectId: string; kind: string; names: string[]; namesHash: string }, at: Date): Promise<void> {
      await tx.insert(screeningSubjects).values({ ...s, registeredAt: at, updatedAt: at }).onConflictDoUpdate({
        target: [screeningSubjects.subjectType, screeningSubjects.subjectId],
        set: { kind: s.kind, names: s.names, namesHash: s.namesHash, updatedAt: at },
        // An unchanged subject keeps its updated_at, so "changed since" stays meaningful.
        setWhere: sql`${screeningSubjects.namesHash} <> excluded.names_hash`,
      });
    },

    /** The subject row, locked until the transaction ends (one screening of a subject at a time). */
    async lockSubject(tx: DbOrTx, subjectType: string, subjectId: string): Promise<SubjectRow | null> {
      const [row] = await tx.select().from(screeningSubjects)
        .where(and(eq(screeningSubjects.subjectType, subjectType), eq(screeningSubjects.subjectId, subjectId))).for('update');
      return row ?? null;
    },

    async markScreened(tx: DbOrTx, s: SubjectRow, listId: string, at: Date): Promise<void> {
      await tx.update(screeningSubjects).set({ lastScreenedAt: at, lastScreenedListId: listId, lastScreenedHash: s.namesHash })
        .where(and(eq(screeningSubjects.subjectType, s.subjectType), eq(screeningSubjects.subjectId, s.subjectId)));
    },

    hitsOfSubject(tx: DbOrTx, subjectType: string, subjectId: string): Promise<HitRow[]> {
      return tx.select().from(screeningHits).where(and(eq(screeningHits.subjectType, subjectType), eq(screeningHits.subjectId, subjectId)));
    },

    async insertHit(tx: DbOrTx, hit: typeof screeningHits.$inferInsert): Promise<HitRow> {
      const [row] = await tx.insert(screeningHits).values(hit).returning();
      return row;
    },

    async updateHit(tx: DbOrTx, id: string, set: Partial<typeof screeningHits.$inferInsert>): Promise<HitRow> {
      const [row] = await tx.update(screeningHits).set(set).where(eq(screeningHits.id, id)).returning();
      return row;
    },

    async lockHit(tx: DbOrTx, id: string): Promise<HitRow | null> {
      const [row] = await tx.select().from(screeningHits).where(eq(screeningHits.id, id)).for('update');
      return row ?? null;
    },

    async hasBlockingHit(subjectType: string, subjectId: string): Promise<boolean> {
      const [row] = await db.select({ id: screeningHits.id }).from(screeningHits).where(and(
        eq(screeningHits.subjectType, subjectType), eq(screeningHits.subjectId, subjectId), inArray(screeningHits.status, ['open', 'confirmed']),
      )).limit(1);
      return row !== undefined;
    },

    async listHits(f: { statuses: string[]; subjectType?: string; subjectId?: string; limit: number; offset: number }) {
      const where = and(
        inArray(screeningHits.status, f.statuses),
        f.subjectType ? eq(screeningHits.subjectType, f.subjectType) : undefined,
        f.subjectId ? eq(screeningHits.subjectId, f.subjectId) : undefined,
      );
      const [rows, [{ n }]] = await Promise.all([
        db.select({ hit: screeningHits, subject: screeningSubjects }).from(screeningHits)
          .leftJoin(screeningSubjects, and(eq(screeningSubjects.subjectType, screeningHits.subjectType), eq(screeningSubjects.subjectId, screeningHits.subjectId)))
          .where(where).orderBy(desc(screeningHits.score), asc(screeningHits.firstSeenAt), asc(screeningHits.id)).limit(f.limit).offset(f.offset),
        db.select({ n: count() }).from(screeningHits).where(where),
      ]);
      return { rows, total: Number(n) };
    },

    async hitWithSubject(id: string) {
      const [row] = await db.select({ hit: screeningHits, subject: screeningSubjects }).from(screeningHits)
        .leftJoin(screeningSubjects, and(eq(screeningSubjects.subjectType, screeningHits.subjectType), eq(screeningSubjects.subjectId, screeningHits.subjectId)))
        .where(eq(screeningHits.id, id));
      return row ?? null;
    },

    /** Subjects not yet screened against `listId` in their present form, after `after` (keyset pages). */
    staleSubjects(listId: string, after: { type: string; id: string } | null, limit: number): Promise<SubjectRow[]> {
      const stale = or(
        isNull(screeningSubjects.lastScreenedListId), ne(screeningSubjects.lastScreenedListId, listId),
        isNull(screeningSubjects.lastScreenedHash), ne(screeningSubjects.lastScreenedHash, screeningSubjects.namesHash),
      );
      const page = after
        ? or(gt(screeningSubjects.subjectType, after.type), and(eq(screeningSubjects.subjectType, after.type), gt(screeningSubjects.subjectId, after.id)))
        : undefined;
      return db.select().from(screeningSubjects).where(and(stale, page))
        .orderBy(asc(screeningSubjects.subjectType), asc(screeningSubjects.subjectId)).limit(limit);
    },

    /** Starts a run; null when a run with this key already finished (the nightly run happens once a day). */
    async startRun(runKey: string, listId: string | null, at: Date): Promise<RunRow | null> {
      await db.insert(screeningRuns).values({ runKey, listId, startedAt: at }).onConflictDoNothing({ target: screeningRuns.runKey });
      const [row] = await db.select().from(screeningRuns).where(eq(screeningRuns.runKey, runKey));
      return row.finishedAt ? null : row;
    },

    async finishRun(id: string, subjects: number, newHits: number, at: Date): Promise<void> {
      await db.update(screeningRuns).set({ subjects, newHits, finishedAt: at }).where(eq(screeningRuns.id, id));
    },

    async lastRun(): Promise<RunRow | null> {
      const [row] = await db.select().from(screeningRuns).orderBy(desc(screeningRuns.startedAt)).limit(1);
      return row ?? null;
    },

    async counts(): Promise<{ subjects: number; openHits: number }> {
      const [[s], [h]] = await Promise.all([
        db.select({ n: count() }).from(screeningSubjects),
        db.select({ n: count() }).from(screeningHits).where(eq(screeningHits.status, 'open')),
      ]);
      return { subjects: Number(s.n), openHits: Number(h.n) };
    },
  };
}
export type ScreeningRepository = ReturnType<typeof createScreeningRepository>;
