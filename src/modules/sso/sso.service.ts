import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { memberships, organisations, ssoConfigs, ssoSignIns, userIdentities, users } from '../../../db/schema/index.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { MemberRole, Principal } from '../../plugins/auth.plugin.js';
import { zodIssueDetail } from '../common/zod-details.js';
import { actorLabel, recordChange, SYSTEM } from '../events/events.repository.js';
import type { OidcClient } from './oidc-client.js';
import type { SecretBox } from '../common/secrets.js';
import { SsoError } from './sso.errors.js';
import { SsoConfigBody, type SsoConfigView } from './sso.schemas.js';

const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
/** How long a started sign-in may take at the identity provider. */
const SIGN_IN_TTL_MS = 10 * 60_000;
const LANGS = new Set(['en', 'fr', 'es', 'ru', 'zh', 'ar']);
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What sso needs of people: sessions and the second-factor rule are theirs. */
export interface SsoPeople {
  createSession(userId: string, organisationId: string, opts?: { secondFactorNeeded?: boolean; ip?: string; userAgent?: string }): Promise<{ token: string; id: string; maxAgeS: number }>;
  secondFactorStep(userId: string): Promise<{ needed: boolean; next: string | null }>;
}

/** One organisation a person may sign in through. */
export interface SsoChoice { organisationId: string; name: string }

/**
 * Single sign-on through an organisation's OpenID Connect provider (issue 13, item 3): the settings
 * per organisation, sign-in and the provisioning rule. A person is provisioned on first sign-in into
 * that organisation only (as its default role), linked by (issuer, subject); an identity linked to one
 * organisation never signs into another; suspended people and organisations are refused.
 */
