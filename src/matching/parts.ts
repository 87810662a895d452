// Splitting a request that asks for several things into parts. In a text that enumerates (ordinals,
// "d'une part … d'autre part", "во-первых … во-вторых", "أولا … ثانيا", "一是 … 二是", a list, "in two
// areas"), the text is cut into clauses at sentence ends, list markers, those words, a comma followed by
// "and", an additive coordinator and after an introducing colon, and a clause that names an area clearly
// is a part of its own. In a text that does not enumerate, only an additive coordinator or a sentence
// opening with an additive adverb can begin a further part, which must name its own area strongly and
// not the area of what came before (else it is the same request, told in more detail). A clause that is
// asked for in so many words (a list item, an ordinal, "It also requests", "Además, solicita", "كما تطلب",
// "该国还请求") needs only a term of its own; one that points back at what came before ("for the same
// officers", "cette même unité", "на те же пункты", "الميناء نفسه", "同一口岸") goes on with it, and a list
// under a preamble that names one thing ("Support to set up a victims' unit: 1. … 2. …") lists that
// thing's components. Clauses on one area (or on none) stay together; parts of one area are merged; the
// main part is the one asked first.

/** One pattern that matches any of `parts`. */
const anyOf = (parts: readonly string[], flags: string): RegExp => new RegExp(parts.join('|'), flags);

// "as well as", "ainsi que", "así como", "а также", "وكذلك": a further thing asked for, in any text.
const ADDITIVE_COORDINATORS = [
  ',?\\s+(?:as well as|and also|ainsi qu(?:e\\s|[\'’])|et (?:aussi|également)|así como|y también|а также|и также)\\s*',
  '،?\\s*و?كذلك\\s*', '،?\\s*(?:وأيضا|فضلا عن)\\s*',
];

// List markers: "1.", "2)", "(1)", "a)", "(b)", "ii)", "а)", "1-", "١.", "أ)", bullets; "（一）", "一、", "1、".
const LIST_MARKER = '(?:\\(?\\d{1,2}[.)]|\\(\\d{1,2}\\)|\\d{1,2}\\s?[-–](?=\\s)|\\(?[a-h][.)]|\\((?:i{1,3}|iv|v)\\)|(?:i{1,3}|iv|v)\\)|[а-е]\\)|[١-٩][.)-]|[أبجد][.)-]|[-•·–*▪])\\s+';
// Only where a line or clause begins ("统一、协调" is no list).
const ZH_LIST_MARKER = '(?<=^|[\\n：:；;。]\\s*)(?:[（(][一二三四五六七八九十][）)]|[一二三四五六七八九十]、|\\d{1,2}、)';
const LEADING_MARKER = new RegExp(`^(?:${LIST_MARKER}|${ZH_LIST_MARKER})`, 'u');

const BOUNDARY = anyOf(
  [
    '[.;!?。；！？\\n]+\\s*',
    ':\\s+(?=\\S)', '：',
    `\\s*(?:^|\\s)${LIST_MARKER}`, ZH_LIST_MARKER,
    // "y compris" is French for "including", not the Spanish "and".
    ',\\s*(?:and|et|y(?! compris)|e|и)\\s+(?=\\S)',
    // Coordinators that add a further thing asked for: "as well as", "ainsi que", "así como", "а также", "وكذلك", "以及".
    ...ADDITIVE_COORDINATORS, '،\\s*و',
    '，?\\s*以及', '，\\s*并', '(?:此外|另外|同时)，',
    // Ordinals only where they open a clause ("first, training …", not "first responders").
    '\\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|on the one hand|on the other hand)\\b,\\s*',
    // "help first to train …, and second to establish …".
    ',?\\s*(?:and\\s+)?\\b(?:first|second|third)\\b\\s+(?=to\\s)',
    '\\b(?:premièrement|deuxièmement|troisièmement|en premier lieu|en second lieu|tout d[\'’]abord|en primer lugar|en segundo lugar|en tercer lugar|por una parte|por otra parte|por un lado|por otro lado)\\b,?\\s*',
    "d'une part|d’une part|d'autre part|d’autre part",
    'во-первых,?\\s*|во-вторых,?\\s*|в-третьих,?\\s*',
    'أولا\\s*|ثانيا\\s*|ثالثا\\s*',
    '一是|二是|三是|第一，|第二，|第三，|首先，|其次，|再次，',
  ],
  'giu',
);

const BOUNDARY_KEPT = new RegExp(`(${BOUNDARY.source})`, BOUNDARY.flags);

