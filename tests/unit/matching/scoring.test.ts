import { describe, expect, it } from 'vitest';
import {
  combine,
  conceptComponent,
  languageComponent,
  modalityComponent,
  needComponent,
  regionalComponent,
  thematicComponent,
  urgencyComponent,
} from '../../../src/matching/scoring.js';
import { SCORING_WEIGHTS } from '../../../src/matching/weights.js';

describe('score components', () => {
  it('thematic: best shared area weighted on both sides', () => {
    const off = new Map([['terrorist_financing', 1]]);
    expect(thematicComponent([{ code: 'terrorist_financing', score: 1 }], off).value).toBe(1);
    expect(thematicComponent([{ code: 'terrorist_financing', score: 0.5 }], off).value).toBe(0.5);
    expect(thematicComponent([{ code: 'aviation_security', score: 1 }], off).value).toBe(0);
    expect(thematicComponent([{ code: 'terrorist_financing', score: 1 }], new Map([['terrorist_financing', 0.4]])).value).toBe(0.4);
  });

  it('concept: covering the request’s fine concepts scores high, missing them low, none neutral', () => {
    const req = new Map([['c:fiu', 1]]);
    expect(conceptComponent(req, new Map([['c:fiu', 1]])).value).toBe(1);
    expect(conceptComponent(req, new Map([['c:npo', 1]])).value).toBe(0);
    expect(conceptComponent(req, new Map([['c:fiu', 1], ['c:npo', 1]])).value).toBeCloseTo(0.9);
    expect(conceptComponent(new Map(), new Map([['c:fiu', 1]])).value).toBe(0.5);
  });

  it('language: full when delivered in the request language, lower otherwise', () => {
    expect(languageComponent('ar', ['en', 'ar'])).toBe(1);
    expect(languageComponent('ar', ['en'])).toBeLessThan(1);
    expect(languageComponent('ar', ['en'])).toBeGreaterThan(0);
  });

  it('modality: share of requested modalities; neutral when none requested', () => {
    expect(modalityComponent([], ['training'])).toBe(0.5);
    expect(modalityComponent(['training', 'mentoring'], ['training'])).toBe(0.5);
    expect(modalityComponent(['training'], ['training', 'workshop'])).toBe(1);
    expect(modalityComponent(['equipment'], ['training'])).toBe(0);
  });

  it('urgency: boost for high urgency with availability now; a later start costs more the more urgent the request', () => {
    expect(urgencyComponent('high', 0, null)).toBe(1);
    expect(urgencyComponent('high', -3, null)).toBe(1);
    expect(urgencyComponent('high', 0, 0)).toBe(0.5);
    expect(urgencyComponent('high', 30, null)).toBeCloseTo(0.5 * (1 - 30 / 90));
    expect(urgencyComponent('high', 120, null)).toBe(0);
    expect(urgencyComponent('normal', 0, null)).toBe(0.5);
    expect(urgencyComponent('normal', 60, null)).toBeLessThan(0.5);
    expect(urgencyComponent('normal', 60, null)).toBeGreaterThan(urgencyComponent('high', 60, null));
    expect(urgencyComponent('normal', 900, null)).toBe(0.25);
    expect(urgencyComponent('low', 200, null)).toBe(0.5);
  });

  it('need: priority value of a linked need in the offering’s areas', () => {
    const off = new Map([['terrorist_financing', 1]]);
    expect(needComponent([{ areas: new Set(['terrorist_financing']), value: 1 }], off)).toBe(1);
    expect(needComponent([{ areas: new Set(['terrorist_financing']), value: 0.6 }], off)).toBe(0.6);
    expect(needComponent([{ areas: new Set(['aviation_security']), value: 1 }], off)).toBe(0);
    expect(needComponent([], off)).toBe(0);
  });

  it('regional: more specific targeting of the state scores higher', () => {
    const nga = { iso3: 'NGA', region: '002', subRegion: '202', intermediateRegion: '011' };
    expect(regionalComponent({ regions: [], countries: ['NGA'] }, nga)).toBe(1);
    expect(regionalComponent({ regions: ['011'], countries: [] }, nga)).toBe(0.85);
    expect(regionalComponent({ regions: ['202'], countries: [] }, nga)).toBe(0.75);
    expect(regionalComponent({ regions: ['002'], countries: [] }, nga)).toBe(0.65);
    expect(regionalComponent({ regions: [], countries: [] }, nga)).toBe(0.5);
  });

  const all = (v: number) => Object.fromEntries(Object.keys(SCORING_WEIGHTS).map((k) => [k, v])) as Parameters<typeof combine>[0];

  it('combines components into [0, 1] with the exported weights', () => {
    expect(combine(all(1))).toBeCloseTo(1);
    expect(combine(all(0))).toBe(0);
    const total = Object.values(SCORING_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(combine({ ...all(0), thematic: 1 })).toBeCloseTo(SCORING_WEIGHTS.thematic / total);
  });

  it('puts topical fit first: an off-topic offering cannot win on language and wording', () => {
    const onTopicForeign = combine({ ...all(0.5), thematic: 1, language: 0.3, text: 0, concept: 0.5 });
    const offTopicSameLanguage = combine({ ...all(0.5), thematic: 0.3, language: 1, text: 1, concept: 1 });
    expect(onTopicForeign).toBeGreaterThan(offTopicSameLanguage);
    // With no thematic overlap, wording alone contributes at most a fraction.
    expect(combine({ ...all(1), thematic: 0 })).toBeLessThanOrEqual(0.3);
  });
});
