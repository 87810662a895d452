import { stemmer as stemEn } from '@orama/stemmers/english';
import { stemmer as stemEs } from '@orama/stemmers/spanish';
import { stemmer as stemFr } from '@orama/stemmers/french';
import { stemmer as stemRu } from '@orama/stemmers/russian';
import { STOPWORDS } from './stopwords.js';
import type { Lang } from './types.js';
import { TRADITIONAL_TO_SIMPLIFIED } from './zh-traditional.js';

const STEMMERS: Partial<Record<Lang, (word: string) => string>> = {
  en: stemEn,
  fr: stemFr,
  es: stemEs,
  ru: stemRu,
};

// Stemming dominates analysis time on large catalogues and the vocabulary is
// small, so stems are memoised per language (bounded to keep memory flat).
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

const HAN_RUN = /(\p{Script=Han}+)/u;
const HAN_CHAR = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const ARABIC_CHAR = /\p{Script=Arabic}/u;
const CYRILLIC_CHAR = /\p{Script=Cyrillic}/u;

const TRADITIONAL = new RegExp(`[${[...TRADITIONAL_TO_SIMPLIFIED.keys()].join('')}]`, 'gu');

/** Traditional Chinese characters written in their simplified form (zh-traditional.ts); other text unchanged. */
export function foldTraditional(text: string): string {
  return HAN_CHAR.test(text) ? text.replace(TRADITIONAL, (c) => TRADITIONAL_TO_SIMPLIFIED.get(c)!) : text;
}

/** Unicode NFKC, lower-casing and traditional → simplified Chinese: the first step for every language. */
export function normalizeBase(text: string): string {
  return foldTraditional(text.normalize('NFKC').toLowerCase());
}

/** Removes diacritics from Latin letters only (é→e, ñ→n); Cyrillic й and Arabic are left alone. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
}

// Tashkeel (harakat, tanwin, shadda, sukun), Quranic marks, superscript alef.
const ARABIC_DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
const KIMIYAI = /كيميا[وئ]ي|كيما[وئ]ي/g;

/** Arabic orthographic normalisation: alef variants → ا, ى → ي, ة → ه, hamza carriers, no tashkeel or tatweel. */
export function normalizeArabic(text: string): string {
  return text
    .replace(ARABIC_DIACRITICS, '')
    .replace(TATWEEL, '')
    // "Chemical" is spelt كيميائي in UN texts and كيمياوي / كيماوي / كيمائي in much of the region's press
    // and official usage (Iraq, Iran, the Gulf): one word, so one spelling before stemming.
    .replace(KIMIYAI, 'كيميائي')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي');
}

// Longest first, so وال wins over و. Stripping only when ≥3 letters remain keeps
// short roots (e.g. ولد) intact.
const ARABIC_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال', 'و'];
const ARABIC_SUFFIXES = ['ات', 'ون', 'ين', 'يه', 'ها', 'ان', 'ه', 'ي'];
const MIN_ARABIC_STEM = 3;
// Proper names the light stemmer would cut into a topic word: البحرين (Bahrain) and البحرينية (Bahraini)
// lose ين and يه and become بحر ("sea"), which counted every Bahraini request as maritime evidence. The
// suffix stripping stops at these stems (analysed form, without the article).
const ARABIC_WHOLE_STEMS: ReadonlySet<string> = new Set(['بحرين']);

// The stop list is written in plain spelling; compare in normalised form.
const AR_STOPWORDS: ReadonlySet<string> = new Set([...STOPWORDS.ar].map((w) => normalizeArabic(w)));

/** Strips one Arabic proclitic (ال, وال, بال, كال, فال, لل, و) when the rest keeps at least three letters. */
export function stripArabicPrefix(token: string): string {
  for (const p of ARABIC_PREFIXES) {
    if (token.startsWith(p) && token.length - p.length >= MIN_ARABIC_STEM) return token.slice(p.length);
  }
  return token;
}

/** Light Arabic suffix stripping (plural, feminine, nisba, pronoun endings; at most two), keeping at least three letters. */
export function stripArabicSuffix(token: string): string {
  let out = token;
  // Two passes so that e.g. ارهابيين → ارهابي → ارهاب and ماليه → مال
  // land on the same stem as their base noun.
  for (let pass = 0; pass < 2; pass++) {
    if (ARABIC_WHOLE_STEMS.has(out)) break;
    const s = ARABIC_SUFFIXES.find((x) => out.endsWith(x) && out.length - x.length >= MIN_ARABIC_STEM);
    if (s === undefined) break;
    out = out.slice(0, -s.length);
  }
  return out;
}

// One-letter proclitics (bi-, li-, ka-, fa-) that the light stemmer leaves on, because stripping them
// from every word would cut root letters (بلد, كشف): "باتفاقية" (under the Convention), "لمكافحة"
// (for countering), "بمتطلبات". Term matching tries the word without one as a second reading.
const ARABIC_CLITIC_LETTERS = new Set(['ب', 'ل', 'ك', 'ف']);

