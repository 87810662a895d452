import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger, termSource, termText } from '../../../src/matching/concepts.tagger.js';
import { LANGS, type Lang } from '../../../src/matching/types.js';
import { ownTranslations, SOURCE_CODES, sourceIn, sourceKind, VOCABULARY_SOURCES } from '../../../src/matching/vocabulary.sources.js';
import { AREAS } from './areas.fixture.js';

// Issue 15 item 4: where each term of the vocabulary comes from is recorded per term, and the terms that
// are the team's own translation (no authoritative text in that language was found) are listed by name.

const listed = JSON.parse(readFileSync(new URL('../../../db/reference/own-translations.json', import.meta.url), 'utf8')) as Record<string, Partial<Record<Lang, string[]>> | string>;
const byCode = new Map(VOCABULARY_SOURCES.map((s) => [s.code, s]));
const allTerms = () => FINE_CONCEPTS.flatMap((c) => LANGS.flatMap((l) => (c.terms[l] ?? []).map((t) => ({ c, l, text: termText(t), code: termSource(t, c) }))));
const key = (concept: string, l: string, text: string) => `${concept}/${l}: ${text}`;

describe('vocabulary sources', () => {
  it('describes every source once, with its kind and the languages of its versions', () => {
    expect(SOURCE_CODES.size).toBe(VOCABULARY_SOURCES.length);
    for (const s of VOCABULARY_SOURCES) {
      expect(s.kind, s.code).toMatch(/^(authoritative|own-translation|own-wording|national-usage|taxonomy)$/);
      expect(s.url.length, s.code).toBeGreaterThan(0);
      for (const l of s.languages) expect(LANGS, s.code).toContain(l);
      for (const [l, refs] of Object.entries(s.versions ?? {})) {
        expect(s.languages, `${s.code}: a version in ${l}`).toContain(l);
        expect(refs!.length, `${s.code}/${l}`).toBeGreaterThan(0);
      }
    }
    // Only ONEDOOR-TR is the team's translation; ONEDOOR is its own wording, not a translation.
    expect(VOCABULARY_SOURCES.filter((s) => s.kind === 'own-translation').map((s) => s.code)).toEqual(['ONEDOOR-TR']);
    expect(sourceKind('ONEDOOR')).toBe('own-wording');
  });

  it('records a known source for every term, one that exists in the term’s language', () => {
    const bad = allTerms().filter(({ l, code }) => !SOURCE_CODES.has(code) || !byCode.get(sourceIn(code, l))!.languages.includes(l));
    expect(bad.map(({ c, l, text, code }) => `${key(c.code, l, text)} [${code}]`)).toEqual([]);
  });

  it('lists explicitly every term that is the team’s own translation (db/reference/own-translations.json)', () => {
    const flat = (m: Record<string, Partial<Record<Lang, string[]>> | string>) => new Set(Object.entries(m).filter(([k]) => !k.startsWith('$')).flatMap(([concept, langs]) =>
      Object.entries(langs as Partial<Record<Lang, string[]>>).flatMap(([l, texts]) => texts!.map((t) => key(concept, l, t)))));
    const own = flat(ownTranslations(FINE_CONCEPTS));
    const inList = flat(listed);
    expect(own.size).toBeGreaterThan(0);
    // A new own translation must be listed (or given its authoritative source); a listed one that now has
    // an authoritative source, or left the lexicon, must leave the list. `npx tsx bench/own-translations.ts`
    // rewrites the list; check its diff.
    expect([...own].filter((k) => !inList.has(k)), 'own translations not listed').toEqual([]);
    expect([...inList].filter((k) => !own.has(k)), 'listed but not (or no longer) own translations').toEqual([]);
  });

  it('records the document of a State’s publication for each language a term is taken from', () => {
    const versions = byCode.get('STATE-PUBLICATIONS')!.versions ?? {};
    const missing = allTerms().filter(({ code, l }) => code === 'STATE-PUBLICATIONS' && !versions[l]?.length);
    expect(missing.map(({ c, l, text }) => key(c.code, l, text))).toEqual([]);
  });
});

describe('instrument titles as the UN and the treaties write them', () => {
  const names = (l: Lang) => (FINE_CONCEPTS.find((c) => c.code === 'c:ct_instruments')!.terms[l] ?? []).map(termText);
  const tagger = new ConceptTagger([...areaConcepts(AREAS), ...FINE_CONCEPTS]);
  const names1 = (text: string, l: Lang) => tagger.tag(text, l).has('c:ct_instruments');

  it('has the Arabic titles of the Tokyo and Beijing Conventions of UNODC’s and the CTC’s pages', () => {
    expect(names('ar')).toContain('الاتفاقية المتعلقة بالجرائم وبعض الأفعال الأخرى المرتكبة على متن الطائرات');
    expect(names('ar')).not.toContain('اتفاقية الجرائم وبعض الأفعال الأخرى المرتكبة على متن الطائرات');
    expect(names('ar')).toContain('اتفاقية قمع الأعمال غير المشروعة المتعلقة بالطيران المدني الدولي');
    expect(names('ar')).not.toContain('اتفاقية قمع الأفعال غير المشروعة المتعلقة بالطيران المدني الدولي');
    expect(names1('طلب المساعدة للانضمام إلى الاتفاقية المتعلقة بالجرائم وبعض الأفعال الأخرى المرتكبة على متن الطائرات', 'ar')).toBe(true);
    expect(names1('اتفاقية عام 1963 بشأن الجرائم وبعض الأفعال الأخرى المرتكبة على متن الطائرات', 'ar')).toBe(true);
  });

  it('names the 1988 Airports Protocol in the six languages', () => {
    const texts: Record<Lang, string> = {
      en: 'Protocol for the Suppression of Unlawful Acts of Violence at Airports Serving International Civil Aviation',
      fr: 'Protocole pour la répression des actes illicites de violence dans les aéroports servant à l’aviation civile internationale',
      es: 'Protocolo para la represión de actos ilícitos de violencia en los aeropuertos que presten servicio a la aviación civil internacional',
      ru: 'Протокол о борьбе с незаконными актами насилия в аэропортах, обслуживающих международную гражданскую авиацию',
      ar: 'بروتوكول قمع أعمال العنف غير المشروعة في المطارات التي تخدم الطيران المدني الدولي',
      zh: '制止在用于国际民用航空的机场发生的非法暴力行为以补充1971年9月23日订于蒙特利尔的制止危害民用航空安全的非法行为的公约的议定书',
    };
    for (const l of LANGS) expect(names1(texts[l], l), l).toBe(true);
  });

  it('reads the Chinese titles of the Hague and Montreal Conventions with or without 关于', () => {
    expect(names1('《制止非法劫持航空器公约的补充议定书》', 'zh')).toBe(true);
    expect(names1('加入《制止危害民用航空安全的非法行为的公约》', 'zh')).toBe(true);
  });

  it('has the ISPS Code’s full title beside its acronym in the six languages', () => {
    const port = FINE_CONCEPTS.find((c) => c.code === 'c:port_security')!;
    const full: Record<Lang, string> = {
      en: 'International Ship and Port Facility Security Code',
      fr: 'Code international pour la sûreté des navires et des installations portuaires',
      es: 'Código internacional para la protección de los buques y de las instalaciones portuarias',
      ru: 'Международный кодекс по охране судов и портовых средств',
      ar: 'المدونة الدولية لأمن السفن والمرافق المينائية',
      zh: '国际船舶和港口设施保安规则',
    };
    for (const l of LANGS) expect((port.terms[l] ?? []).map(termText), l).toContain(full[l]);
  });
});
