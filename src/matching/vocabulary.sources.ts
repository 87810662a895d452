import { termSource, termText, type ConceptDef } from './concepts.tagger.js';
import { LANGS, type Lang } from './types.js';

// Where the matcher's vocabulary comes from: every term of the taxonomy and of the fine concepts
// carries one of these codes (concepts.tagger.ts `termSource`). The authoritative sources are the
// official language versions of the instruments and programmes that define the field; ONEDOOR marks
// working terms written by the project for descriptive wording that no instrument fixes.
// db/reference/VOCABULARY.md says how the terms were taken and which were checked; the terms that are the
// team's own translation are listed by name in db/reference/own-translations.json (kept equal to the lexicon
// by tests/unit/matching/vocabulary-sources.test.ts).

/**
 * What a source is: an authoritative text (an instrument, an official programme page, an official
 * publication of a treaty's text), the project's own translation of such a text's term into a language in
 * which it has no version, the project's own descriptive wording, States' own usage, or the taxonomy.
 */
export type SourceKind = 'authoritative' | 'own-translation' | 'own-wording' | 'national-usage' | 'taxonomy';

export interface VocabularySource {
  code: string;
  kind: SourceKind;
  title: string;
  /** URL, or a document symbol (IAEA GC(56)/RES/10) where the text was read in a copy. */
  url: string;
  /** Languages in which the source exists officially. */
  languages: readonly string[];
  /**
   * The language versions a term was checked against, where they are not `url` itself: the page or
   * document (URL or symbol) whose text has the term, per language.
   */
  versions?: Readonly<Partial<Record<string, readonly string[]>>>;
}

