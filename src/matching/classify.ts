import type { ConceptTagger, ConceptTags } from './concepts.tagger.js';
import { framedSegments } from './framing.js';
import { analyzeMarked } from './text.normalize.js';
import type { MarkedTokens } from './text.normalize.js';
import type { AreaScore, Lang } from './types.js';

/** Everything the engine derives from one text: tokens, concept tags, area scores, fine concepts. */
export interface TextProfile {
  lang: Lang;
  /** Analysed tokens of title and description, in order. */
  tokens: string[];
  /** The tokens without those said only in framing clauses (framing.ts), when there are any: what the text query asks with. */
  focus?: string[];
  /** Fine concepts named only inside framing clauses, when there are any: the setting, left out of the text query as its words are. */
  framedOnly?: Set<string>;
  /** Raw concept strengths (area and fine concepts). */
  tags: ConceptTags;
  /** Inferred area scores in [0, 1], best first (explicit areas not included). */
  inferred: AreaScore[];
  /** Fine concept strengths, saturating in (0, 1). */
  fine: Map<string, number>;
  /** Raw area evidence before normalisation (for combining with other evidence). */
  areaRaw: Map<string, number>;
  /**
   * The part of `tags` that terms made only of words every request uses contributed ("technical
   * assistance needs", 技术援助需求: GENERIC_WORDS), when any did: such a term names no field by itself.
   */
  generic?: ConceptTags;
}

// A title states the topic; the description elaborates and digresses.
const TITLE_FACTOR = 2;
// Finer concepts are evidence for their area too, but they are narrower terms
// than the area's own vocabulary, so they count a little less.
const FINE_TO_AREA = 0.8;
const FINE_AREA_CAP = 5;
// Fine concept strength saturates: one clear mention ≈ .5, a topic that the
// title and description both dwell on → ≈ 1.
const FINE_SATURATION = 1.5;
// Areas scoring under this fraction of the best inferred area are noise.
const RELATIVE_CUTOFF = 0.3;
const MAX_INFERRED = 4;
// Raw strength at which confidence reaches ~63%; one clear term is ~1.
const CONFIDENCE_SCALE = 1.5;

// Terms in the clause after "in accordance with", "dans le cadre de"… (framing.ts) name the setting.
const FRAMED_FACTOR = 0.4;

/**
 * Tags a text; the stretches a framing phrase governs count FRAMED_FACTOR as much. Returns the words
 * said in them; with `plain`, the concepts tagged outside them are added to it.
 */
function tagFramed(tagger: ConceptTagger, text: string, lang: Lang, tags: ConceptTags, factor: number, tokens: MarkedTokens, segments: { text: string; framed: boolean }[], inside: ConceptTags, plain: Set<string> | undefined, generic: ConceptTags): string[] {
  if (!plain) {
    tagger.tag(text, lang, tags, factor, tokens, inside, generic);
    return [];
  }
  const framed: string[] = [];
  for (const seg of segments) {
    const segTokens = seg.text === text ? tokens : analyzeMarked(seg.text, lang);
    const own: ConceptTags = new Map();
    tagger.tag(seg.text, lang, own, seg.framed ? factor * FRAMED_FACTOR : factor, segTokens, inside, generic);
    for (const [code, v] of own) {
      tags.set(code, (tags.get(code) ?? 0) + v);
      if (!seg.framed) plain.add(code);
    }
    if (seg.framed) framed.push(...segTokens.tokens);
  }
  return framed;
}

const isFramed = (segments: readonly { framed: boolean }[]): boolean => segments.some((s) => s.framed);

