import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../common.schemas.js';
import { csvExports, csvStream, OVERLAP_COLUMNS, overlapRows, UNMATCHED_COLUMNS } from './analytics.csv.js';
import {
  AnalyticsFilter, NeedsMatrix, Outcomes, Overlaps, OverlapsQuery, SupplyDemand, SupplyDemandQuery, Timings, UnmatchedNeeds, UnmatchedNeedsQuery,
} from './analytics.schemas.js';

const WHO = 'For CTED and admins (everything) and Task Force entities (every request except restricted ones not routed to them); '
  + 'member states and providers get 403. Numbers and codes only: never the titles or descriptions of requests. '
  + 'Add `?format=csv` (or send `Accept: text/csv`) for a CSV export; cells that a spreadsheet would run as a formula are prefixed with an apostrophe.';

/** `format=csv` wins; otherwise an Accept header asking for text/csv. */
function wantsCsv(req: FastifyRequest): boolean {
  const format = (req.query as { format?: 'json' | 'csv' } | undefined)?.format;
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(req.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, name: string, csv: string | AsyncIterable<string>) {
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="onedoor-${name}-${day}.csv"`)
    .header('cache-control', 'no-store')
    // The long exports stream: rows are read page by page and sent as they come, never held whole.
    .send(typeof csv === 'string' ? csv : Readable.from(csv));
}

/** CTED's needs matrix and gap analytics, as JSON or CSV. */
export const analyticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const allowed = app.requireRole('cted', 'admin', 'entity');
  const analytics = () => app.services.analytics;

  app.get('/v1/analytics/needs-matrix', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Member state × thematic area matrix of CTED open needs and how many are matched',
      description: `A need is matched when a request linked to it is routed, accepted, in delivery or completed; a cell is unmatched, partly or matched. ${WHO}`,
      querystring: AnalyticsFilter, response: { 200: NeedsMatrix, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    const data = await analytics().needsMatrix(req.principal!, req.query);
    return wantsCsv(req) ? sendCsv(reply, 'needs-matrix', csvExports.needsMatrix(data)) : data;
  });

  app.get('/v1/analytics/unmatched-needs', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Open needs without a routed (or later) request, oldest first, with age buckets',
      description: `Age counts from identified_at, else from when the need was loaded. Buckets cover every unmatched need, not just the page; the CSV export has every row. Need descriptions are shown to CTED and admins only. ${WHO}`,
      querystring: UnmatchedNeedsQuery, response: { 200: UnmatchedNeeds, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    if (wantsCsv(req)) {
      const { limit: _l, offset: _o, ...filter } = req.query;
      const batches = analytics().allUnmatchedNeeds(req.principal!, filter);
      // The first batch is read before the answer starts, so a bad filter is still a 400, not a broken download.
      const first = await batches.next();
      return sendCsv(reply, 'unmatched-needs', csvStream(UNMATCHED_COLUMNS, (async function* () { if (!first.done) yield first.value; yield* batches; })(), (b) => b));
    }
    return analytics().unmatchedNeeds(req.principal!, req.query);
  });

  app.get('/v1/analytics/supply-demand', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Open requests and needs against proposable offerings, per thematic area and M49 region',
      description: `An offering counts for a region when it is worldwide or open to at least one member state of it; ratio = supply / (open requests + open needs). ${WHO}`,
      querystring: SupplyDemandQuery, response: { 200: SupplyDemand, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    const data = await analytics().supplyDemand(req.principal!, req.query);
    return wantsCsv(req) ? sendCsv(reply, 'supply-demand', csvExports.supplyDemand(data)) : data;
  });

  app.get('/v1/analytics/overlaps', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Duplication of effort: providers covering the same state and area, requests accepted by several providers',
      description: `Two providers overlap in a (member state, thematic area) cell when both have a proposable offering in that area naming the state or one of its M49 regions; worldwide offerings are left out. `
        + `Both lists come a page at a time, most overlapping first (\`cursor\`, \`requestsCursor\`); each pair lists its first 100 cells and offerings, and the CSV export streams every cell. ${WHO}`,
      querystring: OverlapsQuery, response: { 200: Overlaps, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    if (wantsCsv(req)) {
      const batches = analytics().allOverlaps(req.principal!);
      const first = await batches.next();
      return sendCsv(reply, 'overlaps', csvStream(OVERLAP_COLUMNS, (async function* () { if (!first.done) yield first.value; yield* batches; })(), (b) => overlapRows({ providerPairs: b.pairs, requestsAcceptedByMany: b.requests })));
    }
    return analytics().overlaps(req.principal!, req.query);
  });

  app.get('/v1/analytics/timings', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Hours from submission to routing, acceptance and completion (median, p90, n)',
      description: `From the request status history: the first time a request became routed, accepted and completed. Percentiles interpolate linearly between ranks. ${WHO}`,
      querystring: AnalyticsFilter, response: { 200: Timings, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    const data = await analytics().timings(req.principal!, req.query);
    return wantsCsv(req) ? sendCsv(reply, 'timings', csvExports.timings(data)) : data;
  });

  app.get('/v1/analytics/outcomes', {
    config: { long: true },
    schema: {
      tags: ['analytics'], summary: 'Shares of completed requests met, partly met and not met, overall and per thematic area',
      description: `From the requesting state's feedback; shares have four decimals. ${WHO}`,
      querystring: AnalyticsFilter, response: { 200: Outcomes, ...errorResponses },
    },
    onRequest: allowed,
  }, async (req, reply) => {
    const data = await analytics().outcomes(req.principal!, req.query);
    return wantsCsv(req) ? sendCsv(reply, 'outcomes', csvExports.outcomes(data)) : data;
  });
};
