import type { Principal, Role } from '../../plugins/auth.plugin.js';

/**
 * Who wrote a message, edited it, answered a question or uploaded a document, as it is recorded.
 * Today a principal is an API key (its id and label); when people and organisations join the
 * Principal, this is the one place that records them.
 */
export interface Author { keyId: string | null; label: string; role: Role }

/** The author record of a principal. */
export function authorOf(p: Principal): Author {
  return { keyId: p.keyId, label: p.label, role: p.role };
}

/** Whether the principal is the one who wrote a record (the same key; the admin key by its label). */
export function isAuthor(p: Principal, a: { keyId: string | null; label: string }): boolean {
  return p.keyId ? p.keyId === a.keyId : a.keyId === null && p.label === a.label;
}