// A boundary that says a further thing is asked for: a list marker, an ordinal, an additive adverb.
const ASKED_BOUNDARY = anyOf(
  [
    `(?:^|\\s)${LIST_MARKER}`, ZH_LIST_MARKER,
    '\\b(?:first|second|third|on the (?:one|other) hand)', '(?:^|\\s)(?:premièrement|deuxièmement|troisièmement|en (?:premier|second) lieu|en (?:primer|segundo|tercer) lugar|por (?:una|otra) parte|por (?:un|otro) lado)',
    'd[\'’](?:une|autre) part', 'во-первых|во-вторых|в-третьих', 'أولا|ثانيا|ثالثا', '一是|二是|三是|第[一二三]，|首先|其次|再次',
  ],
  'iu',
);

// What "the first" and "the second" do when they stand for things asked ("The first is …", "la seconde concerne …").
const ORDINAL_VERBS = 'is|concerns|relates to|covers|one is|est|porte sur|concerne|vise';
// A clause that opens so: "The second is assistance to victims", "La seconde concerne la formation des magistrats".
const ORDINAL_OPENING = new RegExp(`^(?:the (?:first|second|third)|le (?:premier|second|deuxième|troisième)|la (?:première|seconde|deuxième|troisième))\\s+(?:${ORDINAL_VERBS})\\b`, 'iu');

/** Clauses of a text, in order (trimmed, empty ones dropped), each with whether a list marker or ordinal opens it. */
export function listedClauses(text: string): { text: string; marked: boolean }[] {
  const bits = text.split(BOUNDARY_KEPT);
  const out: { text: string; marked: boolean }[] = [];
  // What lies between two clauses: boundaries and the scraps they leave ("\n1. " is ":\n", "1", ". ").
  let between = '';
  for (let i = 0; i < bits.length; i++) {
    if (i % 2 === 1) { between += bits[i] ?? ''; continue; }
    let c = bits[i]?.trim() ?? '';
    // A marker the boundary before did not take ("; b) …": the space went with the semicolon).
    const lead = LEADING_MARKER.exec(c);
    if (lead) c = c.slice(lead[0].length).trim();
    if (c.length < 8) { between += bits[i] ?? ''; continue; }
    out.push({ text: c, marked: lead !== null || (out.length > 0 && (ASKED_BOUNDARY.test(between) || ORDINAL_OPENING.test(c))) });
    between = '';
  }
  return out;
}

/** Clauses of a text, in order (trimmed, empty ones dropped). */
export function clauses(text: string): string[] {
  return listedClauses(text).map((c) => c.text);
}

/** The text before an introducing colon ("Assistance for customs in two areas:"), said of every part, or null. */
export function preamble(text: string): string | null {
  const m = /^([^.;!?。；！？\n:：]{8,160})[:：]\s*\S/u.exec(text.trim());
  return m ? m[1]!.trim() : null;
}

// Words that announce several things: "in two areas", "the following areas", "deux domaines", "两个方面".
const SEVERAL = anyOf(
  [
    '\\b(?:two|three|four|several) (?:areas|fields|things|components|parts|requests)\\b', '\\bthe following (?:areas|fields|assistance|support|needs)\\b',
    '\\b(?:deux|trois|quatre|plusieurs) (?:domaines|volets|axes|points|demandes)\\b', '\\b(?:l[\'’]appui|l[\'’]assistance|les domaines|les besoins) suivants?\\b',
    '\\b(?:dos|tres|cuatro|varios) (?:ámbitos|áreas|componentes|aspectos|puntos)\\b', '\\b(?:las siguientes|los siguientes) (?:áreas|ámbitos|necesidades)\\b',
    '(?:^|\\s)(?:двум|трем|трём|нескольким|двух|трех|трёх) (?:направлениям|областям|направлений|областей)', 'по следующим (?:направлениям|вопросам)',
    'مجالين|ثلاثة مجالات|المجالات التالية',
    '两个方面|三个方面|两方面|几个方面|以下援助|以下方面',
  ],
  'iu',
);

