import type { z } from 'zod';
import { AppError, type ErrorDetail } from '../errors.js';
import type { FieldErrors } from './layout.js';
import type { I18n } from './i18n/index.js';

/** Turns zod issues into one translated message per top-level field (the first problem wins). */
export function zodErrors(i: I18n, issues: readonly z.core.$ZodIssue[], alias: Record<string, string> = {}, values: Record<string, unknown> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const top = String(issue.path[0] ?? '_form');
    const field = alias[issue.path.slice(0, 2).join('.')] ?? alias[top] ?? top;
    if (out[field]) continue;
    const given = issue.path.length === 1 ? values[top] : 'n/a';
    // An empty field says "required" rather than "at least N characters".
    if (given === '' || (issue.path.length === 1 && top in values && given === undefined)) out[field] = i.t('v.required');
    else if (Array.isArray(given) && given.length === 0) out[field] = i.t('v.chooseOne');
    else out[field] = messageOf(i, issue);
  }
  return out;
}

function messageOf(i: I18n, issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? i.t('v.required') : i.t('v.tooShort', { min: Number(issue.minimum) });
      if (issue.origin === 'array' || issue.origin === 'set') return i.t('v.chooseOne');
      return i.t('v.invalid');
    case 'too_big':
      if (issue.origin === 'string') return i.t('v.tooLong', { max: Number(issue.maximum) });
      return i.t('v.invalid');
    case 'invalid_type':
      return issue.input === undefined ? i.t('v.required') : i.t('v.invalid');
    case 'invalid_value':
      // Name what is allowed rather than "not valid".
      return i.t('v.oneOf', { values: issue.values.map(String).join(', ') });
    default:
      return i.t('v.invalid');
  }
}

/** Field messages from a service's 400 (details with paths like `thematicAreas.0`); null for any other error. */
export function appErrors(i: I18n, err: unknown, alias: Record<string, string> = {}): FieldErrors | null {
  if (!(err instanceof AppError) || err.statusCode !== 400) return null;
  const out: FieldErrors = {};
  const bad: Record<string, string[]> = {};
  const said: Record<string, string> = {};
  for (const d of err.details) {
    const parts = d.path.split('.');
    const top = parts[0] || '_form';
    const field = alias[parts.slice(0, 2).join('.')] ?? alias[top] ?? top;
    // A detail with a code is said in the user's language; others name the codes they quote.
    if (d.code && detailText(i, d) !== d.message) { said[field] ??= detailText(i, d); continue; }
    const quoted = /"([^"]{1,40})"/.exec(d.message)?.[1];
    (bad[field] ??= []).push(...(quoted ? [quoted] : []));
    out[field] ??= i.t('v.invalid');
  }
  for (const [field, values] of Object.entries(bad)) if (values.length) out[field] = i.t('v.codes', { codes: values.join(', ') });
  Object.assign(out, said);
  if (!Object.keys(out).length) out._form = i.t('v.invalid');
  return out;
}

/** A problem of an upload or a service check in the user's language: by its code when there is a text for it, else the English message. */
export function detailText(i: I18n, d: ErrorDetail): string {
  if (d.code) {
    const said = i.tx('imp', d.code, d.params as Record<string, string | number> | undefined);
    if (said !== d.code) return said;
  }
  return d.message;
}

/** Where an upload problem is, as a person finds it: the line of the file (the spreadsheet's), else the data row, else the file. */
export function detailPlace(d: ErrorDetail): { line: number | null; row: number | null; field: string } {
  const m = /^rows\.(\d+)\.?(.*)$/.exec(d.path);
  return { line: d.line ?? null, row: m ? Number(m[1]) : null, field: m ? (m[2] || '—') : d.path };
}
