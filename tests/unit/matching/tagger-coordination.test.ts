import { describe, expect, it } from 'vitest';
import { profileText } from '../../../src/matching/classify.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger } from '../../../src/matching/concepts.tagger.js';
import { analyzeMarked } from '../../../src/matching/text.normalize.js';
import type { Lang } from '../../../src/matching/types.js';
import { AREAS } from './areas.fixture.js';

const tagger = new ConceptTagger([...areaConcepts(AREAS), ...FINE_CONCEPTS]);
const tags = (title: string, lang: Lang) => profileText(tagger, title, '', lang).tags;
// c:criminal_investigation has the terms "judicial police", police judiciaire, 司法警察...
const JUDICIAL_POLICE = 'c:criminal_investigation';

describe('multi-word terms and coordinations', () => {
  it('marks where "and", "or" and list commas join tokens, in each language', () => {
    expect(analyzeMarked('police and judicial officers', 'en').joins).toEqual([1]);
    expect(analyzeMarked('police, customs or judicial staff', 'en').joins).toEqual([1, 2]);
    expect(analyzeMarked('la police et les magistrats', 'fr').joins).toEqual([1]);
    expect(analyzeMarked('policías y jueces', 'es').joins).toEqual([1]);
    expect(analyzeMarked('полиции и судов', 'ru').joins).toEqual([1]);
    // و is a proclitic: "the police and the employees".
    expect(analyzeMarked('الشرطة والموظفين', 'ar').joins).toEqual([1]);
    // A possessive after the coordinator refers back to the other conjunct: no join.
    expect(analyzeMarked('partage du renseignement et sa judiciarisation', 'fr').joins).toEqual([]);
  });

  it('does not read a term whose words stand in two conjuncts of a coordination', () => {
    // Police officers and judicial officers, not judicial police (probe ne-en-corruption-1).
    expect(tags('Asset declarations for police and judicial officers', 'en').get(JUDICIAL_POLICE)).toBeUndefined();
    expect(tags('Training for judicial and police officers', 'en').get(JUDICIAL_POLICE)).toBeUndefined();
    expect(tags('Training for police, customs and judicial staff', 'en').get(JUDICIAL_POLICE)).toBeUndefined();
    expect(tags('обучение полиции и судебной системы', 'ru').get(JUDICIAL_POLICE)).toBeUndefined();
    expect(tags('警察和司法人员培训', 'zh').get(JUDICIAL_POLICE)).toBeUndefined();
    expect(tags('警察、司法人员培训', 'zh').get(JUDICIAL_POLICE)).toBeUndefined();
    // The police officers themselves are still read.
    expect(tags('Asset declarations for police and judicial officers', 'en').get('c:law_enforcement')).toBeGreaterThan(0);
  });

  it('still reads the term as written, and with a word a coordination shares', () => {
    expect(tags('Training of judicial police officers', 'en').get(JUDICIAL_POLICE)).toBeGreaterThan(0);
    expect(tags('司法警察培训', 'zh').get(JUDICIAL_POLICE)).toBeGreaterThan(0);
    // "protection" is shared by both conjuncts: witness protection.
    expect(tags('Protection of victims and witnesses', 'en').get('c:witnesses')).toBeGreaterThan(0);
    expect(tags('Witness and victim protection', 'en').get('c:witnesses')).toBeGreaterThan(0);
    expect(tags('Partage du renseignement et sa judiciarisation', 'fr').get('c:intelligence_evidence')).toBeGreaterThan(0);
  });

  it('still reads a term that is itself a coordination, in another order', () => {
    const written = tags('化学、生物、放射性和核武器', 'zh').get('c:cbrn_detection') ?? 0;
    const reordered = tags('核、放射性、生物和化学武器', 'zh').get('c:cbrn_detection') ?? 0;
    expect(written).toBeGreaterThan(0);
    // The reordered list is read as the written term (whole), plus its scattered words.
    expect(reordered).toBeGreaterThan(tags('核武器', 'zh').get('c:cbrn_detection') ?? 0);
    expect(tags('nuclear, radiological, biological and chemical weapons', 'en').get('c:cbrn_detection')).toBeGreaterThan(0);
  });
});
