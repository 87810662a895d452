import { describe, expect, it } from 'vitest';
import { runSplitting } from '../../../bench/parts-eval.js';
import { clauses, enumerates, splitParts, type ClauseReading } from '../../../src/matching/parts.js';

// The labelled splitter fixture (tests/fixtures/parts/requests.json): 18 requests in parts, 18 whole,
// three of each per UN language, labels written before the engine ran on them.
describe('splitting requests into parts in six languages', () => {
  const run = runSplitting();
  const byKey = new Map(run.outcomes.map((o) => [o.key, o]));

  it('never cuts a single request into parts (a list of agents, a unit’s training and its equipment)', () => {
    const wrong = run.outcomes.filter((o) => o.want.length === 0 && o.got.length > 0);
    expect(wrong.map((o) => `${o.key}: ${o.got.join('+')}`)).toEqual([]);
    expect(run.precision).toBe(1);
  });

  it('finds the parts, main part first, joined the ways ministries write in each language', () => {
    expect(run.recall).toBeGreaterThanOrEqual(16 / 18);
    for (const key of ['pt-en-m2', 'pt-en-m3', 'pt-fr-m2', 'pt-fr-m3', 'pt-es-m1', 'pt-ru-m1', 'pt-ru-m3', 'pt-ar-m1', 'pt-zh-m1', 'pt-zh-m3']) {
      const o = byKey.get(key)!;
      expect(o.got, key).toEqual(o.want);
    }
    // Every part has its own entity.
    for (const o of run.outcomes.filter((x) => x.got.length > 0)) expect(o.entities.every((e) => e !== null), o.key).toBe(true);
  });

  it('gives identical parts on identical runs', () => {
    expect(runSplitting().outcomes).toEqual(run.outcomes);
  });
});

describe('the splitter’s rules', () => {
  // A reader from a fixed word list, so each rule is seen apart from the vocabulary.
  const words: [RegExp, string, number][] = [[/radiation|nuclear/i, 'nuclear_security', 2], [/port facility|ISPS/, 'maritime_security', 2], [/decontamination/, 'chemical_weapons', 1], [/customs/, 'customs', 2]];
  const read = (text: string): ClauseReading => {
    const hits = words.filter(([re]) => re.test(text));
    const top = hits.sort((a, b) => b[2] - a[2])[0];
    return { area: top?.[1] ?? null, strength: top?.[2] ?? 0, areas: hits.map(([, code, s]) => ({ code, score: s / 2 })) };
  };

  it('reads an inline list after a colon as an enumeration, and "first responders" as no ordinal', () => {
    expect(enumerates('The Government seeks: a) radiation detectors; b) port facility security.')).toBe(true);
    expect(enumerates('Казахстан запрашивает: 1) помощь; 2) программу.')).toBe(true);
    expect(enumerates('Training for first responders on radiation.')).toBe(false);
    expect(clauses('Training for first responders on radiation safety.')).toHaveLength(1);
    expect(clauses('un soutien aux victimes, y compris une assistance juridique')).toHaveLength(1);
  });

  it('without an enumeration, splits only at an additive coordinator or sentence, on strong evidence of another area', () => {
    expect(splitParts('', 'Radiation detection training for border officers, as well as port facility security under the ISPS Code.', read)).toHaveLength(2);
    // A context sentence is no further request.
    expect(splitParts('', 'Our port facility was attacked last year. We need radiation detection training.', read)).toEqual([]);
    // A weak further mention stays with the request ("ainsi qu'à la décontamination").
    expect(splitParts('', 'Training on radiation safety, as well as in decontamination of exposed people.', read)).toEqual([]);
    // A further segment that names the area before it goes on with it.
    expect(splitParts('', 'Radiation detection for customs, as well as customs scanners at the same crossing.', read)).toEqual([]);
  });
});
