import type { JobContext, JobData } from '../../src/queue/jobs.js';
import type { ReviewService } from '../../src/modules/review/review.service.js';

/** Sends routed requests nobody acted on back to CTED's queue. */
export const escalateOverdue = (deps: { review: Pick<ReviewService, 'escalateOverdue'> }) =>
  async (_data: JobData<'escalate-overdue'>, ctx: JobContext) => {
    const n = await deps.review.escalateOverdue();
    if (n) ctx.log.info({ escalated: n }, 'overdue routed requests escalated');
  };
