import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { outbox } from '../../../db/schema/index.js';
import { jobIdFor, type JobData, type JobName } from '../../queue/jobs.js';
import type { QueueDriver } from '../../queue/queue.driver.js';

type OutboxRow = typeof outbox.$inferSelect;
export interface JobOrder { name: JobName; data: JobData<JobName>; key: string }
/**
 * Maps an outbox event to the jobs it starts (none for events only kept for the record). `gate`: this
 * router's jobs for those topics are made only when `open` says they can do anything, asked once per
 * relay pass that holds such an event (every first match's event, where nothing usually listens).
 */
export type EventRouter = ((event: OutboxRow) => JobOrder[]) & { gate?: { topics: ReadonlySet<string>; open: (db: DbOrTx) => Promise<boolean> } };

/** The core mapping: intake events start matching. Later modules (webhooks) add their own. */
export const coreEventRouter: EventRouter = (e) => {
  const p = e.payload as Record<string, string>;
  switch (e.topic) {
    case 'request.submitted': return [{ name: 'match-request', data: { requestId: p.requestId }, key: e.id }];
    // CTED fixed the request's parts: match it again with them.
    case 'request.parts_changed': return [{ name: 'match-request', data: { requestId: p.requestId, reason: 'parts' }, key: e.id }];
    // An import announces all its rows in one event (offeringIds / needIds): one re-matching job.
    case 'offering.changed': return [{ name: 'reverse-match', data: p.offeringIds ? { kind: 'offering', ids: p.offeringIds as unknown as string[] } : { kind: 'offering', id: p.offeringId }, key: e.id }];
    case 'need.changed': return [{ name: 'reverse-match', data: p.needIds ? { kind: 'need', ids: p.needIds as unknown as string[] } : { kind: 'need', id: p.needId }, key: e.id }];
    // A mail written in a transaction (src/modules/mail): one send per row (and per retry round an admin or a confirmed address starts).
    case 'mail.queued': return [{ name: 'send-mail', data: { mailId: p.mailId }, key: p.round ? `${p.mailId}:${p.round}` : p.mailId }];
    default: return [];
  }
};

export interface RelayLog { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void }

/**
 * Moves committed outbox events to the queue. Each job gets a fixed id derived from the event,
 * so a relay that crashes between enqueue and marking replays harmlessly. When the queue is
 * down the events simply wait in the table: nothing a state filed is lost.
 */
export function createOutboxRelay(deps: { db: Db; queue: QueueDriver; routers: EventRouter[]; log: RelayLog; pollMs: number; batch?: number }) {
  const batch = deps.batch ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let again = false;

  // Most polls find nothing, and most of the rest (in a worker matching requests) find only events that start no job: a
  // first match's, while no saved search is active. One prepared statement reads what waits, without locks; when none of
  // it starts a job it is marked in one more statement, where the transaction takes five round trips. (Two relays marking
  // the same event that starts no job is the same event marked: only an event with jobs needs the locks.)
  const waiting = deps.db.select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.createdAt)).limit(batch).prepare('outbox_waiting_rows');

  /** The routers whose gate is shut for these events (each gate asked at most once a pass: `asked` keeps the answers). */
  async function shutFor(db: DbOrTx, rows: readonly OutboxRow[], asked: Map<EventRouter, boolean>): Promise<Set<EventRouter>> {
    for (const r of deps.routers) if (r.gate && !asked.has(r) && rows.some((row) => r.gate!.topics.has(row.topic))) asked.set(r, await r.gate.open(db));
    return new Set([...asked].filter(([, open]) => !open).map(([r]) => r));
  }
  const jobsOf = (shut: ReadonlySet<EventRouter>, row: OutboxRow) => deps.routers.flatMap((r) => (shut.has(r) && r.gate!.topics.has(row.topic) ? [] : r(row))).map((job) => ({
    name: job.name, data: row.requestId ? { ...job.data, traceId: row.requestId } : job.data, jobId: jobIdFor(job.name, job.key),
  }));
  const markPublished = (db: DbOrTx, ids: string[]) => db.update(outbox).set({ publishedAt: new Date() })
    .where(and(sql`${outbox.id} = any(${sql.param(ids)}::uuid[])`, isNull(outbox.publishedAt))).returning({ id: outbox.id });

  async function tickOnce(): Promise<number> {
    const seen = await waiting.execute();
    if (!seen.length) return 0;
    const asked = new Map<EventRouter, boolean>();
    const early = await shutFor(deps.db, seen, asked);
    if (!seen.some((row) => jobsOf(early, row).length)) return (await markPublished(deps.db, seen.map((row) => row.id))).length;
    return deps.db.transaction(async (tx) => {
      const rows = await tx.select().from(outbox).where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.createdAt)).limit(batch).for('update', { skipLocked: true });
      const shut = await shutFor(tx, rows, asked);
      let published: string[] = [];
      try {
        // The whole batch in one call (one Redis round trip per job name, not one per job).
        await deps.queue.enqueueAll(rows.flatMap((row) => jobsOf(shut, row)));
        published = rows.map((row) => row.id);
      } catch {
        // Then row by row, as far as it goes: the row it fails on keeps the error, and the rows after it wait.
        for (const row of rows) {
          try {
            for (const job of jobsOf(shut, row)) await deps.queue.enqueue(job.name, job.data as never, { jobId: job.jobId });
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            await tx.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: message.slice(0, 500) }).where(eq(outbox.id, row.id));
            deps.log.warn({ event: row.id, topic: row.topic, err: message }, 'outbox relay could not enqueue; will retry');
            break;
          }
          published.push(row.id);
        }
      }
      // One update for the batch (same transaction, so no different from marking each row as it goes).
      if (published.length) await markPublished(tx, published);
      return published.length;
    });
  }

  /** Relays what is waiting now; resolves with how many events went out. */
  async function tick(): Promise<number> {
    if (running) { again = true; return running; }
    running = (async () => {
      let total = 0;
      try {
        for (;;) {
          again = false;
          const n = await tickOnce();
          total += n;
          if (n < batch && !again) break;
        }
      } catch (err) {
        deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay tick failed');
      }
      return total;
    })().finally(() => { running = undefined; });
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => { await tick(); schedule(); }, deps.pollMs);
    timer.unref?.();
  }

  return {
    tick,
    /** Asks for a relay pass soon (after a commit), without waiting for the next poll. */
    nudge() { if (!stopped) setImmediate(() => { void tick(); }); },
    start() { if (!stopped) return; stopped = false; schedule(); },
    async stop() { stopped = true; clearTimeout(timer); await running; },
    /** Events not yet relayed (for /health and metrics). */
    async backlog(): Promise<number> {
      const [r] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.publishedAt));
      return r.n;
    },
  };
}
export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
