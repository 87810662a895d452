import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { MatchingService } from '../../src/modules/matching/matching.service.js';
import { REPARTABLE } from '../../src/modules/requests/request-lifecycle.js';

/** Classifies, scores, links needs, flags duplicates and routes one request; idempotent. */
export const matchRequest = (deps: { matching: Pick<MatchingService, 'matchAndRoute'> }) =>
  async (data: JobData<'match-request'>, ctx: JobContext) => {
    const { requestId, reason } = parseJob('match-request', data);
    // After CTED merges or splits the request, its proposals and parts are refreshed with CTED's parts.
    const outcome = await deps.matching.matchAndRoute(requestId, reason === 'parts' ? { rematch: true, statuses: REPARTABLE } : {});
    ctx.log.info({ requestId, outcome, jobId: ctx.jobId }, 'match-request done');
  };