/** Analyses and tags a title + description written in `lang`. */
export function profileText(tagger: ConceptTagger, title: string, description: string, lang: Lang): TextProfile {
  const titleMarked = analyzeMarked(title, lang);
  const descMarked = analyzeMarked(description, lang);
  const titleTokens = titleMarked.tokens;
  const descTokens = descMarked.tokens;
  const tags: ConceptTags = new Map();
  const generic: ConceptTags = new Map();
  const titleSegments = framedSegments(title, lang);
  const descSegments = framedSegments(description, lang);
  // Which concepts are said outside framing clauses is only tracked when a framing clause exists.
  const plain = isFramed(titleSegments) || isFramed(descSegments) ? new Set<string>() : undefined;
  const inside: ConceptTags = new Map();
  const framed = [
    ...tagFramed(tagger, title, lang, tags, TITLE_FACTOR, titleMarked, titleSegments, inside, plain, generic),
    ...tagFramed(tagger, description, lang, tags, 1, descMarked, descSegments, inside, plain, generic),
  ];
  const tokens = [...titleTokens, ...descTokens];
  // The text query leaves out the words said only inside framing clauses (every occurrence framed).
  let focus: string[] | undefined;
  if (framed.length > 0) {
    const left = new Map<string, number>();
    for (const t of tokens) left.set(t, (left.get(t) ?? 0) + 1);
    for (const t of framed) left.set(t, (left.get(t) ?? 0) - 1);
    focus = tokens.filter((t) => (left.get(t) ?? 0) > 0);
  }
  tagger.softTag(titleTokens, lang, tags, TITLE_FACTOR);
  tagger.softTag(descTokens, lang, tags, 1);
  const areaRaw = new Map<string, number>();
  const add = (area: string, v: number) => areaRaw.set(area, (areaRaw.get(area) ?? 0) + v);
  const fine = new Map<string, number>();
  // Words said inside an instrument's name count for the area of legal work on instruments when the text speaks of it.
  const workArea = legalWorkArea(tagger, tags, inside);
  // Investigating and prosecuting a field of crime the text names count for that field's area.
  const crime = crimeFieldArea(tagger, tags);
  for (const [code, strength] of tags) {
    if (code.startsWith('~')) {
      add(code.slice(1), strength);
      continue;
    }
    const def = tagger.concepts.get(code);
    if (!def) continue;
    const named = workArea && def.area && def.area !== workArea ? Math.min(strength, inside.get(code) ?? 0) : 0;
    if (code.startsWith('area:')) {
      add(def.area!, strength - named);
      if (named > 0) add(workArea!, named);
    } else {
      fine.set(code, round4(1 - Math.exp(-strength / FINE_SATURATION)));
      // One fine concept is one piece of evidence, however many ways the text
      // says it: its contribution to the area is capped.
      const toArea = (s: number) => (def.areaWeight ?? FINE_TO_AREA) * Math.min(s, FINE_AREA_CAP);
      const area = def.justiceStage && crime ? crime : def.area;
      if (area) add(area, toArea(strength - named));
      if (named > 0) add(workArea!, toArea(strength) - toArea(strength - named));
    }
  }
  const framedOnly = plain ? new Set([...fine.keys()].filter((c) => !plain.has(c))) : undefined;
  return { lang, tokens, ...(focus ? { focus } : {}), ...(framedOnly && framedOnly.size > 0 ? { framedOnly } : {}), tags, inferred: inferAreas(areaRaw), fine, areaRaw, ...(generic.size > 0 ? { generic } : {}) };
}

/** What a text names of its own, leaving out the terms made only of generic words (TextProfile.generic). */
export interface OwnEvidence {
  /** The strongest concept or area term named (not single-word hints). */
  terms: number;
  /** The areas that evidence and the single-word hints give, best first. */
  areas: AreaScore[];
  /** Whether there is any such evidence, terms or hints. */
  hints: boolean;
  /** How many fine concepts it names (estudiantes, "students", is no concept named in "estamos estudiando"). */
  fine: number;
}

export function ownEvidence(profile: TextProfile): OwnEvidence {
  const generic = profile.generic;
  let terms = 0;
  for (const [code, v] of profile.tags) if (!code.startsWith('~')) terms = Math.max(terms, v - (generic?.get(code) ?? 0));
  if (!generic) return { terms, areas: profile.inferred, hints: profile.areaRaw.size > 0, fine: profile.fine.size };
  let fine = 0;
  for (const code of profile.fine.keys()) if ((profile.tags.get(code) ?? 0) - (generic.get(code) ?? 0) > 1e-9) fine++;
  const raw = new Map(profile.areaRaw);
  for (const [code, v] of generic) {
    if (!code.startsWith('area:')) continue;
    const left = (raw.get(code.slice(5)) ?? 0) - v;
    if (left > 1e-9) raw.set(code.slice(5), left);
    else raw.delete(code.slice(5));
  }
  return { terms, areas: inferAreas(raw), hints: raw.size > 0, fine };
}

// Legal work is named when its area's own evidence outside instrument names reaches about one clear term.
const LEGAL_WORK_MIN = 1;

/**
 * The area of legal work on legal instruments (ConceptDef.legalWork) when the text names an instrument and
 * speaks of such work (ratifying, acceding, incorporating into domestic law, legislating: any evidence of
 * that area outside the names themselves); else null.
 */
