import { FINE_CONCEPTS } from '../matching/concepts.lexicon.js';
import type { Namer, WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/index.js';
import { bar } from './layout.js';

/** Who reads an explanation: the requesting state, the offering's provider, or CTED and the entities. */
export type Audience = 'state' | 'provider' | 'cted';

/** What the page knows beside the stored explanation. */
export interface ExplanationContext {
  /** The match's overall score, as stored. */
  score: number;
  audience: Audience;
  /** The request's urgency, when the page knows it. */
  urgency?: string;
  /** How many kinds of support the request asked for, when the page knows it. */
  modalitiesAsked?: number;
}

interface Explanation {
  components?: Record<string, number>;
  weights?: Record<string, number>;
  /** The topical gate, when the engine stores it; otherwise it is worked out from score and components. */
  gate?: number;
  /** How far an applied learning model moved the score, when it did (src/matching/learning.ts). */
  learned?: number;
  concepts?: string[];
  language?: { request?: string; offering?: string[]; fit?: number };
  notes?: string[];
}

const KNOWN = new Set(['thematic', 'concept', 'text', 'need', 'language', 'regional', 'modality', 'urgency']);
const levelOf = (x: number): MessageKey => (x >= 0.7 ? 'level.strong' : x >= 0.4 ? 'level.partial' : x > 0.05 ? 'level.weak' : 'level.none');
const CONCEPT_TERMS = new Map(FINE_CONCEPTS.map((c) => [c.code, c.terms as Record<string, readonly string[]>]));

/** A fine concept (`c:fiu`) by its first term in the user's language, else in English, else its code. */
export function conceptName(code: string, lang: string): string {
  const terms = CONCEPT_TERMS.get(code);
  return terms?.[lang]?.[0] ?? terms?.en?.[0] ?? code.replace(/^c:/, '').replace(/[_-]+/g, ' ');
}

/**
 * The arithmetic of a stored explanation, from its own data only (weights and components as the engine
 * wrote them, so a change of weights shows without a change here): the weighted mean of the components
 * and the multiplicative topical gate, which is the stored gate or score ÷ mean.
 */
export function explanationArithmetic(raw: Record<string, unknown>, score: number) {
  const e = raw as Explanation;
  const components = e.components && typeof e.components === 'object'
    ? e.components
    : Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  const weights = e.weights && typeof e.weights === 'object' ? e.weights : null;
  const keys = Object.keys(components);
  if (!weights || !keys.every((k) => typeof weights[k] === 'number')) {
    return { components, weights: null, order: keys, mean: null, gate: null };
  }
  const total = keys.reduce((s, k) => s + weights[k]!, 0);
  const mean = total > 0 ? keys.reduce((s, k) => s + weights[k]! * (Number(components[k]) || 0), 0) / total : 0;
  const gate = typeof e.gate === 'number' ? e.gate : mean > 0 ? Math.max(0, Math.min(1, score / mean)) : 0;
  const order = [...keys].sort((a, b) => weights[b]! - weights[a]! || a.localeCompare(b));
  return { components, weights: Object.fromEntries(keys.map((k) => [k, weights[k]! / total])), order, mean, gate };
}

/**
 * A match explanation in words: every factor that enters the score with its weight and value, then the
 * topical fit that multiplies their average, so that the bars add up to the overall figure; addressed to
 * whoever reads it, and with no urgency text for a request that is not urgent.
 */
export function explanationView(ctx: WebContext, names: Namer, raw: Record<string, unknown>, at: ExplanationContext): SafeHtml {
  const { i } = ctx;
  const e = raw as Explanation;
  const a = explanationArithmetic(raw, at.score);
  const who = at.audience;
  const sentence = (k: string, v: number): string => {
    if (k === 'urgency' && (at.urgency ? at.urgency !== 'high' : v === 0.5)) return i.t('ex.urgency.notUrgent');
    if (k === 'modality' && at.modalitiesAsked === 0) return i.t('ex.modality.none');
    return KNOWN.has(k) ? i.t(`ex.${k}.${who}` as MessageKey) : i.t('ex.other', { name: k });
  };
  const neutral = (k: string) => (k === 'urgency' && at.urgency !== undefined && at.urgency !== 'high') || (k === 'modality' && at.modalitiesAsked === 0);
  const concepts = (e.concepts ?? []).map((c) => (c.startsWith('area:') ? names.area(c.slice(5)) : conceptName(c, i.lang)));
  const offeredIn = e.language?.offering?.length ? e.language.offering.map((l) => i.language(l)).join(', ') : '';
  const gateText = a.gate === null ? '' : a.gate >= 0.95 ? i.t('ex.gate.full')
    : i.t(a.gate >= 0.5 ? 'ex.gate.part' : 'ex.gate.low', { mean: i.pct(a.mean!), score: i.pct(at.score) });
  return html`<div class="explanation">
  <p>${i.t(`ex.intro.${who}` as MessageKey)}</p>
  ${a.gate !== null ? html`<p class="muted" data-explain="sum">${i.t('ex.sum', { score: i.pct(at.score), mean: i.pct(a.mean!), gate: i.num(Math.round(a.gate * 100) / 100) })}</p>` : ''}
  <ul class="explain">
    ${a.order.map((k) => {
      const v = Number(a.components[k]) || 0;
      return html`<li data-component="${k}">${bar(v)}<span class="explain-text">${sentence(k, v)}
        ${neutral(k) ? html`<span class="muted">(${i.t('ex.neutral')})</span>` : html`<strong>${i.t(levelOf(v))}</strong> <span class="muted">(${i.pct(v)}${a.weights ? html`, <span class="weight">${i.t('ex.weight', { share: i.pct(a.weights[k]!) })}</span>` : ''})</span>`}</span></li>`;
    })}
    ${a.gate !== null ? html`<li data-component="gate" class="gate">${bar(a.gate)}<span class="explain-text">${i.t('ex.gate', { gate: i.num(Math.round(a.gate * 100) / 100) })} ${gateText}</span></li>` : ''}
  </ul>
  ${typeof e.learned === 'number' && e.learned !== 0 ? html`<p class="muted" data-explain="learned">${i.t(e.learned > 0 ? 'ex.learned.up' : 'ex.learned.down', { points: i.num(Math.round(Math.abs(e.learned) * 1000) / 10) })}</p>` : ''}
  ${concepts.length ? html`<p class="muted">${i.t('req.view.shared', { list: [...new Set(concepts)].slice(0, 8).join(', ') })}</p>` : ''}
  ${offeredIn ? html`<p class="muted">${i.t('req.view.offeredIn', { langs: offeredIn })}</p>` : ''}
  </div>`;
}
