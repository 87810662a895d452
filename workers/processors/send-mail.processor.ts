import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { MailService } from '../../src/modules/mail/mail.service.js';

/**
 * Sends one queued mail; a temporary failure throws so the queue retries with mail's own backoff (for
 * about MAIL_RETRY_HOURS), a permanent one fails at once (the row records each error).
 */
export const sendMail = (deps: { mail: Pick<MailService, 'send'> }) =>
  async (data: JobData<'send-mail'>, ctx: JobContext) => {
    const { mailId } = parseJob('send-mail', data);
    const r = await deps.mail.send(mailId, ctx.attempt, ctx.maxAttempts);
    if (r === 'sent') ctx.log.info({ mailId }, 'mail sent');
    if (r === 'held') ctx.log.info({ mailId }, 'mail held: its address bounced and is not confirmed');
  };
