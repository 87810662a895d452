import { ar } from './ar.js';
import { en, type CoreKey, type Messages } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ru } from './ru.js';
import { zh } from './zh.js';
import { FEATURES, type FeatureKey } from './features.js';

export const UI_LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
export type UiLang = (typeof UI_LANGS)[number];
/** Every interface text key: the core catalogue's and the features'. */
export type MessageKey = CoreKey | FeatureKey;

/** Each language's own name, for the language switcher (shown in that language whatever the page language). */
export const AUTONYMS: Record<UiLang, string> = { en: 'English', fr: 'Français', es: 'Español', ru: 'Русский', ar: 'العربية', zh: '中文' };

const CORE: Record<UiLang, Messages> = { en, fr, es, ru, ar, zh };
/** Each language's whole catalogue: the core text, then every feature's. */
const CATALOGUES = Object.fromEntries(UI_LANGS.map((l) => [l, Object.assign({}, CORE[l], ...FEATURES.map((f: Record<UiLang, Record<string, string>>) => f[l]))])) as Record<UiLang, Record<MessageKey, string>>;

export const isUiLang = (v: unknown): v is UiLang => typeof v === 'string' && (UI_LANGS as readonly string[]).includes(v);

/** The first of the six languages named in an Accept-Language header, by quality. */
export function fromAcceptLanguage(header: string | undefined): UiLang | null {
  if (!header) return null;
  const ranked = header.split(',').slice(0, 20).map((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q) : 1, i };
  }).filter((x) => x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((r) => r.base).find(isUiLang) ?? null;
}

export type Vars = Record<string, string | number>;

/** Everything a page needs to speak the user's language: text, direction and locale-aware formatting. */
export interface I18n {
  lang: UiLang;
  dir: 'ltr' | 'rtl';
  t(key: MessageKey, vars?: Vars): string;
  /** A key built at run time (status, modality...): falls back to the raw value when unknown. */
  tx(prefix: string, value: string, vars?: Vars): string;
  date(iso: string | Date | null | undefined): string;
  pct(x: number): string;
  num(x: number): string;
  country(iso2: string | undefined, fallback: string): string;
  language(code: string): string;
}

const interpolate = (s: string, vars?: Vars) => (vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s);

const cache = new Map<UiLang, I18n>();

/** The (memoised) I18n of one language. */
export function i18n(lang: UiLang): I18n {
  const hit = cache.get(lang);
  if (hit) return hit;
  const messages = CATALOGUES[lang];
  const dateFmt = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric' });
  const pctFmt = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const numFmt = new Intl.NumberFormat(lang);
  const regions = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
  const languages = new Intl.DisplayNames([lang], { type: 'language', fallback: 'none' });
  const t = (key: MessageKey, vars?: Vars) => interpolate(messages[key] ?? CATALOGUES.en[key] ?? key, vars);
  const made: I18n = {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    t,
    tx: (prefix, value, vars) => {
      const key = `${prefix}.${value}` as MessageKey;
      return key in messages ? t(key, vars) : value;
    },
    date: (iso) => {
      if (!iso) return '';
      const d = iso instanceof Date ? iso : new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : dateFmt.format(d);
    },
    pct: (x) => pctFmt.format(Math.max(0, Math.min(1, x))),
    num: (x) => numFmt.format(x),
    country: (iso2, fallback) => {
      try { return (iso2 && regions.of(iso2)) || fallback; } catch { return fallback; }
    },
    language: (code) => {
      try { return languages.of(code) ?? code; } catch { return code; }
    },
  };
  cache.set(lang, made);
  return made;
}
