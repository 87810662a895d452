import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerings } from '../../db/schema/index.js';
import { MATCHING_LIMITS } from '../../src/matching/weights.js';
import { isProposable, proposableSql } from '../../src/modules/offerings/offerings.service.js';

const FRESHNESS_DAYS = MATCHING_LIMITS.staleAfterDays;
import { castOf } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;

// The directory and analytics filter proposable offerings in SQL; the rest of OneDoor asks isProposable
// (src/matching/filters.ts: unavailableAt).
// Both must say the same for every offering, on both databases.
describe.each(['postgres', 'pglite'] as const)('proposableSql agrees with isProposable (%s)', (kind) => {
  let t: TestApp;
  const now = new Date('2026-06-01T12:00:00Z');
  beforeAll(async () => {
    t = await buildTestApp({ db: kind });
    const c = await castOf(t);
    const at = (days: number) => new Date(now.getTime() + days * DAY);
    const rows = [];
    for (const status of ['open', 'closed']) {
      for (const from of [null, at(-1), at(1), now]) {
        for (const until of [null, at(-1), at(1), now]) {
          for (const confirmed of [at(-1), at(-FRESHNESS_DAYS), at(-FRESHNESS_DAYS - 1), at(-FRESHNESS_DAYS + 0.001)]) {
            for (const capacity of [null, 0, 3]) {
              rows.push({ providerId: c.providerAId, title: 'x', description: 'an offering of the proposable test', language: 'en', status, availableFrom: from, availableUntil: until, lastConfirmedAt: confirmed, capacity });
            }
          }
        }
      }
    }
    await t.db.db.insert(offerings).values(rows);
  });
  afterAll(async () => { await t?.close(); });

  it('on every combination of status, dates and confirmation', async () => {
    const all = await t.db.db.select().from(offerings);
    const inSql = new Set((await t.db.db.select({ id: offerings.id }).from(offerings).where(proposableSql(now))).map((r) => r.id));
    expect(all.length).toBe(384);
    const disagree = all.filter((o) => isProposable(o, now) !== inSql.has(o.id));
    expect(disagree).toEqual([]);
    expect(inSql.size).toBeGreaterThan(0);
  });
});
