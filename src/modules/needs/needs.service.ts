import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { needs, outbox } from '../../../db/schema/index.js';
import { badRequest, forbidden, type ErrorDetail } from '../../errors.js';
import { zodIssueDetail } from '../common/zod-details.js';
import { parseNeedsCsv } from '../imports/csv.parser.js';
import { detectLanguage } from '../../matching/language.detect.js';
import { requireMay, type Principal } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import type { AreaInference } from '../offerings/offerings.service.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { readsNeedDescription } from './need-visibility.js';
import { NeedImportRow, type CreateNeedBody, type NeedView } from './needs.schemas.js';
import { decodeCursor, pageOf } from '../keyset-cursor.js';
import { breakEvery } from '../../job-pacer.js';

type NeedRow = typeof needs.$inferSelect;
export interface NeedInput extends CreateNeedBody { externalKey?: string }

/** A need as `p` may read it (the full view when p is omitted: CTED's own writes). */
const toView = (n: NeedRow, p?: Principal): z.infer<typeof NeedView> => ({
  id: n.id, memberState: n.memberState, ...(!p || readsNeedDescription(p, n.memberState) ? { description: n.description } : {}), priority: n.priority as 'high' | 'medium' | 'low',
  thematicAreas: n.thematicAreas, identifiedAt: n.identifiedAt, source: n.source, status: n.status,
  createdAt: n.createdAt.toISOString(), updatedAt: n.updatedAt.toISOString(),
});

