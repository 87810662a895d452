import { CATALOGUE, MAIL_LANGS, ROLE_NAMES, type MailLang, type MailTemplate } from './catalogue.js';
import { isNotifyTemplate, renderNotifyMail, type NotifyMailTemplate } from '../../notifications/notification-mail.js';

export { MAIL_LANGS, MAIL_TEMPLATES, type MailLang, type MailTemplate } from './catalogue.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);
const fill = (s: string, params: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? params[k]! : m));

/** A mail rendered in one language: subject, plain text and HTML (same content; the HTML is right-to-left in Arabic). */
export function renderMail(template: MailTemplate | NotifyMailTemplate, language: string, params: Record<string, string>): { subject: string; text: string; html: string; language: MailLang } {
  // Notifications and digests: their text is the notifications' catalogue (the same as the web's).
  if (isNotifyTemplate(template)) return renderNotifyMail(template, language, params);
  const lang: MailLang = (MAIL_LANGS as readonly string[]).includes(language) ? (language as MailLang) : 'en';
  const t = CATALOGUE[template][lang];
  const p = { ...params, role: params.role ? ROLE_NAMES[params.role]?.[lang] ?? params.role : '', name: params.name || '' };
  const before = t.before.map((x) => fill(x, p));
  const after = t.after.map((x) => fill(x, p));
  const link = params.link;
  const text = [...before, ...(t.action && link ? [`${t.action}: ${link}`] : []), ...after, '', '— OneDoor'].join('\n\n');
  const para = (x: string) => `<p>${escapeHtml(x)}</p>`;
  const html = `<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><title>${escapeHtml(fill(t.subject, p))}</title></head>`
    + `<body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em">${before.map(para).join('')}`
    + (t.action && link ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:.6em 1.2em;background:#005a9c;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(t.action)}</a></p><p style="font-size:.9em;color:#555">${escapeHtml(link)}</p>` : '')
    + `${after.map(para).join('')}<p>— OneDoor</p></body></html>`;
  return { subject: fill(t.subject, p), text, html, language: lang };
}
