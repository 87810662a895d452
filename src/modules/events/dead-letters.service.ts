import { desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { deadLetters } from '../../../db/schema/index.js';
import { notFound } from '../../errors.js';
import { jobIdFor, type JobName } from '../../queue/jobs.js';
import type { DeadLetter, DurableList, QueueDriver } from '../../queue/queue.driver.js';

/** Jobs that failed for good: stored for admins, who can replay them. */
export function createDeadLettersService(deps: { db: Db; queue: QueueDriver }) {
  return {
    /** Stores a dead letter; storing the same one again (a flush after an outage) changes nothing. */
    async store(dl: DeadLetter) {
      await deps.db.insert(deadLetters).values({ ...dl, payload: dl.payload, failedAt: new Date(dl.failedAt) }).onConflictDoNothing({ target: deadLetters.id });
    },
    async list() {
      const rows = await deps.db.select().from(deadLetters).where(isNull(deadLetters.replayedAt)).orderBy(desc(deadLetters.failedAt)).limit(500);
      return rows.map((r) => ({ ...r, failedAt: r.failedAt.toISOString(), replayedAt: null }));
    },
    async replay(id: string) {
      const [row] = await deps.db.select().from(deadLetters).where(eq(deadLetters.id, id));
      if (!row) throw notFound('Dead letter');
      await deps.queue.enqueue(row.jobName as JobName, row.payload as never, { jobId: jobIdFor(row.jobName as JobName, `replay-${row.id}`) });
      await deps.db.update(deadLetters).set({ replayedAt: new Date() }).where(eq(deadLetters.id, id));
    },
  };
}
export type DeadLettersService = ReturnType<typeof createDeadLettersService>;

type Log = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/**
 * Keeps the dead letters the database could not take (it is often down for the very reason the job
 * failed) and stores them when it answers again. Each one is held in memory and, when the queue
 * backend offers one (BullMQ: a Redis list), in a durable list too, so a process that dies before
 * the database returns leaves them for the next consumer to flush.
 */
export function createDeadLetterSpool(deps: { store: (dl: DeadLetter) => Promise<void>; backup?: DurableList; log: Log; retryMs?: number }) {
  const retryMs = deps.retryMs ?? 2000;
  const pending = new Map<string, { dl: DeadLetter; raw: string }>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped || timer || pending.size === 0) return;
    timer = setTimeout(() => { timer = undefined; void flush(); }, retryMs);
    timer.unref?.();
  };

  async function flushNow(): Promise<void> {
    // Left in the durable list by this or an earlier process.
    if (deps.backup) {
      const left = await deps.backup.all().catch(() => [] as string[]);
      for (const raw of left) {
        try {
          const dl = JSON.parse(raw) as DeadLetter;
          if (!pending.has(dl.id)) pending.set(dl.id, { dl, raw });
        } catch { await deps.backup.remove(raw).catch(() => {}); }
      }
    }
    for (const [id, { dl, raw }] of pending) {
      try {
        await deps.store(dl);
      } catch (err) {
        deps.log.warn({ pending: pending.size, err: err instanceof Error ? err.message : String(err) }, 'dead letters kept until the database answers');
        return;
      }
      pending.delete(id);
      await deps.backup?.remove(raw).catch(() => {});
      deps.log.info({ deadLetter: id, job: dl.jobName }, 'kept dead letter stored');
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushNow().finally(() => { flushing = undefined; schedule(); });
    return flushing;
  }

  return {
    /** Stores the dead letter now if the database answers, else keeps it and retries. */
    async add(dl: DeadLetter): Promise<void> {
      try {
        await deps.store(dl);
        return;
      } catch (err) {
        const raw = JSON.stringify(dl);
        pending.set(dl.id, { dl, raw });
        await deps.backup?.push(raw).catch(() => { /* Redis away too: memory only */ });
        deps.log.error({ deadLetter: dl.id, job: dl.jobName, err: err instanceof Error ? err.message : String(err) }, 'could not store a dead letter; keeping it and retrying');
        schedule();
      }
    },
    /** Stores whatever is kept (and, at start, what an earlier process left). */
    flush,
    /** Dead letters this process keeps, waiting for the database. */
    get pending() { return pending.size; },
    /** Dead letters waiting for the database in every process (the durable list when there is one). */
    async unstored(): Promise<number> {
      return deps.backup ? deps.backup.length().catch(() => pending.size) : pending.size;
    },
    async stop() { stopped = true; clearTimeout(timer); await flushing; },
  };
}
export type DeadLetterSpool = ReturnType<typeof createDeadLetterSpool>;
