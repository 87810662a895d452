import { z } from 'zod';
import { EntityCode, Uuid } from '../common.schemas.js';

/** Events a subscriber can receive. */
export const WEBHOOK_TOPICS = ['request.routed', 'match.decided', 'match.forwarded', 'match.accepted', 'match.declined', 'request.completed'] as const;
export const WebhookTopic = z.enum(WEBHOOK_TOPICS);

export const CreateWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  events: z.array(WebhookTopic).min(1).max(WEBHOOK_TOPICS.length).optional(),
  /** Admin/CTED only: subscribe on behalf of an entity or provider. */
  entity: EntityCode.optional(),
  providerId: Uuid.optional(),
});
export const WebhookView = z.object({
  id: Uuid, url: z.string(), events: z.array(z.string()), entity: z.string().nullable(), providerId: z.string().nullable(), active: z.boolean(), createdAt: z.string(),
});
export const CreatedWebhook = WebhookView.extend({ secret: z.string() });
export const DeliveryView = z.object({
  id: Uuid, subscriptionId: Uuid, eventId: Uuid, topic: z.string(), status: z.enum(['pending', 'delivered', 'dead']), attempts: z.number(),
  lastStatusCode: z.number().nullable(), lastError: z.string().nullable(), deliveredAt: z.string().nullable(), createdAt: z.string(),
});
