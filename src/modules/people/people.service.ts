import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, ilike, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db, DbOrTx } from '../../../db/client.js';
import { apiKeys, auditEvents, memberships, organisations, providers, requestDrafts, users, userTokens, webSessions } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { generateApiKey, requireMay, type MemberRole, type Principal, type Role } from '../../plugins/auth.plugin.js';
import { keysChanged } from '../admin/key-revocations.js';
import { recordChange, SYSTEM } from '../events/events.repository.js';
import type { MailService } from '../mail/mail.service.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { hashPassword, passwordProblems, verifyPassword, type PasswordProblem } from './passwords.js';
import { createSharedSessionCache, type Forget, type SharedSessionCache } from './session-cache.js';

export const ORG_KINDS = ['member_state', 'provider', 'cted', 'entity', 'admin'] as const satisfies readonly Role[];
export type OrgKind = (typeof ORG_KINDS)[number];
export const USER_LANGS = ['en', 'fr', 'es', 'ru', 'zh', 'ar'] as const;
export type TokenPurpose = 'invitation' | 'reset' | 'unlock' | 'first_admin';

/** Hours each kind of link stays valid. */
export const TOKEN_HOURS: Record<TokenPurpose, number> = { invitation: 72, reset: 1, unlock: 24, first_admin: 24 };

/** What people asks of factors (src/modules/factors): a user's second factor, and an admin's reset of all of them. */
export interface FactorsStatus {
  status(userId: string): Promise<{ enrolled: boolean; required: boolean }>;
  resetAll(tx: DbOrTx, userId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodes: number }>;
}
/** The longest reason an admin may give for resetting a person's second factor. */
export const RESET_REASON_MAX = 500;

/** A signed-in (or half signed-in) browser, as the web plugin sees it. */
export interface SessionView {
  id: string;
  userId: string;
  organisationId: string;
  /** A second factor is still owed: only the second-factor and security pages and sign-out are reachable. */
  halfSignedIn: boolean;
  principal: Principal;
  email: string;
  language: string;
  organisationName: string;
  expiresAt: Date;
  /** Every organisation the person may act for (the session's among them), by name: the header's switcher. */
  organisations: { id: string; name: string }[];
}

const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
/** A random token for a cookie or a link (256 bits); only its SHA-256 is stored. */
const newToken = () => randomBytes(32).toString('base64url');
export const hashToken = sha256;
const normEmail = (e: string) => e.trim().toLowerCase();
/** How long a resolved session is trusted without asking the database (a revocation elsewhere takes at most this long). */
const SESSION_CACHE_MS = 3_000;
/** last_seen_at is written at most this often per session (the idle timeout's resolution). */
const TOUCH_EVERY_MS = 30_000;

/**
 * Whether people of an organisation may sign in: an active one, or a provider waiting for approval
 * (a self-registered provider drafts its offerings while it waits; src/modules/sso). Suspended: never.
 */
const worksIn = (o: { status: string; kind: string }) => o.status === 'active' || (o.status === 'pending' && o.kind === 'provider');
const worksInSql = sql`(${organisations.status} = 'active' or (${organisations.status} = 'pending' and ${organisations.kind} = 'provider'))`;

export type SignInResult =
  | { ok: true; userId: string; organisationId: string; language: string; /** How many organisations the person may act for: more than one, they choose. */ organisations: number }
  | { ok: false; reason: 'invalid' | 'locked' | 'no_organisation' };

/**
 * People, organisations, memberships, sessions, passwords and the single-use links sent by mail
 * (issue 13). Every rule about who a person is and how they sign in lives here; the web pages call it.
 */
