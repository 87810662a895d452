import { notify } from '../../web/i18n/features/notify.js';
import { NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds.js';

const LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
type Lang = (typeof LANGS)[number];
type Key = keyof (typeof notify)['en'];

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k]! : m));

/** The mail templates of notifications: one notification, or a digest of several. */
export const NOTIFY_MAIL_TEMPLATES = ['notification', 'digest'] as const;
export type NotifyMailTemplate = (typeof NOTIFY_MAIL_TEMPLATES)[number];
export const isNotifyTemplate = (t: string): t is NotifyMailTemplate => (NOTIFY_MAIL_TEMPLATES as readonly string[]).includes(t);

/** One notification's sentence: a restricted request's title is never in the params, so it reads "a restricted request". */
function sentence(lang: Lang, p: Record<string, string>): { kind: string; line: string } {
  const t = (k: Key, vars: Record<string, string> = {}) => fill(notify[lang][k], vars);
  const kind = (NOTIFICATION_KINDS as readonly string[]).includes(p.kind) ? (p.kind as NotificationKind) : 'request_decision';
  return { kind: t(`notify.kind.${kind}` as Key), line: t(`notify.msg.${kind}` as Key, { ...p, title: p.title || t('notify.restricted') }) };
}

/**
 * Renders a notification mail (text and HTML, the same content; right-to-left in Arabic) in the
 * person's language from the catalogue the web interface uses. What it says is only what the params
 * hold: the kind, the title (absent for restricted requests), dates, and links.
 */
export function renderNotifyMail(template: NotifyMailTemplate, language: string, params: Record<string, string>): { subject: string; text: string; html: string; language: Lang } {
  const lang: Lang = (LANGS as readonly string[]).includes(language) ? (language as Lang) : 'en';
  const t = (k: Key, vars: Record<string, string> = {}) => fill(notify[lang][k], vars);
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const unsub = params.unsubscribeUrl ?? '';
  let subject: string;
  let lines: { text: string; link?: string }[];
  if (template === 'notification') {
    const s = sentence(lang, params);
    subject = t('notify.mail.subject', { kind: s.kind });
    lines = [{ text: s.line }, { text: t('notify.mail.open', { link: params.link ?? '' }), link: params.link }, { text: t('notify.mail.why', { link: unsub }), link: unsub }];
  } else {
    const items = JSON.parse(params.items ?? '[]') as Record<string, string>[];
    subject = t(params.frequency === 'weekly' ? 'notify.digest.subject.weekly' : 'notify.digest.subject.daily', { count: String(items.length) });
    lines = [
      { text: t('notify.digest.intro') },
      ...items.map((it) => { const s = sentence(lang, it); return { text: `• ${s.kind}: ${s.line} ${it.link ?? ''}`, link: it.link }; }),
      { text: t('notify.digest.all', { link: params.link ?? '' }), link: params.link },
      { text: t('notify.digest.why', { link: unsub }), link: unsub },
    ];
  }
  const text = [...lines.map((l) => l.text), '', '— OneDoor'].join('\n\n');
  const para = (l: { text: string; link?: string }) => {
    if (!l.link) return `<p>${esc(l.text)}</p>`;
    const [before, after] = [l.text.slice(0, l.text.indexOf(l.link)), l.text.slice(l.text.indexOf(l.link) + l.link.length)];
    return l.text.includes(l.link) ? `<p>${esc(before)}<a href="${esc(l.link)}">${esc(l.link)}</a>${esc(after)}</p>` : `<p>${esc(l.text)}</p>`;
  };
  const html = `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head>`
    + `<body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em">${lines.map(para).join('')}<p>— OneDoor</p></body></html>`;
  return { subject, text, html, language: lang };
}
