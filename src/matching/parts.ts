// Splitting a request that asks for several things into parts. In a text that enumerates (ordinals,
// "d'une part … d'autre part", "во-первых … во-вторых", "أولا … ثانيا", "一是 … 二是", a list, "in two
// areas"), the text is cut into clauses at sentence ends, list markers, those words, a comma followed by
// "and", an additive coordinator and after an introducing colon, and a clause that names an area clearly
// is a part of its own. In a text that does not enumerate, only an additive coordinator or a sentence
// opening with an additive adverb can begin a further part, which must name its own area strongly and
// not the area of what came before (else it is the same request, told in more detail). Clauses on one
// area (or on none) stay together; parts of one area are merged; the main part is the one asked first.

// "as well as", "ainsi que", "así como", "а также", "وكذلك": a further thing asked for, in any text.
const ADDITIVE_COORDINATORS = [',?\\s+(?:as well as|ainsi qu(?:e\\s|[\'’])|así como|а также)\\s*', '،?\\s*و?كذلك\\s*'];

const BOUNDARY = new RegExp(
  [
    '[.;!?。；！？\\n]+\\s*',
    ':\\s+(?=\\S)', '：',
    '\\s*(?:^|\\s)(?:\\d{1,2}[.)]|[a-h][.)]|[-•·–])\\s+',
    // "y compris" is French for "including", not the Spanish "and".
    ',\\s*(?:and|et|y(?! compris)|e|и)\\s+(?=\\S)',
    // Coordinators that add a further thing asked for: "as well as", "ainsi que", "así como", "а также", "وكذلك", "以及".
    ...ADDITIVE_COORDINATORS, '،\\s*و',
    '，?\\s*以及', '，\\s*并', '(?:此外|另外|同时)，',
    // Ordinals only where they open a clause ("first, training …", not "first responders").
    '\\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?)\\b,\\s*',
    '\\b(?:premièrement|deuxièmement|troisièmement|en primer lugar|en segundo lugar|por una parte|por otra parte)\\b,?\\s*',
    "d'une part|d’une part|d'autre part|d’autre part",
    'во-первых,?\\s*|во-вторых,?\\s*|в-третьих,?\\s*',
    'أولا\\s*|ثانيا\\s*|ثالثا\\s*',
    '一是|二是|三是|第一，|第二，|第三，|其次，',
  ].join('|'),
  'giu',
);

/** Clauses of a text, in order (trimmed, empty ones dropped). */
export function clauses(text: string): string[] {
  return text.split(BOUNDARY).map((c) => c?.trim() ?? '').filter((c) => c.length >= 8);
}

/** The text before an introducing colon ("Assistance for customs in two areas:"), said of every part, or null. */
export function preamble(text: string): string | null {
  const m = /^([^.;!?。；！？\n:：]{8,160})[:：]\s*\S/u.exec(text.trim());
  return m ? m[1]!.trim() : null;
}

// Enumeration: ordinal words, list markers, "in two areas" / "deux domaines" / "两个方面" and the like.
const ENUMERATION = new RegExp(
  [
    '\\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?)\\b,',
    '\\b(?:premièrement|deuxièmement|en premier lieu|en second lieu|en primer lugar|en segundo lugar|por una parte|por otra parte|por un lado|por otro lado)\\b',
    "d'une part|d’une part",
    'во-первых|во-вторых',
    'أولا|ثانيا',
    '一是|二是|第一，|第二，|其次',
    '(?:^|\\n)\\s*(?:\\d{1,2}[.)]|[a-h][.)]|[-•·–])\\s+',
    // A list opened inline after a colon: "The Government seeks: a) … b) …", "запрашивает: 1) … 2) …".
    '[:：]\\s*(?:1[.)]|a\\))\\s+',
    '\\b(?:two|three|four|several) (?:areas|fields|things|components|parts|requests)\\b',
    '\\b(?:deux|trois|quatre|plusieurs) (?:domaines|volets|axes|points|demandes)\\b',
    '\\b(?:dos|tres|cuatro|varios) (?:ámbitos|áreas|componentes|aspectos|puntos)\\b',
    '(?:^|\\s)(?:двум|трем|трём|нескольким|двух|трех|трёх) (?:направлениям|областям|направлений|областей)',
    'مجالين|ثلاثة مجالات',
    '两个方面|三个方面|两方面|几个方面',
  ].join('|'),
  'iu',
);

/** Whether a text enumerates several things (so that clauses on other areas are parts, not context). */
export function enumerates(text: string): boolean {
  return ENUMERATION.test(text);
}

