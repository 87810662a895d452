import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { MatchingService } from '../../src/modules/matching/matching.service.js';

/** Classifies, scores, links needs, flags duplicates and routes one request; idempotent. */
export const matchRequest = (deps: { matching: Pick<MatchingService, 'matchAndRoute'> }) =>
  async (data: JobData<'match-request'>, ctx: JobContext) => {
    const { requestId } = parseJob('match-request', data);
    const outcome = await deps.matching.matchAndRoute(requestId);
    ctx.log.info({ requestId, outcome, jobId: ctx.jobId }, 'match-request done');
  };
