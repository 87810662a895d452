import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { memberships, offerings, organisations, outbox, providerRegistrations, providers, users } from '../../../db/schema/index.js';
import { AppError, badRequest, conflict, forbidden, notFound, type ErrorDetail } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { zodIssueDetail } from '../common/zod-details.js';
import { recordChange, SYSTEM } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import type { MailService } from '../mail/mail.service.js';
import type { ScreeningService } from '../screening/screening.service.js';
import type { ScreeningSubject } from '../screening/screening.schemas.js';
import { ProviderRegistrationBody } from './sso.schemas.js';

/** What registration needs of people: the invitation of the first user (its mail and link are people's). */
export interface RegistrationPeople {
  invite(p: Principal, body: { organisationId: string; email: string; role: 'focal_point'; language?: string }): Promise<unknown>;
}

/** The registration form's acting principal: nobody is signed in; people's invite is made on the registration's behalf. */
const REGISTRATION: Principal = { ...SYSTEM, label: 'self-registration' };
const EVENT_CHUNK = 2000;

/** A registration as the admin pages show it. */
export interface RegistrationView {
  organisationId: string; providerId: string; name: string; kind: string; status: string; country: string; website: string;
  contactName: string; contactEmail: string; submittedAt: string; decision: string | null; decidedAt: string | null; decidedBy: string | null; decisionNote: string | null;
}

/**
 * Provider self-registration (issue 13, item 2): a provider registers itself and waits as a pending
 * organisation; while it waits its offerings are drafts nobody else sees (src/modules/offerings/
 * offering-visibility.ts). At approval its organisation and people are screened (src/modules/screening):
 * a hit blocks approval until an admin decides it. The nightly re-screen covers them through `syncSubjects`.
 */
