import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';
import type { WebhooksService } from '../../src/modules/webhooks/webhooks.service.js';

/** Finds the subscribers of an event and queues one delivery each. */
export const fanoutWebhooks = (deps: { webhooks: Pick<WebhooksService, 'fanout'> }) =>
  async (data: JobData<'fanout-webhooks'>, ctx: JobContext) => {
    const { eventId } = parseJob('fanout-webhooks', data);
    const n = await deps.webhooks.fanout(eventId);
    if (n) ctx.log.info({ eventId, subscribers: n }, 'webhook fan-out');
  };

/** Delivers one signed webhook; a failure throws so the queue retries with backoff. */
export const deliverWebhook = (deps: { webhooks: Pick<WebhooksService, 'deliver'> }) =>
  async (data: JobData<'deliver-webhook'>, ctx: JobContext) => {
    const { deliveryId } = parseJob('deliver-webhook', data);
    await deps.webhooks.deliver(deliveryId, ctx.attempt);
  };
