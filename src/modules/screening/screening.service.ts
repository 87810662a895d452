import { createHash } from 'node:crypto';
import type { Db } from '../../../db/client.js';
import { screeningDecisions } from '../../../db/schema/index.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { actorLabel, recordChange, SYSTEM } from '../events/events.repository.js';
import { ListIndex } from './name-matcher.js';
import { createScreeningRepository, type EntryRow, type HitRow, type ListRow, type SubjectRow } from './screening.repository.js';
import {
  DecisionBody, HitsQuery, ScreeningSubject, type HitsFilter, type HitView,
} from './screening.schemas.js';
import { ListFormatError, parseConsolidatedList } from './un-list.parser.js';

/** One possible match as `screen` returns it. */
export interface ScreeningHit { id: string; entryRef: string; entryName: string; matchedName: string; score: number }

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const iso = (d: Date | null) => d?.toISOString() ?? null;
const RESCREEN_PAGE = 200;

/** Thrown by `screen` while no list is loaded: screening cannot be done, so nothing may pass as screened. */
export const listNotLoaded = () => new AppError(409, 'screening_list_not_loaded',
  'No UN Security Council Consolidated List is loaded, so screening cannot be done. An administrator loads it with `npm run screening:load -- <file or URL>` or on the screening page.');

function parseOr400<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  throw badRequest(`The ${what} is not valid.`, r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || what, message: i.message })));
}

function subjectHash(kind: string, names: string[]): string {
  return sha256(JSON.stringify([kind, [...names].sort()]));
}

const entrySnapshot = (e: EntryRow) => ({
  dataId: e.dataId, kind: e.kind, referenceNumber: e.referenceNumber, name: e.name, names: e.names,
  unListType: e.unListType, listedOn: e.listedOn, details: e.details,
});

/**
 * Screening of provider organisations and their users against the UN Security Council
 * Consolidated List. It suggests; an admin decides: a hit is never cleared by the system, and an
 * open or confirmed hit is all that blocks (approval asks `hasOpenHits`).
 */
