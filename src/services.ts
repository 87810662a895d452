import type { Db, Query } from '../db/client.js';
import type { Config } from './config.js';
import type { QueueDriver } from './queue/queue.driver.js';
import { createJobPacer, UNPACED } from './job-pacer.js';
import { createAdminService } from './modules/admin/admin.service.js';
import { createAnalyticsService } from './modules/analytics/analytics.service.js';
import { createAttachmentsService } from './modules/attachments/attachments.service.js';
import { createBlobStore } from './modules/attachments/blob-store.js';
import { createConversationService } from './modules/conversation/conversation.service.js';
import { createDirectoryService } from './modules/directory/directory.service.js';
import { createEntitiesService } from './modules/entities/entities.service.js';
import { createFactorsService, membershipKinds } from './modules/factors/factors.service.js';
import { createDeadLetterSpool, createDeadLettersService } from './modules/events/dead-letters.service.js';
import { createSweeperService } from './modules/events/sweeper.service.js';
import { createLearningService } from './modules/learning/learning.service.js';
import { createMatchingService } from './modules/matching/matching.service.js';
import { createNeedsService } from './modules/needs/needs.service.js';
import { createOfferingsService } from './modules/offerings/offerings.service.js';
import { createReferenceService } from './modules/reference/reference.service.js';
import { createRequestsService } from './modules/requests/requests.service.js';
import { createReviewService } from './modules/review/review.service.js';
import { createTriageService } from './modules/review/triage.service.js';
import { createScreeningService } from './modules/screening/screening.service.js';
import { createNotificationsService } from './modules/notifications/notifications.service.js';
import { createSavedSearchesService } from './modules/saved-searches/saved-searches.service.js';
import { createMetrics } from './modules/operations/metrics.js';
import { createExportsService } from './modules/exports/exports.service.js';
import { createProfilesService } from './modules/profiles/profiles.service.js';
import { createPublishingService } from './modules/publishing/publishing.service.js';
import { createWebhooksService } from './modules/webhooks/webhooks.service.js';
import { createMailService } from './modules/mail/mail.service.js';
import { createMailTransport, type MailTransport } from './modules/mail/mail.transport.js';
import { createPeopleService, type FactorsStatus } from './modules/people/people.service.js';
import { createOidcClient } from './modules/sso/oidc-client.js';
import { createProviderRegistrationService } from './modules/sso/provider-registration.service.js';
import { createSecretBox, resolveEncryptionKey, resolveSessionSecret } from './modules/common/secrets.js';
import { createSsoService } from './modules/sso/sso.service.js';

type Log = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
const silent: Log = { info() {}, warn() {}, error() {} };

/** Every service, built once per process from the database, queue and config. */
export function createServices(deps: { db: Db; query: Query; queue: QueueDriver; config: Config; log?: Log; now?: () => number }) {
  const { db, queue, config } = deps;
  const deadLetters = createDeadLettersService({ db, queue });
  const reference = createReferenceService({ db });
  const metrics = createMetrics();
  // The embedded default runs jobs on the API's thread: they are paced while the API is in use.
  const pacer = queue.kind === 'in-process' ? createJobPacer({ share: config.EMBEDDED_JOB_SHARE }) : UNPACED;
  const matching = createMatchingService({ db, query: deps.query, reference, config, pace: pacer.pause, onMatched: (top) => { if (top !== null) metrics.matchScore.observe(top); } });
  const areas = { inferAreas: matching.inferAreas, scoreAreas: matching.scoreAreas };
  const analyser = { analyseOffering: matching.analyseOffering };
  const blobs = createBlobStore(db, config);
  const requests = createRequestsService({ db, query: deps.query, reference, dbWaitMs: config.DB_WAIT_MS, log: deps.log });
  const offerings = createOfferingsService({ db, reference, areas, analyser });
  const conversation = createConversationService({ db, store: blobs, config });
  // Made on first use: a process that never sends mail opens no SMTP connection.
  let transport: MailTransport | undefined;
  const mail = createMailService({ db, transport: () => (transport ??= createMailTransport(config, deps.log ?? silent)), secret: () => resolveSessionSecret(config) });
  // factors (src/modules/factors) joins the services later; people asks it at each sign-in.
  const people = createPeopleService({ db, reference, mail, config, log: deps.log, factors: () => (services as { factors?: FactorsStatus }).factors });
  const screening = createScreeningService({ db });
  const savedSearches = createSavedSearchesService({ db, reference, matching, notifications: () => notifications });
  const notifications = createNotificationsService({ db, config, mail: () => mail, onRequestMatched: (id) => savedSearches.onRequestMatched(id), now: deps.now });
  const services = {
    metrics,
    pacer,
    reference,
    matching,
    admin: createAdminService({ db, reference }),
    entities: createEntitiesService({ db, reference }),
    offerings,
    requests,
    conversation,
    attachments: createAttachmentsService({ db, store: blobs, config, conversation, requests, offerings, matching }),
    needs: createNeedsService({ db, reference, areas }),
    review: createReviewService({ db, reference, config }),
    triage: createTriageService({ db, reference, config }),
    deadLetters,
    /** Dead letters the database could not take yet, stored when it answers again. */
    deadLetterSpool: createDeadLetterSpool({ store: deadLetters.store, backup: queue.durableList?.('dead-letters'), log: deps.log ?? silent }),
    sweeper: createSweeperService({ db, queue, config }),
    learning: createLearningService({ db }),
    webhooks: createWebhooksService({ db, queue, reference, config }),
    directory: createDirectoryService({ db, reference }),
    analytics: createAnalyticsService({ db, reference }),
    screening,
    mail,
    people,
    factors: createFactorsService({ db, config, log: deps.log, organisationKindsOf: membershipKinds(deps.query) }),
    /** Single sign-on through organisations' OpenID Connect providers (secrets sealed under ENCRYPTION_KEY). */
    sso: createSsoService({ db, oidc: createOidcClient({ allowPrivate: config.SSO_ALLOW_PRIVATE }), box: createSecretBox(resolveEncryptionKey(config), 'sso'), people: () => people }),
    /** Provider self-registration and its approval, screened. */
    registrations: createProviderRegistrationService({ db, reference, screening, people: () => people, mail, publicUrl: config.PUBLIC_URL }),
    profiles: createProfilesService({ db, reference }),
    publishing: createPublishingService({ db, reference }),
    notifications,
    savedSearches,
  };
  // The same object, not a copy: people asks `services.factors` at each sign-in (and tests may stand in for it).
  return Object.assign(services, { exports: createExportsService(services) });
}
export type Services = ReturnType<typeof createServices>;


declare module 'fastify' {
  interface FastifyInstance { services: Services }
}
