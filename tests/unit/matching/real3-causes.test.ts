import { describe, expect, it } from 'vitest';
import { load, toOffering } from '../../../bench/eval.js';
import { profileText } from '../../../src/matching/classify.js';
import { triageDecision } from '../../../src/matching/confidence.js';
import { createMatcher } from '../../../src/matching/matcher.js';
import { conceptComponent } from '../../../src/matching/scoring.js';
import type { MatchableRequest, Routing } from '../../../src/matching/types.js';
import { catalogueMatcher } from './helpers.js';

// The general causes of the misses on realistic set 3 (tests/fixtures/eval-real3/: a 62-offering real
// catalogue with same-area distractors), each a rule that holds for any text, with a case that failed
// before its fix.
describe('general causes of misses on realistic set 3', () => {
  const data = load('real3');
  const matcher = createMatcher({ areas: data.areas, states: data.states });
  // A matcher holding the whole real3 catalogue, for ranking checks against its same-area distractors.
  const withCatalogue = () => catalogueMatcher(data);

  it('does not take a vague request to the area its similar offerings vote for when its own hints point elsewhere', () => {
    const routing: Routing = { entity: 'UNODC', reason: 'primary_responsibility', area: 'terrorist_financing', concept: null, responsible: ['UNODC'] };
    const base = {
      areas: [{ code: 'terrorist_financing', score: 0.55 }, { code: 'human_rights', score: 0.2 }],
      termEvidence: 0.3, fineCount: 0, ownHints: true, routing, leadOf: () => 'UNODC',
      matches: [{ offeringId: 'o', providerId: 'p', rank: 1, score: 0.3, confidence: 0.5, explanation: {} as never }], confidence: 0.6,
    };
    // The text's own (single-word) hints: human rights and integrated assistance, not financing.
    expect(triageDecision({ ...base, ownAreas: [{ code: 'human_rights', score: 0.18 }, { code: 'integrated_assistance', score: 0.18 }] })?.reason).toBe('no_area_fits');
    // The same votes confirming the text's own best hint still route.
    expect(triageDecision({ ...base, ownAreas: [{ code: 'terrorist_financing', score: 0.18 }] })).toBeNull();
    // A text that names a term of its area is never triaged this way.
    expect(triageDecision({ ...base, termEvidence: 1, ownAreas: [{ code: 'human_rights', score: 0.6 }] })).toBeNull();
  });

  it('does not read "information" as informants (a single-word term whose stem is a common word’s)', () => {
    for (const [lang, text] of [['en', 'exchange of operational information in real time'], ['fr', 'échanger en temps réel des informations opérationnelles'], ['es', 'intercambio de información operativa en tiempo real']] as const) {
      expect(profileText(matcher.tagger, '', text, lang).fine.has('c:witnesses'), lang).toBe(false);
    }
    expect(profileText(matcher.tagger, '', 'protection of witnesses in terrorism trials', 'en').fine.has('c:witnesses')).toBe(true);
  });

  it('counts a concept that names an entity as carried or not, not by how often an offering repeats the name', () => {
    const req = new Map([['c:opcw', 0.57], ['c:chemical_security', 0.5]]);
    const oncePlusTopic = conceptComponent(req, new Map([['c:opcw', 0.39], ['c:chemical_security', 0.84]]), 'OPCW').value;
    const thriceNoTopic = conceptComponent(req, new Map([['c:opcw', 0.98], ['c:cwc_national', 0.9]]), 'OPCW').value;
    expect(oncePlusTopic).toBeGreaterThan(thriceNoTopic);
    // Delivered by the entity without naming it, it still carries the name; another provider's text that names it does too.
    expect(conceptComponent(new Map([['c:opcw', 0.6]]), new Map([['c:chemical_security', 0.8]]), 'OPCW').shared).toEqual(['c:opcw']);
    expect(conceptComponent(new Map([['c:opcw', 0.6]]), new Map([['c:opcw', 0.4]]), null).value).toBeCloseTo(1, 5);
    expect(conceptComponent(new Map([['c:opcw', 0.6]]), new Map([['c:chemical_security', 0.8]]), 'INTERPOL').value).toBe(0);
  });

  it('takes INTERPOL’s name as an agency concept, carried by the offerings INTERPOL delivers', () => {
    for (const [lang, text] of [['fr', 'les données recueillies par INTERPOL sur le vol de matières radiologiques'], ['ru', 'данные Интерпола о хищениях'], ['ar', 'بيانات الإنتربول'], ['zh', '国际刑警组织收集的数据']] as const) {
      expect(profileText(matcher.tagger, '', text, lang).fine.has('c:interpol'), lang).toBe(true);
    }
    // Named beside the IAEA as context, INTERPOL's offering on the same topic covers the request's names as the IAEA's does.
    const req = new Map([['c:radiation_detection', 0.86], ['c:iaea', 0.63], ['c:interpol', 0.63]]);
    const geiger = conceptComponent(req, new Map([['c:radiation_detection', 0.8]]), 'INTERPOL');
    const forensics = conceptComponent(req, new Map([['c:radiation_detection', 0.8]]), 'IAEA');
    expect(geiger.shared).toContain('c:interpol');
    expect(geiger.value).toBeCloseTo(forensics.value, 6);
  });

  it('does not match a Chinese term across clause punctuation', () => {
    // 化学、生物 ("chemical, biological") contains 学生 ("students", c:youth) once the comma is dropped.
    const p = profileText(matcher.tagger, '', '化学、生物、放射性、核及爆炸物恐怖主义的演练方案', 'zh');
    expect(p.fine.has('c:youth')).toBe(false);
    expect(profileText(matcher.tagger, '', '面向学生的预防暴力极端主义教育', 'zh').fine.has('c:youth')).toBe(true);
    // A term written with the punctuation still matches it.
    expect(profileText(matcher.tagger, '', '加强化学、生物、放射性和核安全', 'zh').fine.has('c:cbrn_detection')).toBe(true);
  });

  it('reads a Chinese enumeration term written with the list mark throughout as the term written with a final 和', () => {
    // 化学、生物、放射性和核 (CBRN) is also written 化学、生物、放射性、核 (…、核及爆炸物: CBRNE).
    expect(profileText(matcher.tagger, '', '应对化学、生物、放射性、核及爆炸物恐怖主义的演练方案', 'zh').fine.has('c:cbrn_detection')).toBe(true);
    expect(profileText(matcher.tagger, '', '应对化学、生物、放射性和核恐怖主义', 'zh').fine.has('c:cbrn_detection')).toBe(true);
    // A list that stops before the last item is not the term.
    expect(profileText(matcher.tagger, '', '化学、生物、放射性物质的管理', 'zh').fine.has('c:cbrn_detection')).toBe(false);
  });

  it('names the programmes of the larger catalogue in the six languages (container control, airport interdiction, cybercrime, nuclear forensics)', () => {
    const has = (lang: 'en' | 'fr' | 'es' | 'ru' | 'zh', text: string, code: string) => expect(profileText(matcher.tagger, '', text, lang).fine.has(code), `${lang}: ${text}`).toBe(true);
    has('ru', 'Программа контроля за контейнерными перевозками', 'c:cargo');
    has('fr', 'une unité de contrôle portuaire au port', 'c:cargo');
    has('es', 'grupos de tareas conjuntas de interdicción aeroportuaria', 'c:border_management');
    has('fr', 'une cellule aéroportuaire anti-trafic', 'c:border_management');
    has('es', 'investigación de la ciberdelincuencia', 'c:cybercrime');
    has('zh', '加强核法证学能力', 'c:nuclear_forensics');
  });

  it('routes explosive precursors to customs when the request names customs, and leaves police work on them to its own field', () => {
    const routeOf = (title: string, description: string, lang: 'en' | 'fr') => {
      const r = matcher.matchRequest({ id: 'x', memberState: 'NER', title, description, language: lang, thematicAreas: [], modalities: ['training'], urgency: 'normal', submittedAt: new Date(0) }, { now: new Date('2026-11-29T00:00:00Z') });
      return { area: r.routing.area, concept: r.routing.concept };
    };
    // Customs wording: the narrower customs concept beats the precursor-chemicals and IED concepts it is a part of.
    expect(routeOf('Explosive precursor chemicals at the border', 'The customs administration asks for training of its officers to identify explosive precursor chemicals in shipments.', 'en'))
      .toEqual({ area: 'customs', concept: 'c:explosive_precursors' });
    expect(routeOf("Précurseurs d'explosifs", "La douane demande une formation de ses agents à l'identification des précurseurs d'explosifs et des détonateurs dans les cargaisons.", 'fr'))
      .toEqual({ area: 'customs', concept: 'c:explosive_precursors' });
    // Police asking about the same precursors: no customs wording, so the broader field keeps the route.
    expect(routeOf('Explosive precursor chemicals', 'The national police asks for training to prevent terrorists from diverting explosive precursor chemicals and to investigate chemical incidents.', 'en'))
      .toEqual({ area: 'chemical_weapons', concept: 'c:chemical_security' });
    expect(routeOf("Précurseurs d'explosifs", "La police nationale demande une formation pour empêcher le détournement des précurseurs d'explosifs et enquêter sur les attentats aux engins explosifs improvisés.", 'fr'))
      .toEqual({ area: 'justice_reform', concept: 'c:ied' });
  });

  it('puts first the area a narrower concept routes to, unless the requester chose the areas', () => {
    const req: MatchableRequest = { id: 'y', memberState: 'IND', title: 'Explosive precursor chemicals at the border', description: 'The customs administration asks for training of its officers to identify explosive precursor chemicals in shipments.', language: 'en', thematicAreas: [], modalities: ['training'], urgency: 'normal', submittedAt: new Date(0) };
    const now = { now: new Date('2026-11-29T00:00:00Z') };
    // Mostly chemical wording (precursor chemicals), but the route is customs: the reported area follows it.
    const res = matcher.matchRequest(req, now);
    expect(res.routing.area).toBe('customs');
    expect(res.thematicAreas[0]!.code).toBe('customs');
    expect(res.thematicAreas[0]!.score).toBe(Math.max(...res.thematicAreas.map((a) => a.score)));
    expect(matcher.matchRequest({ ...req, thematicAreas: ['chemical_weapons'] }, now).thematicAreas[0]!.code).toBe('chemical_weapons');
  });

  it('names Nuclear Security Support Centres in the six languages, without making "training" a nuclear hint', () => {
    for (const [lang, text] of [['en', 'establish a national Nuclear Security Support Centre'], ['fr', "créer un centre d'appui à la sécurité nucléaire"], ['es', 'crear un centro de apoyo a la seguridad física nuclear'],
      ['ru', 'создать центр поддержки физической ядерной безопасности'], ['ar', 'إنشاء مركز دعم الأمن النووي'], ['zh', '建立国家核安保支持中心']] as const) {
      expect(profileText(matcher.tagger, '', text, lang).fine.has('c:nssc'), lang).toBe(true);
    }
    expect(profileText(matcher.tagger, '', '海关培训师培训', 'zh').areaRaw.has('nuclear_security')).toBe(false);
  });

  it('takes the main area of an offering that names none from its text, preferring a field its provider entity is responsible for', () => {
    const m = createMatcher({ areas: data.areas, states: data.states });
    const providers = new Map(data.providers.map((p) => [p.key, p]));
    const pgs = toOffering(data.offerings.find((o) => o.key === 'o-wco-pgs')!, providers);
    // IED trafficking: criminal-justice words first, customs close behind; WCO delivers it, for customs.
    const text = {
      title: 'Countering the trafficking of improvised explosive devices',
      description: 'Programme that trains customs officers against the illicit diversion and trafficking of improvised explosive devices by terrorist groups: training and trainer accreditation, risk assessment and profiling, detection in the supply chain, operational exercises and information sharing on seizures.',
    };
    m.addOffering({ ...pgs, ...text, id: 'o-ied-wco' });
    expect(m.index.get('o-ied-wco')!.areas[0]!.code).toBe('customs');
    // The same text from a provider with no Task Force entity keeps its text's main area.
    m.addOffering({ ...pgs, ...text, id: 'o-ied-unlinked', providerEntity: null });
    expect(m.index.get('o-ied-unlinked')!.areas[0]!.code).toBe('justice_reform');
    // A text clearly about another field keeps it (UNODC's maritime crime programme is maritime).
    const gmcp = data.offerings.find((o) => o.key === 'o-unodc-gmcp')!;
    m.addOffering(toOffering(gmcp, providers));
    expect(m.index.get('o-unodc-gmcp')!.areas[0]!.code).toBe('maritime_security');
  });

  it('tells a request for a port control unit from one about containers in general, so the programme that creates such units ranks first', () => {
    for (const [lang, text] of [['en', 'creation of inter-agency Port Control Units and Air Cargo Control Units'], ['fr', "renforcer l'unité de contrôle portuaire du port"], ['es', 'crear una unidad de control portuario en el puerto'], ['ru', 'создать подразделение портового контроля']] as const) {
      expect(profileText(matcher.tagger, '', text, lang).fine.has('c:port_control_units'), lang).toBe(true);
    }
    // Container targeting in general is cargo, not the unit.
    const general = profileText(matcher.tagger, '', 'techniques de ciblage et de contrôle des conteneurs, analyse de risque', 'fr').fine;
    expect(general.has('c:cargo')).toBe(true);
    expect(general.has('c:port_control_units')).toBe(false);
    // A French request for such a unit: the container programme that sets them up (English text) ranks
    // above a French container-targeting course that shares the request's language and region.
    const m = withCatalogue();
    const r = m.matchRequest({ id: 'z', memberState: 'TGO', title: 'Unité de contrôle portuaire au port de Lomé', description: 'Le Togo souhaite mettre en place une unité de contrôle portuaire au port de Lomé et former ses agents au ciblage des conteneurs à haut risque.', language: 'fr', thematicAreas: [], modalities: ['training'], urgency: 'normal', submittedAt: new Date(0) }, { now: new Date('2026-11-29T00:00:00Z') });
    const ids = r.matches.map((x) => x.offeringId);
    expect(ids.slice(0, 2)).toEqual(['o-unodc-ccp', 'o-fr-ismi']);
  });

  it('tells a request for a joint airport interdiction task force from one about border management in general, so the project that sets them up ranks first', () => {
    for (const [lang, text] of [['en', 'establishment of inter-agency Joint Airport Interdiction Task Forces'], ['fr', 'créer une cellule aéroportuaire anti-trafic'], ['es', 'crear un grupo de tareas conjuntas de interdicción aeroportuaria']] as const) {
      expect(profileText(matcher.tagger, '', text, lang).fine.has('c:airport_interdiction'), lang).toBe(true);
    }
    const general = profileText(matcher.tagger, '', 'access to databases at border posts for border officers', 'en').fine;
    expect(general.has('c:border_management')).toBe(true);
    expect(general.has('c:airport_interdiction')).toBe(false);
    // A Spanish request for such a task force: AIRCOP ranks above INTERPOL's border databases, which share
    // the broader border-management concept; the route still follows the concept's list (INTERPOL first).
    const m = withCatalogue();
    const r = m.matchRequest({ id: 'w', memberState: 'GTM', title: 'Interdicción aeroportuaria', description: 'Guatemala desea crear en su aeropuerto internacional un grupo de tareas conjuntas de interdicción aeroportuaria con intercambio de información operativa en tiempo real con los puestos fronterizos.', language: 'es', thematicAreas: [], modalities: ['training'], urgency: 'normal', submittedAt: new Date(0) }, { now: new Date('2026-11-29T00:00:00Z') });
    expect(r.matches[0]?.offeringId).toBe('o-unodc-aircop');
    expect(r.routing.entity).toBe('INTERPOL');
  });
});
