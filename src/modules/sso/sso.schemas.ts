import { z } from 'zod';
import { PROVIDER_KINDS } from '../common.schemas.js';

const NoNul = (s: string) => !s.includes('\u0000');
/**
 * A name is one line: no control character (CR, LF, tab, NUL, NEL…) and no Unicode line or paragraph
 * separator. The public registration mails its names to the address it is given; a line break in
 * them wrote lines of the sender's choosing into a mail sent under OneDoor's name.
 */
const OneLine = (s: string) => !/[\p{Cc}\u2028\u2029]/u.test(s);
const Name = z.string().trim().min(2).max(200).refine(OneLine, 'must be one line, without control characters');
const MEMBER_ROLES = ['focal_point', 'contributor', 'reader'] as const;
const LANGS = ['en', 'fr', 'es', 'ru', 'zh', 'ar'] as const;

/** An e-mail domain as people type it ("unodc.org", "@UNODC.org "), lower-cased and without the @. */
export const EmailDomain = z.string().trim().toLowerCase().transform((v) => v.replace(/^@/, ''))
  .pipe(z.string().max(253).regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as unodc.org'));

/** The issuer of an identity provider: https, or plain http only on this machine (a provider for development or tests). */
export const IssuerUrl = z.string().trim().max(500).refine((v) => {
  try {
    const u = new URL(v);
    if (u.search || u.hash || u.username || u.password) return false;
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch { return false; }
}, 'must be the provider\'s https:// issuer URL (without query or fragment)');

/** What an admin sets for an organisation's identity provider; an empty secret keeps the stored one. */
export const SsoConfigBody = z.strictObject({
  issuer: IssuerUrl,
  clientId: z.string().trim().min(1).max(300).refine(NoNul, 'must not contain the NUL character'),
  clientSecret: z.string().max(2000).refine(NoNul, 'must not contain the NUL character').optional(),
  allowedDomains: z.array(EmailDomain).min(1, 'at least one e-mail domain').max(50),
  defaultRole: z.enum(MEMBER_ROLES).default('reader'),
  enabled: z.boolean().default(true),
  /** The provider enforces multi-factor sign-in itself, so OneDoor does not ask for its own second factor after it. */
  idpEnforcesMfa: z.boolean().default(false),
});
export type SsoConfigBody = z.input<typeof SsoConfigBody>;

/** An identity provider's settings as shown (the secret never leaves the server). */
export interface SsoConfigView {
  organisationId: string; organisationName: string; issuer: string; clientId: string; hasSecret: true;
  allowedDomains: string[]; defaultRole: (typeof MEMBER_ROLES)[number]; enabled: boolean; idpEnforcesMfa: boolean; updatedAt: string; updatedBy: string;
}

/** The kinds a provider may register itself as (a Task Force entity is linked by an admin, never self-declared). */
export const SELF_REGISTRATION_KINDS = PROVIDER_KINDS.filter((k) => k !== 'task_force_entity') as Exclude<(typeof PROVIDER_KINDS)[number], 'task_force_entity'>[];

/** A provider's self-registration form. */
export const ProviderRegistrationBody = z.strictObject({
  organisationName: Name,
  kind: z.enum(SELF_REGISTRATION_KINDS as [string, ...string[]]),
  contactName: Name,
  contactEmail: z.string().trim().toLowerCase().max(320).pipe(z.email({ message: 'must be an e-mail address' })),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a country code such as NOR'),
  website: z.string().trim().max(500).refine((v) => {
    try { const u = new URL(v); return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.') && !u.username && !u.password; } catch { return false; }
  }, 'must be a web address starting with https://'),
  language: z.enum(LANGS).default('en'),
});
export type ProviderRegistrationBody = z.input<typeof ProviderRegistrationBody>;

/** The answer shapes of the API (the secret is never among them). */
export const SsoConfigReply = z.object({
  organisationId: z.uuid(), organisationName: z.string(), issuer: z.string(), clientId: z.string(), hasSecret: z.literal(true),
  allowedDomains: z.array(z.string()), defaultRole: z.enum(MEMBER_ROLES), enabled: z.boolean(), idpEnforcesMfa: z.boolean(), updatedAt: z.string(), updatedBy: z.string(),
});
export const RegistrationReply = z.object({
  organisationId: z.uuid(), providerId: z.uuid(), name: z.string(), kind: z.string(), status: z.string(), country: z.string(), website: z.string(),
  contactName: z.string(), contactEmail: z.string(), submittedAt: z.string(), decision: z.string().nullable(), decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(), decisionNote: z.string().nullable(),
});
export const RegistrationsQuery = z.strictObject({ status: z.enum(['waiting', 'decided', 'all']).default('waiting') });
export const RejectBody = z.strictObject({ note: z.string().trim().min(1).max(2000).refine(NoNul, 'must not contain the NUL character') });
