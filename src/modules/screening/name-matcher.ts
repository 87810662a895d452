/**
 * Name matching for sanctions screening (pure): names in Arabic, Cyrillic or Latin script with or
 * without diacritics are brought to one Latin form, compared as sets of words (any order), with
 * honorifics, Arabic particles and company suffixes set aside, and scored by Jaro-Winkler on words.
 * It suggests; an admin decides. The rules are the product's own (which particles, which spelling
 * variants count as one), so they are written here; transliteration and the string metric are
 * libraries.
 *
 * Transliteration is `any-ascii`: no dependencies, every Unicode script, and its Cyrillic
 * romanisation (Х → Kh, Ж → Zh) is the one the Consolidated List's Latin names use, so a name copied
 * from a Russian passport meets the listed spelling. `transliteration` (unidecode tables) writes
 * Х as H and is six times larger. Arabic script has no short vowels, so both give a consonant
 * skeleton; names with Arabic (or Hebrew) script are therefore also compared as consonant skeletons.
 */
import anyAscii from 'any-ascii';
import jaroWinkler from 'jaro-winkler';

export type SubjectKind = 'individual' | 'entity';

/** A match at or above this score is a hit for an admin to decide. */
export const MATCH_THRESHOLD = 0.85;
/** Two words count as the same word at or above this Jaro-Winkler similarity. */
const WORD_MIN = 0.87;
/** Words this short count only when equal (so "Ali" is not "Wali"). */
const SHORT_WORD = 3;
/** Cross-script comparisons rest on consonants alone: a skeleton match counts a little less. */
const SKELETON_WEIGHT = 0.95;

const ABJAD = /[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const NON_LATIN_LETTER = /(?![\p{Script=Latin}])\p{L}/u;

// Particles of Arabic names in Latin spelling (the article al- with its assimilated forms ad-, ar-,
// as-, ash-, at-, az-, an-; ul-/ur-; bin/ibn/bint "son/daughter of"; abu "father of") and of
// European names; they vary between spellings of the same name, so they do not count.
const PARTICLES = new Set([
  'al', 'el', 'ul', 'ur', 'ud', 'ad', 'ar', 'as', 'ash', 'at', 'az', 'an', 'bin', 'ben', 'ibn', 'bint', 'binti', 'abu', 'abou', 'abul',
  'the', 'de', 'da', 'del', 'der', 'di', 'du', 'van', 'von', 'y',
]);
const HONORIFICS = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'madam', 'sheikh', 'shaykh', 'shaikh', 'haji', 'hajji', 'hadji', 'alhaji',
  'mullah', 'mulla', 'maulavi', 'mawlawi', 'maulvi', 'molvi', 'maulana', 'mawlana', 'mufti', 'qari',
]);
// Legal forms and linking words of organisation names: "Yazd Metallurgy Industries LLC" is the listed entity.
const COMPANY_WORDS = new Set([
  'and', 'of', 'for', 'et', 'und', 'llc', 'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'plc', 'llp', 'lp',
  'sarl', 'sa', 'sas', 'sarlu', 'spa', 'srl', 'gmbh', 'ag', 'kg', 'bv', 'nv', 'oy', 'ab', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'ooo', 'oao', 'zao', 'pao',
  'pte', 'pty', 'fze', 'fzco', 'fzc', 'fzllc', 'wll',
]);
// Arabic-script particles, dropped before transliteration: ibn/bin, bint, abu.
const ARABIC_PARTICLES = new Set(['بن', 'ابن', 'بنت', 'ابو', 'أبو', 'ابي', 'أبي']);

/** A name prepared for comparison. */
export interface NameForm {
  raw: string;
  words: string[];
  /** Consonants of each word (used when either side was written in Arabic or Hebrew script). */
  skeleton: string[];
  abjad: boolean;
}

function prepareArabic(s: string): string {
  return s
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // short-vowel marks, dagger alef, tatweel
    .split(/\s+/)
    .filter((w) => w && !ARABIC_PARTICLES.has(w))
    .map((w) => w.replace(/^ال(?=\S{2,})/, '').replace(/ة$/, '')) // the joined article; final ta marbuta is a vowel in Latin
    .join(' ');
}

// "Abdul", "Abdel", "Abd al-" are one word in the list's spellings and several in others':
// "Abd" is kept as a word of its own and what follows it as another.
function splitAbd(w: string): string[] {
  if (/^abd(?:ul|el|al|oul|ol|il|u|ou|e|a)?$/.test(w)) return ['abd'];
  if (/^abd(?:ullah|allah|ulla|alla|ollah|illah)$/.test(w)) return ['abd', 'allah'];
  const m = /^abd(?:ul|el|al|oul|ol|il|u|ou|e|a)([a-z]{3,})$/.exec(w);
  return m ? ['abd', m[1]] : [w];
}

// Spelling variants that transliteration produces for one sound (kh/h, q/k, ou/u, dzh/dj/j,
// tch/ch, w/v, doubled letters), folded to one form on both sides.
function fold(w: string): string {
  const s = w
    .replace(/dzh|dj/g, 'j').replace(/tch/g, 'ch').replace(/kh/g, 'h').replace(/gh/g, 'g').replace(/ph/g, 'f')
    .replace(/th/g, 't').replace(/dh/g, 'd').replace(/ck/g, 'k').replace(/q/g, 'k')
    .replace(/ou|oo/g, 'u').replace(/ee/g, 'i').replace(/w/g, 'v').replace(/y$/, 'i')
    .replace(/(.)\1+/g, '$1');
  // Muhammad in its usual spellings (Mohammed, Mohamad, Muhamed, Mukhammad, Mohd).
  return /^m[ou]h[ae]?m[ae]d$|^mohd$/.test(s) ? 'muhamad' : s;
}

