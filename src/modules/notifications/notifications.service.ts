import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../../db/client.js';
import { matches, notificationPreferences, notifications, outbox, requests } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { AppError, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import type { MailService } from '../mail/mail.service.js';
import { DEFAULT_FREQUENCY, FOLLOW_UP, NOTIFICATION_KINDS, type Frequency, type NotificationKind } from './notification-kinds.js';
import { recipientsOf, type Recipient } from './people-directory.js';
import { concernedParties, providersMayHear, type Concerned, type RequestFacts } from './recipients.js';
import { createUnsubscribeTokens, type Unsubscribe } from './unsubscribe-token.js';
import { resolveSessionSecret } from '../common/secrets.js';

const DAY = 86_400_000;

/** The mail module's queue (services.mail): the row is written in the caller's transaction. */
export type MailPort = Pick<MailService, 'queue'>;

/** What one notification says: its kind, the key that makes it once per person, what it links to. */
export interface NotificationItem {
  kind: NotificationKind;
  eventKey: string;
  requestId?: string | null;
  offeringId?: string | null;
  /** Shown in the list and, for requests that are not restricted, in the mail. */
  params: Record<string, string | number | boolean | null>;
  link: string;
}

/** The person a principal acts for; notifications belong to people, not to API keys. */
export function personOf(p: Principal): string {
  const userId = p.userId;
  if (!userId) throw new AppError(403, 'person_required', 'Notifications belong to a person: sign in as yourself (an API key is not a person).');
  return userId;
}

const periodStart = (frequency: 'daily' | 'weekly', now: Date): Date => {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (frequency === 'weekly') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // back to Monday
  return d;
};


/**
 * Notifications to people (issue 14 items 1 and 5): outbox events and scheduled checks become one
 * notification per person, kind and event (the unique key), shown in the web interface and mailed in
 * the person's language as they chose for the kind: at once (in the same transaction, keyed by the
 * notification, so a retried job never mails twice), in the daily or weekly digest, or never.
 */
export function createNotificationsService(deps: {
  db: Db;
  config: Pick<Config, 'ENTITY_DUE_DAYS' | 'SESSION_SECRET' | 'NODE_ENV' | 'DATA_DIR' | 'PUBLIC_URL'>;
  /** The mail module, once it is built (services.mail); without it notifications are only shown in the web interface. */
  mail?: () => MailPort | undefined;
  /** New requests a provider's saved search finds (the saved-searches module). */
  onRequestMatched?: (requestId: string) => Promise<number>;
  /** The clock of the scheduled jobs (digests, follow-ups) when their job names no time; tests move it to the next day. */
  now?: () => number;
}) {
  const { db } = deps;
  const clock = () => new Date(deps.now ? deps.now() : Date.now());
  const tokens = createUnsubscribeTokens({ secret: () => resolveSessionSecret(deps.config) });
  const base = deps.config.PUBLIC_URL.replace(/\/+$/, '');
  const absolute = (path: string) => `${base}${path}`;
  // Every match's event is fanned out: the read is prepared once (an unprepared statement with parameters is two round trips in postgres.js).
  const eventById = db.select().from(outbox).where(eq(outbox.id, sql.placeholder('id'))).prepare('notify_event_by_id');

  async function frequencyOf(tx: DbOrTx, userId: string, kind: NotificationKind): Promise<Frequency> {
    const [row] = await tx.select({ f: notificationPreferences.frequency }).from(notificationPreferences)
      .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.kind, kind)));
    return (row?.f as Frequency | undefined) ?? DEFAULT_FREQUENCY[kind];
  }

  /** The RFC 8058 link (the mail module makes the List-Unsubscribe headers of `unsubscribeUrl`): the mail client POSTs to it, with no session. */
  async function unsubscribeHeaders(u: Unsubscribe, language = 'en'): Promise<{ url: string }> {
    return { url: absolute(`/unsubscribe?token=${encodeURIComponent(await tokens.sign(u))}&lang=${encodeURIComponent(language)}`) };
  }

  /** What a mail may say of a notification: never a restricted request's title. */
  const mailParams = (item: Pick<NotificationItem, 'params' | 'kind'>): Record<string, string> => {
    const out: Record<string, string> = { kind: item.kind };
    for (const [k, v] of Object.entries(item.params)) {
      if (v === null || v === undefined || k === 'restricted') continue;
      if (k === 'title' && item.params.restricted) continue;
      out[k] = String(v);
    }
    return out;
  };

  /**
   * Records one notification for one person (nothing when it exists already) and, when the person
   * wants this kind at once, queues its mail in the same transaction.
   */
  async function deliver(tx: DbOrTx, to: Recipient, item: NotificationItem): Promise<boolean> {
    const delivery = await frequencyOf(tx, to.userId, item.kind);
    const [row] = await tx.insert(notifications).values({
      userId: to.userId, kind: item.kind, eventKey: item.eventKey, requestId: item.requestId ?? null, offeringId: item.offeringId ?? null,
      params: item.params, link: item.link, delivery,
    }).onConflictDoNothing().returning({ id: notifications.id });
    if (!row) return false;
    const mail = deps.mail?.();
    if (delivery === 'immediate' && mail) {
      const key = `notification:${row.id}`;
      const unsub = await unsubscribeHeaders({ userId: to.userId, kind: item.kind }, to.language);
      await mail.queue(tx, {
        to: to.email, language: to.language, template: 'notification', dedupeKey: key,
        params: { ...mailParams(item), link: absolute(item.link), unsubscribeUrl: unsub.url },
      });
      await tx.update(notifications).set({ mailedAt: new Date(), mailKey: key }).where(eq(notifications.id, row.id));
    }
    return true;
  }

  /** Tells every member of the concerned parties; returns how many notifications were new. */
  async function notifyParties(concerned: readonly Concerned[], item: (c: Concerned) => NotificationItem, onlyUser?: string): Promise<number> {
    if (!concerned.length) return 0;
    const people = await recipientsOf(db, [...new Set(concerned.map((c) => c.party))]);
    let n = 0;
    // One transaction per person: a job that dies half-way leaves whole notifications (with their mail) behind, and the rest on its retry.
    for (const c of concerned) {
      for (const to of people.filter((r) => r.party === c.party && (!onlyUser || r.userId === onlyUser))) {
        if (await db.transaction((tx) => deliver(tx, to, item(c)))) n++;
      }
    }
    return n;
  }

  const requestParams = (r: { title: string; confidentiality: string; memberState: string }, extra: Record<string, string | number | boolean | null> = {}) =>
    ({ title: r.title, restricted: r.confidentiality === 'restricted', memberState: r.memberState, ...extra });

  async function requestFacts(id: string) {
    const [r] = await db.select({
      id: requests.id, memberState: requests.memberState, routedEntity: requests.routedEntity, confidentiality: requests.confidentiality,
      consentToShare: requests.consentToShare, status: requests.status, title: requests.title,
    }).from(requests).where(eq(requests.id, id));
    return r;
  }

  /** The scheduled checks: each finds what is due and tells who it concerns; the keys make every run after the first a no-op. */
  const followUps = {
    /** A routed request's due date within three days: its entity. */
    async deadlines(now: Date): Promise<number> {
      const due = deps.config.ENTITY_DUE_DAYS * DAY;
      const from = new Date(now.getTime() - due);
      const to = new Date(now.getTime() - due + FOLLOW_UP.deadlineWarnDays * DAY);
      const rows = await db.select().from(requests)
        .where(and(eq(requests.status, 'routed'), isNull(requests.entityActedAt), sql`${requests.routedAt} > ${from.toISOString()}::timestamptz and ${requests.routedAt} <= ${to.toISOString()}::timestamptz`)).limit(2000);
      let n = 0;
      for (const r of rows) {
        if (!r.routedEntity || !r.routedAt) continue;
        const dueAt = new Date(r.routedAt.getTime() + due);
        n += await notifyParties([{ party: `entity:${r.routedEntity}`, kind: 'deadline_soon' }], (c) => ({
          kind: c.kind, eventKey: `deadline:${r.id}:${r.routedAt!.getTime()}`, requestId: r.id, link: `/requests/${r.id}`,
          params: requestParams(r, { dueAt: dueAt.toISOString().slice(0, 10) }),
        }));
      }
      return n;
    },

    /** An open offering not confirmed for 150 days: its provider. */
    async staleOfferings(now: Date): Promise<number> {
      const before = new Date(now.getTime() - FOLLOW_UP.staleOfferingDays * DAY);
      const rows = rowsOf<{ id: string; provider_id: string; title: string; confirmed: Date | string }>(await db.execute(sql`
        select o.id, o.provider_id, o.title, o.last_confirmed_at as confirmed from offerings o
        where o.status = 'open' and o.last_confirmed_at < ${before.toISOString()}::timestamptz
          and not exists (select 1 from notifications n where n.event_key = 'stale:' || o.id || ':' || (extract(epoch from o.last_confirmed_at) * 1000)::bigint)
        limit 2000`));
      let n = 0;
      for (const o of rows) {
        const at = new Date(o.confirmed).getTime();
        n += await notifyParties([{ party: `provider:${o.provider_id}`, kind: 'offering_stale' }], (c) => ({
          kind: c.kind, eventKey: `stale:${o.id}:${at}`, offeringId: o.id, link: `/offerings/${o.id}/edit`,
          params: { title: o.title, confirmedAt: new Date(at).toISOString().slice(0, 10), days: FOLLOW_UP.staleOfferingDays },
        }));
      }
      return n;
    },

    /**
     * A delivered request asks its state for feedback when delivery ends (the accepted offering's end
     * date, or 90 days after delivery started when it has none) and again 30 days later.
     */
    async feedback(now: Date): Promise<number> {
      const rows = rowsOf<{ id: string; started: Date | string | null; until: Date | string | null }>(await db.execute(sql`
        select r.id,
          (select max(t.at) from request_transitions t where t.request_id = r.id and t.to_status = 'in_delivery') as started,
          (select max(o.available_until) from matches m join offerings o on o.id = m.offering_id where m.request_id = r.id and m.status = 'accepted') as until
        from requests r where r.status = 'in_delivery' limit 5000`));
      let n = 0;
      for (const row of rows) {
        if (!row.started) continue;
        const ends = row.until ? new Date(row.until).getTime() : new Date(row.started).getTime() + FOLLOW_UP.openDeliveryDays * DAY;
        const rounds = [1, 2].filter((k) => now.getTime() >= ends + (k - 1) * FOLLOW_UP.feedbackAgainDays * DAY);
        if (!rounds.length) continue;
        const r = await requestFacts(row.id);
        if (!r) continue;
        for (const k of rounds) {
          n += await notifyParties([{ party: `state:${r.memberState}`, kind: 'feedback_due' }], (c) => ({
            kind: c.kind, eventKey: `feedback:${r.id}:${k}`, requestId: r.id, link: `/requests/${r.id}`, params: requestParams(r, { round: k }),
          }));
        }
      }
      return n;
    },

    /** An unanswered question reminds its addressee every seven days. */
    async questions(now: Date): Promise<number> {
      const before = new Date(now.getTime() - FOLLOW_UP.questionReminderDays * DAY);
      const rows = rowsOf<{ id: string; request_id: string; addressee_party: string; created_at: Date | string }>(await db.execute(sql`
        select m.id, m.request_id, m.addressee_party, m.created_at from request_messages m join requests r on r.id = m.request_id
        where m.addressee_party is not null and m.answered_at is null and m.created_at < ${before.toISOString()}::timestamptz
          and r.status not in ('completed', 'rejected', 'withdrawn')
        limit 5000`));
      let n = 0;
      for (const q of rows) {
        const r = await requestFacts(q.request_id);
        if (!r) continue;
        const round = Math.floor((now.getTime() - new Date(q.created_at).getTime()) / (FOLLOW_UP.questionReminderDays * DAY));
        const party = q.addressee_party.startsWith('provider:') && !providersMayHear(r) ? null : q.addressee_party;
        if (!party) continue;
        n += await notifyParties([{ party, kind: 'question_reminder' }], (c) => ({
          kind: c.kind, eventKey: `question:${q.id}:${round}`, requestId: r.id, link: `/requests/${r.id}#msg-${q.id}`, params: requestParams(r, { days: round * FOLLOW_UP.questionReminderDays }),
        }));
      }
      return n;
    },

    /** The 1540-style yearly check: each year after filing, the state is asked whether its request was met. */
    async yearly(now: Date): Promise<number> {
      const before = new Date(now.getTime() - FOLLOW_UP.yearlyCheckDays * DAY);
      const rows = await db.select().from(requests)
        .where(and(lt(requests.submittedAt, before), sql`${requests.status} not in ('withdrawn', 'rejected')`)).limit(5000);
      let n = 0;
      for (const r of rows) {
        const year = Math.floor((now.getTime() - r.submittedAt.getTime()) / (FOLLOW_UP.yearlyCheckDays * DAY));
        n += await notifyParties([{ party: `state:${r.memberState}`, kind: 'yearly_check' }], (c) => ({
          kind: c.kind, eventKey: `yearly:${r.id}:${year}`, requestId: r.id, link: `/requests/${r.id}`, params: requestParams(r, { year, status: r.status }),
        }));
      }
      return n;
    },
  };

  return {
    /** Job notify-event: the people an outbox event concerns, each told once (`matchedRequest`: the request of a `request.matched` event, which is not read then). */
    async fanout(eventId: string, matchedRequest?: string): Promise<number> {
      if (matchedRequest) return deps.onRequestMatched ? deps.onRequestMatched(matchedRequest) : 0;
      const [e] = await eventById.execute({ id: eventId });
      if (!e) return 0;
      const p = e.payload;
      if (e.topic === 'request.matched') return deps.onRequestMatched && typeof p.requestId === 'string' ? deps.onRequestMatched(p.requestId) : 0;
      const r = typeof p.requestId === 'string' ? await requestFacts(p.requestId) : undefined;
      if (!r) return 0;
      let matchProvider: string | null = null;
      if (typeof p.matchId === 'string') matchProvider = (await db.select({ p: matches.providerId }).from(matches).where(eq(matches.id, p.matchId)))[0]?.p ?? null;
      const acceptedProviders = e.topic === 'request.completed'
        ? (await db.select({ p: matches.providerId }).from(matches).where(and(eq(matches.requestId, r.id), eq(matches.status, 'accepted')))).map((x) => x.p)
        : [];
      const approvedMatches = e.topic === 'request.routed'
        ? await db.select({ id: matches.id, providerId: matches.providerId }).from(matches).where(and(eq(matches.requestId, r.id), eq(matches.status, 'approved')))
        : [];
      const concerned = concernedParties(e.topic, p, r as RequestFacts, { matchProvider, acceptedProviders, approvedMatches });
      return notifyParties(concerned, (c) => ({
        kind: c.kind, eventKey: c.key ?? e.id, requestId: r.id,
        link: c.kind === 'match_proposed' ? '/inbox' : typeof p.messageId === 'string' ? `/requests/${r.id}#msg-${p.messageId}` : `/requests/${r.id}`,
        params: requestParams(r, { topic: e.topic, status: typeof p.status === 'string' ? p.status : r.status, ...(typeof p.decision === 'string' ? { decision: p.decision } : {}) }),
      }));
    },

    /** Tells given parties of something (saved searches, tests); the item's key keeps it once per person. */
    notifyParties,

    /** Job notify-follow-ups: deadlines, stale offerings, feedback, unanswered questions, the yearly check. */
    async runFollowUps(now = clock()): Promise<Record<keyof typeof followUps, number>> {
      const out = {} as Record<keyof typeof followUps, number>;
      for (const [name, check] of Object.entries(followUps)) out[name as keyof typeof followUps] = await check(now);
      return out;
    },

    /**
     * Job send-digests: each person's notifications of the kinds they want daily (or weekly) that arrived
     * before the current period began, in one mail keyed by person and period. Marked in the same
     * transaction as the mail is queued, so a digest is sent once and each notification is in one digest.
     */
    async sendDigests(frequency: 'daily' | 'weekly', now = clock()): Promise<number> {
      const start = periodStart(frequency, now);
      const period = start.toISOString().slice(0, 10);
      const mail = deps.mail?.();
      if (!mail) return 0;
      const users = await db.selectDistinct({ userId: notifications.userId }).from(notifications)
        .where(and(eq(notifications.delivery, frequency), isNull(notifications.mailedAt), lt(notifications.createdAt, start))).limit(10_000);
      let sent = 0;
      for (const { userId } of users) {
        const [person] = rowsOf<{ email: string; language: string }>(await db.execute(sql`select email, language from users where id = ${userId} and status = 'active'`));
        await db.transaction(async (tx) => {
          const items = await tx.select().from(notifications)
            .where(and(eq(notifications.userId, userId), eq(notifications.delivery, frequency), isNull(notifications.mailedAt), lt(notifications.createdAt, start)))
            .orderBy(notifications.createdAt).limit(200).for('update', { skipLocked: true });
          if (!items.length) return;
          // A person who since chose `never` for a kind is not mailed about it.
          const wanted = [];
          for (const it of items) if ((await frequencyOf(tx, userId, it.kind as NotificationKind)) !== 'never') wanted.push(it);
          const key = `digest:${frequency}:${userId}:${period}`;
          if (person && wanted.length) {
            const unsub = await unsubscribeHeaders({ userId, kind: 'all' }, person.language);
            await mail.queue(tx, {
              to: person.email, language: person.language, template: 'digest', dedupeKey: key,
              params: {
                frequency, count: String(wanted.length), link: absolute('/notifications'), unsubscribeUrl: unsub.url,
                items: JSON.stringify(wanted.map((it) => ({ ...mailParams({ kind: it.kind as NotificationKind, params: it.params }), link: absolute(it.link) }))),
              },
            });
            sent++;
          }
          await tx.update(notifications).set({ mailedAt: now, mailKey: key }).where(inArray(notifications.id, items.map((i) => i.id)));
        });
      }
      return sent;
    },

    /** The person's notifications, newest first, with the unread count. */
    async list(p: Principal, opts: { unread?: boolean; limit?: number } = {}) {
      const userId = personOf(p);
      const rows = await db.select().from(notifications)
        .where(and(eq(notifications.userId, userId), opts.unread ? isNull(notifications.readAt) : undefined))
        .orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(Math.min(opts.limit ?? 100, 500));
      return {
        unread: await this.unreadCount(userId),
        items: rows.map((n) => ({
          id: n.id, kind: n.kind as NotificationKind, params: n.params, link: n.link, requestId: n.requestId, offeringId: n.offeringId,
          createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null,
        })),
      };
    },

    /** Unread notifications of a person (the header's count). */
    async unreadCount(userId: string): Promise<number> {
      const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
      return r.n;
    },

    async markRead(p: Principal, id: string) {
      const userId = personOf(p);
      const [row] = await db.update(notifications).set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId))).returning({ id: notifications.id });
      if (!row) throw notFound('Notification');
      return { id, unread: await this.unreadCount(userId) };
    },

    async markAllRead(p: Principal) {
      const userId = personOf(p);
      await db.update(notifications).set({ readAt: new Date() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
      return { unread: 0 };
    },

    /** The person's mail frequency for every kind. */
    async preferences(p: Principal): Promise<Record<NotificationKind, Frequency>> {
      const userId = personOf(p);
      const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
      const out = { ...DEFAULT_FREQUENCY };
      for (const r of rows) if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind)) out[r.kind as NotificationKind] = r.frequency as Frequency;
      return out;
    },

    async setPreferences(p: Principal, prefs: Partial<Record<NotificationKind, Frequency>>) {
      const userId = personOf(p);
      await setFrequencies(db, userId, prefs);
      return this.preferences(p);
    },

    /** RFC 8058 one-click unsubscribe: the token alone says who and which kind; true when it was valid. */
    async unsubscribe(token: unknown): Promise<Unsubscribe | null> {
      const u = await tokens.verify(token);
      if (!u) return null;
      const kinds = u.kind === 'all' ? NOTIFICATION_KINDS : [u.kind];
      await setFrequencies(db, u.userId, Object.fromEntries(kinds.map((k) => [k, 'never'])) as Partial<Record<NotificationKind, Frequency>>);
      return u;
    },

    /** Whether an unsubscribe token is ours (the confirmation page). */
    verifyUnsubscribe: async (token: unknown) => (await tokens.verify(token)) !== null,

    /** The unsubscribe link of a person and kind (the preferences page shows it; tests use it). */
    unsubscribeUrl: async (u: Unsubscribe) => (await unsubscribeHeaders(u)).url,
    deliver,
    followUps,
  };
}

async function setFrequencies(db: DbOrTx, userId: string, prefs: Partial<Record<NotificationKind, Frequency>>) {
  const values = Object.entries(prefs).map(([kind, frequency]) => ({ userId, kind, frequency: frequency as string, updatedAt: new Date() }));
  if (!values.length) return;
  await db.insert(notificationPreferences).values(values)
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { frequency: sql`excluded.frequency`, updatedAt: sql`excluded.updated_at` } });
  // Waiting for a digest the person no longer wants: dropped from it.
  const never = values.filter((v) => v.frequency === 'never').map((v) => v.kind);
  if (never.length) await db.update(notifications).set({ delivery: 'never' }).where(and(eq(notifications.userId, userId), inArray(notifications.kind, never), isNull(notifications.mailedAt)));
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
