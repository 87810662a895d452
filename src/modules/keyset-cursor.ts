import { z } from 'zod';
import { badRequest } from '../errors.js';

/**
 * Keyset pagination: a list is read in a fixed order and the next page starts after the last row's sort
 * key, so pages never skip or repeat rows when others are added meanwhile, and reading page 1,000 costs
 * what page 1 costs. The cursor is the sort key, opaque to clients (base64url JSON).
 */
export type CursorKey = (string | number)[];

/** The cursor that continues after a row with this sort key. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key in a cursor, checked against the list's key shape; 400 for a cursor that is not one of ours. */
export function decodeCursor(cursor: string | undefined, shape: readonly ('string' | 'number')[]): CursorKey | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try { key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { key = null; }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw badRequest('The cursor is not valid.', [{ path: 'querystring.cursor', message: 'use the nextCursor of the previous page, unchanged' }]);
  }
  return key as CursorKey;
}

/** The query parameter, for the zod schemas of lists. */
export const CursorParam = z.string().max(1000).optional()
  .describe('Where the page starts: the `nextCursor` of the previous page (keyset pagination; stable while rows are added).');

/** Cuts a page read with limit + 1 rows: the items, and the cursor of the next page (null on the last). */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit && items.length ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
