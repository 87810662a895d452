import { z } from 'zod';
import { AreaCode, Iso3, M49, Uuid } from '../common.schemas.js';

const Format = z.enum(['json', 'csv']).optional()
  .describe('`csv` for a spreadsheet-safe CSV export (also chosen by `Accept: text/csv`).');

/** Filters shared by the reports over needs and requests. */
const filterFields = {
  memberState: Iso3.optional(),
  region: M49.optional().describe('Only member states placed in this M49 region, sub-region or intermediate region.'),
  thematicArea: AreaCode.optional(),
  format: Format,
};

export const AnalyticsFilter = z.strictObject(filterFields);
export type AnalyticsFilter = z.infer<typeof AnalyticsFilter>;

export const FormatQuery = z.strictObject({ format: Format });

export const UnmatchedNeedsQuery = z.strictObject({
  ...filterFields,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type UnmatchedNeedsQuery = z.infer<typeof UnmatchedNeedsQuery>;

export const SupplyDemandQuery = z.strictObject({
  level: z.enum(['region', 'subRegion', 'intermediateRegion']).default('region')
    .describe('M49 level of the regional breakdown; at `intermediateRegion`, states without one count under their sub-region.'),
  format: Format,
});
export type SupplyDemandQuery = z.infer<typeof SupplyDemandQuery>;

export const Priority = z.enum(['high', 'medium', 'low']);
export const CellState = z.enum(['unmatched', 'partly', 'matched']);

export const MatrixCell = z.object({
  memberState: Iso3,
  /** null for needs without any thematic area. */
  thematicArea: z.string().nullable(),
  needs: z.number().int(),
  highestPriority: Priority,
  matched: z.number().int().describe('Needs of the cell linked to a request that is routed, accepted, in delivery or completed.'),
  state: CellState,
});
export const NeedsMatrix = z.object({
  cells: z.array(MatrixCell),
  totals: z.object({
    cells: z.number().int(),
    needs: z.number().int().describe('Distinct open needs (a need in two areas is in two cells but counted once here).'),
    matchedNeeds: z.number().int(),
  }),
}).meta({ id: 'NeedsMatrix' });
export type NeedsMatrix = z.infer<typeof NeedsMatrix>;

export const AgeBuckets = z.object({ '0-30': z.number().int(), '31-90': z.number().int(), '91-180': z.number().int(), '>180': z.number().int() });
export const UnmatchedNeed = z.object({
  id: Uuid,
  memberState: Iso3,
  priority: z.string(),
  thematicAreas: z.array(z.string()),
  identifiedAt: z.string().nullable(),
  createdAt: z.string(),
  ageDays: z.number().int(),
  source: z.string().nullable(),
  /** CTED's own wording: shown to CTED and admins only. */
  description: z.string().optional(),
});
export const UnmatchedNeeds = z.object({
  items: z.array(UnmatchedNeed),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  buckets: AgeBuckets,
}).meta({ id: 'UnmatchedNeeds' });
export type UnmatchedNeeds = z.infer<typeof UnmatchedNeeds>;

const balance = {
  openRequests: z.number().int(),
  openNeeds: z.number().int(),
  supply: z.number().int().describe('Offerings that can be proposed now (open, not past their end date, places left, confirmed within 180 days).'),
  ratio: z.number().nullable().describe('supply / (openRequests + openNeeds), two decimals; null when there is no demand.'),
};
export const SupplyDemand = z.object({
  byThematicArea: z.array(z.object({ thematicArea: z.string(), ...balance })),
  byRegion: z.array(z.object({ region: z.string(), name: z.string().nullable(), level: z.string(), ...balance })),
}).meta({ id: 'SupplyDemand' });
export type SupplyDemand = z.infer<typeof SupplyDemand>;

const ProviderRef = z.object({ id: Uuid, name: z.string(), kind: z.string() });
export const Overlaps = z.object({
  providerPairs: z.array(z.object({
    providers: z.tuple([ProviderRef, ProviderRef]),
    cells: z.number().int().describe('(member state, thematic area) pairs both providers cover.'),
    memberStates: z.array(z.string()),
    thematicAreas: z.array(z.string()),
    cellList: z.array(z.object({ memberState: z.string(), thematicArea: z.string() })),
    offerings: z.tuple([z.array(Uuid), z.array(Uuid)]),
  })),
  requestsAcceptedByMany: z.array(z.object({
    requestId: Uuid, memberState: Iso3, status: z.string(), thematicAreas: z.array(z.string()),
    providers: z.array(ProviderRef),
  })),
}).meta({ id: 'Overlaps' });
export type Overlaps = z.infer<typeof Overlaps>;

export const DurationStats = z.object({
  n: z.number().int(),
  medianHours: z.number().nullable(),
  p90Hours: z.number().nullable(),
});
export type DurationStats = z.infer<typeof DurationStats>;
export const Timings = z.object({
  toRouting: DurationStats,
  toAcceptance: DurationStats,
  toCompletion: DurationStats,
}).meta({ id: 'Timings' });
export type Timings = z.infer<typeof Timings>;

const OutcomeCounts = z.object({ met: z.number().int(), partly_met: z.number().int(), not_met: z.number().int() });
const OutcomeShares = z.object({ met: z.number().nullable(), partly_met: z.number().nullable(), not_met: z.number().nullable() });
const OutcomeBlock = { n: z.number().int(), counts: OutcomeCounts, shares: OutcomeShares };
export const Outcomes = z.object({
  overall: z.object(OutcomeBlock),
  byThematicArea: z.array(z.object({ thematicArea: z.string(), ...OutcomeBlock })),
}).meta({ id: 'Outcomes' });
export type Outcomes = z.infer<typeof Outcomes>;
