import type { JobContext, JobData } from '../../src/queue/jobs.js';
import type { SweeperService } from '../../src/modules/events/sweeper.service.js';

/** Puts requests that have waited too long for matching back on the queue. */
export const sweepStranded = (deps: { sweeper: Pick<SweeperService, 'sweep'> }) =>
  async (_data: JobData<'sweep-stranded'>, ctx: JobContext) => {
    const n = await deps.sweeper.sweep();
    if (n) ctx.log.warn({ requeued: n }, 'stranded requests put back on the queue');
  };
