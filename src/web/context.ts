import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../plugins/auth.plugin.js';
import type { ReferenceSnapshot } from '../modules/reference/reference.service.js';
import type { SafeHtml } from './html.js';
import type { I18n, MessageKey } from './i18n/index.js';

/** What every page handler knows about the person in front of the browser. */
export interface WebContext {
  i: I18n;
  principal: Principal | null;
  /**
   * The browser's session, also while half signed-in (a second factor still owed, when `principal` is
   * null): factors' pages read the user and organisation from it.
   */
  session?: {
    id: string; userId: string; organisationId: string; organisationName: string; email: string; halfSignedIn: boolean; expiresAt: Date;
    /** The organisations the person may act for: more than one, the header offers to switch. */
    organisations: { id: string; name: string }[];
    /** Who the person is, also while half signed-in (the second factor's audit events name them). */
    actor: Principal;
  };
  /** The CSRF token to put in every POST form of this page. */
  csrf: string;
  /** The path and query of this page (for the language switcher's return address). */
  path: string;
  /** Whom the signed-in key stands for, named in the page's language ("Mali", "Office des Nations Unies contre la drogue et le crime"). */
  boundName?: string;
  /** The signed-in person's unread notifications (set for GET pages; absent for an API key's session). */
  unread?: number;
}

declare module 'fastify' {
  interface FastifyRequest { web?: WebContext }
}

/** A page-level refusal: the error handler renders it as a page (or a redirect to sign-in). */
export class WebError extends Error {
  constructor(readonly statusCode: 401 | 403 | 404 | 409 | 413, readonly messageKey: MessageKey) {
    super(messageKey);
    this.name = 'WebError';
  }
}

export const ctxOf = (req: FastifyRequest): WebContext => {
  if (!req.web) throw new Error('web context missing (preHandler did not run)');
  return req.web;
};

/** The signed-in principal with one of `roles` (any role when none given); otherwise sign-in or 403. */
export function need(req: FastifyRequest, ...roles: Role[]): Principal {
  const p = ctxOf(req).principal;
  if (!p) throw new WebError(401, 'error.signInNeeded');
  if (roles.length && !roles.includes(p.role)) throw new WebError(403, 'error.forbidden');
  return p;
}

/** Sends a rendered page; pages of a signed-in user are never cached by shared caches. */
export function sendPage(req: FastifyRequest, reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  if (req.web?.principal) reply.header('cache-control', 'no-store');
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** A made-up origin that a return address is resolved against; nothing is ever sent there. */
const HERE = 'http://onedoor.invalid';

/**
 * A local path to come back to (the one home of this rule: sign-in, the language switch, any
 * `next=`). The address is normalised as a browser would read it, then kept only when it stays on
 * this origin: dot segments (`/.//`, `/a/../..//`, `/%2e%2e//`) are resolved, backslashes read as
 * slashes and runs of slashes collapsed, so the answer is never a scheme-relative `//host`.
 * Control characters and spaces (browsers drop tabs and newlines, so `/\t/evil` is `//evil`) and
 * encoded separators or controls in the path (`%2f`, `%5c`, `%09`) are refused. Else `fallback`.
 * `dropParam` removes one query parameter from the answer (the language switch drops `lang`).
 */
export function safeNext(v: unknown, fallback = '/', dropParam?: string): string {
  if (typeof v !== 'string' || v.length >= 500 || !/^\/[\x21-\x7e]*$/.test(v)) return fallback;
  const path = v.split(/[?#]/, 1)[0]!;
  if (/%(?:[01][0-9a-f]|2[0f]|5c|7f)/i.test(path)) return fallback;
  let url: URL;
  try { url = new URL(path.replace(/\\/g, '/') + v.slice(path.length), HERE); } catch { return fallback; }
  if (url.origin !== HERE) return fallback;
  if (dropParam) url.searchParams.delete(dropParam);
  const out = url.pathname.replace(/\/{2,}/g, '/') + url.search;
  return out.length < 500 ? out : fallback;
}

/**
 * The reference snapshot helpers pages use to name things in the user's language: the UN's own short
 * names for states and M49 regions (UNSD tables, six languages) and the entities' official names.
 */
export function namer(ref: ReferenceSnapshot, i: I18n) {
  const entityName = (code: string) => {
    const e = ref.entityByCode.get(code);
    return e ? e.names[i.lang] || e.name : code;
  };
  return {
    area: (code: string) => {
      const a = ref.areaByCode.get(code);
      return a ? (a.names[i.lang] || a.names.en || code) : code;
    },
    /** An M49 region, sub-region or intermediate region by its UN name in the page's language. */
    region: (m49: string, fallback?: string | null) => ref.regionByCode.get(m49)?.names[i.lang] || fallback || m49,
    state: (iso3: string) => ref.stateByIso3.get(iso3)?.names[i.lang] || iso3,
    /** "DPO — Département des opérations de paix"; an old code is named as itself (its own, historical name). */
    entity: (code: string | null | undefined) => (code ? `${code} — ${entityName(code)}` : ''),
    entityName,
  };
}
export type Namer = ReturnType<typeof namer>;

/** A form value as a list (checkbox groups arrive as a string or an array). */
export function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

/** A form value as one trimmed string. */
export function str(v: unknown): string {
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === 'string' ? v.trim() : '';
}

/** A comma/semicolon/space separated list of codes, upper- or as-is cased. */
export function codes(v: unknown, upper = true): string[] {
  return str(v).split(/[\s,;]+/).map((x) => (upper ? x.toUpperCase() : x)).filter(Boolean);
}