/** An analysed Arabic token read without a one-letter proclitic (ب ل ك ف), or null when none or too short (< 3 letters left). */
export function arabicCliticReading(token: string): string | null {
  if (token.length - 1 < MIN_ARABIC_STEM || !ARABIC_CLITIC_LETTERS.has(token[0]!)) return null;
  return arabicVariant(stripArabicSuffix(stripArabicPrefix(token.slice(1))));
}

// Stems that say the same thing in two ways, written as one: the regional word beside the UN one
// (Maghreb and Levantine legal Arabic write استعمال for استخدام "use", as in Morocco's law on goods
// "ذات الاستعمال المزدوج"; الرقابة and المراقبة are both "control"; مراقبة تصدير "control of exporting"
// beside مراقبة الصادرات "of exports"), and the broken plurals the light stemmer cannot undo (تراخيص →
// ترخيص, قوائم → قائمة, أسلحة → سلاح, موانئ → ميناء). Keys and values are analysed stems.
const ARABIC_VARIANTS: ReadonlyMap<string, string> = new Map([
  ['استعمال', 'استخدام'],
  ['مستعمل', 'مستخدم'],
  ['رقاب', 'مراقب'],
  ['تصدير', 'صادر'],
  ['تراخيص', 'ترخيص'],
  ['قوايم', 'قايم'],
  ['اسلح', 'سلاح'],
  ['موان', 'ميناء'],
]);

/** The one spelling of an analysed Arabic stem that has a regional or broken-plural variant (ARABIC_VARIANTS). */
export function arabicVariant(stem: string): string {
  return ARABIC_VARIANTS.get(stem) ?? stem;
}

/** Full Arabic token pipeline: normalised form, without proclitic and light suffix, variants folded. */
export function stemArabic(token: string): string {
  return arabicVariant(stripArabicSuffix(stripArabicPrefix(normalizeArabic(token))));
}

// Spanish adjectives in -ar: the Snowball stemmer takes the singular for a verb infinitive and cuts it
// (nuclear → nucl, militar → milit) but keeps the plural's base (nucleares → nuclear), so "material
// nuclear" never met "materiales nucleares". Both numbers are written as the singular.
const SPANISH_AR_ADJECTIVES: ReadonlySet<string> = new Set([
  'nuclear', 'militar', 'escolar', 'popular', 'regular', 'particular', 'familiar', 'similar', 'consular',
  'celular', 'molecular', 'titular', 'auxiliar', 'preliminar', 'peninsular', 'polar', 'solar', 'lunar',
]);

function spanishArAdjective(token: string): string | null {
  const base = token.endsWith('es') ? token.slice(0, -2) : token;
  return SPANISH_AR_ADJECTIVES.has(base) ? base : null;
}

function stemLatinOrCyrillic(token: string, lang: 'en' | 'fr' | 'es' | 'ru'): string {
  const key = lang + token;
  const cached = stemCache.get(key);
  if (cached !== undefined) return cached;
  const adjective = lang === 'es' ? spanishArAdjective(token) : null;
  if (adjective !== null) return adjective;
  // The French and Spanish Snowball stemmers expect accented input (é, ñ are
  // part of their suffix rules), so folding comes after stemming.
  const stemmed = foldAccents(STEMMERS[lang]!(token));
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(key, stemmed);
  return stemmed;
}

/** Which pipeline a single non-Han token goes through when it appears inside a text of language `lang`. */
function tokenPipeline(token: string, lang: Lang): Lang {
  if (ARABIC_CHAR.test(token)) return 'ar';
  if (CYRILLIC_CHAR.test(token)) return 'ru';
  // Latin words inside Arabic, Russian or Chinese text are nearly always
  // English acronyms or loan terms (FATF, ISPS, API/PNR).
  return lang === 'fr' || lang === 'es' || lang === 'en' ? lang : 'en';
}

/** Normalises and stems one non-Han word as language `lang`; returns null for stop words and noise. */
export function processWord(raw: string, lang: Lang): string | null {
  const pipeline = tokenPipeline(raw, lang);
  if (pipeline === 'ar') {
    const norm = normalizeArabic(raw);
    if (norm.length < 2 || AR_STOPWORDS.has(norm)) return null;
    const stem = arabicVariant(stripArabicSuffix(stripArabicPrefix(norm)));
    return stem.length >= 2 ? stem : null;
  }
  let word = raw;
  if (pipeline === 'ru') word = word.replace(/ё/g, 'е');
  const folded = pipeline === 'ru' ? word : foldAccents(word);
  if (STOPWORDS[pipeline].has(folded)) return null;
  if (/^\p{N}+$/u.test(word)) return word.length >= 2 ? word : null;
  if (folded.length < 2) return null;
  return stemLatinOrCyrillic(word, pipeline as 'en' | 'fr' | 'es' | 'ru');
}

const zhSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Chinese tokens for one run of Han characters: segmenter words (minus stop words) plus character bigrams. */
export function tokenizeHanRun(run: string): string[] {
  const out: string[] = [];
  const words = new Set<string>();
  for (const seg of zhSegmenter.segment(run)) {
    if (!seg.isWordLike) continue;
    if (STOPWORDS.zh.has(seg.segment)) continue;
    out.push(seg.segment);
    words.add(seg.segment);
  }
  // Bigrams make matching robust to segmentation differences between a short
  // query and a long document; a bigram equal to a word is not repeated.
  const chars = [...run];
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i]!;
    const b = chars[i + 1]!;
    if (STOPWORDS.zh.has(a) || STOPWORDS.zh.has(b)) continue;
    const bigram = a + b;
    if (!words.has(bigram)) out.push(bigram);
  }
  return out;
}

// Words that join the conjuncts of a coordination, per pipeline, as written (lower case): "police and
// judicial officers" is police officers and judicial officers. Arabic و is also a proclitic (والقضاة).
const COORDINATORS: Record<Exclude<Lang, 'zh'>, ReadonlySet<string>> = {
  en: new Set(['and', 'or']),
  fr: new Set(['et', 'ou']),
  es: new Set(['y', 'o', 'e', 'u']),
  ru: new Set(['и', 'или']),
  ar: new Set(['و', 'او']),
};
// A possessive right after the coordinator refers back to the other conjunct: "intelligence and its
// judicialization" is the judicialization of intelligence (Arabic says it with a suffix: not read).
const REFERS_BACK: Record<Exclude<Lang, 'zh' | 'ar'>, ReadonlySet<string>> = {
  en: new Set(['its', 'their']),
  fr: new Set(['son', 'sa', 'ses', 'leur', 'leurs']),
  es: new Set(['su', 'sus']),
  ru: new Set(['его', 'её', 'ее', 'их', 'свой', 'своя', 'своё', 'свое', 'свои', 'своего', 'своей', 'своих', 'своим', 'своими', 'своему', 'своём', 'своем', 'свою']),
};
// A comma (Latin, Arabic, Chinese list and full-width marks) separates the items of a list too.
const LIST_MARK = /[,،、，]/u;

/** Whether a raw word (normalised by normalizeBase) is a coordinator, or, in Arabic, starts with the proclitic و before the article ال. */
function coordinates(raw: string, lang: Lang): boolean {
  const pipeline = tokenPipeline(raw, lang);
  if (pipeline !== 'ar') return COORDINATORS[pipeline as Exclude<Lang, 'zh' | 'ar'>].has(raw);
  const norm = normalizeArabic(raw);
  return COORDINATORS.ar.has(norm) || (norm.startsWith('وال') && norm.length >= 5);
}

const refersBack = (raw: string, lang: Lang): boolean => {
  const pipeline = tokenPipeline(raw, lang);
  return pipeline !== 'ar' && REFERS_BACK[pipeline as Exclude<Lang, 'zh' | 'ar'>].has(raw);
};

/** Analysed tokens with the places where a coordination joins two of them (see analyzeMarked). */
export interface MarkedTokens {
  tokens: string[];
  /** Positions g (ascending) where an "and", "or" or list comma stands between tokens g - 1 and g. */
  joins: number[];
}

function analyzeInto(text: string, lang: Lang, joins: number[] | null): string[] {
  const base = normalizeBase(text);
  const out: string[] = [];
  // A coordination seen since the last token, recorded before the next one unless a possessive refers back.
  let pending = false;
  const parts = base.split(HAN_RUN);
  for (const part of parts) {
    if (part.length === 0) continue;
    if (HAN_CHAR.test(part)) {
      for (const t of tokenizeHanRun(part)) out.push(t);
      continue;
    }
    let last = 0;
    for (const m of part.matchAll(WORD)) {
      if (joins) {
        if (LIST_MARK.test(part.slice(last, m.index)) || coordinates(m[0], lang)) pending = true;
        else if (pending && refersBack(m[0], lang)) pending = false;
      }
      last = m.index + m[0].length;
      const t = processWord(m[0], lang);
      if (t === null) continue;
      if (pending && out.length > 0 && joins!.at(-1) !== out.length) joins!.push(out.length);
      pending = false;
      out.push(t);
    }
  }
  return out;
}

/** Analyses a text as language `lang` into an ordered list of normalised tokens (stems, Chinese words and bigrams). */
export function analyze(text: string, lang: Lang): string[] {
  return analyzeInto(text, lang, null);
}

/** analyze, and where coordinations ("and", "or", list commas, in the text's language) join the tokens. */
export function analyzeMarked(text: string, lang: Lang): MarkedTokens {
  const joins: number[] = [];
  return { tokens: analyzeInto(text, lang, joins), joins };
}

/** Normalised text for substring matching of Chinese terms: NFKC, lower case, no whitespace or punctuation. */
export function normalizeForSubstring(text: string): string {
  return normalizeBase(text).replace(/[^\p{L}\p{N}]+/gu, '');
}
