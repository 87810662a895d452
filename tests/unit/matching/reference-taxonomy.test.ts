import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileText } from '../../../src/matching/classify.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger } from '../../../src/matching/concepts.tagger.js';
import { LANGS, type ThematicAreaRef } from '../../../src/matching/types.js';

// Runs against the shipped taxonomy: every area's own name, in every language, must classify as
// that area after normalisation. A missing or empty data file fails here (it once skipped itself).
const file = new URL('../../../db/reference/thematic-areas.json', import.meta.url);
const areas: ThematicAreaRef[] = JSON.parse(readFileSync(file, 'utf8'));

describe('reference taxonomy', () => {
  it('is the shipped file, with all its areas (24 at least)', () => {
    expect(areas.length).toBeGreaterThanOrEqual(24);
  });

  const tagger = new ConceptTagger([...areaConcepts(areas), ...FINE_CONCEPTS]);

  it('classifies each area name as its own area in all six languages', () => {
    const misses: string[] = [];
    for (const a of areas) {
      for (const lang of LANGS) {
        const top = profileText(tagger, a.names[lang], '', lang).inferred[0]?.code;
        if (top !== a.code) misses.push(`${a.code}/${lang} → ${top}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('tags the first term of each area in all six languages', () => {
    const misses: string[] = [];
    for (const a of areas) {
      for (const lang of LANGS) {
        const term = a.terms[lang][0]!;
        const tags = profileText(tagger, term, '', lang).tags;
        if (!((tags.get(`area:${a.code}`) ?? 0) > 0)) misses.push(`${a.code}/${lang}: ${term}`);
      }
    }
    expect(misses).toEqual([]);
  });
});
