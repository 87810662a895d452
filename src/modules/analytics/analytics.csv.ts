import { toCsv as writeCsv } from '../imports/csv.parser.js';
import type { NeedsMatrix, Outcomes, Overlaps, SupplyDemand, Timings, UnmatchedNeeds } from './analytics.schemas.js';

/**
 * The shared RFC 4180 writer (CRLF, quoting, formula-like text neutralised with a leading `'`), with a
 * UTF-8 byte-order mark so spreadsheets read Arabic and Chinese text right.
 */
export function toCsv(rows: readonly object[], columns: readonly string[]): string {
  return `\uFEFF${writeCsv(rows as Record<string, unknown>[], [...columns])}`;
}

/** A CSV sent as it is made: the byte-order mark and header first, then each batch of rows as it is read. */
export async function* csvStream<T>(columns: readonly string[], batches: AsyncIterable<T>, flat: (batch: T) => object[]): AsyncGenerator<string> {
  const header = writeCsv([], [...columns]);
  yield `\uFEFF${header}`;
  for await (const batch of batches) {
    const rows = flat(batch);
    if (rows.length) yield writeCsv(rows as Record<string, unknown>[], [...columns]).slice(header.length);
  }
}

export const UNMATCHED_COLUMNS = ['id', 'memberState', 'priority', 'thematicAreas', 'identifiedAt', 'createdAt', 'ageDays', 'source', 'description'] as const;
export const OVERLAP_COLUMNS = ['type', 'providerA', 'providerAName', 'providerB', 'providerBName', 'memberState', 'thematicArea', 'requestId', 'requestStatus', 'providers'] as const;

/** One CSV row per pair cell and per request accepted by several providers. */
export const overlapRows = (d: Pick<Overlaps, 'providerPairs' | 'requestsAcceptedByMany'>) => [
  ...d.providerPairs.flatMap((p) => p.cellList.map((c) => ({
    type: 'provider_pair', providerA: p.providers[0].id, providerAName: p.providers[0].name, providerB: p.providers[1].id, providerBName: p.providers[1].name,
    memberState: c.memberState, thematicArea: c.thematicArea,
  }))),
  ...d.requestsAcceptedByMany.map((r) => ({
    type: 'request_accepted_by_many', requestId: r.requestId, memberState: r.memberState, requestStatus: r.status,
    thematicArea: r.thematicAreas, providers: r.providers.map((p) => p.id),
  })),
];

/** The flat CSV form of each report: one row per cell, need, region or pair. */
export const csvExports = {
  needsMatrix: (d: NeedsMatrix) => toCsv(d.cells, ['memberState', 'thematicArea', 'needs', 'highestPriority', 'matched', 'state']),

  unmatchedNeeds: (d: UnmatchedNeeds) => toCsv(d.items, UNMATCHED_COLUMNS),

  supplyDemand: (d: SupplyDemand) => toCsv([
    ...d.byThematicArea.map((x) => ({ dimension: 'thematicArea', code: x.thematicArea, name: null, ...x })),
    ...d.byRegion.map((x) => ({ dimension: x.level, code: x.region, ...x })),
  ], ['dimension', 'code', 'name', 'openRequests', 'openNeeds', 'supply', 'ratio']),

  overlaps: (d: Overlaps) => toCsv(overlapRows(d), OVERLAP_COLUMNS),

  timings: (d: Timings) => toCsv(
    (['toRouting', 'toAcceptance', 'toCompletion'] as const).map((k) => ({ measure: k, ...d[k] })),
    ['measure', 'n', 'medianHours', 'p90Hours'],
  ),

  outcomes: (d: Outcomes) => toCsv(
    [{ thematicArea: '(all)', ...d.overall }, ...d.byThematicArea].map((x) => ({
      thematicArea: x.thematicArea, n: x.n, met: x.counts.met, partly_met: x.counts.partly_met, not_met: x.counts.not_met,
      share_met: x.shares.met, share_partly_met: x.shares.partly_met, share_not_met: x.shares.not_met,
    })),
    ['thematicArea', 'n', 'met', 'partly_met', 'not_met', 'share_met', 'share_partly_met', 'share_not_met'],
  ),
};
