import { describe, expect, it } from 'vitest';
import { load, toOffering } from '../../../bench/eval.js';
import { profileText } from '../../../src/matching/classify.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger } from '../../../src/matching/concepts.tagger.js';
import { createMatcher } from '../../../src/matching/matcher.js';
import type { Lang } from '../../../src/matching/types.js';

// The universal instruments against terrorism (issue 15; A/62/898 para. 51): a treaty's name says which
// treaty, the words around it what is wanted of it. Making it law is UNODC's legal work, whatever the
// treaty's subject; implementing its subject matter stays with that field.
describe('legal work on the universal instruments against terrorism', () => {
  const data = load('real3');
  const matcher = createMatcher({ areas: data.areas, states: data.states });
  const best = (title: string, description: string, lang: Lang) => profileText(matcher.tagger, title, description, lang).inferred[0]?.code;

  it.each([
    ['en', 'Ratifying the Nuclear Terrorism Convention', 'We ask for help to ratify the International Convention for the Suppression of Acts of Nuclear Terrorism and to incorporate its offences into national law.'],
    ['fr', 'Ratification de la Convention internationale pour la répression des actes de terrorisme nucléaire', 'Appui à la ratification et à l’incorporation en droit interne de l’Amendement à la Convention sur la protection physique des matières nucléaires.'],
    ['es', 'Ratificación del Convenio Internacional para la represión de los actos de terrorismo nuclear', 'Solicitamos asesoría para su incorporación al derecho interno.'],
    ['ru', 'Ратификация Международной конвенции о борьбе с актами ядерного терроризма', 'Просим помощи в ратификации и включения в национальное законодательство её положений.'],
    ['zh', '批准《制止核恐怖主义行为国际公约》', '请求协助批准公约并将《核材料实物保护公约》修订案转化为国内法。'],
    ['en', 'Criminalising the offences of the SUA Convention', 'Assistance to incorporate into national legislation the offences of the Convention for the Suppression of Unlawful Acts against the Safety of Maritime Navigation and its 2005 Protocol.'],
  ] as const)('reads a request to make an instrument law as legal framework (%s: %s)', (lang, title, description) => {
    expect(best(title, description, lang)).toBe('legal_framework');
  });

  it('routes it to UNODC on the instruments concept, not to the treaty subject’s entity', () => {
    const res = matcher.matchRequest({
      id: 'r', memberState: 'SEN', title: 'Ratifying the Nuclear Terrorism Convention',
      description: 'We ask for help to ratify the International Convention for the Suppression of Acts of Nuclear Terrorism and the Amendment to the Convention on the Physical Protection of Nuclear Material and to incorporate them into national law.',
      language: 'en', thematicAreas: [], modalities: [], urgency: 'normal', submittedAt: new Date('2026-11-20T00:00:00Z'),
    }, { now: new Date('2026-11-29T00:00:00Z') });
    expect(res.thematicAreas[0]?.code).toBe('legal_framework');
    expect(res.routing).toMatchObject({ entity: 'UNODC', area: 'legal_framework', concept: 'c:ct_legal_instruments' });
  });

  it('keeps the treaty’s field when the text asks to implement its subject matter, not to make it law', () => {
    expect(best('Physical protection upgrades at our research reactor', 'Upgrades required by the Convention on the Physical Protection of Nuclear Material and its Amendment: access control, intrusion detection and a transport security plan.', 'en')).toBe('nuclear_security');
    expect(best('Port facility security', 'Security assessments of port facilities under the SUA Convention and the ISPS Code, and training of port facility security officers.', 'en')).toBe('maritime_security');
  });

  it('infers legal framework for the UNODC offering on the CBRN terrorism instruments', () => {
    const m = createMatcher({ areas: data.areas, states: data.states });
    const providers = new Map(data.providers.map((p) => [p.key, p]));
    for (const o of data.offerings) m.addOffering(toOffering(o, providers));
    expect(m.index.get('o-unodc-cbrn-legal')?.areas[0]?.code).toBe('legal_framework');
    expect(m.index.get('o-iaea-ippas')?.areas[0]?.code).toBe('nuclear_security');
  });

  it('lets an instrument name neither split nor be split by the same term of another concept', () => {
    const without = new ConceptTagger([...areaConcepts(data.areas), ...FINE_CONCEPTS.filter((c) => c.code !== 'c:ct_instruments')]);
    const text = 'Implementation of the CPPNM';
    const a = profileText(matcher.tagger, text, '', 'en').tags;
    const b = profileText(without, text, '', 'en').tags;
    expect(a.get('area:nuclear_security')).toBe(b.get('area:nuclear_security'));
    expect(a.get('c:physical_protection')).toBe(b.get('c:physical_protection'));
    expect(a.get('c:ct_instruments')).toBeGreaterThan(0);
  });
});
