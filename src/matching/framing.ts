import { foldTraditional } from './text.normalize.js';
import type { Lang } from './types.js';

// A request states its legal or programme basis in passing: "dans le cadre de l'article XI de la
// Convention", "in accordance with resolution 1540", "في إطار خطة الدعم المتكاملة", "根据第1540号决议",
// "in support of implementing the Chemical Weapons Convention" ("دعماً لتطبيق اتفاقية …").
// What follows such a phrase, up to the end of its clause, is the setting of the request, not what it
// asks for; its terms count for less (classify.ts), so a cited instrument does not outweigh the topic.
const FRAMES: Record<Lang, RegExp> = {
  en: /(?<![\p{L}])(?:within the framework of|in the framework of|in the context of|in accordance with|pursuant to|in line with|in compliance with|as required by|under the terms of|in support of (?:the )?implement(?:ation of|ing)|to support (?:the )?implementation of)(?![\p{L}])/giu,
  fr: /(?<![\p{L}])(?:dans le cadre d(?:e|u|es|['’])|conformément (?:à|aux?)|en vertu d(?:e|u|es|['’])|en application d(?:e|u|es|['’])|au titre d(?:e|u|es|['’])|(?:à l['’]appui|en appui) (?:de la|à la) mise en œuvre d(?:e|u|es|['’])|pour appuyer la mise en œuvre d(?:e|u|es|['’]))/giu,
  es: /(?<![\p{L}])(?:en el marco d(?:e|el)|de conformidad con|conforme a|en virtud d(?:e|el)|con arreglo a|en cumplimiento d(?:e|el)|en apoyo (?:de|a) la (?:aplicación|implementación) d(?:e|el)|para apoyar la (?:aplicación|implementación) d(?:e|el))(?![\p{L}])/giu,
  ru: /(?<![\p{L}])(?:в рамках|в соответствии с|согласно|на основании|во исполнение|в поддержку (?:осуществления|выполнения|реализации))(?![\p{L}])/giu,
  // As written: alef with or without tanwin (وفقاً، وفقا), hamza or bare alef (إطار، اطار).
  ar: /(?<![\p{L}])(?:في\s+(?:إ|ا)طار|وفق(?:اً|ًا|ا)?\s*ل|وفق(?=\s)|بموجب|طبق(?:اً|ًا|ا)?\s*ل|استناد(?:اً|ًا|ا)?\s+(?:إ|ا)لى|دعم(?:اً|ًا|ا)?\s*ل(?:تطبيق|تنفيذ)|لدعم\s+(?:تطبيق|تنفيذ))/gu,
  zh: /(?:根据|按照|依照|依据|遵照|在[^，。；：,;:]{0,16}?框架[内下]|以支持(?:执行|实施|落实)|为支持(?:执行|实施|落实))/gu,
};
// The clause a frame governs ends at the next punctuation, or after this many characters (a Chinese
// character says about a word).
const CLAUSE_END = /[,;:.!?،؛。，；：！？\n]/u;
const MAX_FRAMED_CHARS = 90;
const MAX_FRAMED_CHARS_ZH = 30;
// A "frame" that opens a sentence and runs to its end is the request itself ("В рамках программы …
// просим обучить …" with no comma): that sentence is read as it is.
const SENTENCE_END = /[.!?。！？\n]/u;

/** A text cut into its plain and framed stretches, in order (together they are the whole text; Chinese in simplified characters). */
export function framedSegments(raw: string, lang: Lang): { text: string; framed: boolean }[] {
  // The Chinese frames are written in simplified characters: a traditional text (依據, 框架內) is read folded.
  const text = lang === 'zh' ? foldTraditional(raw) : raw;
  // One shared global expression per language: reset, used synchronously to the end.
  const re = FRAMES[lang];
  re.lastIndex = 0;
  const out: { text: string; framed: boolean }[] = [];
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index + m[0].length;
    if (start <= at) continue;
    const rest = text.slice(start, start + (lang === 'zh' ? MAX_FRAMED_CHARS_ZH : MAX_FRAMED_CHARS));
    const stop = rest.search(CLAUSE_END);
    const end = start + (stop < 0 ? rest.length : stop);
    const opensSentence = /(?:^|[.!?。！？\n])\s*$/u.test(text.slice(0, m.index));
    const endsSentence = stop < 0 || SENTENCE_END.test(rest[stop]!);
    if (opensSentence && endsSentence) continue;
    if (m.index > at) out.push({ text: text.slice(at, m.index), framed: false });
    out.push({ text: text.slice(m.index, end), framed: true });
    at = end;
    re.lastIndex = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), framed: false });
  return out;
}