/** CTED's identified needs: one by one or its whole matrix as CSV. */
export function createNeedsService(deps: { db: Db; reference: ReferenceService; areas: AreaInference }) {
  const { db } = deps;

  async function problemsOf(input: Partial<NeedInput>, prefix = '', line?: number, failed: string[] = []): Promise<ErrorDetail[]> {
    const ref = await deps.reference.get();
    const out: ErrorDetail[] = [];
    const at = line ? { line } : {};
    if (input.memberState && !failed.includes('memberState') && !ref.stateByIso3.has(input.memberState)) out.push({ path: `${prefix}memberState`, message: `"${input.memberState}" is not a UN member state`, code: 'country.unknown', params: { value: input.memberState }, ...at });
    if (input.thematicArea && !failed.includes('thematicArea') && !ref.areaByCode.has(input.thematicArea)) out.push({ path: `${prefix}thematicArea`, message: `unknown thematic area "${input.thematicArea}"`, code: 'area.unknown', params: { value: input.thematicArea }, ...at });
    return out;
  }

  async function areasOf(input: NeedInput): Promise<string[]> {
    if (input.thematicArea) return [input.thematicArea];
    return deps.areas.inferAreas(input.description, detectLanguage(input.description));
  }

  return {
    async create(p: Principal, body: CreateNeedBody) {
      requireMay(p, 'file');
      const problems = await problemsOf(body);
      if (problems.length) throw badRequest('The need is not valid.', problems);
      const thematicAreas = await areasOf(body);
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.insert(needs).values({
          memberState: body.memberState, description: body.description, priority: body.priority, thematicAreas,
          identifiedAt: body.identifiedAt ?? null, source: body.source ?? null,
        }).returning();
        await recordChange(tx, p, { action: 'need.create', targetType: 'need', targetId: r.id, summary: { memberState: r.memberState, priority: r.priority }, event: { topic: 'need.changed', payload: { needId: r.id } } });
        return r;
      });
      return toView(row);
    },

    /**
     * Imports CTED's matrix as CSV (all or nothing; every problem of every row in one answer, each with its
     * spreadsheet line); rows are keyed by externalKey so a re-import updates instead of duplicating.
     */
    async importCsv(p: Principal, text: string) {
      requireMay(p, 'file');
      const parsed = parseNeedsCsv(text);
      const problems: ErrorDetail[] = parsed.errors.map((e) => ({ path: `rows.${e.row}.${e.path}`, message: e.message, ...(e.code ? { code: e.code, params: e.params ?? {} } : {}), ...(e.line ? { line: e.line } : {}) }));
      const rows: { row: number; value: NeedInput }[] = [];
      for (const item of parsed.items) {
        const v = NeedImportRow.safeParse(item.value);
        if (v.success) rows.push({ row: item.row, value: v.data });
        else v.error.issues.forEach((i) => problems.push(zodIssueDetail(i, ['rows', item.row], item.line)));
        problems.push(...await problemsOf(item.value, `rows.${item.row}.`, item.line));
      }
      for (const part of parsed.partial ?? []) problems.push(...await problemsOf(part.value, `rows.${part.row}.`, part.line, part.failed));
      problems.sort((a, b) => Number(/^rows\.(\d+)/.exec(a.path)?.[1] ?? 0) - Number(/^rows\.(\d+)/.exec(b.path)?.[1] ?? 0));
      const inputs = rows.map((r) => r.value);
      if (problems.length) throw badRequest(`${problems.length} problem(s) found; nothing was imported.`, problems.slice(0, 500));
      if (inputs.length === 0) throw badRequest('Nothing to import.', [{ path: 'rows', message: 'no rows', code: 'file.noRows' }]);
      const prepared: { input: NeedInput; thematicAreas: string[] }[] = [];
      // A break for the event loop every few rows: the areas of 5,000 needs took the API's thread for tens of seconds.
      for (const [i, input] of inputs.entries()) {
        await breakEvery(i);
        prepared.push({ input, thematicAreas: await areasOf(input) });
      }
      return db.transaction(async (tx) => {
        const keys = prepared.map((x) => x.input.externalKey).filter((k): k is string => !!k);
        const existing = keys.length ? await tx.select().from(needs).where(inArray(needs.externalKey, keys)) : [];
        const byKey = new Map(existing.map((n) => [n.externalKey!, n]));
        let created = 0; let updated = 0; let unchanged = 0;
        const ids: string[] = [];
        const changedIds: string[] = [];
        for (const { input, thematicAreas } of prepared) {
          const values = {
            memberState: input.memberState, description: input.description, priority: input.priority, thematicAreas,
            identifiedAt: input.identifiedAt ?? null, source: input.source ?? null, externalKey: input.externalKey ?? null,
          };
          const known = input.externalKey ? byKey.get(input.externalKey) : undefined;
          if (known) {
            const same = known.memberState === values.memberState && known.description === values.description && known.priority === values.priority
              && known.identifiedAt === values.identifiedAt && known.source === values.source && known.thematicAreas.join() === thematicAreas.join();
            ids.push(known.id);
            if (same) { unchanged++; continue; }
            await tx.update(needs).set({ ...values, updatedAt: new Date() }).where(eq(needs.id, known.id));
            await recordChange(tx, p, { action: 'need.update', targetType: 'need', targetId: known.id, summary: { source: 'csv' } });
            changedIds.push(known.id);
            updated++;
          } else {
            const [r] = await tx.insert(needs).values(values).returning({ id: needs.id });
            if (input.externalKey) byKey.set(input.externalKey, { ...values, id: r.id } as NeedRow);
            await recordChange(tx, p, { action: 'need.create', targetType: 'need', targetId: r.id, summary: { source: 'csv' } });
            changedIds.push(r.id);
            ids.push(r.id); created++;
          }
        }
        // The whole import is one event (one re-matching job), in chunks the job payload can carry.
        for (let i = 0; i < changedIds.length; i += 2_000) {
          await tx.insert(outbox).values({ topic: 'need.changed', payload: { needIds: changedIds.slice(i, i + 2_000) }, requestId: p.requestId ?? null });
        }
        return { created, updated, unchanged, ids };
      });
    },

    /** CTED and admins see all needs; a member state only its own; an entity all, without their descriptions. */
    async list(p: Principal, q: { memberState?: string; thematicArea?: string; priority?: string; limit: number; offset: number; cursor?: string }) {
      const after = decodeCursor(q.cursor, ['string', 'timestamp', 'uuid']);
      const conds = [];
      if (p.role === 'member_state') conds.push(eq(needs.memberState, p.memberState ?? ''));
      else if (p.role !== 'cted' && p.role !== 'admin' && p.role !== 'entity') throw forbidden();
      if (q.memberState && p.role !== 'member_state') conds.push(eq(needs.memberState, q.memberState));
      if (q.priority) conds.push(eq(needs.priority, q.priority));
      // Filtered in the query, before the page is cut (a filter after LIMIT gave short or empty pages with rows behind them).
      if (q.thematicArea) conds.push(sql`${needs.thematicAreas} @> array[${q.thematicArea}]::text[]`);
      if (after) conds.push(sql`(${needs.memberState}, ${needs.createdAt}, ${needs.id}) > (${after[0]}, ${after[1]}::timestamptz, ${after[2]}::uuid)`);
      const rows = await db.select({ n: needs, key: sql<string>`${needs.createdAt}::text` }).from(needs).where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(needs.memberState), asc(needs.createdAt), asc(needs.id)).limit(q.limit + 1).offset(after ? 0 : q.offset);
      const page = pageOf(rows, q.limit, (x) => [x.n.memberState, x.key, x.n.id]);
      return { items: page.items.map((x) => toView(x.n, p)), nextOffset: rows.length > q.limit ? q.offset + q.limit : null, nextCursor: page.nextCursor };
    },
  };
}
export type NeedsService = ReturnType<typeof createNeedsService>;
