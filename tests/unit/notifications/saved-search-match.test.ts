import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/matching/text.normalize.js';
import type { Lang } from '../../../src/matching/types.js';
import { analyseWords, modalitiesNamed, searchMatches, type Analyse, type RequestCriteria } from '../../../src/modules/saved-searches/saved-search.match.js';

// The engine's tokens; concepts and areas as a tiny stand-in tagger would give them (the integration test uses the engine's own).
const analyse: Analyse = (text, lang) => {
  const tokens = analyze(text, lang);
  const judicial = /judiciaire|judicial/i.test(text) ? [{ code: 'justice_reform', score: 0.9 }] : [];
  return { tokens, concepts: /blanchiment|money laundering/i.test(text) ? ['c:money_laundering'] : [], areas: judicial };
};
const request = (text: string, lang: Lang, over: Partial<RequestCriteria> = {}): RequestCriteria => ({
  areas: [], places: ['SEN', '002', '202', '011'], modalities: [], lang, text: analyse(text, lang), ...over,
});
const search = (words: string, over: Partial<{ areas: string[]; regions: string[]; modalities: string[] }> = {}) => ({ areas: [], regions: [], modalities: [], ...analyseWords(words, analyse), ...over });

describe('saved-search matching', () => {
  it('finds a training request from "formation", in any language, through the modality words', () => {
    expect(modalitiesNamed(analyze('We need training of analysts', 'en'), 'en')).toContain('training');
    expect(searchMatches(search('formation'), request('We ask for training of FIU analysts', 'en'))).toBe(true);
    expect(searchMatches(search('formation'), request('Nous demandons un équipement', 'fr', { modalities: ['training'] }))).toBe(true);
    expect(searchMatches(search('培训'), request('Support for our customs service', 'en', { modalities: ['training'] }))).toBe(true);
    expect(searchMatches(search('formation'), request('Equipment for border posts', 'en'))).toBe(false);
  });

  it('finds a request about the same field whatever its language', () => {
    expect(searchMatches(search('formation judiciaire'), request('Judicial reform and courts', 'en'))).toBe(true);
    expect(searchMatches(search('blanchiment'), request('Countering money laundering', 'en'))).toBe(true);
  });

  it('finds the words themselves when nothing else does, and holds every criterion', () => {
    expect(searchMatches(search('drones'), request('Countering the use of drones', 'en'))).toBe(true);
    expect(searchMatches(search('drones'), request('Countering the use of vehicles', 'en'))).toBe(false);
    expect(searchMatches(search('', { regions: ['011'] }), request('anything', 'en'))).toBe(true);
    expect(searchMatches(search('', { regions: ['142'] }), request('anything', 'en'))).toBe(false);
    expect(searchMatches(search('', { areas: ['aviation_security'] }), request('x', 'en', { areas: ['border_management'] }))).toBe(false);
    expect(searchMatches(search('', { modalities: ['equipment'] }), request('x', 'en', { modalities: ['equipment'] }))).toBe(true);
  });
});