// Enumeration: ordinal words, list markers, or words that announce several things.
const ENUMERATION = anyOf(
  [
    '\\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?)\\b,',
    '\\b(?:premièrement|deuxièmement|en premier lieu|en second lieu|en primer lugar|en segundo lugar|por una parte|por otra parte|por un lado|por otro lado)\\b',
    "d'une part|d’une part",
    'во-первых|во-вторых',
    'أولا|ثانيا',
    '一是|二是|第一，|第二，|其次',
    `(?:^|\\n)\\s*${LIST_MARKER}`, `(?:^|\\n)\\s*(?:${ZH_LIST_MARKER})`,
    // "help first to train …, and second to establish …" (not "first responders, and second-line inspection").
    '\\bfirst(?:ly)?(?=,|\\s+to\\s)[^.;]*\\b(?:and|,)\\s+second(?:ly)?(?=,|\\s+to\\s)',
    // A list opened inline after a colon: "The Government seeks: a) … b) …", "запрашивает: 1) … 2) …".
    '[:：]\\s*(?:1[.)]|a\\))\\s+',
    // An inline list of two items or more, colon or not: "assistance with (i) … and (ii) …", "pour (a) … et (b) …"
    // ("(i.e. …)" and a lone "(a)" are none).
    '(?:^|\\s)\\((?:i|a)\\)\\s[^]*?\\s\\((?:ii|b)\\)\\s', '(?:^|\\s)(?:i|a)\\)\\s[^]*?\\s(?:ii|b)\\)\\s',
    // "The first is … The second is …", "La première porte sur … La seconde concerne …": the things asked, told one by one.
    `\\b(?:the first|le premier|la première)\\s+(?:${ORDINAL_VERBS})\\b[^]*?\\b(?:the second|le second|la seconde|le deuxième|la deuxième)\\s+(?:${ORDINAL_VERBS})\\b`,
    SEVERAL.source,
  ],
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
// A clause asked for in so many words (a list item, an ordinal, "It also requests") needs only a term
// of its own, even one shared with other concepts or found out of order.
export const PART_AREA_ASKED = 0.2;

// "Also" and a verb of asking, either way round and in each language: a further thing asked for.
const ALSO = 'also|further|additionally|in addition|moreover|furthermore|separately|également|aussi|en outre|par ailleurs|de plus|también|asimismo|además|igualmente|также|кроме того|помимо этого|كما|أيضا|بالإضافة إلى ذلك|إضافة إلى ذلك';
const ASKS = 'requests?|asks?|seeks?|needs?|wishes|wants|calls for|requires?|would like|sollicite|demande|souhaite|requiert|a besoin|solicita|pide|requiere|necesita|desea|просит|запрашивает|нуждается|хотел[аио]?|[يت](?:طلب|حتاج|رغب)';
const ASKS_FIRST = ASKS.split('|').filter((v) => !/^[a-z ?]+$/.test(v) || /^(?:sollicite|demande|souhaite|requiert|solicita|pide|requiere|necesita|desea)$/.test(v)).join('|');
const ASKED_SENTENCE = anyOf(
  [
    `(?:^|[\\s,،])(?:${ALSO})[\\s,،]+(?:[^\\s,.;،]+\\s+){0,3}?(?:${ASKS})(?=[\\s,.;،]|$)`,
    // The verb first ("solicita también", "просит также", "يطلب أيضا"), not in English: "The request also covers" is no asking.
    `(?:^|\\s)(?:${ASKS_FIRST})\\s+(?:${ALSO})(?=[\\s,.;،]|$)`,
    '(?:还|也|此外，|另外，|同时)[^，。；]{0,8}?(?:请求|希望|需要|要求|寻求)',
  ],
  'iu',
);

/** Whether a clause says in so many words that it asks for a further thing ("The Government also requests …"). */
export function asksFurther(text: string): boolean {
  return ASKED_SENTENCE.test(text);
}

// Words that point back at what came before ("for the same officers", "such equipment", "cette même
// unité", "esos mismos puestos", "на те же пункты", "такого оборудования", "الميناء نفسه", "同一口岸"):
// the clause goes on with the thing asked for before it.
const SAME_REFERENCE = anyOf(
  [
    '\\b(?:the|these|this|those|that) same\\b', '\\bsuch\\b(?!\\s+as\\b)',
    '(?:^|\\s)(?:ce|cet|cette|ces|les|la|le|du|des|aux?)\\s+mêmes?(?=[\\s,.;]|$)',
    '(?:^|\\s)(?:ese|esa|esos|esas|este|esta|estos|estas|el|la|los|las|dichos?|dichas?)\\s+mism[oa]s?(?=[\\s,.;]|$)',
    '(?:^|\\s)(?:т(?:от|а|о|е|ех|ем|ой|ому|ими|у)\\s+же|так(?:ой|ого|ая|ие|их|им|ую|ое|ому)|эт(?:ого|ой|их|им|и|от|а|у)\\s+же)(?=[\\s,.;]|$)',
    '(?:^|\\s)(?:نفس|نفسه|نفسها|ذاته|ذاتها)(?=[\\s،.؛]|$)',
    '同一|上述|同批',
  ],
  'iu',
);

/** Whether a clause points back at what came before it (so it is no part of its own). */
export function refersBack(text: string): boolean {
  return SAME_REFERENCE.test(text);
}

// Without an enumeration, a text asks for a further thing only where it says so: an additive
// coordinator ("as well as", "ainsi que", "así como", "а также", "وكذلك", "以及") or a sentence that
// opens with an additive adverb ("Separately,", "En outre,", "Además,", "Кроме того,", "كما", "此外，").
// Other sentences describe the context of the one thing asked for.
const ADDITIVE = anyOf(
  [
    ...ADDITIVE_COORDINATORS,
    '，\\s*以及',
    '[.;!?。；！？\\n]+\\s*(?=(?:separately|in addition|moreover|furthermore|also|en outre|par ailleurs|de plus|además|asimismo|también|кроме того|помимо этого|также|كما|إضافة إلى ذلك|بالإضافة إلى ذلك|此外|另外|同时)[\\s,，،])',
    // A sentence that asks for a further thing in so many words ("The Government also requests …").
    `[.;!?。；！？\\n]+\\s*(?=[^.;!?。；！？\\n]*(?:${ASKED_SENTENCE.source}))`,
  ],
  'giu',
);

// "and also" and a verb ("…, and also help to train prosecutors", "and also wishes to train", "et aussi aider à
// former"): the coordinator joins a further thing asked for, not one more object of the same verb ("and also
// in the screening of hold baggage", "and also for the police officers", "and also their families").
const AND_ALSO = /(?:\band also|\bet (?:aussi|également))\s*$/iu;
const VERB_AFTER_AND_ALSO = new RegExp(
  `^(?:(?:${ASKS})(?=[\\s,.;]|$)|(?:help|assist|support)s?\\s+(?:to|in|with)\\s|to\\s+(?!(?:the|a|an|its|their|his|her|our|this|that|these|those)\\s)[a-z]+\\s|(?:aider|appuyer|soutenir|contribuer)\\s+(?:à|au|aux)\\s)`,
  'iu',
);

// "and also" and a preposition ("Training for …, and also for the police officers"): one more object of the same head.
const PREPOSITION_AFTER_AND_ALSO = /^(?:for|in|on|at|with|to\s+(?:the|its|their|a|an)|pour|dans|sur|auprès|à\s+(?:la|l['’]|leurs?)|aux)\s/iu;

/** Whether the segment after `separator` is a further thing asked for: "and also" followed by a verb. */
export function asksAfterAndAlso(separator: string, segment: string): boolean {
  return AND_ALSO.test(separator) && VERB_AFTER_AND_ALSO.test(segment.trim());
}

const ADDITIVE_KEPT = new RegExp(`(${ADDITIVE.source})`, ADDITIVE.flags);

/** A text cut at its additive coordinators and sentences, each segment with whether "and also <verb>" or "and also <preposition>" opens it. */
function additiveSegments(text: string): { text: string; verbed: boolean; continues: boolean }[] {
  const bits = text.split(ADDITIVE_KEPT);
  const out: { text: string; verbed: boolean; continues: boolean }[] = [];
  for (let i = 0; i < bits.length; i += 2) {
    const c = bits[i]?.trim() ?? '';
    const sep = i > 0 ? bits[i - 1] ?? '' : '';
    if (c.length >= 8) out.push({ text: c, verbed: asksAfterAndAlso(sep, c), continues: AND_ALSO.test(sep) && PREPOSITION_AFTER_AND_ALSO.test(c) });
  }
  return out;
}

/**
 * The parts of a request's text (main part first), or [] when it asks for one thing. `read` classifies
 * one clause with the engine's vocabulary.
 */
export function splitParts(title: string, description: string, read: (text: string) => ClauseReading, trace?: (line: string) => void): string[] {
  let listed = enumerates(`${title}\n${description}`);
  const intro = listed ? preamble(description) : null;
  // A list under a preamble that names one thing, and announces no several, lists that thing's
  // components ("Assistance to set up a support unit for victims: 1. a registry … 3. legal aid …").
  if (listed && intro !== null && !SEVERAL.test(`${title}\n${description}`)) {
    const said = read(intro);
    if (said.area !== null && said.strength >= PART_AREA_MIN) listed = false;
  }
  const pieces = listed
    ? listedClauses(description).filter((c) => c.text !== intro).map((c) => ({ ...c, verbed: false, continues: false }))
    : additiveSegments(description).map((c) => ({ ...c, marked: false }));
  if (pieces.length < 2) return [];
  const readings = pieces.map((p) => ({ ...p, asked: p.marked || asksFurther(p.text), ...read(p.text) }));
  // Before a further thing asked in so many words, the first segment is the thing asked first: a clear term will do.
  const furtherAsked = readings.slice(1).some((r) => r.asked || r.verbed);
  const topics: ClauseTopic[] = [];
  for (const r of readings) {
    trace?.(`${r.strength.toFixed(2)} ${r.area}${r.asked ? ' asked' : ''}${r.verbed ? ' verbed' : ''} ${r.areas.map((a) => `${a.code}:${a.score.toFixed(2)}`).join(',')} | ${r.text}`);
    // "and also <verb>" says a further thing is asked, less plainly than "It also requests": a clear term, not one shared.
    const min = r.asked ? PART_AREA_ASKED : listed || r.verbed || (topics.length === 0 && furtherAsked) ? PART_AREA_MIN : PART_AREA_STRONG;
    let area = r.strength >= min && !r.continues && !(topics.length > 0 && refersBack(r.text)) ? r.area : null;
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