// Consonants only; "ch" is read as the kh of Indonesian and German spellings (Fachri / فخري).
const skeletonOf = (w: string) => w.replace(/ch/g, 'h').replace(/[aeiouyv]/g, '').replace(/(.)\1+/g, '$1');

/** Prepares one name; null when nothing comparable is left of it. */
export function nameForm(raw: string, kind: SubjectKind): NameForm | null {
  const clean = raw.normalize('NFKC').replace(/\([^)]*\)/g, ' ');
  const abjad = ABJAD.test(clean);
  const nonLatin = NON_LATIN_LETTER.test(clean);
  let latin = anyAscii(abjad ? prepareArabic(clean) : clean);
  // any-ascii writes syllables of Hangul and Han without spaces in CamelCase ("LiWonHo").
  if (nonLatin && !abjad) latin = latin.replace(/([a-z])([A-Z])/g, '$1 $2');
  const tokens = latin.toLowerCase().replace(/['`’.]/g, '').split(/[^a-z0-9]+/).filter(Boolean);
  const drop = (w: string) => PARTICLES.has(w) || (kind === 'individual' ? HONORIFICS.has(w) : COMPANY_WORDS.has(w));
  const kept = tokens.filter((w) => !drop(w));
  const words = (kept.length ? kept : tokens).flatMap(splitAbd).map(fold).filter(Boolean);
  if (!words.length) return null;
  return { raw, words, skeleton: words.map(skeletonOf).filter(Boolean), abjad };
}

function wordSim(a: string, b: string): number {
  if (a === b) return 1;
  if (Math.min(a.length, b.length) <= SHORT_WORD) return 0;
  const s = jaroWinkler(a, b);
  return s >= WORD_MIN ? s : 0;
}

// "Febri Wansyah" against "Febriwansyah": two neighbouring words that together are a word of the other name count as one.
function joinCompounds(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) {
    if (i + 1 < b.length && a.includes(b[i] + b[i + 1])) { out.push(b[i] + b[i + 1]); i++; } else out.push(b[i]);
  }
  return out;
}

/**
 * Word-set similarity in [0, 1], whatever the word order: each word pairs with at most one word of
 * the other name. Half the fuzzy Dice coefficient (penalises words only one name has), half the share
 * of the shorter name that is matched (a middle name left out still counts); a one-word name is
 * scored by Dice alone, so a single common word does not make a hit against a longer name.
 */
export function wordSetScore(a0: string[], b0: string[]): number {
  const b = joinCompounds(a0, b0);
  const a = joinCompounds(b, a0);
  if (!a.length || !b.length) return 0;
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) {
    const s = wordSim(a[i], b[j]);
    if (s > 0) pairs.push({ i, j, s });
  }
  pairs.sort((x, y) => y.s - x.s);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let sum = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i); usedB.add(p.j); sum += p.s;
  }
  const dice = (2 * sum) / (a.length + b.length);
  const shorter = Math.min(a.length, b.length);
  return shorter === 1 ? dice : (dice + sum / shorter) / 2;
}

/** How alike two prepared names are, in [0, 1]. */
export function compareForms(a: NameForm, b: NameForm): number {
  let score = wordSetScore(a.words, b.words);
  if (a.abjad || b.abjad) {
    const sa = a.skeleton.join('');
    const sb = b.skeleton.join('');
    // The same consonants in the same order, whatever the word breaks ("Abdul Latif" / عبد اللطيف).
    const whole = sa.length >= 5 && sa === sb ? 1 : wordSetScore(a.skeleton, b.skeleton);
    score = Math.max(score, SKELETON_WEIGHT * whole);
  }
  return score;
}

/** A name an entry is known by, as stored by the loader. */
export interface EntryName { name: string; type: 'primary' | 'alias' | 'original_script'; quality: string | null }
export interface ScreenableEntry { dataId: string; kind: SubjectKind; names: EntryName[] }

/** The best match of one subject against one entry. */
export interface EntryMatch { dataId: string; score: number; matchedName: string; matchedEntryName: string }

/**
 * The entries of a loaded list, with their names prepared once. Aliases the list marks as of low
 * quality (QUALITY "Low": often a single word or a nickname) are shown to the admin but not
 * screened on their own, as for the weak aliases of other sanctions lists.
 */
export class ListIndex {
  private readonly byKind: Record<SubjectKind, { dataId: string; forms: NameForm[] }[]> = { individual: [], entity: [] };

  constructor(entries: ScreenableEntry[]) {
    for (const e of entries) {
      const forms = e.names
        .filter((n) => n.quality?.toLowerCase() !== 'low')
        .map((n) => nameForm(n.name, e.kind))
        .filter((f): f is NameForm => f !== null);
      if (forms.length) this.byKind[e.kind].push({ dataId: e.dataId, forms });
    }
  }

  get size(): number { return this.byKind.individual.length + this.byKind.entity.length; }

  /** Entries of the subject's kind that one of its names matches at or above `threshold`, best first. */
  match(names: string[], kind: SubjectKind, threshold = MATCH_THRESHOLD): EntryMatch[] {
    const subject = names.map((n) => nameForm(n, kind)).filter((f): f is NameForm => f !== null);
    const out: EntryMatch[] = [];
    for (const entry of this.byKind[kind]) {
      let best: EntryMatch | null = null;
      for (const s of subject) for (const f of entry.forms) {
        const score = compareForms(s, f);
        if (score >= threshold && (!best || score > best.score)) best = { dataId: entry.dataId, score: Math.round(score * 1000) / 1000, matchedName: s.raw, matchedEntryName: f.raw };
      }
      if (best) out.push(best);
    }
    return out.sort((x, y) => y.score - x.score);
  }
}
