import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { matches, offerings, providers, requests } from '../../../db/schema/index.js';
import { forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { iatiActivitiesXml, type PublishedActivity } from './iati.writer.js';

/** IATI OrganisationType of each provider kind. */
const ORG_TYPE: Record<string, string> = { member_state: '10', international_org: '40', task_force_entity: '40', ngo: '21', private: '70' };
/** A provider without an IATI organisation identifier is published under OneDoor's own prefix ("XI-" is IATI's prefix for identifiers it assigns; ONEDOOR is ours). */
const orgRefOf = (p: { id: string; iatiOrgRef: string | null }) => p.iatiOrgRef ?? `XI-ONEDOOR-${p.id}`;

/**
 * Publishing what OneDoor brokered (issue 17): the accepted and delivered matches as IATI 2.03
 * activities, one per match, the provider as reporting and participating organisation, the
 * requesting state as recipient country, sectors from the thematic areas' DAC codes. Only where the
 * state consented on that request and the provider consented for itself; never a restricted request
 * (confidentiality outranks consent); only the offering's own public text, never the request's.
 */
export function createPublishingService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;
  return {
    /** The activities that may be published now. */
    async activities(): Promise<PublishedActivity[]> {
      const ref = await deps.reference.get();
      const rows = await db.select({ m: matches, r: requests, o: offerings, p: providers }).from(matches)
        .innerJoin(requests, eq(requests.id, matches.requestId))
        .innerJoin(offerings, eq(offerings.id, matches.offeringId))
        .innerJoin(providers, eq(providers.id, matches.providerId))
        .where(and(
          eq(matches.status, 'accepted'), sql`${requests.status} in ('accepted', 'in_delivery', 'completed')`,
          eq(requests.consentToPublish, true), eq(providers.consentToPublish, true), sql`${requests.confidentiality} <> 'restricted'`,
        ))
        .orderBy(matches.createdAt, matches.id);
      return rows.flatMap(({ m, r, o, p }) => {
        const iso2 = ref.stateByIso3.get(r.memberState)?.iso2;
        if (!iso2) return [];
        const dac = [...new Set(o.thematicAreas.map((a) => ref.areaByCode.get(a)?.dacCodes[0]).filter((x): x is string => !!x))];
        const completed = r.status === 'completed';
        return [{
          matchId: m.id, orgRef: orgRefOf(p), providerName: p.name, orgType: ORG_TYPE[p.kind] ?? '90',
          title: o.title, description: o.description, language: o.language, recipientIso2: iso2, dacCodes: dac,
          status: completed ? '4' as const : '2' as const,
          plannedStart: o.availableFrom?.toISOString() ?? null, plannedEnd: o.availableUntil?.toISOString() ?? null,
          actualStart: (m.decidedAt ?? m.updatedAt).toISOString(), actualEnd: completed ? (r.firstCompletedAt ?? r.updatedAt).toISOString() : null,
          budget: o.budgetAmount !== null && o.budgetCurrency ? { amount: o.budgetAmount, currency: o.budgetCurrency } : null,
          lastUpdated: new Date(Math.max(m.updatedAt.getTime(), r.updatedAt.getTime(), o.updatedAt.getTime())).toISOString(),
        }];
      });
    },

    /** The iati-activities file (CTED and admins publish it), or null when nothing may be published yet. */
    async iatiFile(p: Principal, now = new Date()): Promise<string | null> {
      if (p.role !== 'cted' && p.role !== 'admin') throw forbidden('CTED and admins publish the IATI file.');
      return iatiActivitiesXml(await this.activities(), now);
    },

    /** The state's consent to publish the assistance on one of its requests (audited). */
    async setRequestConsent(p: Principal, requestId: string, consent: boolean) {
      if (p.role !== 'member_state') throw forbidden();
      return db.transaction(async (tx) => {
        const [r] = await tx.select({ id: requests.id, memberState: requests.memberState, before: requests.consentToPublish }).from(requests).where(eq(requests.id, requestId)).for('update');
        if (!r || r.memberState !== p.memberState) throw notFound('Request');
        await tx.update(requests).set({ consentToPublish: consent, updatedAt: new Date() }).where(eq(requests.id, requestId));
        await recordChange(tx, p, { action: 'request.publish_consent', targetType: 'request', targetId: requestId, summary: { before: r.before, after: consent } });
        return { id: requestId, consentToPublish: consent };
      });
    },

    /** A provider's consent to publish the assistance it gives through OneDoor (audited). */
    async setProviderConsent(p: Principal, consent: boolean) {
      if (p.role !== 'provider' || !p.providerId) throw forbidden();
      const providerId = p.providerId;
      return db.transaction(async (tx) => {
        const [row] = await tx.select({ before: providers.consentToPublish }).from(providers).where(eq(providers.id, providerId)).for('update');
        if (!row) throw notFound('Provider');
        await tx.update(providers).set({ consentToPublish: consent }).where(eq(providers.id, providerId));
        await recordChange(tx, p, { action: 'provider.publish_consent', targetType: 'provider', targetId: providerId, summary: { before: row.before, after: consent } });
        return { providerId, consentToPublish: consent };
      });
    },

    /** Whether the state consented for this request (for its page). */
    async requestConsent(requestId: string): Promise<boolean> {
      const [row] = await db.select({ c: requests.consentToPublish }).from(requests).where(eq(requests.id, requestId));
      return row?.c ?? false;
    },

    /** Whether the provider consented (for its page). */
    async providerConsent(providerId: string): Promise<boolean> {
      const [row] = await db.select({ c: providers.consentToPublish }).from(providers).where(eq(providers.id, providerId));
      return row?.c ?? false;
    },
  };
}
export type PublishingService = ReturnType<typeof createPublishingService>;
