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

/**
 * What each place of a cursor's sort key holds. `number` is an integer (a rank, a count), `timestamp` is a PostgreSQL timestamptz as its text
 * (`2026-12-03 13:23:31.445+00`, or `-infinity`), `uuid` a row id: both are cast in the SQL that
 * continues the list, so a forged cursor with anything else in them (or a fraction for a rank) was a
 * 500 from the database.
 */
export type CursorPart = 'string' | 'number' | 'timestamp' | 'uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2}))?(?::(\d{2}))?)$/;

/** A timestamptz text PostgreSQL reads back as it wrote it: a real calendar day and time, a year 1-9999, an offset within ±15:59. */
function isTimestamp(v: string): boolean {
  if (v === '-infinity' || v === 'infinity') return true;
  const m = TIMESTAMP.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s, oh, om, os] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const day = new Date(Date.UTC(2000, mo! - 1, d!));
  day.setUTCFullYear(y!);
  return y! >= 1 && mo! >= 1 && mo! <= 12 && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d!
    && h! <= 23 && mi! <= 59 && s! <= 59 && oh! <= 15 && om! <= 59 && os! <= 59;
}

const fits = (v: unknown, part: CursorPart): boolean => {
  switch (part) {
    case 'number': return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1;
    case 'string': return typeof v === 'string';
    case 'uuid': return typeof v === 'string' && UUID.test(v);
    case 'timestamp': return typeof v === 'string' && isTimestamp(v);
  }
};

/** The sort key in a cursor, checked against the list's key shape; 400 for a cursor that is not one of ours. */
export function decodeCursor(cursor: string | undefined, shape: readonly CursorPart[]): CursorKey | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try { key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { key = null; }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => !fits(v, shape[i]!))) {
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
