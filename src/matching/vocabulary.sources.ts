// Where the matcher's vocabulary comes from: every term of the taxonomy and of the fine concepts
// carries one of these codes (concepts.tagger.ts `termSource`). The authoritative sources are the
// official language versions of the instruments and programmes that define the field; ONEDOOR marks
// working terms written by the project for descriptive wording that no instrument fixes.
// db/reference/VOCABULARY.md says how the terms were taken and which were checked.

export interface VocabularySource {
  code: string;
  title: string;
  url: string;
  /** Languages in which the source exists officially. */
  languages: readonly string[];
}

export const VOCABULARY_SOURCES: readonly VocabularySource[] = [
  { code: 'TAXONOMY', title: 'OneDoor thematic-area terms (db/reference/thematic-areas.json; method in db/reference/PROVENANCE.md)', url: 'db/reference/PROVENANCE.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ONEDOOR-TR', title: 'OneDoor team translation of a term of the concept\'s source, in a language in which that source has no official version', url: 'db/reference/VOCABULARY.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ONEDOOR', title: 'OneDoor working vocabulary: descriptive terms written by the project for wording no instrument fixes', url: 'src/matching/concepts.lexicon.ts', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'A62898', title: 'A/62/898, Secretary-General report on UN system activities under the Global Counter-Terrorism Strategy (2008)', url: 'https://undocs.org/A/62/898', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNTERM', title: 'UNTERM, the United Nations terminology database', url: 'https://unterm.un.org', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNSCR-1540', title: 'Security Council resolution 1540 (2004) and the 1540 Committee assistance pages', url: 'https://undocs.org/S/RES/1540(2004)', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNSCR-2396', title: 'Security Council resolution 2396 (2017) on returning foreign terrorist fighters (API/PNR, biometrics)', url: 'https://undocs.org/S/RES/2396(2017)', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'CWC', title: 'Convention on the Prohibition of the Development, Production, Stockpiling and Use of Chemical Weapons and on their Destruction', url: 'https://www.opcw.org/chemical-weapons-convention', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'BWC', title: 'Biological Weapons Convention', url: 'https://disarmament.unoda.org/biological-weapons/', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'CPPNM', title: 'Convention on the Physical Protection of Nuclear Material (INFCIRC/274) and its Amendment', url: 'https://www.iaea.org/publications/documents/infcircs/convention-physical-protection-nuclear-material', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'IAEA-NSS', title: 'IAEA Nuclear Security Series (detection at State borders, major public events, INSSP)', url: 'https://www.iaea.org/resources/nuclear-security-series', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ICAO-A9-A17', title: 'ICAO Annex 9 (Facilitation: API, PNR) and Annex 17 (Security) to the Chicago Convention', url: 'https://www.icao.int/Security/FAL/Pages/default.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'ICAO-TRIP', title: 'ICAO Doc 9303, Machine Readable Travel Documents, and the ICAO Traveller Identification Programme (PKD, evidence of identity)', url: 'https://www.icao.int/Security/FAL/TRIP/Pages/default.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'IMO-ISPS', title: 'SOLAS chapter XI-2 and the International Ship and Port Facility Security (ISPS) Code', url: 'https://www.imo.org/en/OurWork/Security/Pages/SOLAS-XI-2%20ISPS%20Code.aspx', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'WCO-STCE', title: 'WCO Strategic Trade Control Enforcement (STCE) Programme', url: 'https://www.wcoomd.org/en/topics/enforcement-and-compliance/activities-and-programmes/security-programme/stce-project.aspx', languages: ['en', 'fr', 'es', 'ru'] },
  { code: 'EU-DU', title: 'Regulation (EU) 2021/821 setting up a Union regime for the control of exports of dual-use items', url: 'https://eur-lex.europa.eu/eli/reg/2021/821/oj', languages: ['en', 'fr', 'es'] },
  { code: 'FATF', title: 'FATF Recommendations and glossary (FIU, STR, AML/CFT)', url: 'https://www.fatf-gafi.org/en/publications/Fatfrecommendations/Fatf-recommendations.html', languages: ['en', 'fr'] },
  { code: 'OPCW-ICA', title: 'OPCW international cooperation programmes (Laboratory Assistance Programme, Twinning Initiative, analytical courses)', url: 'https://www.opcw.org/resources/capacity-building/international-cooperation-programmes/laboratory-assistance-programme', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNODA-SGM', title: "Secretary-General's Mechanism for investigation of alleged use of chemical and biological weapons", url: 'https://disarmament.unoda.org/wmd/secretary-general-mechanism/', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'INTERPOL-BTPU', title: 'INTERPOL Bioterrorism Prevention Unit: capacity building and training', url: 'https://www.interpol.int/en/Crimes/Terrorism/Bioterrorism/Bioterrorism-Capacity-building-and-training', languages: ['en', 'fr', 'es', 'ar'] },
  { code: 'UNODC-WCA', title: 'UNODC Terrorism Prevention Branch, West and Central Africa: criminal justice response to terrorism', url: 'https://www.unodc.org/westandcentralafrica/fr/', languages: ['en', 'fr'] },
  { code: 'UNICRI-IPO', title: 'UNICRI International Permanent Observatory on Security during Major Events (IPO Security Planning Model: sporting events, summits, international forums)', url: 'https://unicri.org/topics/major-events-security', languages: ['en'] },
  { code: 'ISO-17025', title: 'ISO/IEC 17025, General requirements for the competence of testing and calibration laboratories', url: 'https://www.iso.org/standard/66912.html', languages: ['en', 'fr', 'ru'] },
  { code: 'UNTOC', title: 'United Nations Convention against Transnational Organized Crime (2000), article 20 (special investigative techniques)', url: 'https://www.unodc.org/unodc/en/organized-crime/intro/UNTOC.html', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  // Where a State's own law or administration names a thing otherwise than the UN term, requests use its
  // name: the Algerian FIU (Cellule de traitement du renseignement financier, خلية معالجة الاستعلام المالي,
  // whose reports are الإخطار بالشبهة), the Moroccan FIU's former name (وحدة معالجة المعلومات المالية), China's 被害人 (victim, Criminal Procedure
  // Law) and 核生化 (nuclear, biological, chemical), and Moroccan licensing wording (منح التراخيص).
  { code: 'NATIONAL-USAGE', title: "States' own legal and administrative terms where they differ from the UN term (national laws, names of national bodies)", url: 'db/reference/VOCABULARY.md', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNODC-CCP', title: 'UNODC-WCO Container Control Programme (port control units, air cargo control units)', url: 'https://www.unodc.org/unodc/en/drug-trafficking/container-control-programme.html', languages: ['en', 'fr', 'es', 'ru', 'zh'] },
  { code: 'UNODC-AIRCOP', title: 'UNODC-WCO-INTERPOL Airport Communication Project (joint airport interdiction task forces)', url: 'https://www.unodc.org/unodc/en/organized-crime/AIRCOP/2-aircop-project.html', languages: ['en', 'fr', 'es'] },
  { code: 'WCO-PGS', title: 'WCO Programme Global Shield (explosive precursor chemicals and other IED components; with INTERPOL)', url: 'https://www.wcoomd.org/en/topics/enforcement-and-compliance/activities-and-programmes/security-programme/programme-global-shield.aspx', languages: ['en', 'fr', 'es'] },
  { code: 'UN-CT-INSTRUMENTS', title: 'International legal instruments against terrorism: the 19 universal conventions and protocols (UN Office of Counter-Terrorism list), their titles as in their authentic texts', url: 'https://www.un.org/counterterrorism/international-legal-instruments', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
  { code: 'UNODC-TPB', title: 'UNODC Terrorism Prevention Branch: legislative assistance for the ratification and incorporation of the universal instruments against terrorism', url: 'https://www.unodc.org/unodc/en/terrorism/expertise/international-legal-framework.html', languages: ['en', 'fr', 'es', 'ru'] },
  { code: 'UNOCT-VOT', title: 'UNOCT Victims of Terrorism Support Programme', url: 'https://www.un.org/counterterrorism/victims-of-terrorism', languages: ['en', 'fr', 'es', 'ru', 'ar', 'zh'] },
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