export function createProviderRegistrationService(deps: {
  db: Db; reference: ReferenceService; screening: ScreeningService; people: () => RegistrationPeople;
  /** The decision is mailed to the registration's contact; links point at publicUrl. */
  mail: Pick<MailService, 'queue'>; publicUrl: string; now?: () => Date;
}) {
  const { db } = deps;
  type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
  /** Tells the registration's contact of the decision, in their language, once (in the decision's transaction). */
  async function mailDecision(tx: Tx, reg: typeof providerRegistrations.$inferSelect, organisation: string, decision: 'approved' | 'refused', note?: string) {
    const [contact] = await tx.select({ name: users.name, language: users.language }).from(users).where(eq(users.email, reg.contactEmail.toLowerCase()));
    await deps.mail.queue(tx, {
      to: reg.contactEmail, language: contact?.language ?? 'en', template: decision === 'approved' ? 'registration_approved' : 'registration_refused',
      params: { name: contact?.name ?? reg.contactName, organisation, ...(note ? { note } : {}), ...(decision === 'approved' ? { link: `${deps.publicUrl}/sign-in` } : {}) },
      dedupeKey: `registration:${reg.organisationId}:${decision}`,
    });
  }
  const now = deps.now ?? (() => new Date());

  async function row(orgId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(orgId)) return null;
    const [r] = await db.select({ r: providerRegistrations, o: organisations, kind: providers.kind }).from(providerRegistrations)
      .innerJoin(organisations, eq(organisations.id, providerRegistrations.organisationId))
      .innerJoin(providers, eq(providers.id, providerRegistrations.providerId))
      .where(eq(providerRegistrations.organisationId, orgId));
    return r ?? null;
  }

  const toView = (x: NonNullable<Awaited<ReturnType<typeof row>>>): RegistrationView => ({
    organisationId: x.o.id, providerId: x.r.providerId, name: x.o.name, kind: x.kind, status: x.o.status, country: x.r.country, website: x.r.website,
    contactName: x.r.contactName, contactEmail: x.r.contactEmail, submittedAt: x.r.submittedAt.toISOString(), decision: x.r.decision,
    decidedAt: x.r.decidedAt?.toISOString() ?? null, decidedBy: x.r.decidedBy, decisionNote: x.r.decisionNote,
  });

  /** The organisation and every person of it (members, and the contact while the invitation is open), as screening subjects. */
  async function subjectsOf(orgId: string): Promise<ScreeningSubject[]> {
    const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId));
    if (!org) return [];
    const [reg] = await db.select().from(providerRegistrations).where(eq(providerRegistrations.organisationId, orgId));
    const members = await db.select({ id: users.id, name: users.name }).from(users).innerJoin(memberships, eq(memberships.userId, users.id)).where(eq(memberships.organisationId, orgId));
    const contact = reg ? await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, reg.contactEmail)) : [];
    const people = new Map([...members, ...contact].map((u) => [u.id, u.name]));
    return [
      { type: 'organisation', id: org.id, kind: 'entity', names: [org.name] },
      ...[...people].map(([id, name]) => ({ type: 'user' as const, id, kind: 'individual' as const, names: [name] })),
    ];
  }

  return {
    /**
     * Registers a provider: its provider record, a pending organisation bound to it, the first user
     * (invited by mail to set a password) and the registration itself. Screening subjects are kept at
     * once (the nightly run covers them); screening itself happens at approval.
     */
    async register(input: ProviderRegistrationBody): Promise<RegistrationView> {
      const parsed = ProviderRegistrationBody.safeParse(input);
      if (!parsed.success) throw badRequest('The registration is not complete.', parsed.error.issues.map((i) => zodIssueDetail(i)));
      const b = parsed.data;
      const ref = await deps.reference.get();
      if (!ref.stateByIso3.has(b.country)) throw badRequest('The registration is not complete.', [{ path: 'country', message: `"${b.country}" is not a UN member state`, code: 'country.unknown', params: { value: b.country } }]);
      const [taken] = await db.select({ id: users.id, status: users.status }).from(users).where(eq(users.email, b.contactEmail));
      if (taken) throw conflict('email_taken', 'A person with this e-mail address already has an account: sign in, or ask an administrator.');
      const orgId = await db.transaction(async (tx) => {
        const [prov] = await tx.insert(providers).values({ name: b.organisationName, kind: b.kind }).returning({ id: providers.id });
        const [org] = await tx.insert(organisations).values({ kind: 'provider', name: b.organisationName, providerId: prov.id, status: 'pending' }).returning({ id: organisations.id });
        await tx.insert(users).values({ email: b.contactEmail, name: b.contactName, language: b.language, status: 'invited' });
        await tx.insert(providerRegistrations).values({
          organisationId: org.id, providerId: prov.id, country: b.country, website: b.website, contactEmail: b.contactEmail, contactName: b.contactName, submittedAt: now(),
        });
        await recordChange(tx, REGISTRATION, { action: 'organisation.registered', targetType: 'organisation', targetId: org.id, summary: { name: b.organisationName, kind: b.kind, country: b.country, website: b.website, contactEmail: b.contactEmail } });
        return org.id;
      });
      await deps.people().invite(REGISTRATION, { organisationId: orgId, email: b.contactEmail, role: 'focal_point', language: b.language });
      for (const s of await subjectsOf(orgId)) await deps.screening.register(s);
      return toView((await row(orgId))!);
    },

    /** Registrations, those waiting first (oldest first), then decided ones (newest first). */
    async list(opts: { status?: 'waiting' | 'decided' | 'all' } = {}): Promise<RegistrationView[]> {
      const st = opts.status ?? 'waiting';
      const rows = await db.select({ r: providerRegistrations, o: organisations, kind: providers.kind }).from(providerRegistrations)
        .innerJoin(organisations, eq(organisations.id, providerRegistrations.organisationId))
        .innerJoin(providers, eq(providers.id, providerRegistrations.providerId))
        .where(st === 'waiting' ? isNull(providerRegistrations.decision) : st === 'decided' ? sql`${providerRegistrations.decision} is not null` : undefined)
        .orderBy(sql`${providerRegistrations.decision} is not null`, asc(providerRegistrations.submittedAt), desc(providerRegistrations.decidedAt)).limit(500);
      return rows.map(toView);
    },

    async get(orgId: string): Promise<RegistrationView> {
      const r = await row(orgId);
      if (!r) throw notFound('Registration');
      return toView(r);
    },

    /** Who would be screened at approval (the organisation and its people). */
    subjectsOf,

    /** Whether a provider's organisation waits for approval (its offerings are drafts nobody else sees). */
    async providerPending(providerId: string): Promise<boolean> {
      if (!/^[0-9a-f-]{36}$/i.test(providerId)) return false;
      const [r] = await db.select({ id: organisations.id }).from(organisations)
        .where(and(eq(organisations.providerId, providerId), eq(organisations.status, 'pending'))).limit(1);
      return !!r;
    },

    /**
     * Approves a waiting provider (admins): screens the organisation and its people now; any hit that
     * is open or confirmed blocks (409 `screening_hits`, one detail per hit) until an admin decides it
     * on the screening page. Without a loaded list it cannot be screened, so it cannot be approved (409).
     * Approved, the organisation is active and its offerings are announced for matching.
     */
    async approve(p: Principal, orgId: string): Promise<RegistrationView> {
      if (p.role !== 'admin') throw forbidden('Only an administrator approves a registration.');
      const r = await row(orgId);
      if (!r) throw notFound('Registration');
      if (r.o.status !== 'pending') throw conflict('not_pending', 'This organisation is not waiting for approval.');
      const blocking: ErrorDetail[] = [];
      for (const s of await subjectsOf(orgId)) {
        const { hits } = await deps.screening.screen(s);
        for (const h of hits) {
          blocking.push({ path: `hits.${h.id}`, message: `"${h.matchedName}" matched list entry ${h.entryRef} "${h.entryName}" (score ${h.score.toFixed(2)})`, code: 'reg.hit', params: { subject: h.matchedName, ref: h.entryRef, entry: h.entryName } });
        }
      }
      if (blocking.length) throw new AppError(409, 'screening_hits', `Approval is blocked by ${blocking.length} screening hit(s): decide them on the screening page first.`, blocking);
      await db.transaction(async (tx) => {
        const [done] = await tx.update(organisations).set({ status: 'active', approvedAt: now(), approvedBy: p.userId ?? null })
          .where(and(eq(organisations.id, orgId), eq(organisations.status, 'pending'))).returning({ id: organisations.id });
        if (!done) throw conflict('not_pending', 'This organisation is not waiting for approval.');
        await tx.update(providerRegistrations).set({ decision: 'approved', decidedAt: now(), decidedBy: p.label }).where(eq(providerRegistrations.organisationId, orgId));
        // Its drafts become offerings everyone sees: matching reads them again (changed, announced).
        const ids = (await tx.update(offerings).set({ updatedAt: now() }).where(eq(offerings.providerId, r.r.providerId)).returning({ id: offerings.id })).map((x) => x.id);
        for (let i = 0; i < ids.length; i += EVENT_CHUNK) await tx.insert(outbox).values({ topic: 'offering.changed', payload: { offeringIds: ids.slice(i, i + EVENT_CHUNK) }, requestId: p.requestId ?? null });
        await mailDecision(tx, r.r, r.o.name, 'approved');
        await recordChange(tx, p, { action: 'organisation.approved', targetType: 'organisation', targetId: orgId, summary: { name: r.o.name, offerings: ids.length } });
      });
      return toView((await row(orgId))!);
    },

    /** Refuses a waiting provider (admins, with a reason): its organisation is suspended; nothing of it is ever shown. */
    async reject(p: Principal, orgId: string, note: string): Promise<RegistrationView> {
      if (p.role !== 'admin') throw forbidden('Only an administrator decides a registration.');
      const text = note.trim();
      if (!text || text.length > 2000) throw badRequest('Say why the registration is refused.', [{ path: 'note', message: 'required, at most 2000 characters', code: 'reg.noteRequired' }]);
      const r = await row(orgId);
      if (!r) throw notFound('Registration');
      if (r.o.status !== 'pending') throw conflict('not_pending', 'This organisation is not waiting for approval.');
      await db.transaction(async (tx) => {
        await tx.update(organisations).set({ status: 'suspended' }).where(eq(organisations.id, orgId));
        await tx.update(providerRegistrations).set({ decision: 'rejected', decidedAt: now(), decidedBy: p.label, decisionNote: text }).where(eq(providerRegistrations.organisationId, orgId));
        await mailDecision(tx, r.r, r.o.name, 'refused', text);
        await recordChange(tx, p, { action: 'organisation.rejected', targetType: 'organisation', targetId: orgId, summary: { name: r.o.name, note: text } });
      });
      return toView((await row(orgId))!);
    },

    /**
     * Keeps every provider organisation (waiting or active) and its people registered for screening, so
     * the nightly re-screen also covers colleagues invited and names changed since approval. Idempotent.
     */
    async syncSubjects(): Promise<number> {
      const orgs = await db.select({ id: organisations.id }).from(organisations).where(and(eq(organisations.kind, 'provider'), inArray(organisations.status, ['pending', 'active'])));
      let n = 0;
      for (const o of orgs) for (const s of await subjectsOf(o.id)) { await deps.screening.register(s); n++; }
      return n;
    },
  };
}
export type ProviderRegistrationService = ReturnType<typeof createProviderRegistrationService>;
