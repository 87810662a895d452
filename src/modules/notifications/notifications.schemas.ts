import { z } from 'zod';
import { FREQUENCIES, NOTIFICATION_KINDS } from './notification-kinds.js';

export const Kind = z.enum(NOTIFICATION_KINDS);
export const Frequency = z.enum(FREQUENCIES);

export const NotificationView = z.object({
  id: z.uuid(), kind: Kind, params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), link: z.string(),
  requestId: z.uuid().nullable(), offeringId: z.uuid().nullable(), createdAt: z.string(), readAt: z.string().nullable(),
});
export const NotificationList = z.object({ unread: z.number().int(), items: z.array(NotificationView) });
export const ListQuery = z.object({
  unread: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const Unread = z.object({ unread: z.number().int() });
export const ReadResult = z.object({ id: z.uuid(), unread: z.number().int() });
/** Every kind, each with its frequency. */
export const Preferences = z.object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Frequency])) as Record<(typeof NOTIFICATION_KINDS)[number], typeof Frequency>);
export const PreferencesBody = Preferences.partial().strict();
export const UnsubscribeQuery = z.object({ token: z.string().min(1).max(200) });
export const UnsubscribeResult = z.object({ unsubscribed: z.boolean(), kind: z.string().nullable() });
