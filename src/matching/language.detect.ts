import { franc } from 'franc-min';
import type { Lang } from './types.js';

const HAN = /\p{Script=Han}/gu;
const ARABIC = /\p{Script=Arabic}/gu;
const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LATIN = /\p{Script=Latin}/gu;

const FRANC_TO_LANG: Record<string, Lang> = { eng: 'en', fra: 'fr', spa: 'es' };

// franc is unreliable below a few words; short strings fall back to English
// (the most common working language of requests) rather than guess.
const MIN_LATIN_CHARS = 12;

const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;

// Strong, cheap markers for the three Latin-script languages. franc's trigram
// model confuses short French/Spanish texts; these break its ties.
const LATIN_MARKERS: Record<'en' | 'fr' | 'es', RegExp> = {
  // Besides function words, the field's English words that French and Spanish never write (short English
  // titles such as "ISPS Code port facility security" carry no function word).
  en: /\b(the|and|of|for|with|our|on|to|in|is|are|we|training|support|security|capacity|building|border|customs|facility|facilities|enforcement)\b/g,
  fr: /\b(le|la|les|des|du|et|pour|sur|une|un|nous|notre|dans|au|aux|est)\b|[èêàç]|\b[ldqj]'/g,
  es: /\b(el|los|las|del|y|para|sobre|una|un|nuestro|nuestra|en|con|es|por)\b|[ñ¿¡]|ción\b/g,
};

/** Detects the language of a text: script ranges for zh/ar/ru, franc-min (restricted to en/fr/es) for Latin script. */
export function detectLanguage(text: string): Lang {
  const t = text.normalize('NFKC');
  const han = count(t, HAN);
  const arabic = count(t, ARABIC);
  const cyrillic = count(t, CYRILLIC);
  const latin = count(t, LATIN);
  // Han characters carry a word each, so a handful outweighs many Latin letters
  // (Chinese texts often embed acronyms such as FATF or ISPS).
  const scores: [Lang | 'latin', number][] = [
    ['zh', han * 3],
    ['ar', arabic],
    ['ru', cyrillic],
    ['latin', latin],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  const [best, bestCount] = scores[0]!;
  if (bestCount === 0) return 'en';
  if (best !== 'latin') return best;
  if (latin < MIN_LATIN_CHARS) return 'en';
  const lower = t.toLowerCase();
  const guess = franc(lower, { only: ['eng', 'fra', 'spa'], minLength: MIN_LATIN_CHARS });
  const francLang = FRANC_TO_LANG[guess];
  const markers = {
    en: count(lower, LATIN_MARKERS.en),
    fr: count(lower, LATIN_MARKERS.fr),
    es: count(lower, LATIN_MARKERS.es),
  };
  const ranked = (Object.entries(markers) as ['en' | 'fr' | 'es', number][]).sort((a, b) => b[1] - a[1]);
  const [markerLang, markerCount] = ranked[0]!;
  const runnerUp = ranked[1]![1];
  // Trust the marker words when they are clearly one-sided; otherwise franc.
  if (markerCount >= 2 && markerCount >= 2 * runnerUp) return markerLang;
  return francLang ?? markerLang ?? 'en';
}