function legalWorkArea(tagger: ConceptTagger, tags: ConceptTags, inside: ConceptTags): string | null {
  if (inside.size === 0) return null;
  for (const code of [...tags.keys()].sort()) {
    if (!tagger.isInstrumentName(code)) continue;
    const area = tagger.concepts.get(tagger.concepts.get(code)!.legalWork!)?.area;
    if (!area) continue;
    let work = 0;
    for (const [c, v] of tags) if (tagger.concepts.get(c)?.area === area) work += v - (inside.get(c) ?? 0);
    if (work >= LEGAL_WORK_MIN) return area;
  }
  return null;
}

// A field of crime is named when one of its terms is said clearly once (title, or twice in the description).
const CRIME_FIELD_MIN = 2;

/**
 * The area of the field of crime a text names (ConceptDef.crimeField: cybercrime), the most strongly
 * named one when there are several (by code on a tie), or null: the stages of the criminal-justice chain
 * the text names (ConceptDef.justiceStage) then apply to that crime. "Investigation and prosecution of
 * cybercrime" is a cybercrime request, as UNODC's Global Programme on Cybercrime frames it.
 */
function crimeFieldArea(tagger: ConceptTagger, tags: ConceptTags): string | null {
  let best: { area: string; strength: number } | null = null;
  for (const code of [...tags.keys()].sort()) {
    const def = tagger.concepts.get(code);
    const strength = tags.get(code)!;
    if (!def?.crimeField || !def.area || strength < CRIME_FIELD_MIN) continue;
    if (!best || strength > best.strength) best = { area: def.area, strength };
  }
  return best?.area ?? null;
}

/** Turns raw area strengths into scores in [0, 1]: relative to the best area, scaled by overall confidence. */
export function inferAreas(raw: ReadonlyMap<string, number>): AreaScore[] {
  let max = 0;
  for (const v of raw.values()) max = Math.max(max, v);
  if (max <= 0) return [];
  const confidence = 1 - Math.exp(-max / CONFIDENCE_SCALE);
  return [...raw.entries()]
    .filter(([, v]) => v >= RELATIVE_CUTOFF * max)
    .map(([code, v]) => ({ code, score: round4((v / max) * confidence) }))
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
    .slice(0, MAX_INFERRED);
}

// Explicit areas chosen by the requester outrank anything inferred; inferred
// ones are kept (scaled down) because they help when the explicit choice is
// too narrow.
const INFERRED_UNDER_EXPLICIT = 0.5;

/** Combines explicit area codes (dominant, in the given order) with inferred scores. */
export function combineAreas(explicit: readonly string[], inferred: readonly AreaScore[], known?: ReadonlySet<string>): AreaScore[] {
  const valid = explicit.filter((c, i) => explicit.indexOf(c) === i && (!known || known.has(c)));
  if (valid.length === 0) return [...inferred];
  const out: AreaScore[] = valid.map((code, i) => ({ code, score: round4(1 - 0.05 * i) }));
  for (const a of inferred) {
    if (valid.includes(a.code)) continue;
    out.push({ code: a.code, score: round4(a.score * INFERRED_UNDER_EXPLICIT) });
  }
  return out.sort((a, b) => b.score - a.score || valid.indexOf(a.code) - valid.indexOf(b.code) || a.code.localeCompare(b.code));
}

/** Rounds to four decimals so scores print and compare stably. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Profile of a text given in several languages (an offering's versions): every version is analysed
 * in its own language; a concept or an area counts at its strongest version (the versions say the
 * same thing, so they are not added up), and the tokens of all versions are kept.
 */
export function profileVersions(tagger: ConceptTagger, versions: readonly { language: Lang; title: string; description: string }[]): TextProfile {
  const profiles = versions.map((v) => profileText(tagger, v.title, v.description, v.language));
  if (profiles.length === 1) return profiles[0]!;
  const maxInto = (into: Map<string, number>, from: ReadonlyMap<string, number>) => {
    for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
  };
  const tags: ConceptTags = new Map();
  const fine = new Map<string, number>();
  const areaRaw = new Map<string, number>();
  const generic: ConceptTags = new Map();
  for (const p of profiles) {
    maxInto(tags, p.tags);
    maxInto(fine, p.fine);
    maxInto(areaRaw, p.areaRaw);
    if (p.generic) maxInto(generic, p.generic);
  }
  const focus = profiles.some((p) => p.focus) ? profiles.flatMap((p) => p.focus ?? p.tokens) : undefined;
  return { lang: profiles[0]!.lang, tokens: profiles.flatMap((p) => p.tokens), ...(focus ? { focus } : {}), tags, inferred: inferAreas(areaRaw), fine, areaRaw, ...(generic.size > 0 ? { generic } : {}) };
}
