// A small, stable taxonomy for unit tests, so they do not move when the
// reference data in db/reference/ is edited. Codes and entity order follow
// docs/areas-plan.md.
import type { StateGeo, ThematicAreaRef } from '../../../src/matching/types.js';

const area = (
  code: string,
  pillar: string,
  entities: string[],
  names: ThematicAreaRef['names'],
  terms: ThematicAreaRef['terms'],
): ThematicAreaRef => ({ code, pillar, entities, names, terms, dacCodes: ['15210'] });

export const AREAS: ThematicAreaRef[] = [
  area(
    'terrorist_financing',
    'II',
    ['UNODC', 'IMF', 'WORLD-BANK', 'CTED', '1267-MT'],
    {
      en: 'Countering the financing of terrorism',
      fr: 'Lutte contre le financement du terrorisme',
      es: 'Lucha contra la financiación del terrorismo',
      ru: 'Противодействие финансированию терроризма',
      ar: 'مكافحة تمويل الإرهاب',
      zh: '打击资助恐怖主义',
    },
    {
      en: ['terrorist financing', 'financing of terrorism', 'CFT', 'FATF'],
      fr: ['financement du terrorisme', 'GAFI'],
      es: ['financiación del terrorismo', 'financiamiento del terrorismo', 'GAFI'],
      ru: ['финансирование терроризма', 'финансирования терроризма', 'ФАТФ'],
      ar: ['تمويل الإرهاب', 'مجموعة العمل المالي'],
      zh: ['资助恐怖主义', '恐怖主义融资', '恐怖融资', '金融行动特别工作组'],
    },
  ),
  area(
    'aviation_security',
    'II',
    ['ICAO'],
    {
      en: 'Aviation security',
      fr: 'Sûreté de l’aviation',
      es: 'Seguridad de la aviación',
      ru: 'Авиационная безопасность',
      ar: 'أمن الطيران',
      zh: '航空安保',
    },
    {
      en: ['aviation security', 'civil aviation', 'airport'],
      fr: ['sûreté de l’aviation', 'aviation civile', 'aéroport'],
      es: ['seguridad de la aviación', 'aviación civil', 'aeropuerto'],
      ru: ['авиационной безопасности', 'гражданской авиации', 'аэропорт'],
      ar: ['أمن الطيران', 'الطيران المدني', 'المطار'],
      zh: ['航空安保', '民用航空', '机场'],
    },
  ),
  area(
    'maritime_security',
    'II',
    ['IMO'],
    {
      en: 'Maritime security',
      fr: 'Sûreté maritime',
      es: 'Seguridad marítima',
      ru: 'Морская безопасность',
      ar: 'الأمن البحري',
      zh: '海上安保',
    },
    {
      en: ['maritime security', 'ports', 'ISPS Code'],
      fr: ['sûreté maritime', 'ports'],
      es: ['seguridad marítima', 'puertos'],
      ru: ['морской безопасности', 'портов'],
      ar: ['الأمن البحري', 'الموانئ'],
      zh: ['海上安保', '海事安全', '港口'],
    },
  ),
  area(
    'violent_extremism',
    'I',
    ['UNICRI', 'EOSG', '1267-MT', 'UNESCO', 'UNDP'],
    {
      en: 'Preventing violent extremism',
      fr: 'Prévention de l’extrémisme violent',
      es: 'Prevención del extremismo violento',
      ru: 'Предупреждение насильственного экстремизма',
      ar: 'منع التطرف العنيف',
      zh: '防止暴力极端主义',
    },
    {
      en: ['violent extremism', 'radicalization', 'radicalisation'],
      fr: ['extrémisme violent', 'radicalisation'],
      es: ['extremismo violento', 'radicalización'],
      ru: ['насильственного экстремизма', 'радикализации'],
      ar: ['التطرف العنيف', 'التطرف'],
      zh: ['暴力极端主义', '激进化'],
    },
  ),
  area(
    'travel_documents_border',
    'II',
    ['ICAO', 'INTERPOL', 'WCO'],
    {
      en: 'Travel documents and border management',
      fr: 'Documents de voyage et gestion des frontières',
      es: 'Documentos de viaje y gestión de fronteras',
      ru: 'Проездные документы и управление границами',
      ar: 'وثائق السفر وإدارة الحدود',
      zh: '旅行证件和边境管理',
    },
    {
      en: ['travel documents', 'border management', 'passports'],
      fr: ['documents de voyage', 'gestion des frontières', 'passeports'],
      es: ['documentos de viaje', 'gestión de fronteras', 'pasaportes'],
      ru: ['проездных документов', 'управления границами', 'паспортов'],
      ar: ['وثائق السفر', 'إدارة الحدود', 'جوازات السفر'],
      zh: ['旅行证件', '边境管理', '护照'],
    },
  ),
  area(
    'legal_framework',
    'III',
    ['UNODC', 'OLA', 'CTED'],
    {
      en: 'Legal framework against terrorism',
      fr: 'Cadre juridique contre le terrorisme',
      es: 'Marco jurídico contra el terrorismo',
      ru: 'Правовая база противодействия терроризму',
      ar: 'الإطار القانوني لمكافحة الإرهاب',
      zh: '反恐法律框架',
    },
    {
      en: ['legal framework', 'counter-terrorism legislation', 'international legal instruments'],
      fr: ['cadre juridique', 'législation antiterroriste', 'instruments juridiques internationaux'],
      es: ['marco jurídico', 'legislación antiterrorista', 'instrumentos jurídicos internacionales'],
      ru: ['правовой базы', 'антитеррористического законодательства', 'международно-правовых документов'],
      ar: ['الإطار القانوني', 'تشريعات مكافحة الإرهاب', 'الصكوك القانونية الدولية'],
      zh: ['法律框架', '反恐立法', '国际法律文书'],
    },
  ),
];

export const STATES: StateGeo[] = [
  // Nigeria: Africa / Sub-Saharan Africa / Western Africa
  { iso3: 'NGA', region: '002', subRegion: '202', intermediateRegion: '011' },
  // Kenya: Africa / Sub-Saharan Africa / Eastern Africa
  { iso3: 'KEN', region: '002', subRegion: '202', intermediateRegion: '014' },
  // Morocco: Africa / Northern Africa / (none)
  { iso3: 'MAR', region: '002', subRegion: '015', intermediateRegion: null },
  // Peru: Americas / Latin America and the Caribbean / South America
  { iso3: 'PER', region: '019', subRegion: '419', intermediateRegion: '005' },
  // Kazakhstan: Asia / Central Asia / (none)
  { iso3: 'KAZ', region: '142', subRegion: '143', intermediateRegion: null },
  // France: Europe / Western Europe
  { iso3: 'FRA', region: '150', subRegion: '155', intermediateRegion: null },
];
