import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { AttachmentsService } from '../../src/modules/attachments/attachments.service.js';

/** Reads the text of one PDF or DOCX attachment and, when asked, matches its request again; idempotent. */
export const extractAttachment = (deps: { attachments: Pick<AttachmentsService, 'extract'> }) =>
  async (data: JobData<'extract-attachment'>, ctx: JobContext) => {
    const { attachmentId, rematch } = parseJob('extract-attachment', data);
    const outcome = await deps.attachments.extract(attachmentId, { rematch });
    ctx.log.info({ attachmentId, outcome, jobId: ctx.jobId }, 'extract-attachment done');
  };
