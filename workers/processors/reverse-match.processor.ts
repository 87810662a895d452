import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { MatchingService } from '../../src/modules/matching/matching.service.js';

/** Brings up to date the proposals of the open requests that new or changed offerings or needs may concern. */
export const reverseMatch = (deps: { matching: Pick<MatchingService, 'reverseMatch'> }) =>
  async (data: JobData<'reverse-match'>, ctx: JobContext) => {
    const { kind, id, ids } = parseJob('reverse-match', data);
    const all = [...new Set([...(id ? [id] : []), ...(ids ?? [])])];
    const outcome = await deps.matching.reverseMatch(kind, all);
    ctx.log.info({ kind, changes: all.length, ...outcome, jobId: ctx.jobId }, 'reverse-match done');
  };
