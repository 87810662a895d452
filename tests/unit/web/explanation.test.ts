import { describe, expect, it } from 'vitest';
import { combine } from '../../../src/matching/scoring.js';
import { SCORING_WEIGHTS, type ScoreComponent } from '../../../src/matching/weights.js';
import type { WebContext } from '../../../src/web/context.js';
import { explanationArithmetic, explanationView } from '../../../src/web/explanation.js';
import { i18n } from '../../../src/web/i18n/index.js';

const names = { area: (c: string) => c, region: (c: string) => c, state: (c: string) => c, entity: (c: string | null | undefined) => c ?? '', entityName: (c: string) => c };
const ctx = (lang: 'en' | 'fr' | 'ar'): WebContext => ({ i: i18n(lang), principal: null, csrf: '', path: '/' });

// Mostly strong bars, weak thematic overlap: the multiplicative gate brings the score down (the "29 %" of issue 12).
const components: Record<ScoreComponent, number> = { thematic: 0.35, concept: 0.9, text: 0.8, language: 1, need: 0, regional: 0.75, modality: 1, urgency: 0.5 };
const score = combine(components);
const explanation = { components, weights: { ...SCORING_WEIGHTS }, concepts: [], language: { request: 'en', offering: ['en'], fit: 1 }, notes: [] };

describe('match explanations that add up', () => {
  it('works the weighted mean and the gate out of the explanation itself, so they give the stored score', () => {
    const a = explanationArithmetic(explanation, score);
    expect(a.mean! * a.gate!).toBeCloseTo(score, 6);
    expect(a.gate).toBeCloseTo(0.35, 2);
    // Shares come from the stored weights: other weights give other words, with no change of code.
    const reweighted = explanationArithmetic({ ...explanation, weights: { ...SCORING_WEIGHTS, thematic: 3 } }, score);
    expect(reweighted.weights!.thematic).toBeGreaterThan(a.weights!.thematic!);
    expect(reweighted.order[0]).toBe('thematic');
  });

  it('shows every factor with its weight, and the gate that multiplies their average', () => {
    const out = explanationView(ctx('en'), names, explanation, { score, audience: 'cted', urgency: 'normal', modalitiesAsked: 1 }).value;
    for (const k of Object.keys(SCORING_WEIGHTS)) expect(out).toContain(`data-component="${k}"`);
    expect(out).toContain('data-component="gate"');
    expect(out).toMatch(/Overall fit \d+% = the weighted average of the factors below \(\d+%\) × the topical fit \(0\.35\)/);
    expect(out).toContain('weight 30%');
    expect(out).toContain('shares little of the request’s subject');
  });

  it('addresses the state, the provider and CTED each in their own words', () => {
    expect(explanationView(ctx('en'), names, explanation, { score, audience: 'state' }).value).toContain('the areas of your request');
    expect(explanationView(ctx('en'), names, explanation, { score, audience: 'provider' }).value).toContain('your offering works on the areas of the request');
    expect(explanationView(ctx('fr'), names, explanation, { score, audience: 'cted' }).value).toContain('l’offre porte sur les domaines de la demande');
  });

  it('says nothing urgent about a request of normal urgency', () => {
    const normal = explanationView(ctx('en'), names, explanation, { score, audience: 'state', urgency: 'normal' }).value;
    expect(normal).not.toContain('available now');
    expect(normal).toContain('the request is not marked urgent');
    const urgent = explanationView(ctx('en'), names, { ...explanation, components: { ...components, urgency: 1 } }, { score, audience: 'state', urgency: 'high' }).value;
    expect(urgent).toContain('your request is urgent and the offering is available now');
    expect(explanationView(ctx('ar'), names, explanation, { score, audience: 'state', urgency: 'low' }).value).toContain('الطلب غير موسوم بأنه عاجل');
  });

  it('still lists the components of an older explanation without weights', () => {
    const out = explanationView(ctx('en'), names, { thematic: 0.9, text: 0.4 }, { score: 0.5, audience: 'cted' }).value;
    expect(out).toContain('data-component="thematic"');
    expect(out).not.toContain('data-component="gate"');
  });
});
