import type { FastifyInstance } from 'fastify';
import { createAnalyticsService } from '../modules/analytics/analytics.service.js';
import { createDirectoryService } from '../modules/directory/directory.service.js';

type AnalyticsService = ReturnType<typeof createAnalyticsService>;
type DirectoryService = ReturnType<typeof createDirectoryService>;

const made = new WeakMap<FastifyInstance, { analytics?: AnalyticsService; directory?: DirectoryService }>();

/**
 * The analytics and directory services: the app's own when it has them, otherwise one built here over the
 * same database and reference data (so the pages work whichever way the app wires its services).
 */
export function webServices(app: FastifyInstance): { analytics: AnalyticsService; directory: DirectoryService } {
  const own = app.services as unknown as { analytics?: AnalyticsService; directory?: DirectoryService };
  let local = made.get(app);
  if (!local) { local = {}; made.set(app, local); }
  const deps = { db: app.deps.db.db, reference: app.services.reference };
  const analytics = own.analytics ?? (local.analytics ??= createAnalyticsService(deps));
  const directory = own.directory ?? (local.directory ??= createDirectoryService(deps));
  return { analytics, directory };
}