export function createSsoService(deps: { db: Db; oidc: OidcClient; box: SecretBox; people: () => SsoPeople; now?: () => Date }) {
  const { db, oidc, box } = deps;
  const now = deps.now ?? (() => new Date());
  const secretContext = (orgId: string) => `sso_configs.client_secret:${orgId}`;
  const verifierContext = (stateHash: string) => `sso_sign_ins.code_verifier:${stateHash}`;

  async function configRow(orgId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(orgId)) return null;
    const [r] = await db.select({ c: ssoConfigs, name: organisations.name, status: organisations.status }).from(ssoConfigs)
      .innerJoin(organisations, eq(organisations.id, ssoConfigs.organisationId)).where(eq(ssoConfigs.organisationId, orgId));
    return r ?? null;
  }

  const view = (r: NonNullable<Awaited<ReturnType<typeof configRow>>>): SsoConfigView => ({
    organisationId: r.c.organisationId, organisationName: r.name, issuer: r.c.issuer, clientId: r.c.clientId, hasSecret: true,
    allowedDomains: r.c.allowedDomains, defaultRole: r.c.defaultRole as MemberRole, enabled: r.c.enabled, idpEnforcesMfa: r.c.idpEnforcesMfa,
    updatedAt: r.c.updatedAt.toISOString(), updatedBy: r.c.updatedBy,
  });

  /** A sealed value this service wrote; one that does not open means the key changed (ENCRYPTION_KEY or SESSION_SECRET). */
  const opened = (sealed: string, context: string): string => {
    const v = box.open(sealed, context);
    if (v === null) throw new Error('a sealed single sign-on secret does not open: ENCRYPTION_KEY (or SESSION_SECRET) changed since it was saved');
    return v;
  };
  const settingsOf = (c: typeof ssoConfigs.$inferSelect) => ({ issuer: c.issuer, clientId: c.clientId, clientSecret: opened(c.clientSecretSealed, secretContext(c.organisationId)) });

  async function choices(domain: string | null): Promise<SsoChoice[]> {
    const rows = await db.select({ organisationId: ssoConfigs.organisationId, name: organisations.name }).from(ssoConfigs)
      .innerJoin(organisations, eq(organisations.id, ssoConfigs.organisationId))
      .where(and(eq(ssoConfigs.enabled, true), eq(organisations.status, 'active'), domain ? sql`${domain} = any(${ssoConfigs.allowedDomains})` : undefined))
      .orderBy(asc(organisations.name)).limit(200);
    return rows;
  }

  /**
   * Finds or provisions the user the verified claims stand for in `orgId`, under the rules above.
   * Returns the user to sign in; throws SsoError with the reason otherwise.
   */
  async function resolveUser(c: typeof ssoConfigs.$inferSelect, claims: { issuer: string; subject: string; email: string | null; emailVerified: boolean; name: string | null }, lang: string) {
    const orgId = c.organisationId;
    return db.transaction(async (tx) => {
      const [org] = await tx.select().from(organisations).where(eq(organisations.id, orgId));
      if (!org) throw new SsoError('sso_not_configured', 'organisation gone');
      if (org.status !== 'active') throw new SsoError('sso_organisation_inactive', org.status);
      const email = claims.email && claims.emailVerified ? claims.email : null;
      const domain = email?.split('@')[1] ?? null;
      const [linked] = await tx.select().from(userIdentities).where(and(eq(userIdentities.issuer, claims.issuer), eq(userIdentities.subject, claims.subject))).for('update');
      if (linked && linked.organisationId !== orgId) throw new SsoError('sso_other_organisation', `identity linked to organisation ${linked.organisationId}`);
      if (!email) throw new SsoError('sso_email_missing', claims.email ? 'email_verified is false' : 'no email claim');
      if (!domain || !c.allowedDomains.includes(domain)) throw new SsoError('sso_domain_not_allowed', `domain ${domain ?? '(none)'}`);

      let user: typeof users.$inferSelect | undefined;
      let provisioned = false;
      if (linked) {
        [user] = await tx.select().from(users).where(eq(users.id, linked.userId));
      } else {
        [user] = await tx.select().from(users).where(eq(users.email, email));
        if (user) {
          const theirs = await tx.select({ organisationId: memberships.organisationId }).from(memberships).where(eq(memberships.userId, user.id));
          // A person of another organisation is not moved or added here by an identity provider: an admin or focal point invites them.
          if (theirs.length && !theirs.some((m) => m.organisationId === orgId)) throw new SsoError('sso_other_organisation', 'e-mail belongs to a member of another organisation');
        } else {
          const name = (claims.name ?? email.split('@')[0]).slice(0, 200);
          [user] = await tx.insert(users).values({ email, name, language: LANGS.has(lang) ? lang : 'en', passwordHash: null, status: 'active' })
            .onConflictDoNothing({ target: users.email }).returning();
          if (!user) throw new SsoError('sso_bad_state', 'user created concurrently'); // a second tab at the same instant: start again
          provisioned = true;
        }
        await tx.insert(userIdentities).values({ issuer: claims.issuer, subject: claims.subject, userId: user.id, organisationId: orgId, email, lastSignInAt: now() });
      }
      if (!user) throw new SsoError('sso_not_configured', 'linked user gone');
      if (user.status === 'suspended') throw new SsoError('sso_user_suspended', user.id);
      const [m] = await tx.select().from(memberships).where(and(eq(memberships.userId, user.id), eq(memberships.organisationId, orgId)));
      // A focal point suspended this person's membership here: the identity provider does not lift it.
      if (m && m.status !== 'active') throw new SsoError('sso_user_suspended', user.id);
      if (!m) {
        if (linked) throw new SsoError('sso_not_member', 'membership removed');
        await tx.insert(memberships).values({ userId: user.id, organisationId: orgId, role: c.defaultRole });
      }
      if (user.status === 'invited') await tx.update(users).set({ status: 'active' }).where(eq(users.id, user.id));
      if (linked) await tx.update(userIdentities).set({ lastSignInAt: now(), email }).where(and(eq(userIdentities.issuer, claims.issuer), eq(userIdentities.subject, claims.subject)));
      const actor: Principal = { ...SYSTEM, label: user.name, userId: user.id, organisationId: orgId, memberRole: (m?.role ?? c.defaultRole) as MemberRole };
      await recordChange(tx, actor, {
        action: provisioned ? 'user.sso_provisioned' : 'user.sso_sign_in', targetType: 'user', targetId: user.id,
        summary: { organisationId: orgId, issuer: claims.issuer, ...(provisioned ? { role: c.defaultRole } : {}) },
      });
      return { userId: user.id, organisationId: orgId, provisioned };
    });
  }

  return {
    /** The settings of every organisation that has an identity provider. */
    async listConfigs(): Promise<SsoConfigView[]> {
      const rows = await db.select({ c: ssoConfigs, name: organisations.name, status: organisations.status }).from(ssoConfigs)
        .innerJoin(organisations, eq(organisations.id, ssoConfigs.organisationId)).orderBy(asc(organisations.name));
      return rows.map(view);
    },

    /** One organisation's settings, or null. */
    async getConfig(orgId: string): Promise<SsoConfigView | null> {
      const r = await configRow(orgId);
      return r ? view(r) : null;
    },

    /**
     * Saves an organisation's identity provider (admins only): checks the settings, that the provider
     * answers its discovery document under this issuer, and seals the client secret. Audited (never the secret).
     */
    async saveConfig(p: Principal, orgId: string, input: SsoConfigBody): Promise<SsoConfigView> {
      if (p.role !== 'admin') throw forbidden('Only an administrator configures single sign-on.');
      const parsed = SsoConfigBody.safeParse(input);
      if (!parsed.success) throw badRequest('The identity provider settings are not valid.', parsed.error.issues.map((i) => zodIssueDetail(i)));
      const b = parsed.data;
      const [org] = /^[0-9a-f-]{36}$/i.test(orgId) ? await db.select().from(organisations).where(eq(organisations.id, orgId)) : [];
      if (!org) throw notFound('Organisation');
      const before = await configRow(orgId);
      const secret = b.clientSecret?.trim() ? b.clientSecret.trim() : before ? settingsOf(before.c).clientSecret : null;
      if (!secret) throw badRequest('The client secret is required.', [{ path: 'clientSecret', message: 'required when no secret is stored yet', code: 'sso.secretRequired' }]);
      try {
        const found = await oidc.discover({ issuer: b.issuer, clientId: b.clientId, clientSecret: secret });
        if (!found.authorizationEndpoint) throw new SsoError('sso_idp_unreachable', 'no authorization endpoint');
      } catch (err) {
        // Our own words only: what the provider (or whatever answered at the URL) sent is never echoed back.
        const reason = err instanceof SsoError ? (err.refusal === 'sso_address_refused' ? `${err.message} ${err.reason ?? ''}`.trim() : err.message) : 'the discovery failed';
        throw badRequest('The identity provider did not answer its OpenID Connect discovery at this issuer.', [{ path: 'issuer', message: reason, code: 'sso.discoveryFailed' }]);
      }
      const domains = [...new Set(b.allowedDomains)];
      const values = {
        issuer: b.issuer, clientId: b.clientId, clientSecretSealed: box.seal(secret, secretContext(orgId)), allowedDomains: domains,
        defaultRole: b.defaultRole, enabled: b.enabled, idpEnforcesMfa: b.idpEnforcesMfa, updatedAt: now(), updatedBy: actorLabel(p),
      };
      await db.transaction(async (tx) => {
        await tx.insert(ssoConfigs).values({ organisationId: orgId, ...values }).onConflictDoUpdate({ target: ssoConfigs.organisationId, set: values });
        await recordChange(tx, p, {
          action: before ? 'sso.config_changed' : 'sso.config_created', targetType: 'organisation', targetId: orgId,
          summary: { issuer: b.issuer, clientId: b.clientId, allowedDomains: domains, defaultRole: b.defaultRole, enabled: b.enabled, idpEnforcesMfa: b.idpEnforcesMfa, secretChanged: !!b.clientSecret?.trim() },
        });
      });
      return view((await configRow(orgId))!);
    },

    /** The organisations a person with this e-mail address may sign in through (by its domain). */
    choicesForEmail(email: string): Promise<SsoChoice[]> {
      const domain = email.trim().toLowerCase().split('@')[1] ?? '';
      return /^[a-z0-9.-]{1,253}$/.test(domain) ? choices(domain) : Promise.resolve([]);
    },

    /** Every organisation that signs in through its own identity provider. */
    allChoices(): Promise<SsoChoice[]> { return choices(null); },

    /**
     * Starts a sign-in through `organisationId`'s provider: stores state, nonce and the sealed PKCE
     * verifier (single use, 10 minutes), bound to `browserToken` (a cookie of the browser).
     */
    async begin(o: { organisationId: string; redirectUri: string; browserToken: string; loginHint?: string; returnTo?: string | null }): Promise<{ url: string }> {
      const r = await configRow(o.organisationId);
      if (!r || !r.c.enabled || r.status !== 'active') throw new SsoError('sso_not_configured', o.organisationId);
      const started = await oidc.begin(settingsOf(r.c), o.redirectUri, { loginHint: o.loginHint });
      const stateHash = sha256(started.state);
      const at = now();
      await db.delete(ssoSignIns).where(lt(ssoSignIns.expiresAt, new Date(at.getTime() - 24 * 3_600_000)));
      await db.insert(ssoSignIns).values({
        stateHash, organisationId: o.organisationId, browserHash: sha256(o.browserToken), nonce: started.nonce,
        codeVerifierSealed: box.seal(started.codeVerifier, verifierContext(stateHash)), returnTo: o.returnTo ?? null,
        createdAt: at, expiresAt: new Date(at.getTime() + SIGN_IN_TTL_MS),
      });
      return { url: started.url };
    },

    /**
     * Completes a sign-in from the URL the provider sent the browser back to: the state must be one
     * this browser started and not yet used; the code is exchanged and the ID token checked
     * (openid-client); then the person is found or provisioned and a session made through people.
     */
    async complete(o: { callbackUrl: URL; browserToken: string | undefined; language: string; ip?: string; userAgent?: string }) {
      const state = o.callbackUrl.searchParams.get('state');
      if (!state || state.length > 200 || !o.browserToken) throw new SsoError('sso_bad_state', state ? 'no browser cookie' : 'no state');
      const stateHash = sha256(state);
      const [started] = await db.update(ssoSignIns).set({ usedAt: now() })
        .where(and(eq(ssoSignIns.stateHash, stateHash), isNull(ssoSignIns.usedAt), gt(ssoSignIns.expiresAt, now())))
        .returning();
      if (!started) throw new SsoError('sso_bad_state', 'unknown, used or expired state');
      if (!sameHash(started.browserHash, sha256(o.browserToken))) throw new SsoError('sso_bad_state', 'started in another browser');
      const r = await configRow(started.organisationId);
      if (!r || !r.c.enabled) throw new SsoError('sso_not_configured', started.organisationId);
      const claims = await oidc.complete(settingsOf(r.c), o.callbackUrl, {
        state, nonce: started.nonce, codeVerifier: opened(started.codeVerifierSealed, verifierContext(stateHash)),
      });
      const who = await resolveUser(r.c, claims, o.language);
      const step = r.c.idpEnforcesMfa ? { needed: false, next: null } : await deps.people().secondFactorStep(who.userId);
      const session = await deps.people().createSession(who.userId, who.organisationId, { secondFactorNeeded: step.needed, ip: o.ip, userAgent: o.userAgent });
      return { ...who, session, secondFactor: step, returnTo: started.returnTo };
    },

    /** A fresh random value for the browser-binding cookie of a sign-in. */
    newBrowserToken: () => randomBytes(24).toString('base64url'),
  };
}
export type SsoService = ReturnType<typeof createSsoService>;
