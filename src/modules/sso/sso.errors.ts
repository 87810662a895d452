import { AppError } from '../../errors.js';

/**
 * Why a single sign-on was refused. Each code has its sentence in the user's language on the web
 * (src/web/i18n/features/sso.ts); the English message is for logs and the API.
 */
export const SSO_REFUSALS = {
  sso_not_configured: [404, 'This organisation has no identity provider configured, or it is switched off.'],
  sso_bad_state: [400, 'This sign-in link is not valid here: it was already used, has expired, or was started in another browser. Start again.'],
  sso_idp_refused: [400, 'The identity provider did not sign you in.'],
  sso_code_rejected: [400, 'The identity provider refused the sign-in code (it was already used or has expired). Start again.'],
  sso_token_invalid: [400, 'The identity provider\'s answer failed a security check (it was not issued for OneDoor, or not for this sign-in).'],
  sso_idp_unreachable: [502, 'The identity provider could not be reached. Try again in a moment.'],
  sso_address_refused: [400, 'The identity provider is at an address OneDoor does not connect to (loopback, private network or this server).'],
  sso_email_missing: [403, 'The identity provider did not give a verified e-mail address.'],
  sso_domain_not_allowed: [403, 'Your e-mail address is not in a domain this organisation signs in with.'],
  sso_other_organisation: [403, 'Your account belongs to another organisation: sign in through that organisation\'s identity provider.'],
  sso_not_member: [403, 'You are no longer a member of this organisation. Ask its focal point to invite you again.'],
  sso_user_suspended: [403, 'Your account is suspended. Ask your organisation\'s focal point or an administrator.'],
  sso_organisation_inactive: [403, 'This organisation is not active on OneDoor.'],
} as const satisfies Record<string, readonly [number, string]>;
export type SsoRefusal = keyof typeof SSO_REFUSALS;

/** A refused single sign-on; `reason` says more for the log (never a token or secret). */
export class SsoError extends AppError {
  constructor(readonly refusal: SsoRefusal, readonly reason?: string) {
    super(SSO_REFUSALS[refusal][0], refusal, SSO_REFUSALS[refusal][1]);
    this.name = 'SsoError';
  }
}
