import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IatiFormatError, MAX_IATI_ACTIVITIES, parseIatiActivities, type IatiParseOptions } from '../../../src/modules/imports/iati.parser.js';

/** The parts of a row error these tests pin. */
const plain = ({ row, path, message }: { row: number; path: string; message: string }) => ({ row, path, message });

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/iati/${name}`, import.meta.url), 'utf8');

// A small, fixed slice of the reference data, so that expected values do not move when the
// seed files change; one test below checks the mapping tables against the real seed files.
const opts: IatiParseOptions = {
  dacToArea: new Map([
    ['15130', 'legal_framework'], ['15210', 'rule_of_law'], ['24010', 'terrorist_financing'],
    ['33120', 'customs'], ['15220', 'violent_extremism'], ['21050', 'aviation_security'],
  ]),
  iso2ToIso3: new Map([
    ['ML', 'MLI'], ['NE', 'NER'], ['BF', 'BFA'], ['GT', 'GTM'], ['HN', 'HND'], ['KE', 'KEN'], ['JO', 'JOR'],
  ]),
  m49Regions: new Set(['002', '005', '009', '011', '013', '014', '015', '017', '018', '019', '029', '030', '034', '035', '039', '054', '057', '061', '142', '143', '145', '150', '202', '419']),
};

/** An iati-activities document around the given activities. */
const doc = (...activities: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" generated-datetime="2025-01-15T09:30:00Z">${activities.join('\n')}</iati-activities>`;

/** One activity with a title and description, plus the given elements and attributes. */
const act = (inner = '', attrs = 'xml:lang="en" default-currency="USD"', id = 'XM-TEST-1') => `
  <iati-activity ${attrs}>
    <iati-identifier>${id}</iati-identifier>
    <title><narrative>Counter-terrorism training course</narrative></title>
    <description type="1"><narrative>A general description of the activity.</narrative></description>
    ${inner}
  </iati-activity>`;

const one = (inner: string, attrs?: string) => parseIatiActivities(doc(act(inner, attrs)), opts);