export function createPeopleService(deps: { db: Db; reference: ReferenceService; mail: MailService; config: Config; factors?: () => FactorsStatus | undefined; log?: { warn(o: object, m?: string): void } }) {
  const { db, config, mail } = deps;
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const maxMs = config.SESSION_MAX_HOURS * 3_600_000;
  const cache = new LRUCache<string, { view: SessionView | null; until: number; lastSeen: number }>({ max: 20_000 });
  const link = (path: string, token: string) => `${config.PUBLIC_URL}${path}?token=${encodeURIComponent(token)}`;

  /** Forgets this process's cached sessions of a user, of an organisation, or all. */
  function forgetLocal(f: Forget) {
    for (const [k, v] of cache.entries()) {
      if (!v.view || f.all || v.view.userId === f.userId || (f.organisationId && v.view.organisations.some((o) => o.id === f.organisationId))) cache.delete(k);
    }
  }
  // With REDIS_URL, resolved sessions are shared between processes and invalidations reach all of them at once (session-cache.ts).
  // Connected on first use: a process that never resolves or ends a session (a worker) opens no connection.
  let sharedCache: SharedSessionCache<SessionView> | undefined;
  const sharedOf = () => (config.REDIS_URL
    ? sharedCache ??= createSharedSessionCache<SessionView>({
      url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, onForget: forgetLocal, log: deps.log,
      revive: (raw) => ({ ...(raw as SessionView), expiresAt: new Date((raw as { expiresAt: string }).expiresAt) }),
    })
    : undefined);
  /** Before a revocation commits: no process may share the sessions it is about to end. */
  const revoking = async (f: Forget) => { await sharedOf()?.block(f); };
  /** After a change to a user's or organisation's sessions commits: every process refuses the old view at once. */
  async function forget(userId?: string, organisationId?: string) {
    const f: Forget = userId || organisationId ? { userId, organisationId } : { all: true };
    const shared = sharedOf();
    if (shared) await shared.invalidate(f);
    else forgetLocal(f);
  }

  async function principalFor(user: { id: string; name: string }, org: typeof organisations.$inferSelect, role: string): Promise<Principal> {
    const entity = org.entityCode ? (await deps.reference.get()).canonicalEntity(org.entityCode) ?? org.entityCode : null;
    return {
      keyId: null, role: org.kind as Role, memberState: org.memberState, providerId: org.providerId, entity, label: user.name,
      userId: user.id, organisationId: org.id, memberRole: role as MemberRole,
    };
  }

  /** Checks kind and binding of an organisation, as the kind requires (the same rule API keys follow). */
  async function checkBinding(b: { kind: string; memberState?: string | null; providerId?: string | null; entity?: string | null }) {
    const ref = await deps.reference.get();
    const problems: { path: string; message: string; code?: string }[] = [];
    if (!(ORG_KINDS as readonly string[]).includes(b.kind)) problems.push({ path: 'kind', message: 'not an organisation kind', code: 'people.badKind' });
    if (b.kind === 'member_state' && (!b.memberState || !ref.stateByIso3.has(b.memberState))) problems.push({ path: 'memberState', message: 'a UN member state is required', code: 'people.badState' });
    if (b.kind === 'entity' && (!b.entity || !ref.entityCodes.has(b.entity))) problems.push({ path: 'entity', message: 'a Task Force entity code is required', code: 'people.badEntity' });
    if (b.kind === 'provider') {
      const [prov] = b.providerId && /^[0-9a-f-]{36}$/i.test(b.providerId) ? await db.select({ id: providers.id }).from(providers).where(eq(providers.id, b.providerId)) : [];
      if (!prov) problems.push({ path: 'providerId', message: 'no such provider', code: 'people.badProvider' });
    }
    if (problems.length) throw badRequest('The organisation cannot be created as asked.', problems);
    return {
      memberState: b.kind === 'member_state' ? b.memberState! : null,
      providerId: b.kind === 'provider' ? b.providerId! : null,
      entityCode: b.kind === 'entity' ? ref.canonicalEntity(b.entity!) ?? b.entity! : null,
    };
  }

  async function issueToken(tx: DbOrTx, t: { purpose: TokenPurpose; userId?: string | null; organisationId?: string | null; role?: string | null; email?: string | null; createdBy?: string | null }) {
    const token = newToken();
    await tx.insert(userTokens).values({
      tokenHash: sha256(token), purpose: t.purpose, userId: t.userId ?? null, organisationId: t.organisationId ?? null, role: t.role ?? null,
      email: t.email ? normEmail(t.email) : null, createdBy: t.createdBy ?? null, expiresAt: new Date(Date.now() + TOKEN_HOURS[t.purpose] * 3_600_000),
    });
    return token;
  }

  /** Uses a token once: marks it used and returns its row, or null when unknown, used, expired or of another purpose. */
  async function consumeToken(tx: DbOrTx, token: string, purpose: TokenPurpose) {
    const [row] = await tx.update(userTokens).set({ usedAt: new Date() })
      .where(and(eq(userTokens.tokenHash, sha256(token)), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date())))
      .returning();
    return row ?? null;
  }

  /** A token still usable (without using it), for the page that shows its form. */
  async function peekToken(token: string, purpose: TokenPurpose) {
    const [row] = await db.select().from(userTokens)
      .where(and(eq(userTokens.tokenHash, sha256(token)), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date())));
    return row ?? null;
  }

  /** Ends every session of a user (sign-out everywhere, password change, suspension), in `tx` when given. */
  async function endSessions(userId: string, tx: DbOrTx = db): Promise<number> {
    await revoking({ userId });
    const ended = await tx.update(webSessions).set({ revokedAt: new Date() }).where(and(eq(webSessions.userId, userId), isNull(webSessions.revokedAt))).returning({ id: webSessions.id });
    await forget(userId);
    return ended.length;
  }

  async function mustBeNewPassword(password: string, who: { email: string; name: string; userId?: string }) {
    const f = who.userId ? await deps.factors?.()?.status(who.userId) : undefined;
    const problems = passwordProblems(password, { email: who.email, name: who.name, secondFactor: f?.enrolled });
    if (problems.length) throw new PasswordRefused(problems, f?.enrolled ?? false);
  }

  async function createSession(userId: string, organisationId: string, opts: { secondFactorNeeded?: boolean; ip?: string; userAgent?: string } = {}) {
    const token = newToken();
    const now = new Date();
    const [row] = await db.insert(webSessions).values({
      tokenHash: sha256(token), userId, organisationId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + maxMs),
      secondFactorNeeded: opts.secondFactorNeeded ?? false, ip: opts.ip?.slice(0, 64) ?? null, userAgent: opts.userAgent?.slice(0, 300) ?? null,
    }).returning({ id: webSessions.id });
    return { token, id: row.id, maxAgeS: Math.floor(maxMs / 1000) };
  }

  /**
   * The organisations a person may act for (active, or a provider waiting for approval; not where a
   * focal point suspended the membership), oldest membership first. Sign-in, the organisation switcher
   * and every session load go through it.
   */
  async function organisationsOf(userId: string) {
    return db.select({ id: organisations.id, name: organisations.name }).from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active'), worksInSql)).orderBy(asc(memberships.createdAt), asc(organisations.name));
  }

  async function loadSession(tokenHash: string): Promise<SessionView | null> {
    const [r] = await db.select({ s: webSessions, u: users, o: organisations, role: memberships.role, membership: memberships.status }).from(webSessions)
      .innerJoin(users, eq(users.id, webSessions.userId))
      .innerJoin(organisations, eq(organisations.id, webSessions.organisationId))
      .innerJoin(memberships, and(eq(memberships.userId, webSessions.userId), eq(memberships.organisationId, webSessions.organisationId)))
      .where(eq(webSessions.tokenHash, tokenHash));
    if (!r) return null;
    const now = Date.now();
    if (r.s.revokedAt || r.s.expiresAt.getTime() <= now || r.s.lastSeenAt.getTime() + idleMs <= now) return null;
    if (r.u.status !== 'active' || r.membership !== 'active' || !worksIn(r.o)) return null;
    return {
      organisations: await organisationsOf(r.u.id),
      id: r.s.id, userId: r.u.id, organisationId: r.o.id, halfSignedIn: r.s.secondFactorNeeded && !r.s.secondFactorAt,
      principal: await principalFor(r.u, r.o, r.role), email: r.u.email, language: r.u.language, organisationName: r.o.name, expiresAt: r.s.expiresAt,
    };
  }

  const service = {
    hashToken,
    /** Whether sessions are shared through Redis (REDIS_URL), and whether its invalidation channel is connected now. */
    sharedSessions(): { live: boolean } | null { const c = sharedOf(); return c ? { live: c.live } : null; },
    /** Closes the shared session cache's connections (with REDIS_URL). */
    async close() { const c = sharedCache; sharedCache = undefined; await c?.close(); },
    /** Whether a session token has been resolved lately (its lookup costs no database read). */
    sessionCached(token: string) { return cache.has(sha256(token)); },

    // ---------------------------------------------------------------- sessions
    createSession,
    /**
     * The session a cookie token stands for, or null (unknown, revoked, idle or past its absolute end,
     * user or organisation suspended). Cached a few seconds; each use counts as activity.
     */
    async resolveSession(token: string): Promise<SessionView | null> {
      if (!token || token.length > 100) return null;
      const h = sha256(token);
      const now = Date.now();
      const hit = cache.get(h);
      const shared = sharedOf();
      // While Redis answers, it is the one cache (a revocation deletes there before it answers); else this process's, a few seconds.
      const viaRedis = shared?.live === true;
      // An unknown or ended token stays refused locally for a few seconds either way (it never becomes valid).
      let entry = hit && hit.until > now && (!viaRedis || !hit.view) ? hit : undefined;
      if (!entry) {
        let view = viaRedis ? await shared.get(h) ?? null : null;
        if (!view) {
          view = await loadSession(h);
          if (view && viaRedis) await shared.put(h, view, view.userId, view.organisationId);
        }
        entry = { view, until: viaRedis && view ? 0 : now + SESSION_CACHE_MS, lastSeen: hit?.lastSeen ?? now };
        cache.set(h, entry);
      }
      const { view } = entry;
      if (!view) return null;
      if (view.expiresAt.getTime() <= now) { cache.delete(h); return null; }
      if (now - entry.lastSeen >= TOUCH_EVERY_MS || !hit) {
        entry.lastSeen = now;
        await db.update(webSessions).set({ lastSeenAt: new Date(now) }).where(eq(webSessions.id, view.id));
      }
      return view;
    },
    /** The principal a session acts as (null while a second factor is owed). */
    principalOf(session: SessionView): Principal | null { return session.halfSignedIn ? null : session.principal; },
    /** Marks the second factor done (factors calls it after a good TOTP code or passkey). */
    async completeSecondFactor(sessionId: string) {
      const [s] = await db.select({ userId: webSessions.userId }).from(webSessions).where(eq(webSessions.id, sessionId));
      if (!s) return;
      await revoking({ userId: s.userId });
      await db.update(webSessions).set({ secondFactorAt: new Date() }).where(eq(webSessions.id, sessionId));
      await forget(s.userId);
    },
    /**
     * Makes the session act for another of the person's organisations. Refused (403, nothing changed)
     * unless the person is a member of it and it may be worked in; audited as the person in the new one.
     */
    async switchOrganisation(session: SessionView, organisationId: string) {
      const target = (await organisationsOf(session.userId)).find((o) => o.id === organisationId);
      if (!target) throw forbidden('You are not a member of that organisation.');
      if (target.id === session.organisationId) return target;
      await revoking({ userId: session.userId });
      const [m] = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, session.userId), eq(memberships.organisationId, target.id)));
      const [u] = await db.select().from(users).where(eq(users.id, session.userId));
      const org = await service.organisation(target.id);
      await db.transaction(async (tx) => {
        // Only a live session of this person moves: a revoked one stays revoked.
        const [moved] = await tx.update(webSessions).set({ organisationId: target.id })
          .where(and(eq(webSessions.id, session.id), eq(webSessions.userId, session.userId), isNull(webSessions.revokedAt))).returning({ id: webSessions.id });
        if (!moved) throw forbidden('The session has ended.');
        await recordChange(tx, await principalFor(u!, org, m!.role), { action: 'session.switch_organisation', targetType: 'organisation', targetId: target.id, summary: { from: session.organisationId, fromName: session.organisationName, to: target.id, toName: target.name } });
      });
      await forget(session.userId);
      return target;
    },
    /** Ends one session (sign-out). */
    async endSession(token: string) {
      const [owner] = await db.select({ userId: webSessions.userId }).from(webSessions).where(eq(webSessions.tokenHash, sha256(token)));
      if (owner) await revoking({ userId: owner.userId });
      const [r] = await db.update(webSessions).set({ revokedAt: new Date() }).where(and(eq(webSessions.tokenHash, sha256(token)), isNull(webSessions.revokedAt))).returning({ userId: webSessions.userId });
      cache.delete(sha256(token));
      if (r) await forget(r.userId);
      return r?.userId ?? null;
    },
    endSessions,

    // ---------------------------------------------------------------- sign-in
    /**
     * Checks e-mail and password. Unknown e-mails cost the same argon2 work as known ones; each failure
     * counts against the account, and the SIGN_IN_LOCK_AFTER-th in a row locks it for SIGN_IN_LOCK_MINUTES
     * and mails an unlock link. A locked account refuses even the right password until unlocked.
     */
    async signIn(emailIn: string, password: string): Promise<SignInResult> {
      const email = normEmail(emailIn);
      const [u] = email.length <= 320 ? await db.select().from(users).where(eq(users.email, email)) : [];
      const good = await verifyPassword(u?.passwordHash ?? null, password);
      if (!u) return { ok: false, reason: 'invalid' };
      if (u.lockedUntil && u.lockedUntil.getTime() > Date.now()) return { ok: false, reason: 'locked' };
      if (!good || u.status !== 'active') {
        if (u.status !== 'active') return { ok: false, reason: 'invalid' };
        return db.transaction(async (tx) => {
          const [after] = await tx.update(users).set({ failedSignIns: sql`${users.failedSignIns} + 1` }).where(eq(users.id, u.id)).returning({ n: users.failedSignIns });
          if (after.n < config.SIGN_IN_LOCK_AFTER) return { ok: false, reason: 'invalid' } as const;
          await tx.update(users).set({ failedSignIns: 0, lockedUntil: new Date(Date.now() + config.SIGN_IN_LOCK_MINUTES * 60_000) }).where(eq(users.id, u.id));
          const token = await issueToken(tx, { purpose: 'unlock', userId: u.id });
          await mail.queue(tx, { to: u.email, language: u.language, template: 'unlock', params: { name: u.name, link: link('/account/unlock', token), hours: String(TOKEN_HOURS.unlock), failures: String(config.SIGN_IN_LOCK_AFTER), minutes: String(config.SIGN_IN_LOCK_MINUTES) } });
          await recordChange(tx, SYSTEM, { action: 'user.locked', targetType: 'user', targetId: u.id, summary: { email: u.email } });
          return { ok: false, reason: 'locked' } as const;
        });
      }
      if (u.failedSignIns || u.lockedUntil) await db.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, u.id));
      const orgs = await organisationsOf(u.id);
      if (!orgs.length) return { ok: false, reason: 'no_organisation' };
      return { ok: true, userId: u.id, organisationId: orgs[0]!.id, language: u.language, organisations: orgs.length };
    },

    /** Whether a second factor must follow the password, and where to send the user for it. */
    async secondFactorStep(userId: string): Promise<{ needed: boolean; next: string | null }> {
      const f = await deps.factors?.()?.status(userId);
      if (!f) return { needed: false, next: null };
      if (f.enrolled) return { needed: true, next: '/sign-in/second-factor' };
      if (f.required) return { needed: true, next: '/account/security' };
      return { needed: false, next: null };
    },

    /** Unlocks the account of an unlock link (single use). */
    async unlock(token: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const t = await consumeToken(tx, token, 'unlock');
        if (!t?.userId) return false;
        await tx.update(users).set({ lockedUntil: null, failedSignIns: 0 }).where(eq(users.id, t.userId));
        await recordChange(tx, SYSTEM, { action: 'user.unlocked', targetType: 'user', targetId: t.userId });
        return true;
      });
    },

    /** Changes the password (the current one must be right); every session of the user ends, the new one is made by the caller. */
    async changePassword(p: Principal, current: string, next: string) {
      if (!p.userId) throw forbidden('Only a person has a password.');
      const [u] = await db.select().from(users).where(eq(users.id, p.userId));
      if (!u || !(await verifyPassword(u.passwordHash, current))) throw new PasswordRefused(['wrongCurrent'], false);
      await mustBeNewPassword(next, { email: u.email, name: u.name, userId: u.id });
      const hash = await hashPassword(next);
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash: hash, passwordChangedAt: new Date() }).where(eq(users.id, u.id));
        await endSessions(u.id, tx);
        await mail.queue(tx, { to: u.email, language: u.language, template: 'password_changed', params: { name: u.name, signIn: `${config.PUBLIC_URL}/password/forgot` } });
        await recordChange(tx, p, { action: 'user.password_change', targetType: 'user', targetId: u.id });
      });
      await forget(u.id);
    },

    /** Mails a reset link when the address belongs to an active user; says nothing either way (no account discovery). */
    async requestReset(emailIn: string): Promise<void> {
      const email = normEmail(emailIn);
      const [u] = email.length <= 320 ? await db.select().from(users).where(eq(users.email, email)) : [];
      if (!u || u.status !== 'active') return;
      await db.transaction(async (tx) => {
        const token = await issueToken(tx, { purpose: 'reset', userId: u.id });
        await mail.queue(tx, { to: u.email, language: u.language, template: 'reset', params: { name: u.name, link: link('/password/reset', token), hours: String(TOKEN_HOURS.reset) } });
      });
    },

    peekToken,

    /** Sets a new password from a reset link (single use); ends every session and unlocks the account. */
    async resetPassword(token: string, password: string): Promise<{ userId: string; organisationId: string | null } | null> {
      const t = await peekToken(token, 'reset');
      if (!t?.userId) return null;
      const [u] = await db.select().from(users).where(eq(users.id, t.userId));
      if (!u) return null;
      await mustBeNewPassword(password, { email: u.email, name: u.name, userId: u.id });
      const hash = await hashPassword(password);
      return db.transaction(async (tx) => {
        if (!(await consumeToken(tx, token, 'reset'))) return null;
        await tx.update(users).set({ passwordHash: hash, passwordChangedAt: new Date(), failedSignIns: 0, lockedUntil: null }).where(eq(users.id, u.id));
        await endSessions(u.id, tx);
        await recordChange(tx, { ...SYSTEM, label: u.name, userId: u.id }, { action: 'user.password_reset', targetType: 'user', targetId: u.id });
        const [m] = await organisationsOf(u.id);
        return { userId: u.id, organisationId: m?.id ?? null };
      }).finally(() => forget(u.id));
    },

    // ---------------------------------------------------------------- organisations and people
    async createOrganisation(p: Principal, body: { kind: string; name: string; memberState?: string | null; providerId?: string | null; entity?: string | null; status?: 'active' | 'pending' }) {
      const name = body.name.trim();
      if (!name || name.length > 200) throw badRequest('The organisation needs a name.', [{ path: 'name', message: 'required, at most 200 characters', code: 'people.badName' }]);
      const binding = await checkBinding(body);
      return db.transaction(async (tx) => {
        const [o] = await tx.insert(organisations).values({ kind: body.kind, name, ...binding, status: body.status ?? 'active', approvedAt: body.status === 'pending' ? null : new Date(), approvedBy: p.userId }).returning();
        await recordChange(tx, p, { action: 'organisation.create', targetType: 'organisation', targetId: o.id, summary: { kind: o.kind, name: o.name, ...binding } });
        return o;
      });
    },

    /** The organisation for a binding (the oldest one), made when there is none; tests and the first start use it. */
    async ensureOrganisation(b: { kind: OrgKind; name: string; memberState?: string | null; providerId?: string | null; entity?: string | null }) {
      const binding = await checkBinding(b);
      const [o] = await db.select().from(organisations).where(and(
        eq(organisations.kind, b.kind),
        binding.memberState ? eq(organisations.memberState, binding.memberState) : isNull(organisations.memberState),
        binding.providerId ? eq(organisations.providerId, binding.providerId) : isNull(organisations.providerId),
        binding.entityCode ? eq(organisations.entityCode, binding.entityCode) : isNull(organisations.entityCode),
      )).orderBy(asc(organisations.createdAt)).limit(1);
      return o ?? service.createOrganisation(SYSTEM, b);
    },

    async organisation(id: string) {
      const [o] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select().from(organisations).where(eq(organisations.id, id)) : [];
      if (!o) throw notFound('Organisation');
      return o;
    },

    async listOrganisations(opts: { q?: string } = {}) {
      const q = opts.q?.trim();
      const rows = await db.select({
        o: organisations,
        members: sql<number>`(select count(*)::int from ${memberships} where ${memberships.organisationId} = ${organisations.id})`,
      }).from(organisations).where(q ? ilike(organisations.name, `%${q.replace(/[%_\\]/g, '\\$&')}%`) : undefined).orderBy(asc(organisations.kind), asc(organisations.name)).limit(500);
      return rows.map((r) => ({ ...r.o, members: r.members }));
    },

    /** Suspends (or reactivates) an organisation: a suspended one's sessions end at once and its keys stop working. */
    async setOrganisationStatus(p: Principal, id: string, status: 'active' | 'suspended') {
      const o = await service.organisation(id);
      if (status === 'suspended') await revoking({ organisationId: id });
      await db.transaction(async (tx) => {
        await tx.update(organisations).set({ status, ...(status === 'active' && !o.approvedAt ? { approvedAt: new Date(), approvedBy: p.userId } : {}) }).where(eq(organisations.id, id));
        if (status === 'suspended') await tx.update(webSessions).set({ revokedAt: new Date() }).where(and(eq(webSessions.organisationId, id), isNull(webSessions.revokedAt)));
        await recordChange(tx, p, { action: `organisation.${status === 'active' ? 'activate' : 'suspend'}`, targetType: 'organisation', targetId: id, summary: { name: o.name } });
        await keysChanged(tx);
      });
      await forget(undefined, id);
    },

    /** The people of an organisation (or all, for admins), with their role there. */
    async listMembers(organisationId?: string) {
      const rows = await db.select({ u: users, role: memberships.role, membership: memberships.status, organisationId: memberships.organisationId, organisationName: organisations.name, joined: memberships.createdAt })
        .from(memberships).innerJoin(users, eq(users.id, memberships.userId)).innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .where(organisationId ? eq(memberships.organisationId, organisationId) : undefined).orderBy(asc(organisations.name), asc(users.name)).limit(1000);
      return rows.map((r) => ({
        // Suspended here: the person (by an admin) or this membership (by a focal point).
        userId: r.u.id, email: r.u.email, name: r.u.name, status: r.u.status === 'active' && r.membership === 'suspended' ? 'suspended' : r.u.status, language: r.u.language, role: r.role as MemberRole,
        // Who suspended them: an admin (the person, everywhere; only an admin lifts it) or this organisation.
        suspendedBy: r.u.status === 'suspended' ? 'admin' as const : r.membership === 'suspended' ? 'organisation' as const : null,
        organisationId: r.organisationId, organisationName: r.organisationName, locked: !!r.u.lockedUntil && r.u.lockedUntil.getTime() > Date.now(), joined: r.joined,
      }));
    },

    async user(id: string) {
      const [u] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select().from(users).where(eq(users.id, id)) : [];
      if (!u) throw notFound('User');
      return u;
    },

    /**
     * Suspends or reactivates a person. An admin acts on the person (users.status: every session ends;
     * reactivating also lifts focal points' suspensions of their memberships). A focal point acts on the
     * membership in their own organisation only: the person's sessions acting for it end and they can no
     * longer act for it, while their other organisations (an admin one, another state's) are untouched.
     * A focal point does not lift an admin's suspension of the person: that is refused, not silently kept.
     */
    async setUserStatus(p: Principal, userId: string, status: 'active' | 'suspended') {
      if (p.role !== 'admin') requireMay(p, 'decide');
      const u = await service.user(userId);
      if (u.status === 'invited') throw conflict('not_active', 'An invited person has not accepted yet.');
      if (p.role === 'admin') {
        await db.transaction(async (tx) => {
          await tx.update(users).set({ status }).where(eq(users.id, userId));
          if (status === 'active') await tx.update(memberships).set({ status: 'active' }).where(eq(memberships.userId, userId));
          if (status === 'suspended') await endSessions(userId, tx);
          await recordChange(tx, p, { action: `user.${status === 'active' ? 'activate' : 'suspend'}`, targetType: 'user', targetId: userId, summary: { name: u.name } });
        });
        await forget(userId);
        return;
      }
      const orgId = p.organisationId ?? '00000000-0000-0000-0000-000000000000';
      const [m] = await db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.organisationId, orgId)));
      if (!m) throw forbidden('This person is not in your organisation.');
      if (status === 'active' && u.status === 'suspended') throw conflict('suspended_by_admin', 'An administrator suspended this person; only an administrator can reactivate them.');
      const org = await service.organisation(orgId);
      if (status === 'suspended') await revoking({ userId });
      await db.transaction(async (tx) => {
        await tx.update(memberships).set({ status }).where(and(eq(memberships.userId, userId), eq(memberships.organisationId, orgId)));
        if (status === 'suspended') await tx.update(webSessions).set({ revokedAt: new Date() }).where(and(eq(webSessions.userId, userId), eq(webSessions.organisationId, orgId), isNull(webSessions.revokedAt)));
        await recordChange(tx, p, { action: `membership.${status === 'active' ? 'activate' : 'suspend'}`, targetType: 'user', targetId: userId, summary: { name: u.name, organisationId: orgId, organisationName: org.name } });
      });
      await forget(userId);
    },

    /**
     * An admin resets a person's second factor (they lost app, passkeys and recovery codes): every factor
     * goes, every session of the person ends, the person is mailed in their language with the admin's
     * name and reason, and the audit names both. At the next sign-in a person whose organisation
     * requires a factor is held at enrolment (secondFactorStep). Admins only; a reason is required.
     */
    async resetSecondFactor(p: Principal, userId: string, reasonIn: string) {
      if (p.role !== 'admin' || !p.userId) throw forbidden('Only an administrator, signed in as a person, resets a second factor.');
      const reason = reasonIn.trim();
      if (!reason || reason.length > RESET_REASON_MAX) throw badRequest('A reason is required.', [{ path: 'reason', message: `required, at most ${RESET_REASON_MAX} characters`, code: 'people.badReason' }]);
      if (userId === p.userId) throw forbidden('Another administrator resets your own second factor.');
      const u = await service.user(userId);
      const factors = deps.factors?.();
      if (!factors) throw new Error('second factors are not configured');
      const removed = await db.transaction(async (tx) => {
        const r = await factors.resetAll(tx, u.id);
        const ended = await endSessions(u.id, tx);
        await mail.queue(tx, { to: u.email, language: u.language, template: 'second_factor_reset', params: { name: u.name, admin: p.label, reason, link: `${config.PUBLIC_URL}/sign-in` } });
        await recordChange(tx, p, { action: 'user.second_factor_reset', targetType: 'user', targetId: u.id, summary: { name: u.name, reason, ...r, sessionsEnded: ended } });
        return r;
      });
      await forget(u.id);
      return removed;
    },

    /** Updates the person's own name and language. */
    async updateProfile(p: Principal, body: { name: string; language: string }) {
      if (!p.userId) throw forbidden('Only a person has a profile.');
      const name = body.name.trim();
      if (!name || name.length > 200) throw badRequest('A name is required.', [{ path: 'name', message: 'required', code: 'people.badName' }]);
      const language = (USER_LANGS as readonly string[]).includes(body.language) ? body.language : 'en';
      await db.update(users).set({ name, language }).where(eq(users.id, p.userId));
      await forget(p.userId);
    },

    /**
     * Creates an active person with a password in an organisation, in one step (tests, and the bootstrap
     * path of admins); people normally arrive through an invitation.
     */
    async createPerson(p: Principal, body: { organisationId: string; email: string; name: string; password: string; role: MemberRole; language?: string }) {
      const email = normEmail(body.email);
      if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) throw badRequest('Not an e-mail address.', [{ path: 'email', message: 'not an e-mail address', code: 'people.badEmail' }]);
      await mustBeNewPassword(body.password, { email, name: body.name });
      const hash = await hashPassword(body.password);
      return db.transaction(async (tx) => {
        const [u] = await tx.insert(users).values({ email, name: body.name, language: body.language ?? 'en', passwordHash: hash, status: 'active', passwordChangedAt: new Date() })
          .onConflictDoNothing().returning();
        if (!u) throw conflict('email_taken', 'A person with this e-mail address exists already.');
        await tx.insert(memberships).values({ userId: u.id, organisationId: body.organisationId, role: body.role });
        await recordChange(tx, p, { action: 'user.create', targetType: 'user', targetId: u.id, summary: { name: u.name, organisationId: body.organisationId, role: body.role } });
        return u;
      });
    },

    // ---------------------------------------------------------------- invitations
    /**
     * Invites a person into an organisation with a role: admins invite into any organisation (the first
     * user of one), a focal point into their own. Mails a single-use link in the invitee's language.
     */
    async invite(p: Principal, body: { organisationId: string; email: string; role: MemberRole; language?: string }) {
      const org = await service.organisation(body.organisationId);
      if (p.role !== 'admin') {
        requireMay(p, 'decide');
        if (p.organisationId !== org.id) throw forbidden('You can invite people only into your own organisation.');
      }
      const email = normEmail(body.email);
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) throw badRequest('Not an e-mail address.', [{ path: 'email', message: 'not an e-mail address', code: 'people.badEmail' }]);
      if (!['focal_point', 'contributor', 'reader'].includes(body.role)) throw badRequest('Not a role.', [{ path: 'role', message: 'focal_point, contributor or reader', code: 'people.badRole' }]);
      const [existing] = await db.select({ id: users.id, language: users.language }).from(users).where(eq(users.email, email));
      if (existing) {
        const [m] = await db.select().from(memberships).where(and(eq(memberships.userId, existing.id), eq(memberships.organisationId, org.id)));
        if (m) throw conflict('already_member', 'This person is already in the organisation.');
      }
      const language = (USER_LANGS as readonly string[]).includes(body.language ?? '') ? body.language! : existing?.language ?? 'en';
      return db.transaction(async (tx) => {
        const token = await issueToken(tx, { purpose: 'invitation', organisationId: org.id, role: body.role, email, createdBy: p.userId, userId: existing?.id ?? null });
        await mail.queue(tx, {
          to: email, language, template: 'invitation',
          params: { organisation: org.name, inviter: p.label, role: body.role, link: link('/invitations/accept', token), hours: String(TOKEN_HOURS.invitation), lang: language },
        });
        await recordChange(tx, p, { action: 'invitation.create', targetType: 'organisation', targetId: org.id, summary: { email, role: body.role } });
        return { email, role: body.role, organisationId: org.id };
      });
    },

    /** Open (unused, unexpired) invitations, of one organisation or all. */
    async listInvitations(organisationId?: string) {
      const rows = await db.select({ t: userTokens, org: organisations.name }).from(userTokens).innerJoin(organisations, eq(organisations.id, userTokens.organisationId))
        .where(and(eq(userTokens.purpose, 'invitation'), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date()), organisationId ? eq(userTokens.organisationId, organisationId) : undefined))
        .orderBy(desc(userTokens.createdAt)).limit(500);
      return rows.map((r) => ({ email: r.t.email, role: r.t.role, organisationId: r.t.organisationId, organisationName: r.org, expiresAt: r.t.expiresAt, createdAt: r.t.createdAt }));
    },

    /** What an invitation link offers (for its page), or null when it cannot be used. */
    async invitation(token: string) {
      const t = await peekToken(token, 'invitation');
      if (!t?.organisationId) return null;
      const org = await service.organisation(t.organisationId);
      const [u] = t.email ? await db.select().from(users).where(eq(users.email, t.email)) : [];
      return { email: t.email!, role: t.role as MemberRole, organisation: org, existingUser: u && u.status !== 'invited' ? { id: u.id, name: u.name } : null };
    },

    /**
     * Accepts an invitation: a new person sets name, language and password; someone who already has an
     * account joins with their current password. Returns the user and organisation to sign in.
     */
    async acceptInvitation(token: string, body: { name?: string; password: string; language?: string }) {
      const inv = await service.invitation(token);
      if (!inv) return null;
      let userId: string;
      if (inv.existingUser) {
        const [u] = await db.select().from(users).where(eq(users.id, inv.existingUser.id));
        if (!(await verifyPassword(u?.passwordHash ?? null, body.password))) throw new PasswordRefused(['wrongCurrent'], false);
        userId = u.id;
      } else {
        const name = (body.name ?? '').trim();
        if (!name || name.length > 200) throw badRequest('A name is required.', [{ path: 'name', message: 'required', code: 'people.badName' }]);
        await mustBeNewPassword(body.password, { email: inv.email, name });
        userId = '';
        const hash = await hashPassword(body.password);
        const language = (USER_LANGS as readonly string[]).includes(body.language ?? '') ? body.language! : 'en';
        const [u] = await db.insert(users).values({ email: inv.email, name, language, passwordHash: hash, status: 'invited' })
          .onConflictDoUpdate({ target: users.email, set: { name, language, passwordHash: hash }, setWhere: eq(users.status, 'invited') }).returning();
        if (!u) throw conflict('email_taken', 'A person with this e-mail address exists already.');
        userId = u.id;
      }
      return db.transaction(async (tx) => {
        const t = await consumeToken(tx, token, 'invitation');
        if (!t) return null;
        await tx.update(users).set({ status: 'active', passwordChangedAt: inv.existingUser ? undefined : new Date() }).where(and(eq(users.id, userId), eq(users.status, 'invited')));
        await tx.insert(memberships).values({ userId, organisationId: inv.organisation.id, role: inv.role }).onConflictDoNothing();
        const [u] = await tx.select().from(users).where(eq(users.id, userId));
        const actor = await principalFor(u, inv.organisation, inv.role);
        await recordChange(tx, actor, { action: 'invitation.accept', targetType: 'organisation', targetId: inv.organisation.id, summary: { role: inv.role } });
        return { userId, organisationId: inv.organisation.id };
      });
    },

    // ---------------------------------------------------------------- the first admin
    /**
     * At start, when no admin person exists yet: a single-use link (24 h) to create the first one, in
     * the platform's admin organisation. Returns null once there is an admin.
     */
    async firstAdminLink(): Promise<string | null> {
      const [admin] = await db.select({ id: users.id }).from(users).innerJoin(memberships, eq(memberships.userId, users.id))
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId)).where(and(eq(organisations.kind, 'admin'), eq(users.status, 'active'))).limit(1);
      if (admin) return null;
      const token = await db.transaction((tx) => issueToken(tx, { purpose: 'first_admin' }));
      return link('/first-admin', token);
    },

    /** Creates the first admin person from the first-start link. */
    async createFirstAdmin(token: string, body: { email: string; name: string; password: string; language?: string }) {
      if (!(await peekToken(token, 'first_admin'))) return null;
      const org = await service.ensureOrganisation({ kind: 'admin', name: 'OneDoor administrators' });
      const email = normEmail(body.email);
      const name = body.name.trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw badRequest('Not an e-mail address.', [{ path: 'email', message: 'not an e-mail address', code: 'people.badEmail' }]);
      if (!name) throw badRequest('A name is required.', [{ path: 'name', message: 'required', code: 'people.badName' }]);
      await mustBeNewPassword(body.password, { email, name });
      if (!(await db.transaction((tx) => consumeToken(tx, token, 'first_admin')))) return null;
      const u = await service.createPerson(SYSTEM, { organisationId: org.id, email, name, password: body.password, role: 'focal_point', language: body.language });
      return { userId: u.id, organisationId: org.id };
    },

    // ---------------------------------------------------------------- organisation keys
    /** The organisation's API keys (never their secrets), with last use and expiry. */
    async listOrgKeys(organisationId: string) {
      return db.select({ id: apiKeys.id, label: apiKeys.label, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt, createdBy: users.name })
        .from(apiKeys).leftJoin(users, eq(users.id, apiKeys.createdByUser)).where(eq(apiKeys.organisationId, organisationId)).orderBy(desc(apiKeys.createdAt)).limit(200);
    },

    /** A key for the organisation's machines (shown once): it acts with the organisation's kind and binding. */
    async createOrgKey(p: Principal, body: { label: string; expiresInDays?: number | null }) {
      if (!p.organisationId || !p.userId) throw forbidden('Keys belong to an organisation.');
      requireMay(p, 'decide');
      const label = body.label.trim();
      if (!label || label.length > 100) throw badRequest('A label is required.', [{ path: 'label', message: 'required, at most 100 characters', code: 'people.badLabel' }]);
      const days = body.expiresInDays ?? null;
      if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) throw badRequest('Expiry out of range.', [{ path: 'expiresInDays', message: '1 to 3650 days', code: 'people.badExpiry' }]);
      const org = await service.organisation(p.organisationId);
      const { key, hash, prefix } = generateApiKey();
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.insert(apiKeys).values({
          keyHash: hash, prefix, role: org.kind, label, memberState: org.memberState, providerId: org.providerId, entityCode: org.entityCode,
          organisationId: org.id, createdByUser: p.userId, expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
        }).returning();
        await recordChange(tx, p, { action: 'api_key.create', targetType: 'api_key', targetId: r.id, summary: { label, prefix, organisationId: org.id } });
        return r;
      });
      return { id: row.id, key, prefix, expiresAt: row.expiresAt };
    },

    /** Revokes one of the organisation's keys (admins: any key). */
    async revokeOrgKey(p: Principal, id: string) {
      requireMay(p, 'decide');
      // An id from the address: not a UUID is no key (PostgreSQL would refuse the comparison with a 500).
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('API key');
      await db.transaction(async (tx) => {
        const [r] = await tx.update(apiKeys).set({ revokedAt: new Date() })
          .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), p.role === 'admin' ? undefined : eq(apiKeys.organisationId, p.organisationId ?? '00000000-0000-0000-0000-000000000000')))
          .returning({ id: apiKeys.id, label: apiKeys.label });
        if (!r) throw notFound('API key');
        await recordChange(tx, p, { action: 'api_key.revoke', targetType: 'api_key', targetId: id, summary: { label: r.label } });
        await keysChanged(tx);
      });
    },

    /** Rotation: a new key with the same label and expiry span, and the old one revoked, in one step. */
    async rotateOrgKey(p: Principal, id: string) {
      requireMay(p, 'decide');
      const [old] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select().from(apiKeys).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), eq(apiKeys.organisationId, p.organisationId ?? '00000000-0000-0000-0000-000000000000'))) : [];
      if (!old) throw notFound('API key');
      const days = old.expiresAt ? Math.max(1, Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / 86_400_000)) : null;
      const made = await service.createOrgKey(p, { label: old.label, expiresInDays: days });
      await service.revokeOrgKey(p, id);
      return made;
    },

    // ---------------------------------------------------------------- request drafts
    /** Keeps a contributor's request as a draft of their organisation, for a focal point to file. */
    async saveDraft(p: Principal, body: Record<string, unknown>, title: string) {
      requireMay(p, 'draft');
      if (!p.organisationId || !p.userId || !p.memberState) throw forbidden('Drafts belong to a member state\'s organisation.');
      const [d] = await db.insert(requestDrafts).values({ organisationId: p.organisationId, memberState: p.memberState, title: title.slice(0, 300) || '—', body, createdBy: p.userId }).returning();
      await recordChange(db, p, { action: 'request_draft.create', targetType: 'request_draft', targetId: d.id, summary: { title: d.title } });
      return d;
    },

    /** The organisation's drafts not filed yet, with who wrote them. */
    async listDrafts(organisationId: string) {
      return db.select({ id: requestDrafts.id, title: requestDrafts.title, createdAt: requestDrafts.createdAt, author: users.name })
        .from(requestDrafts).innerJoin(users, eq(users.id, requestDrafts.createdBy))
        .where(and(eq(requestDrafts.organisationId, organisationId), isNull(requestDrafts.filedAt))).orderBy(desc(requestDrafts.createdAt)).limit(200);
    },

    async draft(p: Principal, id: string) {
      const [d] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select().from(requestDrafts).where(and(eq(requestDrafts.id, id), eq(requestDrafts.organisationId, p.organisationId ?? '00000000-0000-0000-0000-000000000000'))) : [];
      if (!d) throw notFound('Draft');
      return d;
    },

    /** Files a draft through `submit` (the requests service), as the focal point; marks it filed. */
    async fileDraft<R extends { id: string }>(p: Principal, id: string, submit: (body: Record<string, unknown>) => Promise<R>): Promise<R> {
      requireMay(p, 'file');
      const d = await service.draft(p, id);
      if (d.filedAt) throw conflict('already_filed', 'This draft has been filed already.');
      const [claimed] = await db.update(requestDrafts).set({ filedAt: new Date(), filedBy: p.userId }).where(and(eq(requestDrafts.id, id), isNull(requestDrafts.filedAt))).returning({ id: requestDrafts.id });
      if (!claimed) throw conflict('already_filed', 'This draft has been filed already.');
      try {
        const r = await submit(d.body);
        await db.update(requestDrafts).set({ requestId: r.id }).where(eq(requestDrafts.id, id));
        return r;
      } catch (err) {
        await db.update(requestDrafts).set({ filedAt: null, filedBy: null }).where(eq(requestDrafts.id, id));
        throw err;
      }
    },

    // ---------------------------------------------------------------- audit
    /** The audit log, newest first, with people, organisations and keys named; filtered by words, action and dates. */
    async searchAudit(opts: { q?: string; action?: string; from?: Date; to?: Date; organisationId?: string; limit?: number }) {
      const q = opts.q?.trim();
      const like = q ? `%${q.replace(/[%_\\]/g, '\\$&')}%` : null;
      const where: (SQL | undefined)[] = [
        opts.action ? ilike(auditEvents.action, `${opts.action.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
        opts.from ? gt(auditEvents.createdAt, opts.from) : undefined,
        opts.to ? lt(auditEvents.createdAt, opts.to) : undefined,
        opts.organisationId ? eq(auditEvents.actorOrganisationId, opts.organisationId) : undefined,
        like ? or(ilike(users.name, like), ilike(users.email, like), ilike(organisations.name, like), ilike(apiKeys.label, like), ilike(auditEvents.actorLabel, like), ilike(auditEvents.targetId, like), ilike(auditEvents.action, like)) : undefined,
      ];
      const rows = await db.select({
        id: auditEvents.id, at: auditEvents.createdAt, action: auditEvents.action, targetType: auditEvents.targetType, targetId: auditEvents.targetId,
        summary: auditEvents.summary, role: auditEvents.actorRole, userName: users.name, organisationName: organisations.name, keyLabel: apiKeys.label, label: auditEvents.actorLabel,
      }).from(auditEvents)
        .leftJoin(users, eq(users.id, auditEvents.actorUserId))
        .leftJoin(organisations, eq(organisations.id, auditEvents.actorOrganisationId))
        .leftJoin(apiKeys, eq(apiKeys.id, auditEvents.actorKeyId))
        .where(and(...where)).orderBy(desc(auditEvents.createdAt)).limit(Math.min(opts.limit ?? 200, 500));
      return rows.map((r) => ({ ...r, actor: r.userName ?? (r.keyLabel ? `${r.keyLabel} (API key)` : r.label ?? r.role) }));
    },
  };
  return service;
}
export type PeopleService = ReturnType<typeof createPeopleService>;

/** A password that cannot be set (or a wrong current password), with the rule it broke. */
export class PasswordRefused extends Error {
  constructor(readonly problems: (PasswordProblem | 'wrongCurrent')[], readonly secondFactor: boolean) {
    super(`password refused: ${problems.join(', ')}`);
    this.name = 'PasswordRefused';
  }
}
