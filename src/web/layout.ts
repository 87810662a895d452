import type { Role } from '../plugins/auth.plugin.js';
import type { WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import { AUTONYMS, UI_LANGS, type MessageKey } from './i18n/index.js';

interface NavItem { href: string; key: MessageKey; roles: Role[] | 'anyone' }

const NAV: NavItem[] = [
  { href: '/requests', key: 'nav.requests', roles: ['member_state', 'cted', 'admin', 'entity'] },
  { href: '/requests/new', key: 'nav.newRequest', roles: ['member_state'] },
  { href: '/offerings', key: 'nav.offerings', roles: ['provider'] },
  { href: '/offerings/upload', key: 'nav.upload', roles: ['provider'] },
  { href: '/inbox', key: 'nav.inbox', roles: ['provider'] },
  { href: '/triage', key: 'nav.triage', roles: ['cted', 'admin'] },
  { href: '/review', key: 'nav.review', roles: ['cted', 'admin'] },
  { href: '/entity', key: 'nav.entity', roles: ['entity', 'cted', 'admin'] },
  { href: '/needs', key: 'nav.needs', roles: ['cted', 'admin', 'entity'] },
  { href: '/analytics', key: 'nav.analytics', roles: ['cted', 'admin', 'entity'] },
  { href: '/profiles', key: 'prof.nav', roles: ['member_state', 'cted', 'admin', 'entity', 'provider'] },
  { href: '/messages/search', key: 'nav.talkSearch', roles: ['cted', 'admin'] },
  { href: '/admin/entities', key: 'ent.nav', roles: ['admin'] },
  { href: '/admin/screening', key: 'nav.screening', roles: ['admin'] },
  { href: '/saved-searches', key: 'nav.savedSearches', roles: ['provider'] },
  { href: '/admin/organisations', key: 'pp.orgs', roles: ['admin'] },
  { href: '/admin/registrations', key: 'reg.nav', roles: ['admin'] },
  { href: '/admin/sso', key: 'sso.nav', roles: ['admin'] },
  { href: '/directory', key: 'nav.directory', roles: 'anyone' },
];

/** The navigation entries a principal may use. */
export function navFor(ctx: WebContext): NavItem[] {
  const role = ctx.principal?.role;
  return NAV.filter((n) => n.roles === 'anyone' || (role && n.roles.includes(role)));
}

/** Who is signed in, in a few words. */
export function whoLabel(ctx: WebContext): string {
  const p = ctx.principal;
  if (!p) return '';
  const bound = ctx.boundName ?? p.memberState ?? p.entity;
  return `${bound ?? ctx.i.t(`role.${p.role}` as MessageKey)} (${p.label})`;
}

/** A hidden CSRF field for POST forms. */
export const csrfField = (ctx: WebContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

/** The header's choice of the organisation the session acts for, for a person of several (src/web/pages/people.pages.ts handles it). */
function organisationSwitcher(ctx: WebContext): SafeHtml | '' {
  const s = ctx.session;
  if (!s || s.organisations.length < 2) return '';
  const { i } = ctx;
  return html`<form method="post" action="/account/organisation" class="inline org-switch">${csrfField(ctx)}
    <label for="f-switch-org">${i.t('ac.orgSwitch')}</label> <select id="f-switch-org" name="organisationId">${s.organisations.map((o) => html`<option value="${o.id}"${o.id === s.organisationId ? html` selected` : ''}>${o.name}</option>`)}</select>
    <button type="submit" class="small secondary">${i.t('ac.orgSwitchButton')}</button></form> `;
}

const langHref = (ctx: WebContext, l: string) => `/language/${l}?next=${encodeURIComponent(ctx.path)}`;

/** The whole HTML document: skip link, header with navigation and language switcher, main, footer. */
export function page(ctx: WebContext, opts: { title: string; body: SafeHtml; active?: string; scripts?: string[]; notice?: string | null; wide?: boolean }): SafeHtml {
  const { i } = ctx;
  const nav = navFor(ctx);
  return html`<!doctype html>
<html lang="${i.lang}" dir="${i.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${i.t('app.name')}</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="data:,">
${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">${i.t('nav.skip')}</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/"><span aria-hidden="true">▣</span> ${i.t('app.name')}</a>
    <span class="tagline">${i.t('app.tagline')}</span>
    <nav class="langs" aria-label="${i.t('nav.language')}">
      <ul>${UI_LANGS.map((l) => html`<li><a href="${langHref(ctx, l)}" lang="${l}" hreflang="${l}"${l === i.lang ? html` aria-current="true"` : ''}>${AUTONYMS[l]}</a></li>`)}</ul>
    </nav>
  </div>
  <div class="bar nav">
    <nav aria-label="${i.t('nav.main')}">
      <ul>
        <li><a href="/"${opts.active === '/' ? html` aria-current="page"` : ''}>${i.t('nav.home')}</a></li>
        ${nav.map((n) => html`<li><a href="${n.href}"${opts.active === n.href ? html` aria-current="page"` : ''}>${i.t(n.key)}</a></li>`)}
      </ul>
    </nav>
    <div class="who">
      ${ctx.principal
        ? html`${ctx.unread !== undefined ? html`<a href="/notifications" class="notifications-link" id="unread-count">${i.t('nav.notifications')}${ctx.unread ? html` <span class="unread">${i.t('notify.unread', { n: ctx.unread })}</span>` : ''}</a> ` : ''}<span>${i.t('nav.signedInAs', { who: whoLabel(ctx) })}</span> ${organisationSwitcher(ctx)}<a href="/account">${i.t('pp.account')}</a>
          <form method="post" action="/sign-out" class="inline">${csrfField(ctx)}<button type="submit" class="link">${i.t('nav.signOut')}</button></form>`
        : html`<a href="/sign-in" class="button small">${i.t('nav.signIn')}</a>`}
    </div>
  </div>
</header>
<main id="main" tabindex="-1"${opts.wide ? html` class="wide"` : ''}>
${ctx.principal ? html`<p class="print-meta">${i.t('print.meta', { date: new Intl.DateTimeFormat(i.lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date()) + ' UTC', who: whoLabel(ctx) })}</p>` : ''}
${opts.notice ? html`<div class="notice" role="status">${opts.notice}</div>` : ''}
${opts.body}
</main>
<footer class="site"><p>${i.t('app.name')} · ${i.t('app.tagline')} · <a href="/directory">${i.t('nav.directory')}</a></p></footer>
</body>
</html>`;
}

/** Field-level problems of a form, by field name, already in the user's language. */
export type FieldErrors = Record<string, string>;

interface FieldBase {
  name: string; label: string; hint?: string; errors?: FieldErrors; required?: boolean; optionalText?: string;
  /** The element id's stem when the same name appears more than once on a page (default: the name). */
  id?: string;
}

const ids = (stem: string) => ({ id: `f-${stem}`, hint: `f-${stem}-hint`, err: `f-${stem}-error` });

function described(f: FieldBase) {
  const { hint, err } = ids(f.id ?? f.name);
  const parts = [f.hint ? hint : '', f.errors?.[f.name] ? err : ''].filter(Boolean).join(' ');
  return parts ? html` aria-describedby="${parts}"` : '';
}

function labelAndHelp(f: FieldBase, labelFor = true) {
  const { id, hint, err } = ids(f.id ?? f.name);
  return html`${labelFor ? html`<label for="${id}">${f.label}${f.optionalText ? html` <span class="opt">(${f.optionalText})</span>` : ''}</label>` : ''}
    ${f.hint ? html`<p class="hint" id="${hint}">${f.hint}</p>` : ''}
    ${f.errors?.[f.name] ? html`<p class="error" id="${err}"><span aria-hidden="true">⚠ </span>${f.errors[f.name]}</p>` : ''}`;
}

const invalid = (f: FieldBase) => (f.errors?.[f.name] ? html` aria-invalid="true"` : '');
const req = (f: FieldBase) => (f.required ? html` required` : '');

/** A labelled single-line input with its hint and error next to it. */
export function textField(f: FieldBase & { value?: string; type?: string; attrs?: SafeHtml }): SafeHtml {
  const { id } = ids(f.id ?? f.name);
  return html`<div class="field${f.errors?.[f.name] ? ' has-error' : ''}">${labelAndHelp(f)}
    <input id="${id}" name="${f.name}" type="${f.type ?? 'text'}" value="${f.value ?? ''}"${req(f)}${invalid(f)}${described(f)}${f.attrs ?? ''}></div>`;
}

/** A labelled multi-line input. */
export function textArea(f: FieldBase & { value?: string; rows?: number; attrs?: SafeHtml }): SafeHtml {
  const { id } = ids(f.id ?? f.name);
  return html`<div class="field${f.errors?.[f.name] ? ' has-error' : ''}">${labelAndHelp(f)}
    <textarea id="${id}" name="${f.name}" rows="${f.rows ?? 6}"${req(f)}${invalid(f)}${described(f)}${f.attrs ?? ''}>${f.value ?? ''}</textarea></div>`;
}

/** A labelled select. */
export function selectField(f: FieldBase & { value?: string; options: { value: string; label: string }[]; attrs?: SafeHtml }): SafeHtml {
  const { id } = ids(f.id ?? f.name);
  return html`<div class="field${f.errors?.[f.name] ? ' has-error' : ''}">${labelAndHelp(f)}
    <select id="${id}" name="${f.name}"${req(f)}${invalid(f)}${described(f)}${f.attrs ?? ''}>
      ${f.options.map((o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.label}</option>`)}
    </select></div>`;
}

/** A fieldset of checkboxes (multiple) or radio buttons (single), with legend, hint and error. */
export function choiceGroup(f: FieldBase & { type: 'checkbox' | 'radio'; options: { value: string; label: string; hint?: string }[]; selected: string[]; groups?: { legend: string; values: string[] }[]; columns?: boolean }): SafeHtml {
  const { hint, err } = ids(f.id ?? f.name);
  const describedBy = [f.hint ? hint : '', f.errors?.[f.name] ? err : ''].filter(Boolean).join(' ');
  const one = (o: { value: string; label: string; hint?: string }, n: number) => {
    const id = `f-${f.name}-${o.value}`.replace(/[^\w-]/g, '_');
    return html`<div class="choice"><input type="${f.type}" id="${id}" name="${f.name}" value="${o.value}"${f.selected.includes(o.value) ? html` checked` : ''}${f.required && f.type === 'radio' && n === 0 ? html` required` : ''}>
      <label for="${id}">${o.label}${o.hint ? html` <span class="hint">${o.hint}</span>` : ''}</label></div>`;
  };
  const byValue = new Map(f.options.map((o) => [o.value, o]));
  const body = f.groups
    ? f.groups.map((g) => html`<div class="choice-group"><p class="group-title">${g.legend}</p><div class="choices${f.columns ? ' cols' : ''}">${g.values.map((v, n) => (byValue.has(v) ? one(byValue.get(v)!, n) : ''))}</div></div>`)
    : html`<div class="choices${f.columns ? ' cols' : ''}">${f.options.map(one)}</div>`;
  return html`<fieldset class="field${f.errors?.[f.name] ? ' has-error' : ''}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
    <legend>${f.label}${f.optionalText ? html` <span class="opt">(${f.optionalText})</span>` : ''}</legend>
    ${labelAndHelp(f, false)}
    ${body}
  </fieldset>`;
}

/** The summary at the top of a form with problems, linking to each field. */
export function errorSummary(ctx: WebContext, errors: FieldErrors, labels: Record<string, string>): SafeHtml {
  const keys = Object.keys(errors);
  if (!keys.length) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary">
    <p><strong>${ctx.i.t('form.errorsSummary')}</strong></p>
    <ul>${keys.map((k) => html`<li><a href="#f-${k}">${labels[k] ?? k}: ${errors[k]}</a></li>`)}</ul>
  </div>`;
}

/** A small horizontal bar for a value in [0, 1] (decorative; the number is always written next to it). */
export const bar = (x: number) => html`<span class="bar-track" aria-hidden="true"><span class="bar-fill" style="width:${Math.round(Math.max(0, Math.min(1, x)) * 100)}%"></span></span>`;

/** A status badge. */
export const badge = (text: string, kind: string) => html`<span class="badge badge-${kind.replace(/[^\w-]/g, '')}">${text}</span>`;