export interface ClauseTopic {
  text: string;
  /** The clause's own area (or concept's area) when it names one clearly, else null. */
  area: string | null;
}

/**
 * Groups classified clauses into parts: a clause without a clear area joins the part before it (or
 * the next one at the start); consecutive clauses on one area form one part. Returns the parts' texts,
 * or one part when fewer than two areas are named.
 */
export function groupParts(topics: readonly ClauseTopic[]): { text: string; area: string | null }[] {
  const out: { text: string; area: string | null }[] = [];
  let pending = '';
  for (const t of topics) {
    const last = out[out.length - 1];
    if (t.area === null) {
      if (last) last.text = `${last.text} ${t.text}`;
      else pending = pending ? `${pending} ${t.text}` : t.text;
      continue;
    }
    if (last && last.area === t.area) last.text = `${last.text} ${t.text}`;
    else out.push({ text: pending ? `${pending} ${t.text}` : t.text, area: t.area });
    pending = '';
  }
  if (out.length === 0) return [{ text: topics.map((t) => t.text).join(' '), area: null }];
  // "A …, B …, and again A …": one part per area, in the order the areas first appear.
  const merged: { text: string; area: string | null }[] = [];
  for (const part of out) {
    const same = merged.find((m) => m.area === part.area);
    if (same) same.text = `${same.text} ${part.text}`;
    else merged.push({ ...part });
  }
  return merged;
}

/** What the engine reads in one clause: its best area (or null) and the strength of the named terms behind it. */
export interface ClauseReading { area: string | null; strength: number; areas: readonly { code: string; score: number }[] }

// A clause names its own area when its terms weigh at least this much (in a text that enumerates).
export const PART_AREA_MIN = 0.45;
// In a text that does not enumerate, a further thing must be named more strongly: more than one
// term's worth, so that "training …, as well as in decontamination" stays one request.
export const PART_AREA_STRONG = 1.2;

// Without an enumeration, a text asks for a further thing only where it says so: an additive
// coordinator ("as well as", "ainsi que", "así como", "а также", "وكذلك", "以及") or a sentence that
// opens with an additive adverb ("Separately,", "En outre,", "Además,", "Кроме того,", "كما", "此外，").
// Other sentences describe the context of the one thing asked for.
const ADDITIVE = new RegExp(
  [
    ...ADDITIVE_COORDINATORS,
    '，\\s*以及',
    '[.;!?。；！？\\n]+\\s*(?=(?:separately|in addition|moreover|furthermore|also|en outre|par ailleurs|de plus|además|asimismo|кроме того|помимо этого|также|كما|إضافة إلى ذلك|بالإضافة إلى ذلك|此外|另外|同时)[\\s,，،])',
  ].join('|'),
  'giu',
);

/**
 * The parts of a request's text (main part first), or [] when it asks for one thing. `read` classifies
 * one clause with the engine's vocabulary.
 */
export function splitParts(title: string, description: string, read: (text: string) => ClauseReading, trace?: (line: string) => void): string[] {
  const listed = enumerates(`${title}\n${description}`);
  const intro = listed ? preamble(description) : null;
  const pieces = listed
    ? clauses(description).filter((c) => c !== intro)
    : description.split(ADDITIVE).map((c) => c.trim()).filter((c) => c.length >= 8);
  if (pieces.length < 2) return [];
  const min = listed ? PART_AREA_MIN : PART_AREA_STRONG;
  const readings = pieces.map((text) => ({ text, ...read(text) }));
  const topics: ClauseTopic[] = [];
  for (const r of readings) {
    trace?.(`${r.strength.toFixed(2)} ${r.area} ${r.areas.map((a) => `${a.code}:${a.score.toFixed(2)}`).join(',')} | ${r.text}`);
    let area = r.strength >= min ? r.area : null;
    // Without an enumeration, a segment that still names the area of what came before ("…, as well as
    // training of customs officers in identifying strategic goods" after export control) goes on with it.
    // Likewise one whose area the earlier segment already named (the customs of a customs export-control course).
    const named = readings.slice(0, topics.length).filter((_, j) => topics[j]!.area !== null);
    const before = named.length > 0 ? topics[readings.indexOf(named.at(-1)!)]!.area : null;
    if (!listed && area !== null && before !== null && area !== before
      && (r.areas.some((a) => a.code === before) || named.some((p) => p.areas.some((a) => a.code === area)))) area = null;
    topics.push({ text: r.text, area });
  }
  const grouped = groupParts(topics);
  const distinct = new Set(grouped.map((g) => g.area));
  return grouped.length >= 2 && distinct.size >= 2 ? grouped.map((g) => g.text) : [];
}
