// Splitting a request that asks for several things into parts. The text is cut into clauses at
// sentence ends, list markers and the enumerating words of each UN language ("first … second",
// "d'une part … d'autre part", "во-первых … во-вторых", "أولا … ثانيا", "一是 … 二是"), at a comma
// followed by "and" (", and", ", et", ", y", "، و", "，以及") and after an introducing colon. Clauses on
// the same area (or on none) stay together; a part exists only where a clause names its own area or
// concept clearly, and only in a text that enumerates (ordinals, a list, "in two areas"): without that,
// a sentence about the context ("our customs officers…") is part of the one thing asked, not another.

const BOUNDARY = new RegExp(
  [
    '[.;!?。；！？\\n]+\\s*',
    ':\\s+(?=\\S)', '：',
    '\\s*(?:^|\\s)(?:\\d{1,2}[.)]|[a-h][.)]|[-•·–])\\s+',
    ',\\s*(?:and|et|y|e|а также|и)\\s+(?=\\S)',
    '،\\s*و',
    '，\\s*(?:以及|并)',
    '\\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|premièrement|deuxièmement|en primer lugar|en segundo lugar|por una parte|por otra parte)\\b,?\\s*',
    "d'une part|d’une part|d'autre part|d’autre part",
    'во-первых,?\\s*|во-вторых,?\\s*',
    'أولا\\s*|ثانيا\\s*',
    '一是|二是|三是|第一，|第二，|其次，',
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
