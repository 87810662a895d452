import { describe, expect, it } from 'vitest';
import { combineAreas, profileText } from '../../../src/matching/classify.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger } from '../../../src/matching/concepts.tagger.js';
import { arabicCliticReading } from '../../../src/matching/text.normalize.js';
import { AREAS } from './areas.fixture.js';

const tagger = new ConceptTagger([...areaConcepts(AREAS), ...FINE_CONCEPTS]);
const top = (title: string, lang: Parameters<typeof profileText>[3]) => profileText(tagger, title, '', lang).inferred[0]?.code;

describe('concept tagging across languages', () => {
  it('tags the same area in all six languages', () => {
    expect(top('Training on terrorist financing investigations', 'en')).toBe('terrorist_financing');
    expect(top('Formation aux enquêtes sur le financement du terrorisme', 'fr')).toBe('terrorist_financing');
    expect(top('Capacitación sobre financiación del terrorismo', 'es')).toBe('terrorist_financing');
    expect(top('Обучение по вопросам финансирования терроризма', 'ru')).toBe('terrorist_financing');
    expect(top('تدريب على مكافحة تمويل الإرهاب', 'ar')).toBe('terrorist_financing');
    expect(top('打击恐怖主义融资调查培训', 'zh')).toBe('terrorist_financing');
  });

  it('matches multi-word phrases as token sequences, not bags of words', () => {
    // "security" and "aviation" apart do not make the phrase "aviation security".
    const apart = profileText(tagger, 'Security of data; aviation museum', '', 'en').tags.get('area:aviation_security') ?? 0;
    const phrase = profileText(tagger, 'Aviation security', '', 'en').tags.get('area:aviation_security') ?? 0;
    expect(phrase).toBeGreaterThan(apart);
  });

  it('matches Arabic terms after normalisation and prefix stripping', () => {
    // Different proclitic (بـ) and diacritics than the term "تمويل الإرهاب".
    const tags = profileText(tagger, 'تَمْويل بالإرهاب', '', 'ar').tags;
    expect(tags.get('area:terrorist_financing')).toBeGreaterThan(0);
  });

  it('reads an Arabic word without its one-letter proclitic (ب ل ك ف) when matching terms, never a root letter', () => {
    // "باتفاقية الأسلحة الكيميائية": "under the Chemical Weapons Convention"; "لمكافحة": "for countering".
    expect(profileText(tagger, 'الدول الأطراف باتفاقية الأسلحة الكيميائية', '', 'ar').tags.get('c:cwc_national')).toBeGreaterThan(0);
    expect(profileText(tagger, 'برنامج لمكافحة تمويل الإرهاب', '', 'ar').tags.get('area:terrorist_financing')).toBeGreaterThan(0);
    // كشف (detection) keeps its ك: two letters would be left.
    expect(arabicCliticReading('كشف')).toBeNull();
  });

  it('matches the verb of a term’s noun of action in English, French and Spanish (identificar / identificación)', () => {
    expect(profileText(tagger, 'Identificar los productos estratégicos', '', 'es').tags.get('c:stce')).toBeGreaterThan(0);
    expect(profileText(tagger, 'Identifier les produits', '', 'fr').tags.get('c:stce')).toBeGreaterThan(0);
    // Not in Russian, where two more letters make another word.
    expect(profileText(tagger, 'пограничные посты', '', 'ru').tags.get('c:border_management') ?? 0).toBe(0);
  });

  it('names summits, international forums and sporting events as major events in every language', () => {
    expect(profileText(tagger, 'План безопасности международных форумов и спортивных соревнований', '', 'ru').tags.get('c:major_events')).toBeGreaterThan(0);
    expect(profileText(tagger, 'تأمين المنتديات الدولية والفعاليات الرياضية', '', 'ar').tags.get('c:major_events')).toBeGreaterThan(0);
    expect(profileText(tagger, '国际论坛和体育比赛的安保', '', 'zh').tags.get('c:major_events')).toBeGreaterThan(0);
  });

  it('takes a judicial system for criminal justice, not the post-conflict setting it is named in', () => {
    expect(top("Appui aux systèmes judiciaires et pénitentiaires dans les pays sortant d'un conflit", 'fr')).toBe('justice_reform');
  });

  it('takes the use of intelligence as evidence for criminal justice, and an IED programme for it too', () => {
    expect(profileText(tagger, 'La judiciarisation du renseignement dans les affaires de terrorisme', '', 'fr').tags.get('c:intelligence_evidence')).toBeGreaterThan(0);
    expect(top('Preventing the acquisition of improvised explosive devices by terrorist groups', 'en')).toBe('justice_reform');
  });

  it('does not take a system or a national authority alone for any field', () => {
    // No term is named (single words may still hint weakly at an area).
    const p = profileText(tagger, 'The national authorities need a new system', '', 'en');
    expect([...p.tags.keys()].filter((k) => !k.startsWith('~'))).toEqual([]);
  });

  it('matches Chinese terms as substrings', () => {
    const tags = profileText(tagger, '我国需要加强港口设施保安', '', 'zh').tags;
    expect(tags.get('c:port_security')).toBeGreaterThan(0);
  });

  it('tags acronyms in any language', () => {
    const p = profileText(tagger, 'Обучение по применению кодекса ISPS', '', 'ru');
    expect(p.tags.get('c:port_security')).toBeGreaterThan(0);
    expect(p.inferred[0]?.code).toBe('maritime_security');
  });

  it('tags fine concepts across languages with one code', () => {
    const en = profileText(tagger, 'Financial intelligence unit analysts', '', 'en').fine;
    const zh = profileText(tagger, '金融情报中心分析人员', '', 'zh').fine;
    const ar = profileText(tagger, 'محللو وحدة الاستخبارات المالية', '', 'ar').fine;
    expect(en.has('c:fiu') && zh.has('c:fiu') && ar.has('c:fiu')).toBe(true);
  });

  it('counts a phrase in another word order, with less weight than the exact phrase', () => {
    const exact = profileText(tagger, 'Civil aviation', '', 'en').tags.get('area:aviation_security') ?? 0;
    const swapped = profileText(tagger, 'Aviation that is civil', '', 'en').tags.get('area:aviation_security') ?? 0;
    expect(swapped).toBeGreaterThan(0);
    expect(swapped).toBeLessThan(exact);
  });

  it('matches Chinese multi-word terms out of order, with less weight', () => {
    const exact = profileText(tagger, '家属重返社区', '', 'zh').tags.get('c:rehabilitation') ?? 0;
    const swapped = profileText(tagger, '家属的社区重返', '', 'zh').tags.get('c:rehabilitation') ?? 0;
    expect(swapped).toBeGreaterThan(0);
    expect(swapped).toBeLessThan(exact);
  });

  it('uses single words of an area’s terms as weak evidence', () => {
    // No full term of any area, but "passports" and "border" words belong to one area.
    const p = profileText(tagger, 'Checking passports', 'Officers at the border need to check passports.', 'en');
    expect(p.inferred[0]?.code).toBe('travel_documents_border');
    expect(p.tags.get('~travel_documents_border')).toBeGreaterThan(0);
  });

  it('finds nothing in unrelated text', () => {
    expect(profileText(tagger, 'Weather forecast for the weekend', 'Sunny with light winds.', 'en').inferred).toEqual([]);
  });
});

