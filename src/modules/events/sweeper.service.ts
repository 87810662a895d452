import { and, asc, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { requests } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { jobIdFor } from '../../queue/jobs.js';
import type { QueueDriver } from '../../queue/queue.driver.js';

/** At most this many requests are put back per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/**
 * The backstop behind the outbox: a request that has sat in `submitted` or `matched` longer than
 * STRANDED_AFTER_S (its job lost with a Redis that kept no AOF, dead-lettered, or never relayed) is
 * put back on the queue. Matching is idempotent, so a request that was merely waiting its turn only
 * costs a job that finds it already matched. The job id carries the period, so one stranded request
 * gets at most one extra job per STRANDED_AFTER_S however many workers sweep.
 */
export function createSweeperService(deps: { db: Db; queue: QueueDriver; config: Pick<Config, 'STRANDED_AFTER_S'> }) {
  /** Re-enqueues matching for up to `limit` requests waiting since before `before`, under job ids tagged `tag`. */
  async function putBack(before: Date, tag: string, limit: number): Promise<number> {
    const stranded = await deps.db.select({ id: requests.id }).from(requests)
      .where(and(inArray(requests.status, ['submitted', 'matched']), lt(requests.updatedAt, before)))
      .orderBy(asc(requests.updatedAt)).limit(limit);
    for (const r of stranded) {
      await deps.queue.enqueue('match-request', { requestId: r.id, reason: 'sweep' }, { jobId: jobIdFor('match-request', `sweep-${r.id}-${tag}`) });
    }
    return stranded.length;
  }
  return {
    /** Re-enqueues matching for stranded requests; returns how many. */
    async sweep(now = new Date()): Promise<number> {
      const afterMs = deps.config.STRANDED_AFTER_S * 1000;
      return putBack(new Date(now.getTime() - afterMs), String(Math.floor(now.getTime() / afterMs)), SWEEP_BATCH);
    },
    /**
     * Embedded default, at start: the in-process queue died with the previous process (a crash, a
     * kill), so every request that was waiting for its match then is stranded now, however recently
     * it was filed. Puts back all of those not touched since `startedAt`.
     */
    async sweepAtStart(startedAt: Date): Promise<number> {
      return putBack(startedAt, `start-${startedAt.getTime()}`, Number.MAX_SAFE_INTEGER);
    },
  };
}
export type SweeperService = ReturnType<typeof createSweeperService>;
