import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { MatchingService } from '../../src/modules/matching/matching.service.js';

/** Re-scores the open requests that a new or changed offering or need may affect. */
export const reverseMatch = (deps: { matching: Pick<MatchingService, 'reverseMatch'> }) =>
  async (data: JobData<'reverse-match'>, ctx: JobContext) => {
    const { kind, id } = parseJob('reverse-match', data);
    const refreshed = await deps.matching.reverseMatch(kind, id);
    ctx.log.info({ kind, id, refreshed, jobId: ctx.jobId }, 'reverse-match done');
  };