describe('classification', () => {
  it('lets explicit areas dominate inferred ones', () => {
    const p = profileText(tagger, 'Aviation security training', '', 'en');
    const areas = combineAreas(['legal_framework'], p.inferred);
    expect(areas[0]!.code).toBe('legal_framework');
    expect(areas[0]!.score).toBe(1);
    const inferred = areas.find((a) => a.code === 'aviation_security');
    expect(inferred!.score).toBeLessThanOrEqual(0.5);
  });

  it('ignores unknown explicit codes', () => {
    const areas = combineAreas(['no_such_area'], [], new Set(AREAS.map((a) => a.code)));
    expect(areas).toEqual([]);
  });

  it('scores a clear single-topic text high and keeps scores in [0, 1]', () => {
    const p = profileText(tagger, 'Maritime security and ISPS Code', 'Port facility security officers and ports.', 'en');
    expect(p.inferred[0]!.code).toBe('maritime_security');
    for (const a of p.inferred) {
      expect(a.score).toBeGreaterThan(0);
      expect(a.score).toBeLessThanOrEqual(1);
    }
  });
});

describe('acronyms and expansions of the field in each language (issue 15, vocabulary)', () => {
  const fine = (text: string, lang: Parameters<typeof profileText>[3]) => profileText(tagger, text, '', lang).fine;
  it.each([
    ['Mise en place des RPCV et des données PNR', 'fr', 'c:api_pnr'],
    ['renseignements préalables concernant les voyageurs', 'fr', 'c:api_pnr'],
    ['información anticipada sobre los pasajeros', 'es', 'c:api_pnr'],
    ['Внедрение систем API и PNR', 'ru', 'c:api_pnr'],
    ['تفعيل وحدة معلومات المسافرين', 'ar', 'c:api_pnr'],
    ["Traitement des déclarations d'opération suspecte", 'fr', 'c:fiu'],
    ['Análisis de los ROS por la UIF', 'es', 'c:fiu'],
    ['إنشاء وحدة التحريات المالية', 'ar', 'c:fiu'],
    ['Ratificación de la CPFMN y su enmienda', 'es', 'c:physical_protection'],
    ['Mise en œuvre de la CPPMN', 'fr', 'c:physical_protection'],
    ['Ратификация КФЗЯМ', 'ru', 'c:physical_protection'],
    ['Осуществление КБТО', 'ru', 'c:bio_investigation'],
    ['Mise en œuvre de la CIAB', 'fr', 'c:bio_investigation'],
    ['Responding to a bioterrorist attack', 'en', 'c:bioterrorism_police'],
    ['Préparation à une attaque bioterroriste', 'fr', 'c:bioterrorism_police'],
    ['Контроль делящихся и радиоактивных материалов на таможне', 'ru', 'c:radiation_detection'],
    ['Formation des agents de première ligne', 'fr', 'c:radiation_detection'],
    ['Productos de uso dual', 'es', 'c:strategic_trade'],
    ['تدريب على المساعدة والحماية', 'ar', 'c:chem_protection'],
    ['加入公钥目录，验证电子护照的签名', 'zh', 'c:travel_documents'],
    ['Adhésion au répertoire de clés publiques de l’OACI', 'fr', 'c:travel_documents'],
    ['Выдача электронных паспортов', 'ru', 'c:travel_documents'],
    ['Police oversight, legal aid and community justice', 'en', 'c:access_to_justice'],
    ['تعزيز المساعدة القانونية المجانية ومساءلة الشرطة', 'ar', 'c:access_to_justice'],
  ] as const)('%s (%s) → %s', (text, lang, code) => {
    expect(fine(text, lang).get(code) ?? 0).toBeGreaterThan(0);
  });

  it('does not take legislative assistance for legal aid', () => {
    expect(fine('المساعدة التشريعية لتنفيذ الصكوك القانونية العالمية', 'ar').get('c:access_to_justice') ?? 0).toBe(0);
  });

  it('does not take the name of a State’s financial monitoring department for an FIU request', () => {
    expect(fine('Департамент финансового мониторинга', 'ru').get('c:fiu') ?? 0).toBe(0);
  });
});

