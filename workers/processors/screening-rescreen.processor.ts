import type { JobContext, JobData } from '../../src/queue/jobs.js';
import type { ScreeningService } from '../../src/modules/screening/screening.service.js';

/**
 * Re-screens every registered subject whose list or names changed since it was last screened (nightly,
 * and after a list load). First every provider organisation and its people are registered again
 * (src/modules/sso/provider-registration.service.ts), so colleagues invited or renamed since approval are covered.
 */
export const screeningRescreen = (deps: { screening: Pick<ScreeningService, 'rescreen'>; registrations?: { syncSubjects(): Promise<number> } }) =>
  async (data: JobData<'screening-rescreen'>, ctx: JobContext) => {
    if (deps.registrations) await deps.registrations.syncSubjects(); // idempotent upserts
    const r = await deps.screening.rescreen(data.runKey); // idempotent: a run key runs once, and a retry resumes
    if (!r.skipped) ctx.log.info({ runKey: data.runKey, subjects: r.subjects, newHits: r.newHits }, 'screening re-screen done');
  };
