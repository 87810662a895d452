import type { z } from 'zod';
import type { ErrorDetail } from '../../errors.js';

/**
 * A zod issue as an error detail with a code and parameters (the allowed values, the minimum length...),
 * so that any interface can say what is allowed in its own language instead of "invalid".
 */
export function zodIssueDetail(issue: z.core.$ZodIssue, prefix: (string | number)[] = [], line?: number): ErrorDetail {
  const path = [...prefix, ...issue.path].map(String).join('.');
  const params: Record<string, string | number> = {};
  const i = issue as unknown as Record<string, unknown>;
  if (issue.code === 'too_small') { params.min = Number(i.minimum); params.origin = String(i.origin); }
  if (issue.code === 'too_big') { params.max = Number(i.maximum); params.origin = String(i.origin); }
  if (issue.code === 'invalid_value') params.values = (i.values as unknown[]).map(String).join(', ');
  if (issue.code === 'unrecognized_keys') params.keys = (i.keys as string[]).join(', ');
  if (issue.code === 'invalid_format') params.format = String(i.format);
  if (issue.code === 'invalid_type') params.expected = String(i.expected);
  return { path, message: issue.message, code: `zod.${issue.code}`, params, ...(line ? { line } : {}) };
}