describe('variant wording in the other UN languages (issue 15, native-language stress set)', () => {
  const fine = (title: string, text: string, lang: 'ar' | 'zh' | 'ru') => profileText(tagger, title, text, lang).fine;

  it('finds the export-control concept in traditional characters and in Maghreb Arabic', () => {
    expect(fine('', '建立兩用物項出口許可審查程序', 'zh').has('c:strategic_trade')).toBe(true);
    expect(fine('', 'مراقبة تصدير السلع ذات الاستعمال المزدوج', 'ar').has('c:strategic_trade')).toBe(true);
  });

  it('matches a code written in capitals and digits (ISO/IEC 17025) in every language', () => {
    expect(fine('', 'аккредитации по ISO/IEC 17025', 'ru').has('c:lab_quality')).toBe(true);
  });

  it('does not read "allegations" (ادعاءات) as the prosecution (الادعاء العام)', () => {
    const tags = fine('', 'التحقيق في ادعاءات استخدام أسلحة بيولوجية', 'ar');
    expect(tags.has('c:prosecution')).toBe(false);
    expect(tags.has('c:bio_investigation')).toBe(true);
  });

  it('does not assemble a term of generic words (技术援助需求) from words scattered over a vague request', () => {
    const p = profileText(tagger, '需求评估', '我国有关部门正在研究哪些领域需要技术援助，具体需求将另行提交。', 'zh');
    expect(p.areaRaw.get('implementation_assessment') ?? 0).toBe(0);
  });
});

describe('CBRN written with "radioactive" (issue 15, border control of CBRN goods)', () => {
  it('finds c:cbrn_detection in an enumeration that says radioactive, not radiological', () => {
    const has = (text: string, lang: 'ar' | 'es') => profileText(tagger, '', text, lang).fine.has('c:cbrn_detection');
    expect(has('الكشف عن المواد الكيماوية والبيولوجية والمشعة والنووية في المنافذ البرية', 'ar')).toBe(true);
    expect(has('identificación de sustancias químicas, agentes biológicos, material radiactivo o nuclear en los pasos de frontera', 'es')).toBe(true);
    // Chinese enumerations written with the enumeration comma throughout (化学、生物、放射性、核).
    expect(profileText(tagger, '', '应对化学、生物、放射性、核及爆炸物恐怖主义', 'zh').fine.has('c:cbrn_detection')).toBe(true);
  });

  it('reads "Expression de besoins" (a statement of needs) as no evidence of human rights', () => {
    expect(profileText(tagger, 'Expression de besoins à venir', 'Le Gouvernement procède à un examen interne.', 'fr').areaRaw.size).toBe(0);
  });
});
