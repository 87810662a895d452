import type { ReferenceSnapshot } from '../modules/reference/reference.service.js';
import { currencyExponent } from '../modules/offerings/money.js';
import type { WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { FieldErrors } from './layout.js';

type Option = { value: string; label: string };

const byLabel = (lang: string) => (a: Option, b: Option) => a.label.localeCompare(b.label, lang);

/** The 193 member states by their UN short name in the page's language, sorted in that language. */
export function stateOptions(ctx: WebContext, ref: ReferenceSnapshot): Option[] {
  return ref.states.map((s) => ({ value: s.iso3, label: s.names[ctx.i.lang] || s.name })).sort(byLabel(ctx.i.lang));
}

/** Today's Task Force entities (no superseded codes), "CODE — name" in the page's language. */
export function entityOptions(ctx: WebContext, ref: ReferenceSnapshot): Option[] {
  return ref.currentEntities.map((e) => ({ value: e.code, label: `${e.code} — ${e.names[ctx.i.lang] || e.name}` }));
}

/** M49 regions with member states, each region followed by its sub-regions and their intermediate regions. */
export function regionOptions(ctx: WebContext, ref: ReferenceSnapshot): (Option & { depth: number })[] {
  const name = (code: string) => ref.regionByCode.get(code)?.names[ctx.i.lang] || code;
  const used = ref.regionCodes;
  const children = (parent: string) => ref.regions.filter((r) => r.parent === parent && used.has(r.code))
    .sort((a, b) => name(a.code).localeCompare(name(b.code), ctx.i.lang));
  const out: (Option & { depth: number })[] = [];
  const walk = (code: string, depth: number) => {
    for (const r of children(code)) {
      out.push({ value: r.code, label: name(r.code), depth });
      walk(r.code, depth + 1);
    }
  };
  walk('001', 0);
  return out;
}

const CURRENCIES = Intl.supportedValuesOf('currency');

/** ISO 4217 currencies named in the page's language, the common ones of this work first. */
export function currencyOptions(ctx: WebContext, selected: string): Option[] {
  const names = new Intl.DisplayNames([ctx.i.lang], { type: 'currency', fallback: 'code' });
  const common = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'NOK', 'SEK'];
  const label = (c: string) => `${c} — ${names.of(c) ?? c}`;
  const rest = CURRENCIES.filter((c) => !common.includes(c)).map((c) => ({ value: c, label: label(c) })).sort(byLabel(ctx.i.lang));
  const all = [...common.map((c) => ({ value: c, label: label(c) })), ...rest];
  return selected && !CURRENCIES.includes(selected) ? [{ value: selected, label: selected }, ...all] : all;
}

/** Whether a code is an ISO 4217 currency this runtime knows. */
export const isCurrency = (code: string) => CURRENCIES.includes(code);

/** The `step` of an amount input for a currency: 1 for yen, 0.01 for dollars, 0.001 for dinars. */
export const amountStep = (currency: string) => (currencyExponent(currency || 'USD') === 0 ? '1' : `0.${'0'.repeat(currencyExponent(currency || 'USD') - 1)}1`);

/**
 * A multiple choice of codes shown by name (a `<select multiple>` with a hint on how to pick several):
 * countries and regions are chosen by their names in the user's language, never typed as codes.
 */
export function multiSelect(f: { name: string; label: string; hint?: string; options: (Option & { depth?: number })[]; selected: string[]; errors?: FieldErrors; optionalText?: string; size?: number }): SafeHtml {
  const id = `f-${f.name}`;
  const err = f.errors?.[f.name];
  const describedBy = [f.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${err ? ' has-error' : ''}">
    <label for="${id}">${f.label}${f.optionalText ? html` <span class="opt">(${f.optionalText})</span>` : ''}</label>
    ${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}
    ${err ? html`<p class="error" id="${id}-error"><span aria-hidden="true">⚠ </span>${err}</p>` : ''}
    <select id="${id}" name="${f.name}" multiple size="${f.size ?? 8}"${err ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
      ${f.options.map((o) => html`<option value="${o.value}"${f.selected.includes(o.value) ? html` selected` : ''}>${'\u00a0\u00a0'.repeat(o.depth ?? 0)}${o.label}</option>`)}
    </select></div>`;
}