export const VOCABULARY_SOURCES: readonly VocabularySource[] = [
  { code: 'TAXONOMY', kind: 'taxonomy', title: 'OneDoor thematic-area terms (db/reference/thematic-areas.json; method in db/reference/PROVENANCE.md)', url: 'db/reference/PROVENANCE.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ONEDOOR-TR', kind: 'own-translation', title: 'OneDoor team translation of a term of the concept\'s source, in a language in which that source has no official version', url: 'db/reference/VOCABULARY.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ONEDOOR', kind: 'own-wording', title: 'OneDoor working vocabulary: descriptive terms written by the project for wording no instrument fixes', url: 'src/matching/concepts.lexicon.ts', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'A62898', kind: 'authoritative', title: 'A/62/898, Secretary-General report on UN system activities under the Global Counter-Terrorism Strategy (2008)', url: 'https://undocs.org/A/62/898', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNTERM', kind: 'authoritative', title: 'UNTERM, the United Nations terminology database', url: 'https://unterm.un.org', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNSCR-1540', kind: 'authoritative', title: 'Security Council resolution 1540 (2004) and the 1540 Committee assistance pages', url: 'https://undocs.org/S/RES/1540(2004)', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNSCR-2396', kind: 'authoritative', title: 'Security Council resolution 2396 (2017) on returning foreign terrorist fighters (API/PNR, biometrics)', url: 'https://undocs.org/S/RES/2396(2017)', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'CWC', kind: 'authoritative', title: 'Convention on the Prohibition of the Development, Production, Stockpiling and Use of Chemical Weapons and on their Destruction', url: 'https://www.opcw.org/chemical-weapons-convention', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'BWC', kind: 'authoritative', title: 'Biological Weapons Convention', url: 'https://disarmament.unoda.org/biological-weapons/', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  {
    code: 'CPPNM', kind: 'authoritative', title: 'Convention on the Physical Protection of Nuclear Material (INFCIRC/274) and its Amendment',
    url: 'https://www.iaea.org/publications/documents/infcircs/convention-physical-protection-nuclear-material', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: {
      fr: ['IAEA GOV/INF/2005/10-GC(49)/INF/6 (French): Amendement de la Convention sur la protection physique des matières nucléaires'],
      es: ['IAEA GOV/2015/42-GC(59)/12 (Spanish): Enmienda de la Convención sobre la Protección Física de los Materiales Nucleares (CPFMN)'],
    },
  },
  {
    code: 'IAEA-NSS', kind: 'authoritative', title: 'IAEA Nuclear Security Series (detection at State borders, major public events, INSSP) and the IAEA\'s pages on its nuclear security programme',
    url: 'https://www.iaea.org/resources/nuclear-security-series', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: { zh: ['https://www.iaea.org/zh/newscenter/news/he-an-bao-guo-ji-he-zuo-he-zui-jia-shi-jian-gong-xiang (核安保支持中心网络年会)'] },
  },
  { code: 'ICAO-A9-A17', kind: 'authoritative', title: 'ICAO Annex 9 (Facilitation: API, PNR) and Annex 17 (Security) to the Chicago Convention', url: 'https://www.icao.int/Security/FAL/Pages/default.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ICAO-TRIP', kind: 'authoritative', title: 'ICAO Doc 9303, Machine Readable Travel Documents, and the ICAO Traveller Identification Programme (PKD, evidence of identity)', url: 'https://www.icao.int/Security/FAL/TRIP/Pages/default.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  {
    code: 'IMO-ISPS', kind: 'authoritative', title: 'SOLAS chapter XI-2 and the International Ship and Port Facility Security (ISPS) Code',
    url: 'https://www.imo.org/en/OurWork/Security/Pages/SOLAS-XI-2%20ISPS%20Code.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: {
      fr: ['IMO sales no. E116F, Code ISPS, édition de 2003: Conference resolution 2 of 12 December 2002 adopting the Code international pour la sûreté des navires et des installations portuaires'],
      ru: ['https://docs.cntd.ru/document/902019001 (Международный кодекс по охране судов и портовых средств (Кодекс ОСПС), рус., англ.)'],
    },
  },
  { code: 'WCO-STCE', kind: 'authoritative', title: 'WCO Strategic Trade Control Enforcement (STCE) Programme', url: 'https://www.wcoomd.org/en/topics/enforcement-and-compliance/activities-and-programmes/security-programme/stce-project.aspx', languages: ['en', 'fr', 'es', 'ru'] },
  { code: 'EU-DU', kind: 'authoritative', title: 'Regulation (EU) 2021/821 setting up a Union regime for the control of exports of dual-use items', url: 'https://eur-lex.europa.eu/eli/reg/2021/821/oj', languages: ['en', 'fr', 'es'] },
  { code: 'FATF', kind: 'authoritative', title: 'FATF Recommendations and glossary (FIU, STR, AML/CFT)', url: 'https://www.fatf-gafi.org/en/publications/Fatfrecommendations/Fatf-recommendations.html', languages: ['en', 'fr'] },
  { code: 'OPCW-ICA', kind: 'authoritative', title: 'OPCW international cooperation programmes (Laboratory Assistance Programme, Twinning Initiative, analytical courses)', url: 'https://www.opcw.org/resources/capacity-building/international-cooperation-programmes/laboratory-assistance-programme', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNODA-SGM', kind: 'authoritative', title: "Secretary-General's Mechanism for investigation of alleged use of chemical and biological weapons", url: 'https://disarmament.unoda.org/wmd/secretary-general-mechanism/', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'INTERPOL-BTPU', kind: 'authoritative', title: 'INTERPOL Bioterrorism Prevention Unit: capacity building and training', url: 'https://www.interpol.int/en/Crimes/Terrorism/Bioterrorism/Bioterrorism-Capacity-building-and-training', languages: ['en', 'fr', 'es', 'ar'] },
  { code: 'UNODC-WCA', kind: 'authoritative', title: 'UNODC Terrorism Prevention Branch, West and Central Africa: criminal justice response to terrorism', url: 'https://www.unodc.org/westandcentralafrica/fr/', languages: ['en', 'fr'] },
  { code: 'UNICRI-IPO', kind: 'authoritative', title: 'UNICRI International Permanent Observatory on Security during Major Events (IPO Security Planning Model: sporting events, summits, international forums)', url: 'https://unicri.org/topics/major-events-security', languages: ['en'] },
  { code: 'ISO-17025', kind: 'authoritative', title: 'ISO/IEC 17025, General requirements for the competence of testing and calibration laboratories', url: 'https://www.iso.org/standard/66912.html', languages: ['en', 'fr', 'ru'] },
  { code: 'UNTOC', kind: 'authoritative', title: 'United Nations Convention against Transnational Organized Crime (2000), article 20 (special investigative techniques)', url: 'https://www.unodc.org/unodc/en/organized-crime/intro/UNTOC.html', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  // Where a State's own law or administration names a thing otherwise than the UN term, requests use its
  // name: the Algerian FIU (Cellule de traitement du renseignement financier, خلية معالجة الاستعلام المالي,
  // whose reports are الإخطار بالشبهة), the Moroccan FIU's former name (وحدة معالجة المعلومات المالية), China's 被害人 (victim, Criminal Procedure
  // Law) and 核生化 (nuclear, biological, chemical), and Moroccan licensing wording (منح التراخيص).
  { code: 'NATIONAL-USAGE', kind: 'national-usage', title: "States' own legal and administrative terms where they differ from the UN term (national laws, names of national bodies)", url: 'db/reference/VOCABULARY.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNODC-CCP', kind: 'authoritative', title: 'UNODC-WCO Container Control Programme (port control units, air cargo control units)', url: 'https://www.unodc.org/unodc/en/drug-trafficking/container-control-programme.html', languages: ['en', 'fr', 'es', 'ru', 'zh'] },
  { code: 'UNODC-AIRCOP', kind: 'authoritative', title: 'UNODC-WCO-INTERPOL Airport Communication Project (joint airport interdiction task forces)', url: 'https://www.unodc.org/unodc/en/organized-crime/AIRCOP/2-aircop-project.html', languages: ['en', 'fr', 'es'] },
  { code: 'WCO-PGS', kind: 'authoritative', title: 'WCO Programme Global Shield (explosive precursor chemicals and other IED components; with INTERPOL)', url: 'https://www.wcoomd.org/en/topics/enforcement-and-compliance/activities-and-programmes/security-programme/programme-global-shield.aspx', languages: ['en', 'fr', 'es'] },
  {
    code: 'UN-CT-INSTRUMENTS', kind: 'authoritative',
    title: 'International legal instruments against terrorism: the 19 universal conventions and protocols (UN Office of Counter-Terrorism list), their titles as in their authentic texts',
    url: 'https://www.un.org/counterterrorism/international-legal-instruments', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: {
      fr: ['https://www.un.org/counterterrorism/fr/international-legal-instruments'],
      ar: ['https://www.un.org/counterterrorism/ar/international-legal-instruments', 'https://www.un.org/securitycouncil/ctc/ar/content/international-legal-instruments'],
      zh: ['https://www.un.org/counterterrorism/ctitf/zh/international-legal-instruments'],
    },
  },
  // The titles of the instruments checked one by one (db/reference/VOCABULARY.md, "Titles checked"): the
  // UNODC pages that list or promote them, the authentic text of the 2005 SUA Protocol (whose annex lists
  // nine of them), and States' official publications of the treaties' texts in their language.
  {
    code: 'UNODC-E4J-M16', kind: 'authoritative',
    title: 'UNODC Education for Justice, University Module Series on Organized Crime, Module 16, key issue "International terrorism-related conventions" (the instruments\' titles)',
    url: 'https://sherloc.unodc.org/cld/fr/education/tertiary/organized-crime/module-16/key-issues/terrorism-international-framework---international-terrorism-related-conventions.html',
    languages: ['en', 'fr', 'ar'],
    versions: {
      fr: ['https://sherloc.unodc.org/cld/fr/education/tertiary/organized-crime/module-16/key-issues/terrorism-international-framework---international-terrorism-related-conventions.html'],
      ar: ['https://sherloc.unodc.org/cld/ar/education/tertiary/organized-crime/module-16/key-issues/terrorism-international-framework---international-terrorism-related-conventions.html'],
    },
  },
  {
    code: 'UNODC-ICSANT', kind: 'authoritative',
    title: 'UNODC pages on the International Convention for the Suppression of Acts of Nuclear Terrorism and the related instruments it promotes (Beijing Convention)',
    url: 'https://www.unodc.org/icsant/', languages: ['en', 'fr', 'ar'],
    versions: {
      fr: ['https://www.unodc.org/icsant/fr/main-features-of-the-convention.html', 'https://www.unodc.org/icsant/fr/web-stories/2016-iaea.html'],
      ar: ['https://unodc.org/icsant/ar/main-features-of-the-convention.html', 'https://unodc.org/icsant/ar/index.html', 'https://unodc.org/icsant/ar/web-stories/2023-icao-event.html'],
    },
  },
  {
    code: 'SUA-2005', kind: 'authoritative',
    title: 'Protocol of 2005 to the Convention for the Suppression of Unlawful Acts against the Safety of Maritime Navigation: its preamble and the annex listing nine of the instruments (authentic text; French as published in the Journal officiel)',
    url: 'https://legal.tricoteuses.fr/articles/JORFARTI000037392015', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: { fr: ['https://legal.tricoteuses.fr/articles/JORFARTI000037392015 (JORF: annex)', 'https://vilp.de/compare_article?lid=en&aid=4123&cid=169&bid=treaty_full (preamble)'] },
  },
  {
    code: 'IAEA-GC', kind: 'authoritative', title: 'IAEA General Conference resolutions on nuclear security (language versions)',
    url: 'IAEA GC(56)/RES/10, Nuclear security (2012)', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'],
    versions: { es: ['GC(56)/RES/10 (Spanish), preambular para. (d): Convenio internacional para la represión de los actos de terrorismo nuclear'] },
  },
  {
    code: 'STATE-PUBLICATIONS', kind: 'authoritative',
    title: "States' official publications of an instrument's text in their language (ratification laws and decrees, official gazettes, treaty databases)",
    url: 'db/reference/VOCABULARY.md', languages: ['fr', 'es', 'ru', 'ar', 'zh'],
    versions: {
      fr: ['https://inview.nl/document/id75b2351f0329978b7932943d4c9ec52c (Netherlands treaty series, Trb. 1991, 127: Convention sur le marquage des explosifs plastiques et en feuilles aux fins de détection)'],
      es: [
        'https://healthdrugpdf.com/c/conavi.go.cr1.html (Costa Rica, Legislative Assembly: approval of the 1988 Airports Protocol)',
        'http://cacheirofrias.com.ar/tratado_de_montreal_sobre_seguridad_aerea_1974.htm (Spain, BOE no. 9 of 10 January 1974: Montreal Convention)',
      ],
      ru: [
        'https://docs.cntd.ru/document/901930935 (Russian Federation: text of the International Convention for the Suppression of Acts of Nuclear Terrorism, ratified by Federal Law No. 158-FZ of 2 October 2006)',
        'http://base.garant.ru/10500007/ (USSR accession, decree No. 8109-XI of 4 December 1987: Tokyo Convention)',
        'http://levonevski.net/pravo/razdel3/num2/3d286.html (Belarus: 1988 Airports Protocol; USSR ratification decree No. 10153-XI of 20 February 1989)',
      ],
      ar: [
        'https://legalaffairs.gov.bh/Legislation/HTM/K1505 (Bahrain, Law No. 15 of 2005: SUA Convention and Fixed Platforms Protocol)',
        'https://encyclop.sjc.gov.qa/lawlib/Files/ViewDOC.aspx?id=18164 (Qatar, Decree No. 3 of 2009: Fixed Platforms Protocol)',
      ],
      zh: ['http://zenchang.cn/law/law_view.asp?id=14176 (China, NPC Standing Committee decision of 4 November 1998: 1988 Airports Protocol, naming the Montreal Convention)'],
    },
  },
  {
    code: 'UNODC-TPB', kind: 'authoritative',
    title: 'UNODC Terrorism Prevention Branch: legislative assistance for the ratification and incorporation of the universal instruments against terrorism',
    url: 'https://www.unodc.org/unodc/en/terrorism/expertise/international-legal-framework.html', languages: ['en', 'fr', 'es', 'ru'],
    versions: { fr: ['https://www.unodc.org/icsant/fr/web-stories/2016-iaea.html (Service de la prévention du terrorisme de l’ONUDC)'] },
  },
  {
    code: 'UNODA-IED', kind: 'authoritative',
    title: 'UNODA: improvised explosive devices (General Assembly resolutions "Countering the threat posed by improvised explosive devices", 70/46 to 73/67)',
    url: 'https://www.unoda.org/ar/our-work/conventional-arms/other-conventional-arms-issues/improvised-explosive-devices', languages: ['en', 'ar'],
    versions: { ar: ['https://www.unoda.org/ar/our-work/conventional-arms/other-conventional-arms-issues/improvised-explosive-devices'] },
  },
  { code: 'UNOCT-VOT', kind: 'authoritative', title: 'UNOCT Victims of Terrorism Support Programme', url: 'https://www.un.org/counterterrorism/victims-of-terrorism', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
];

export const SOURCE_CODES: ReadonlySet<string> = new Set(VOCABULARY_SOURCES.map((s) => s.code));

const SOURCE_LANGUAGES = new Map(VOCABULARY_SOURCES.map((s) => [s.code, new Set(s.languages)]));

/**
 * Where a term in `lang` comes from: its recorded source when that source exists in `lang`, else a
 * team translation of the source's term (`ONEDOOR-TR`): a term cannot come from a version that does not exist.
 */
export function sourceIn(code: string, lang: string): string {
  const langs = SOURCE_LANGUAGES.get(code);
  return !langs || langs.has(lang) ? code : 'ONEDOOR-TR';
}

const SOURCE_KINDS = new Map(VOCABULARY_SOURCES.map((s) => [s.code, s.kind]));

/** The kind of a source code (undefined for an unknown code). */
export const sourceKind = (code: string): SourceKind | undefined => SOURCE_KINDS.get(code);

/**
 * The terms that are the team's own translation (their source, in their language, is of kind
 * own-translation), by concept and language in lexicon order: what db/reference/own-translations.json lists.
 */
export function ownTranslations(concepts: readonly ConceptDef[]): Record<string, Partial<Record<Lang, string[]>>> {
  const out: Record<string, Partial<Record<Lang, string[]>>> = {};
  for (const c of concepts) for (const l of LANGS) for (const t of c.terms[l] ?? []) {
    if (sourceKind(sourceIn(termSource(t, c), l)) === 'own-translation') ((out[c.code] ??= {})[l] ??= []).push(termText(t));
  }
  return out;
}