function formatError(xml: string): IatiFormatError {
  try {
    parseIatiActivities(xml, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(IatiFormatError);
    expect(err).toBeInstanceOf(Error);
    return err as IatiFormatError;
  }
  throw new Error('expected an IatiFormatError');
}

describe('parseIatiActivities: the example donor file', () => {
  const result = parseIatiActivities(fixture('activities.xml'), opts);

  it('reads all four activities without errors, numbered from 1', () => {
    expect(result.errors).toEqual([]);
    expect(result.items.map((i) => i.row)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the DAC sectors as evidence beside the activity, not as its thematic areas', () => {
    // vocabulary 2 sector "151" and the unmapped 11330 are ignored
    expect(result.items.map((i) => i.sectorAreas)).toEqual([['legal_framework', 'rule_of_law'], ['terrorist_financing'], ['customs', 'rule_of_law'], ['violent_extremism']]);
    for (const i of result.items) expect(i.value).not.toHaveProperty('thematicAreas');
  });

  it('says who reported each activity (reporting-org)', () => {
    expect(result.reportingOrgs.map((o) => o.row)).toEqual([1, 2, 3, 4]);
    expect(result.reportingOrgs[0]!.ref).toBeTruthy();
  });

  it('maps the English activity: countries, DAC sectors, actual start, revised budget, D02', () => {
    expect(result.items[0]!.value).toEqual({
      title: 'Strengthening counter-terrorism legislation & criminal justice in the Sahel',
      description: 'Legislative drafting support and advisory missions to help Mali, Niger and Burkina Faso align their counter-terrorism laws with the universal legal instruments and resolution 1373 (2001).',
      languages: ['en'],
      modalities: ['advisory_mission'],
      eligibility: { countries: ['MLI', 'NER', 'BFA'] },
      availableFrom: '2024-02-15', // actual start (type 2) wins over planned start (type 1)
      availableUntil: '2026-12-31', // planned end (type 3): no actual end yet
      // 250,000.00 (2024) + 320,000.25 (2025 revised budget replaces the 300,000.50 original)
      budget: { amount: 57_000_025, currency: 'USD' },
      externalRef: 'XM-EXAMPLE-CTF-2024-001',
      status: 'open',
    });
  });

  it('maps the closed French activity: DAC region 289, actual end, XOF majority budget, E01', () => {
    expect(result.items[1]!.value).toEqual({
      title: 'Appui à la lutte contre le financement du terrorisme en Afrique subsaharienne',
      description: 'Formation des cellules de renseignement financier et des autorités de contrôle à la détection des flux liés au financement du terrorisme, conformément aux normes du GAFI.',
      languages: ['fr'], // the reporting-org's English narrative is not the activity's text
      modalities: ['training'],
      eligibility: { regions: ['202'] },
      availableFrom: '2023-02-01',
      availableUntil: '2024-06-30', // actual end (type 4) wins over planned end (type 3)
      budget: { amount: 97_500_000, currency: 'XOF' }, // XOF has no minor unit; the one EUR budget is ignored
      externalRef: 'XM-EXAMPLE-CTF-2023-014',
      status: 'closed',
    });
  });

  it('maps the bilingual activity: picks the default-language narrative, keeps both languages and the other version as a translation', () => {
    expect(result.items[2]!.value).toEqual({
      title: 'Border security and trade facilitation in Central America',
      description: 'Mentoring of customs and border officers on risk management, advance passenger information and the detection of foreign terrorist fighters at land crossings.',
      languages: ['en', 'es'],
      modalities: ['mentoring'],
      eligibility: { countries: ['GTM', 'HND'] },
      availableFrom: '2025-03-01',
      availableUntil: '2027-02-28',
      budget: { amount: 48_000_000, currency: 'EUR' },
      externalRef: 'XM-EXAMPLE-CTF-2025-007',
      status: 'open', // pipeline
      translations: [{
        language: 'es', title: 'Seguridad fronteriza y facilitación del comercio en Centroamérica',
        description: 'Mentoría para funcionarios de aduanas y fronteras sobre gestión de riesgos, información anticipada sobre pasajeros y detección de combatientes terroristas extranjeros.',
      }],
    });
  });

  it('maps the M49 region activity: vocabulary 2 "145", Arabic title, JOD three decimals, B03 grant', () => {
    expect(result.items[3]!.value).toEqual({
      title: 'Preventing violent extremism through community dialogue in Western Asia',
      description: 'Pooled grant fund for community organisations that run dialogue and prevention programmes with young people, women and religious leaders.',
      languages: ['en', 'ar'],
      modalities: ['funding'],
      eligibility: { regions: ['145'] },
      availableFrom: '2022-10-01',
      availableUntil: '2025-09-30',
      budget: { amount: 125_000_750, currency: 'JOD' },
      externalRef: 'XM-EXAMPLE-CTF-2022-003',
      status: 'open',
    });
  });

  it('agrees with the real reference data (countries and every DAC region mapping)', () => {
    const states = JSON.parse(readFileSync(new URL('../../../db/reference/member-states.json', import.meta.url), 'utf8')) as
      { iso2: string; iso3: string; region: string; subRegion: string; intermediateRegion: string | null }[];
    const areas = JSON.parse(readFileSync(new URL('../../../db/reference/thematic-areas.json', import.meta.url), 'utf8')) as { code: string; dacCodes: string[] }[];
    const real: IatiParseOptions = {
      dacToArea: new Map(areas.flatMap((a) => a.dacCodes.map((d) => [d, a.code] as [string, string]))),
      iso2ToIso3: new Map(states.map((s) => [s.iso2, s.iso3])),
      m49Regions: new Set(states.flatMap((s) => [s.region, s.subRegion, s.intermediateRegion].filter((x): x is string => !!x))),
    };
    expect(parseIatiActivities(fixture('activities.xml'), real).errors).toEqual([]);
    const dac = ['88', '89', '189', '289', '298', '380', '389', '489', '498', '589', '619', '679', '689', '789', '798', '889', '998',
      '1027', '1028', '1029', '1030', '1031', '1032', '1033', '1034', '1035'];
    const r = parseIatiActivities(doc(act(dac.map((c) => `<recipient-region code="${c}" vocabulary="1"/>`).join(''))), real);
    expect(r.errors).toEqual([]);
  });
});

describe('parseIatiActivities: recipient regions', () => {
  const regionsOf = (inner: string) => {
    const r = one(inner);
    expect(r.errors).toEqual([]);
    return r.items[0]!.value.eligibility?.regions;
  };

  it('maps OECD DAC region codes (vocabulary 1 or absent) to M49', () => {
    expect(regionsOf('<recipient-region code="289" vocabulary="1"/>')).toEqual(['202']);
    expect(regionsOf('<recipient-region code="298"/>')).toEqual(['002']);
    expect(regionsOf('<recipient-region code="189"/>')).toEqual(['015']);
    expect(regionsOf('<recipient-region code="498"/>')).toEqual(['019']);
    expect(regionsOf('<recipient-region code="389"/>')).toEqual(['013', '029']);
    expect(regionsOf('<recipient-region code="489"/>')).toEqual(['005']);
    expect(regionsOf('<recipient-region code="380"/>')).toEqual(['029']);
    expect(regionsOf('<recipient-region code="798"/>')).toEqual(['142']);
    expect(regionsOf('<recipient-region code="589"/>')).toEqual(['145']);
    expect(regionsOf('<recipient-region code="619"/>')).toEqual(['143']);
    expect(regionsOf('<recipient-region code="679"/>')).toEqual(['034']);
    expect(regionsOf('<recipient-region code="689"/>')).toEqual(['034', '143']);
    expect(regionsOf('<recipient-region code="789"/>')).toEqual(['030', '035']);
    expect(regionsOf('<recipient-region code="889"/>')).toEqual(['009']);
    expect(regionsOf('<recipient-region code="89"/>')).toEqual(['150']);
    expect(regionsOf('<recipient-region code="1030"/>')).toEqual(['011']);
    expect(regionsOf('<recipient-region code="1031"/><recipient-region code="1032"/>')).toEqual(['029', '013']);
  });

  it('treats DAC 998 "developing countries, unspecified" as no restriction', () => {
    const r = one('<recipient-region code="998" vocabulary="1"/>');
    expect(r.errors).toEqual([]);
    expect(r.items[0]!.value.eligibility).toBeUndefined();
  });

  it('uses M49 codes (vocabulary 2) directly, restoring dropped leading zeros', () => {
    expect(regionsOf('<recipient-region code="145" vocabulary="2"/>')).toEqual(['145']);
    expect(regionsOf('<recipient-region code="2" vocabulary="2"/>')).toEqual(['002']);
  });

  it('reports unknown codes and unsupported vocabularies, and drops that activity', () => {
    expect(one('<recipient-region code="12345" vocabulary="1"/>')).toMatchObject({
      items: [], errors: [{ row: 1, path: 'eligibility.regions', message: 'recipient-region code "12345" is not an OECD DAC region code' }],
    });
    expect(one('<recipient-region code="999" vocabulary="2"/>').errors.map(plain)).toEqual([
      { row: 1, path: 'eligibility.regions', message: 'recipient-region code "999" (vocabulary 2) is not a UN M49 region holding a member state' },
    ]);
    expect(one('<recipient-region code="SAHEL" vocabulary="99"/>').errors.map(plain)).toEqual([
      { row: 1, path: 'eligibility.regions', message: 'recipient-region vocabulary "99" is not supported; use 1 (OECD DAC) or 2 (UN M49)' },
    ]);
  });

  it('reports a DAC region whose M49 code holds no member state in the reference data', () => {
    const r = parseIatiActivities(doc(act('<recipient-region code="889"/>')), { ...opts, m49Regions: new Set(['002']) });
    expect(r.errors.map(plain)).toEqual([{ row: 1, path: 'eligibility.regions', message: 'OECD DAC region "889" maps to M49 "009", which holds no member state' }]);
  });
});

describe('parseIatiActivities: countries, sectors, dates, status', () => {
  it('maps alpha-2 recipient countries to alpha-3, without duplicates', () => {
    const r = one('<recipient-country code="ke" percentage="50"/><recipient-country code="JO" percentage="25"/><recipient-country code="KE"/>');
    expect(r.items[0]!.value.eligibility).toEqual({ countries: ['KEN', 'JOR'] });
  });

  it('reports an unknown country and still parses the other activities', () => {
    const r = parseIatiActivities(doc(act('<recipient-country code="XX"/>', undefined, 'A'), act('<recipient-country code="KE"/>', undefined, 'B')), opts);
    expect(r.errors.map(plain)).toEqual([{ row: 1, path: 'eligibility.countries', message: 'recipient-country code "XX" is not the ISO 3166-1 alpha-2 code of a UN member state' }]);
    expect(r.items.map((i) => [i.row, i.value.externalRef, i.value.eligibility])).toEqual([[2, 'B', { countries: ['KEN'] }]]);
  });

  it('keeps both countries and regions when both are given', () => {
    expect(one('<recipient-country code="KE"/><recipient-region code="1027"/>').items[0]!.value.eligibility).toEqual({ regions: ['014'], countries: ['KEN'] });
  });

  it('reads countries and sectors from transactions when the activity has none', () => {
    const r = one(`<transaction><transaction-type code="2"/><recipient-country code="ML"/><sector vocabulary="1" code="21050"/></transaction>
      <transaction><transaction-type code="3"/><recipient-country code="NE"/><sector code="15130"/></transaction>`);
    expect(r.items[0]!.value.eligibility).toEqual({ countries: ['MLI', 'NER'] });
    expect(r.items[0]!.sectorAreas).toEqual(['aviation_security', 'legal_framework']);
  });

  it('maps only DAC 5-digit sectors; no mapped sector means no sector evidence at all', () => {
    expect(one('<sector code="15130"/><sector vocabulary="1" code="24010"/><sector vocabulary="1" code="15130"/>').items[0]!.sectorAreas)
      .toEqual(['legal_framework', 'terrorist_financing']);
    const r = one('<sector vocabulary="2" code="151"/><sector vocabulary="1" code="11330"/><sector vocabulary="99" code="15130"/>');
    expect(r.errors).toEqual([]);
    expect(r.items[0]!.sectorAreas).toEqual([]);
    expect(r.items[0]!.value).not.toHaveProperty('thematicAreas');
  });

  it('takes actual dates over planned ones, and planned ones when there are no actual ones', () => {
    const all = one('<activity-date type="1" iso-date="2024-01-01"/><activity-date type="2" iso-date="2024-01-20"/><activity-date type="3" iso-date="2025-12-31"/><activity-date type="4" iso-date="2025-10-15"/>');
    expect(all.items[0]!.value).toMatchObject({ availableFrom: '2024-01-20', availableUntil: '2025-10-15' });
    const planned = one('<activity-date type="3" iso-date="2026-06-30"/><activity-date type="1" iso-date="2025-07-01"/>');
    expect(planned.items[0]!.value).toMatchObject({ availableFrom: '2025-07-01', availableUntil: '2026-06-30' });
    const none = one('');
    expect(none.items[0]!.value).not.toHaveProperty('availableFrom');
    expect(none.items[0]!.value).not.toHaveProperty('availableUntil');
  });

  it('accepts an xs:date with a zone and reports an impossible date', () => {
    expect(one('<activity-date type="1" iso-date="2025-07-01Z"/>').items[0]!.value.availableFrom).toBe('2025-07-01');
    expect(one('<activity-date type="3" iso-date="2025-02-30"/>').errors.map(plain)).toEqual([
      { row: 1, path: 'availableUntil', message: 'activity-date iso-date "2025-02-30" is not a date as YYYY-MM-DD' },
    ]);
  });

  it('maps every activity status code', () => {
    const statusOf = (code: string) => one(`<activity-status code="${code}"/>`).items[0]!.value.status;
    expect(['1', '2', '3', '4', '5', '6'].map(statusOf)).toEqual(['open', 'open', 'closed', 'closed', 'closed', 'closed']);
    expect(one('').items[0]!.value).not.toHaveProperty('status');
  });
});

describe('parseIatiActivities: budget', () => {
  const budget = (currency: string | null, value: string, extra = '') =>
    `<budget type="1" status="1" ${extra}><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/><value ${currency ? `currency="${currency}" ` : ''}value-date="2025-01-01">${value}</value></budget>`;
  const budgetOf = (inner: string, attrs?: string) => one(inner, attrs).items[0]?.value.budget;

  it('sums budgets in minor units, with the activity default currency', () => {
    expect(budgetOf(budget(null, '1000.10') + budget(null, '2000.05'))).toEqual({ amount: 300_015, currency: 'USD' });
  });

  it('uses each currency\'s minor unit: 0 decimals for JPY, 3 for JOD, rounding extra decimals half-up', () => {
    expect(budgetOf(budget('JPY', '1500000'))).toEqual({ amount: 1_500_000, currency: 'JPY' });
    expect(budgetOf(budget('JPY', '1000.5'))).toEqual({ amount: 1001, currency: 'JPY' });
    expect(budgetOf(budget('JOD', '10.125'))).toEqual({ amount: 10_125, currency: 'JOD' });
    expect(budgetOf(budget('EUR', '0.005'))).toEqual({ amount: 1, currency: 'EUR' });
  });

  it('keeps only the budgets in the majority currency (first met on a tie)', () => {
    expect(budgetOf(budget('EUR', '100') + budget('GBP', '999') + budget('EUR', '50'))).toEqual({ amount: 15_000, currency: 'EUR' });
    expect(budgetOf(budget('GBP', '7') + budget('EUR', '9'))).toEqual({ amount: 700, currency: 'GBP' });
  });

  it('lets a revised budget (type 2) replace the original for the same period only', () => {
    const revised = `<budget type="2"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/><value>150</value></budget>`;
    const other = `<budget type="1"><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/><value>10</value></budget>`;
    expect(budgetOf(budget(null, '100') + revised + other)).toEqual({ amount: 16_000, currency: 'USD' });
  });

  it('reports a budget without any currency, and a value that is not a number', () => {
    expect(one(budget(null, '100'), 'xml:lang="en"').errors.map(plain)).toEqual([
      { row: 1, path: 'budget.currency', message: 'a budget value has no @currency and the activity has no @default-currency' },
    ]);
    expect(one(budget('USD', '1,000')).errors.map(plain)).toEqual([{ row: 1, path: 'budget.amount', message: 'budget value "1,000" is not a decimal number' }]);
  });

  it('omits the budget when there is none', () => {
    expect(one('').items[0]!.value).not.toHaveProperty('budget');
  });
});

describe('parseIatiActivities: modalities', () => {
  const modalitiesOf = (inner: string) => one(inner).items[0]!.value.modalities;

  it('maps D01, D02 and E01 aid types', () => {
    expect(modalitiesOf('<default-aid-type code="D01" vocabulary="1"/>')).toEqual(['mentoring']);
    expect(modalitiesOf('<default-aid-type code="D02"/>')).toEqual(['advisory_mission']);
    expect(modalitiesOf('<default-aid-type code="E01"/><default-aid-type code="D02"/>')).toEqual(['training', 'advisory_mission']);
  });

  it('maps budget support and pooled funds to funding only when given as a grant (finance type 110)', () => {
    expect(modalitiesOf('<default-finance-type code="110"/><default-aid-type code="A01"/>')).toEqual(['funding']);
    expect(modalitiesOf('<default-finance-type code="110"/><default-aid-type code="B021"/>')).toEqual(['funding']);
    expect(modalitiesOf('<default-finance-type code="421"/><default-aid-type code="A01"/>')).toBeUndefined();
    expect(modalitiesOf('<default-aid-type code="B03"/>')).toBeUndefined();
  });

  it('leaves modalities out for aid types that say nothing about the form, or other vocabularies', () => {
    expect(modalitiesOf('<default-aid-type code="C01"/><collaboration-type code="1"/>')).toBeUndefined();
    expect(modalitiesOf('<default-aid-type code="D02" vocabulary="2"/>')).toBeUndefined();
  });
});

describe('parseIatiActivities: titles, descriptions, languages, identifiers', () => {
  const activity = (inner: string, attrs = 'xml:lang="en"', id = 'XM-TEST-9') => parseIatiActivities(doc(`<iati-activity ${attrs}><iati-identifier>${id}</iati-identifier>${inner}</iati-activity>`), opts);

  it('picks the narrative in the activity language, else the first, and lists the UN languages used', () => {
    const r = activity(`<title><narrative xml:lang="es">Título</narrative><narrative xml:lang="fr">Titre en français</narrative></title>
      <description><narrative xml:lang="es">Descripción general de la actividad.</narrative><narrative xml:lang="de">Allgemeine Beschreibung.</narrative></description>`, 'xml:lang="fr"');
    expect(r.items[0]!.value).toMatchObject({ title: 'Titre en français', description: 'Descripción general de la actividad.', languages: ['fr', 'es'] });
  });

  it('prefers the general description (type 1), then an untyped one, then any', () => {
    const d = (type: string | null, t: string) => `<description${type ? ` type="${type}"` : ''}><narrative>${t}</narrative></description>`;
    const title = '<title><narrative>Title of the activity</narrative></title>';
    expect(activity(title + d('2', 'Objectives text here') + d('1', 'General text here')).items[0]!.value.description).toBe('General text here');
    expect(activity(title + d('3', 'Target groups text') + d(null, 'Untyped text here')).items[0]!.value.description).toBe('Untyped text here');
    expect(activity(title + d('3', 'Target groups text')).items[0]!.value.description).toBe('Target groups text');
  });

  it('maps language tags with regions ("en-GB") and defaults to English when none is a UN language', () => {
    const r1 = activity('<title><narrative xml:lang="en-GB">Title text</narrative></title><description><narrative xml:lang="AR">وصف النشاط</narrative></description>', 'xml:lang="de"');
    expect(r1.items[0]!.value.languages).toEqual(['en', 'ar']);
    const r2 = activity('<title><narrative>Titel</narrative></title><description><narrative>Beschreibung der Aktivität</narrative></description>', 'xml:lang="de"');
    expect(r2.items[0]!.value.languages).toEqual(['en']);
  });

  it('decodes XML entities and character references, and keeps CDATA verbatim', () => {
    const r = activity('<title><narrative>Law &amp; order &#233;t&#xE9; &lt;2025&gt; &#x4E2D;</narrative></title><description><narrative><![CDATA[Literal &amp; <b>kept</b>]]></narrative></description>');
    expect(r.items[0]!.value).toMatchObject({ title: 'Law & order été <2025> 中', description: 'Literal &amp; <b>kept</b>' });
  });

  it('reports a missing title or description and still parses the other activities', () => {
    const r = parseIatiActivities(doc(
      '<iati-activity xml:lang="en"><iati-identifier>NO-TITLE</iati-identifier><description><narrative>Has a description only.</narrative></description></iati-activity>',
      act('', undefined, 'GOOD'),
      '<iati-activity xml:lang="en"><iati-identifier>NO-DESC</iati-identifier><title><narrative>Has a title only</narrative></title><description type="1"><narrative>  </narrative></description></iati-activity>',
    ), opts);
    expect(r.errors.map(plain)).toEqual([
      { row: 1, path: 'title', message: 'title/narrative is missing or empty' },
      { row: 3, path: 'description', message: 'description/narrative is missing or empty' },
    ]);
    expect(r.items.map((i) => [i.row, i.value.externalRef])).toEqual([[2, 'GOOD']]);
  });

  it('requires an iati-identifier and refuses the same one twice', () => {
    const noId = parseIatiActivities(doc('<iati-activity xml:lang="en"><title><narrative>Title text</narrative></title><description><narrative>Description text.</narrative></description></iati-activity>'), opts);
    expect(noId.errors.map(plain)).toEqual([{ row: 1, path: 'externalRef', message: 'iati-identifier is missing; it is needed to update the offering on re-import' }]);
    const dup = parseIatiActivities(doc(act('', undefined, 'SAME'), act('', undefined, 'OTHER'), act('', undefined, 'SAME')), opts);
    expect(dup.errors.map(plain)).toEqual([{ row: 3, path: 'externalRef', message: 'iati-identifier "SAME" is also used by activity 1' }]);
    expect(dup.items.map((i) => i.row)).toEqual([1, 2]);
  });

  it('accepts any 2.0x version, a byte-order mark, and a file with no activities', () => {
    expect(parseIatiActivities(doc(act()).replace('version="2.03"', 'version="2.01"'), opts).items).toHaveLength(1);
    expect(parseIatiActivities(`\uFEFF${doc(act())}`, opts).items).toHaveLength(1);
    expect(parseIatiActivities(doc(), opts)).toEqual({ items: [], errors: [], reportingOrgs: [] });
  });

  it(`parses at most ${MAX_IATI_ACTIVITIES} activities and says so`, () => {
    const many = Array.from({ length: MAX_IATI_ACTIVITIES + 1 }, (_, i) => act('', undefined, `ID-${i}`));
    const r = parseIatiActivities(doc(...many), opts);
    expect(r.errors.map(plain)).toEqual([{ row: 0, path: 'iati-activities', message: `at most ${MAX_IATI_ACTIVITIES} activities per file; split the file` }]);
    expect(r.items).toHaveLength(MAX_IATI_ACTIVITIES);
  });
});

describe('parseIatiActivities: files that are not IATI 2.0x activities', () => {
  it('refuses a non-IATI XML file (an RSS feed)', () => {
    const err = formatError(fixture('not-iati.xml'));
    expect(err.message).toBe('Not an IATI activity file: root element is <rss>, expected <iati-activities>.');
    expect(err.details).toEqual([{ path: 'iati-activities', message: 'root element is <rss>, expected <iati-activities>' }]);
  });

  it('points at the activity file when given an organisation file', () => {
    expect(formatError('<iati-organisations version="2.03"><iati-organisation/></iati-organisations>').message).toContain('this is an IATI organisation file');
  });

  it('refuses IATI 1.x and a missing version', () => {
    const err = formatError(fixture('version-1.xml'));
    expect(err.message).toBe('Unsupported IATI file: IATI version "1.05" is not supported; publish as version 2.03 (2.0x accepted).');
    expect(err.details[0]!.path).toBe('iati-activities/@version');
    expect(formatError('<iati-activities><iati-activity/></iati-activities>').message).toContain('the version attribute is missing');
  });

  it('refuses malformed XML with its position', () => {
    const err = formatError(fixture('malformed.xml'));
    expect(err.message).toMatch(/^The file is not well-formed XML: .+ \(line \d+, column \d+\)\.$/);
    expect(err.details).toHaveLength(1);
    expect(err.details[0]!.path).toBe('body');
    expect(formatError('<iati-activities version="2.03"><a></b></iati-activities>').message).toContain('not well-formed XML');
  });

  it('refuses DOCTYPE and ENTITY declarations (XXE, entity expansion) before parsing', () => {
    const err = formatError(fixture('entity-expansion.xml'));
    expect(err.message).toContain('DOCTYPE or ENTITY');
    expect(err.details).toEqual([{ path: 'body', message: 'DOCTYPE and ENTITY declarations are not accepted' }]);
    expect(formatError('<!doctype iati-activities><iati-activities version="2.03"/>').message).toContain('DOCTYPE');
  });

  it('refuses an empty body', () => {
    expect(formatError('  \n').message).toBe('The file is empty; expected an IATI iati-activities XML file.');
  });
});
