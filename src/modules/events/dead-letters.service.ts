import { desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { deadLetters } from '../../../db/schema/index.js';
import { notFound } from '../../errors.js';
import { jobIdFor, type JobName } from '../../queue/jobs.js';
import type { DeadLetter, QueueDriver } from '../../queue/queue.driver.js';

/** Jobs that failed for good: stored for admins, who can replay them. */
export function createDeadLettersService(deps: { db: Db; queue: QueueDriver }) {
  return {
    async store(dl: DeadLetter) {
      await deps.db.insert(deadLetters).values({ ...dl, payload: dl.payload });
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
