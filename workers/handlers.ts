import type { JobHandlers } from '../src/queue/jobs.js';
import type { Services } from '../src/services.js';
import { escalateOverdue } from './processors/escalate-overdue.processor.js';
import { extractAttachment } from './processors/extract-attachment.processor.js';
import { notifyEvent, notifyFollowUps, sendDigests } from './processors/notifications.processor.js';
import { matchRequest } from './processors/match-request.processor.js';
import { sendMail } from './processors/send-mail.processor.js';
import { reverseMatch } from './processors/reverse-match.processor.js';
import { screeningRescreen } from './processors/screening-rescreen.processor.js';
import { sweepStranded } from './processors/sweep-stranded.processor.js';
import { deliverWebhook, fanoutWebhooks } from './processors/webhooks.processor.js';

/** Job name → processor: the same map runs in BullMQ workers and in the in-process queue. */
export function createJobHandlers(services: Services): JobHandlers {
  return {
    'match-request': matchRequest(services),
    'reverse-match': reverseMatch(services),
    'escalate-overdue': escalateOverdue(services),
    'sweep-stranded': sweepStranded(services),
    'fanout-webhooks': fanoutWebhooks(services),
    'deliver-webhook': deliverWebhook(services),
    'screening-rescreen': screeningRescreen(services),
    'extract-attachment': extractAttachment(services),
    'notify-event': notifyEvent(services),
    'notify-follow-ups': notifyFollowUps(services),
    'send-digests': sendDigests(services),
    'send-mail': sendMail(services),
  };
}