export function createScreeningService(deps: { db: Db; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const repo = createScreeningRepository(db);
  let cache: { listId: string; index: ListIndex; entries: Map<string, EntryRow> } | null = null;

  /** The current list with its prepared names (rebuilt when another list becomes current). */
  async function loaded(): Promise<{ list: ListRow; index: ListIndex; entries: Map<string, EntryRow> } | null> {
    const list = await repo.currentList();
    if (!list) return null;
    if (cache?.listId !== list.id) {
      const rows = await repo.entriesOf(list.id);
      cache = {
        listId: list.id,
        entries: new Map(rows.map((r) => [r.dataId, r])),
        index: new ListIndex(rows.map((r) => ({ dataId: r.dataId, kind: r.kind as 'individual' | 'entity', names: r.names }))),
      };
    }
    return { list, index: cache.index, entries: cache.entries };
  }

  async function register(input: ScreeningSubject): Promise<ScreeningSubject> {
    const s = parseOr400(ScreeningSubject, input, 'subject');
    const names = [...new Set(s.names.map((n) => n.replace(/\s+/g, ' ')))];
    await repo.upsertSubject(db, { subjectType: s.type, subjectId: s.id, kind: s.kind, names, namesHash: subjectHash(s.kind, names) }, now());
    return { ...s, names };
  }

  /**
   * Screens one registered subject against the loaded list and stores what it found, under a lock
   * on the subject. Returns the hits of this screening that block: open or confirmed. A hit an
   * admin cleared stays cleared while the names that matched are the same; it opens again when
   * the subject's names or the entry's names have changed since.
   */
  async function screenStored(type: string, id: string, l: NonNullable<Awaited<ReturnType<typeof loaded>>>): Promise<{ hits: ScreeningHit[]; newHits: number }> {
    return db.transaction(async (tx) => {
      const s = await repo.lockSubject(tx, type, id);
      if (!s) throw notFound('Screening subject');
      const at = now();
      const matches = l.index.match(s.names, s.kind as 'individual' | 'entity');
      const existing = new Map((await repo.hitsOfSubject(tx, type, id)).map((h) => [h.entryDataId, h]));
      const out: ScreeningHit[] = [];
      let newHits = 0;
      for (const m of matches) {
        const entry = l.entries.get(m.dataId)!;
        const basis = sha256(JSON.stringify([s.namesHash, entry.names.map((n) => n.name)]));
        const seen = { score: m.score, matchedName: m.matchedName, matchedEntryName: m.matchedEntryName, entryRef: entry.referenceNumber, entryName: entry.name, entry: entrySnapshot(entry), listId: l.list.id, lastSeenAt: at };
        const before = existing.get(m.dataId);
        let hit: HitRow;
        if (!before) {
          hit = await repo.insertHit(tx, { subjectType: type, subjectId: id, entryDataId: m.dataId, basis, status: 'open', firstSeenAt: at, ...seen });
          newHits++;
          await recordChange(tx, SYSTEM, { action: 'screening.hit', targetType: 'screening_hit', targetId: hit.id, summary: { subjectType: type, subjectId: id, entryRef: entry.referenceNumber, matchedName: m.matchedName, score: m.score } });
        } else if (before.status === 'cleared' && before.basis !== basis) {
          hit = await repo.updateHit(tx, before.id, { ...seen, basis, status: 'open', decidedAt: null, decidedBy: null, decisionNote: null });
          newHits++;
          await recordChange(tx, SYSTEM, { action: 'screening.hit_reopened', targetType: 'screening_hit', targetId: hit.id, summary: { subjectType: type, subjectId: id, entryRef: entry.referenceNumber, reason: 'the names that matched have changed since it was cleared' } });
        } else {
          // Open and confirmed hits follow the entry as listed now; a cleared one only notes it was seen again.
          hit = await repo.updateHit(tx, before.id, before.status === 'cleared' ? { lastSeenAt: at, listId: l.list.id } : { ...seen, basis });
        }
        if (hit.status !== 'cleared') out.push({ id: hit.id, entryRef: hit.entryRef, entryName: hit.entryName, matchedName: hit.matchedName, score: hit.score });
      }
      await repo.markScreened(tx, s, l.list.id, at);
      return { hits: out, newHits };
    });
  }

  function hitView(row: { hit: HitRow; subject: SubjectRow | null }, current: Set<string> | null): HitView {
    const { hit, subject } = row;
    const e = hit.entry as ReturnType<typeof entrySnapshot>;
    return {
      id: hit.id, status: hit.status as HitView['status'], score: hit.score,
      subject: {
        type: hit.subjectType as HitView['subject']['type'], id: hit.subjectId,
        kind: (subject?.kind ?? (hit.subjectType === 'user' ? 'individual' : 'entity')) as HitView['subject']['kind'], names: subject?.names ?? [],
      },
      matchedName: hit.matchedName, matchedEntryName: hit.matchedEntryName,
      entry: { ...e, kind: e.kind as HitView['entry']['kind'], onCurrentList: current?.has(hit.entryDataId) ?? false },
      firstSeenAt: hit.firstSeenAt.toISOString(), lastSeenAt: hit.lastSeenAt.toISOString(),
      decidedAt: iso(hit.decidedAt), decidedBy: hit.decidedBy, decisionNote: hit.decisionNote,
    };
  }

  async function currentIds(): Promise<Set<string> | null> {
    const l = await loaded();
    return l ? new Set(l.entries.keys()) : null;
  }

  const listStatus = (l: ListRow) => ({
    id: l.id, source: l.source, dateGenerated: iso(l.dateGenerated), loadedAt: l.loadedAt.toISOString(), loadedBy: l.loadedBy,
    individuals: l.individuals, entities: l.entities, sha256: l.sha256,
  });

  return {
    /** Keeps (upserts) the subject for the nightly re-screen; does not screen it. */
    async register(subject: ScreeningSubject): Promise<void> {
      await register(subject);
    },

    /**
     * Registers the subject, screens it now against the loaded list and stores the results.
     * `hits` are this screening's matches that await a decision or were confirmed (a match an admin
     * cleared on the same names is not returned). Throws 409 `screening_list_not_loaded` when no
     * list is loaded (the subject is registered all the same, and screened once a list is loaded).
     */
    async screen(subject: ScreeningSubject): Promise<{ hits: ScreeningHit[] }> {
      const s = await register(subject);
      const l = await loaded();
      if (!l) throw listNotLoaded();
      const { hits } = await screenStored(s.type, s.id, l);
      return { hits };
    },

    /** True while a hit of the subject awaits an admin's decision or was confirmed. */
    hasOpenHits(type: ScreeningSubject['type'], id: string): Promise<boolean> {
      return repo.hasBlockingHit(type, id);
    },

    /** An admin clears (a false match: a note saying why is required) or confirms a hit; audited. */
    async decide(hitId: string, decision: 'cleared' | 'confirmed', p: Principal, note?: string): Promise<HitView> {
      if (p.role !== 'admin') throw forbidden('Only an administrator decides screening hits.');
      const body = parseOr400(DecisionBody, { decision, ...(note !== undefined ? { note } : {}) }, 'decision');
      const text = body.note ? body.note : null;
      if (body.decision === 'cleared' && !text) throw badRequest('Say why the match is not this person or organisation before clearing it.', [{ path: 'note', message: 'required to clear a hit' }]);
      if (!/^[0-9a-f-]{36}$/i.test(hitId)) throw notFound('Screening hit');
      await db.transaction(async (tx) => {
        const hit = await repo.lockHit(tx, hitId);
        if (!hit) throw notFound('Screening hit');
        if (hit.status === body.decision && hit.decisionNote === text) return; // a repeated click
        const at = now();
        const actor = actorLabel(p);
        await repo.updateHit(tx, hit.id, { status: body.decision, decidedAt: at, decidedBy: actor, decisionNote: text });
        await tx.insert(screeningDecisions).values({ hitId: hit.id, decision: body.decision, note: text, actor, at });
        await recordChange(tx, p, {
          action: body.decision === 'cleared' ? 'screening.hit_cleared' : 'screening.hit_confirmed', targetType: 'screening_hit', targetId: hit.id,
          summary: { subjectType: hit.subjectType, subjectId: hit.subjectId, entryRef: hit.entryRef, from: hit.status, note: text },
        });
      });
      const row = await repo.hitWithSubject(hitId);
      return hitView(row!, await currentIds());
    },

    /** Hits for the admin page, highest score first. */
    async listHits(filter: HitsFilter = {}): Promise<{ items: HitView[]; total: number }> {
      const f = parseOr400(HitsQuery, filter, 'filter');
      const statuses = f.status === 'all' ? ['open', 'cleared', 'confirmed'] : [f.status];
      const [{ rows, total }, current] = await Promise.all([repo.listHits({ ...f, statuses }), currentIds()]);
      return { items: rows.map((r) => hitView(r, current)), total };
    },

    async getHit(id: string): Promise<HitView> {
      const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.hitWithSubject(id) : null;
      if (!row) throw notFound('Screening hit');
      return hitView(row, await currentIds());
    },

    /**
     * Loads a copy of the Consolidated List (its XML) in place of the current one, atomically, and
     * announces it (outbox) so every registered subject is re-screened. The same file again is a
     * no-op; a file older than the current list (dateGenerated) is refused unless `force`.
     */
    async loadList(p: Principal, xml: string, opts: { source: string; force?: boolean }) {
      let parsed;
      try { parsed = parseConsolidatedList(xml); } catch (err) {
        if (err instanceof ListFormatError) throw badRequest(err.message, err.details);
        throw err;
      }
      const digest = sha256(xml);
      const before = await repo.currentList();
      if (before?.sha256 === digest) return { ...listStatus(before), unchanged: true, added: 0, removed: 0 };
      if (!opts.force && before?.dateGenerated && parsed.dateGenerated && new Date(parsed.dateGenerated) < before.dateGenerated) {
        throw conflict('screening_list_older', `This file was generated on ${parsed.dateGenerated}, before the list already loaded (${before.dateGenerated.toISOString()}); load it with force to go back to it.`);
      }
      const oldIds = before ? await repo.dataIdsOf(before.id) : new Set<string>();
      const row = await db.transaction(async (tx) => {
        const r = await repo.replaceList(tx, {
          source: opts.source.slice(0, 500), dateGenerated: parsed.dateGenerated ? new Date(parsed.dateGenerated) : null, sha256: digest,
          individuals: parsed.entries.filter((e) => e.kind === 'individual').length, entities: parsed.entries.filter((e) => e.kind === 'entity').length,
          loadedBy: actorLabel(p), loadedAt: now(),
        }, parsed.entries);
        await recordChange(tx, p, {
          action: 'screening.list_loaded', targetType: 'screening_list', targetId: r.id,
          summary: { source: r.source, dateGenerated: parsed.dateGenerated, individuals: r.individuals, entities: r.entities },
          event: { topic: 'screening.list_loaded', payload: { listId: r.id } },
        });
        return r;
      });
      const newIds = new Set(parsed.entries.map((e) => e.dataId));
      return {
        ...listStatus(row), unchanged: false,
        added: [...newIds].filter((id) => !oldIds.has(id)).length,
        removed: [...oldIds].filter((id) => !newIds.has(id)).length,
      };
    },

    /** The loaded list, the last re-screen and how many subjects and open hits there are. */
    async status() {
      const [list, run, counts] = await Promise.all([repo.currentList(), repo.lastRun(), repo.counts()]);
      return {
        list: list ? listStatus(list) : null,
        lastRun: run ? { runKey: run.runKey, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt), subjects: run.subjects, newHits: run.newHits } : null,
        ...counts,
      };
    },

    /**
     * Re-screens every registered subject not yet screened against the current list in its
     * present form (the list or the subject changed). `runKey` makes a run happen once: the
     * nightly run uses the day, a list load its list id. Safe to repeat after a crash.
     */
    async rescreen(runKey: string): Promise<{ subjects: number; newHits: number; skipped: boolean }> {
      const l = await loaded();
      const run = await repo.startRun(runKey, l?.list.id ?? null, now());
      if (!run) return { subjects: 0, newHits: 0, skipped: true };
      let subjects = 0;
      let newHits = 0;
      if (l) {
        let after: { type: string; id: string } | null = null;
        for (;;) {
          const page = await repo.staleSubjects(l.list.id, after, RESCREEN_PAGE);
          for (const s of page) {
            const r = await screenStored(s.subjectType, s.subjectId, l);
            subjects++;
            newHits += r.newHits;
          }
          if (page.length < RESCREEN_PAGE) break;
          const last = page[page.length - 1];
          after = { type: last.subjectType, id: last.subjectId };
        }
      }
      await repo.finishRun(run.id, subjects, newHits, now());
      return { subjects, newHits, skipped: false };
    },
  };
}
export type ScreeningService = ReturnType<typeof createScreeningService>;
