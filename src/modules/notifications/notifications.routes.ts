import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { ListQuery, NotificationList, Preferences, PreferencesBody, ReadResult, Unread } from './notifications.schemas.js';

/** A person's notifications and mail preferences (the one-click unsubscribe is in unsubscribe.routes.ts). */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const anyone = app.requireRole();
  app.get('/v1/notifications', {
    schema: { tags: ['notifications'], summary: 'The signed-in person\'s notifications, newest first, with the unread count', querystring: ListQuery, response: { 200: NotificationList, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.notifications.list(req.principal!, { unread: req.query.unread, limit: req.query.limit }));

  app.post('/v1/notifications/:id/read', {
    schema: { tags: ['notifications'], summary: 'Mark one notification read', params: IdParams, response: { 200: ReadResult, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.notifications.markRead(req.principal!, req.params.id));

  app.post('/v1/notifications/read-all', {
    schema: { tags: ['notifications'], summary: 'Mark every notification read', response: { 200: Unread, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.notifications.markAllRead(req.principal!));

  app.get('/v1/notifications/preferences', {
    schema: { tags: ['notifications'], summary: 'How often the person is mailed about each kind: immediate, daily, weekly or never', response: { 200: Preferences, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.notifications.preferences(req.principal!));

  app.put('/v1/notifications/preferences', {
    schema: { tags: ['notifications'], summary: 'Change the frequency of some kinds (the others stay)', body: PreferencesBody, response: { 200: Preferences, ...errorResponses } },
    onRequest: anyone,
  }, async (req) => app.services.notifications.setPreferences(req.principal!, req.body));
};
