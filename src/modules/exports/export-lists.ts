import type { Principal, Role } from '../../plugins/auth.plugin.js';
import { namer, str, type Namer } from '../../web/context.js';
import type { I18n, MessageKey } from '../../web/i18n/index.js';
import { readRequestFilters, STAGES } from '../../web/request-filters.js';
import { readReviewFilters } from '../../web/review-filters.js';
import type { ReferenceSnapshot } from '../reference/reference.service.js';
import { TRIAGE_REASONS } from '../review/review.schemas.js';
import type { AdminService } from '../admin/admin.service.js';
import type { AnalyticsService } from '../analytics/analytics.service.js';
import type { NeedsService } from '../needs/needs.service.js';
import type { OfferingsService } from '../offerings/offerings.service.js';
import type { RequestsService } from '../requests/requests.service.js';
import type { ReviewService } from '../review/review.service.js';
import type { TriageService } from '../review/triage.service.js';
import type { Profile, ProfileScope, ProfilesService } from '../profiles/profiles.service.js';

/** What an export reads from: the same services (and so the same visibility) as the list pages. */
export interface ExportSources {
  requests: RequestsService; offerings: OfferingsService; needs: NeedsService; review: ReviewService; triage: TriageService; analytics: AnalyticsService; admin: AdminService;
  profiles: ProfilesService;
}

/** What a column's name part knows: the reference namer and the reader's language, and provider names. */
export interface NameContext { n: Namer; i: I18n; provider: (id: string) => string }

/**
 * One column of a list's export. `value` is what the list stores (a code, a date, a number); `name`,
 * when given, is the readable name of that code in the reader's language, written in a column of its
 * own beside the code, so a file opens readable and still joins with other systems on the codes.
 */
export interface ExportColumn<R> {
  key: string;
  label: MessageKey;
  value: (r: R) => unknown;
  name?: (r: R, c: NameContext) => unknown;
}

/** A list the interface shows, as it is exported: who may export it, its columns, its page's filters and its rows. */
export interface ExportList<R, F> {
  title: MessageKey;
  /** The roles the list page is for (a role outside gets 403, as on the page). */
  roles: readonly Role[];
  columns: readonly ExportColumn<R>[];
  /** The page's filters from the query string (the page's own reader, so an export lists what the page lists). */
  filters: (raw: Record<string, unknown>, ref: ReferenceSnapshot) => F;
  /** Every row, a page at a time (keyset cursors), under the list service's own visibility. */
  rows: (s: ExportSources, p: Principal, f: F) => AsyncIterable<R[]>;
  /** Whether `p` may read this list with these filters, checked before the download starts (a refusal is then a 403, not a broken file). */
  mayRead?: (s: ExportSources, p: Principal, f: F) => boolean;
}

/** Rows of a keyset-paged list service, one batch per page. */
export async function* byCursor<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    const r = await page(cursor);
    if (r.items.length) yield r.items;
    if (!r.nextCursor) return;
    cursor = r.nextCursor;
  }
}

/** Rows read per page: large enough that round trips do not dominate, small enough to stay flat in memory. */
export const EXPORT_PAGE = 1000;

const codesOf = (xs: readonly string[] | null | undefined) => xs ?? [];
const yesNo = (b: boolean, i: I18n) => i.t(b ? 'exp.yes' : 'exp.no');

// Columns shared by several lists.
const stateCol = <R extends { memberState: string }>(): ExportColumn<R> => ({ key: 'memberState', label: 'col.state', value: (r) => r.memberState, name: (r, c) => c.n.state(r.memberState) });
const priorityCol = <R extends { priority?: string | null }>(): ExportColumn<R> => ({ key: 'priority', label: 'col.priority', value: (r) => r.priority ?? '', name: (r, c) => (r.priority ? c.i.tx('priority', r.priority) : '') });
const areasCol = <R extends { thematicAreas: readonly string[] }>(): ExportColumn<R> => ({ key: 'thematicAreas', label: 'col.areas', value: (r) => codesOf(r.thematicAreas), name: (r, c) => codesOf(r.thematicAreas).map((a) => c.n.area(a)) });
const urgencyCol = <R extends { urgency: string }>(): ExportColumn<R> => ({ key: 'urgency', label: 'col.urgency', value: (r) => r.urgency, name: (r, c) => c.i.tx('urgency', r.urgency) });
const requestStatusCol = <R>(get: (r: R) => string, key = 'status', label: MessageKey = 'col.status'): ExportColumn<R> => ({ key, label, value: get, name: (r, c) => c.i.tx('status', get(r)) });
const entityCol = <R>(get: (r: R) => string | null, key = 'entity'): ExportColumn<R> => ({ key, label: 'col.entity', value: get, name: (r, c) => { const e = get(r); return e ? c.n.entityName(e) : ''; } });

type RequestRow = Awaited<ReturnType<ExportSources['requests']['list']>>['items'][number];
type OfferingRow = Awaited<ReturnType<ExportSources['offerings']['list']>>['items'][number];
type NeedRow = Awaited<ReturnType<ExportSources['needs']['list']>>['items'][number];
type ReviewRow = Awaited<ReturnType<ExportSources['review']['reviewQueue']>>['items'][number];
type TriageRow = Awaited<ReturnType<ExportSources['triage']['queue']>>['items'][number];
type InboxRow = Awaited<ReturnType<ExportSources['review']['providerInbox']>>['items'][number];
type UnmatchedRow = Awaited<ReturnType<ExportSources['analytics']['unmatchedNeeds']>>['items'][number];

const requestsList: ExportList<RequestRow, ReturnType<typeof readRequestFilters>> = {
  title: 'exp.list.requests',
  roles: ['member_state', 'cted', 'admin', 'entity'],
  columns: [
    { key: 'id', label: 'exp.col.id', value: (r) => r.id },
    { key: 'title', label: 'col.title', value: (r) => r.title },
    stateCol(),
    requestStatusCol((r) => r.status),
    areasCol(),
    urgencyCol(),
    { key: 'confidentiality', label: 'exp.col.confidentiality', value: (r) => r.confidentiality, name: (r, c) => c.i.tx('conf', r.confidentiality) },
    { key: 'language', label: 'exp.col.language', value: (r) => r.language, name: (r, c) => c.i.language(r.language) },
    { key: 'submittedAt', label: 'col.submitted', value: (r) => r.submittedAt },
    { key: 'matchedAt', label: 'exp.col.matchedAt', value: (r) => r.matchedAt },
    entityCol((r) => r.routedEntity, 'routedEntity'),
  ],
  filters: readRequestFilters,
  rows: (s, p, f) => byCursor((cursor) => s.requests.list(p, {
    limit: EXPORT_PAGE, cursor, statuses: STAGES[f.stage], ...(f.q ? { q: f.q } : {}), ...(f.thematicArea ? { thematicArea: f.thematicArea } : {}),
    ...(f.urgency ? { urgency: f.urgency } : {}), ...(f.memberState ? { memberState: f.memberState } : {}),
  })),
};

const offeringsList: ExportList<OfferingRow, Record<string, never>> = {
  title: 'exp.list.offerings',
  roles: ['provider'],
  columns: [
    { key: 'id', label: 'exp.col.id', value: (o) => o.id },
    { key: 'title', label: 'col.title', value: (o) => o.title },
    { key: 'status', label: 'col.status', value: (o) => o.status, name: (o, c) => c.i.t(o.status === 'open' ? 'off.status.open' : 'off.status.closed') },
    { key: 'availability', label: 'exp.col.availability', value: (o) => o.availability, name: (o, c) => c.i.t(`lc.avail.${o.availability}` as MessageKey, { date: c.i.date(o.availability === 'expired' ? o.availableUntil : o.availableFrom), n: o.unconfirmedDays }) },
    areasCol(),
    { key: 'languages', label: 'col.languages', value: (o) => o.languages, name: (o, c) => o.languages.map((l) => c.i.language(l)) },
    { key: 'modalities', label: 'exp.col.modalities', value: (o) => o.modalities, name: (o, c) => o.modalities.map((m) => c.i.tx('mod', m)) },
    { key: 'regions', label: 'exp.col.regions', value: (o) => o.eligibility.regions, name: (o, c) => o.eligibility.regions.map((x) => c.n.region(x)) },
    { key: 'countries', label: 'exp.col.countries', value: (o) => o.eligibility.countries, name: (o, c) => o.eligibility.countries.map((x) => c.n.state(x)) },
    { key: 'availableFrom', label: 'exp.col.from', value: (o) => o.availableFrom },
    { key: 'availableUntil', label: 'exp.col.until', value: (o) => o.availableUntil },
    { key: 'capacity', label: 'exp.col.capacity', value: (o) => o.capacity },
    { key: 'budget', label: 'exp.col.budget', value: (o) => o.budget?.amount ?? null },
    { key: 'currency', label: 'exp.col.currency', value: (o) => o.budget?.currency ?? null },
    { key: 'lastConfirmedAt', label: 'col.confirmed', value: (o) => o.lastConfirmedAt },
  ],
  filters: () => ({}),
  rows: (s, p) => byCursor(async (cursor) => {
    const r = await s.offerings.list(p, { limit: EXPORT_PAGE, offset: 0, cursor });
    return { items: r.items, nextCursor: r.nextCursor };
  }),
};

interface NeedFilters { memberState?: string; thematicArea?: string; priority?: string }
const needsList: ExportList<NeedRow, NeedFilters> = {
  title: 'exp.list.needs',
  roles: ['cted', 'admin', 'entity'],
  columns: [
    { key: 'id', label: 'exp.col.id', value: (x) => x.id },
    stateCol(),
    priorityCol(),
    areasCol(),
    // Absent from the row for readers who may not read it (the needs service's own rule).
    { key: 'description', label: 'col.description', value: (x) => x.description ?? '' },
    { key: 'identifiedAt', label: 'exp.col.identifiedAt', value: (x) => x.identifiedAt },
    { key: 'source', label: 'exp.col.source', value: (x) => x.source },
    { key: 'status', label: 'col.status', value: (x) => x.status },
    { key: 'createdAt', label: 'exp.col.createdAt', value: (x) => x.createdAt },
  ],
  filters: (raw, ref) => {
    const f: NeedFilters = {};
    if (ref.stateByIso3.has(str(raw.memberState))) f.memberState = str(raw.memberState);
    if (ref.areaByCode.has(str(raw.thematicArea))) f.thematicArea = str(raw.thematicArea);
    if (['high', 'medium', 'low'].includes(str(raw.priority))) f.priority = str(raw.priority);
    return f;
  },
  rows: (s, p, f) => byCursor(async (cursor) => {
    const r = await s.needs.list(p, { ...f, limit: EXPORT_PAGE, offset: 0, cursor });
    return { items: r.items, nextCursor: r.nextCursor };
  }),
};

const reviewList: ExportList<ReviewRow, ReturnType<typeof readReviewFilters>> = {
  title: 'exp.list.review',
  roles: ['cted', 'admin'],
  columns: [
    { key: 'id', label: 'exp.col.id', value: (m) => m.id },
    { key: 'requestId', label: 'exp.col.requestId', value: (m) => m.requestId },
    { key: 'title', label: 'col.request', value: (m) => m.title },
    stateCol(),
    { key: 'offering', label: 'col.offering', value: (m) => m.offeringTitle },
    { key: 'provider', label: 'col.provider', value: (m) => m.providerId, name: (m, c) => c.provider(m.providerId) },
    entityCol((m) => m.entity),
    { key: 'score', label: 'col.score', value: (m) => m.score },
    { key: 'rank', label: 'exp.col.rank', value: (m) => m.rank },
    urgencyCol(),
    areasCol(),
    { key: 'createdAt', label: 'exp.col.createdAt', value: (m) => m.createdAt },
    { key: 'ageHours', label: 'exp.col.ageHours', value: (m) => m.ageHours },
    { key: 'possibleDuplicate', label: 'exp.col.duplicate', value: (m) => m.possibleDuplicate, name: (m, c) => yesNo(m.possibleDuplicate, c.i) },
  ],
  filters: readReviewFilters,
  rows: (s, _p, f) => byCursor((cursor) => s.review.reviewQueue({ ...f, limit: EXPORT_PAGE, cursor })),
};

interface TriageFilters { view: 'open' | 'parked'; reason?: (typeof TRIAGE_REASONS)[number] }
const triageList: ExportList<TriageRow, TriageFilters> = {
  title: 'exp.list.triage',
  roles: ['cted', 'admin'],
  columns: [
    { key: 'requestId', label: 'exp.col.requestId', value: (x) => x.requestId },
    { key: 'title', label: 'col.title', value: (x) => x.title },
    stateCol(),
    requestStatusCol((x) => x.status),
    urgencyCol(),
    entityCol((x) => x.routedEntity, 'routedEntity'),
    areasCol(),
    { key: 'reasons', label: 'exp.col.reasons', value: (x) => x.reasons.map((r) => r.code), name: (x, c) => x.reasons.map((r) => c.i.t(`lc.reason.${r.code}` as MessageKey)) },
    { key: 'since', label: 'exp.col.since', value: (x) => x.since },
    { key: 'ageDays', label: 'exp.col.ageDays', value: (x) => x.ageDays },
    { key: 'proposals', label: 'exp.col.proposals', value: (x) => x.proposals },
    { key: 'topScore', label: 'exp.col.topScore', value: (x) => x.topScore },
  ],
  filters: (raw) => ({
    view: raw.view === 'parked' ? 'parked' : 'open',
    ...((TRIAGE_REASONS as readonly string[]).includes(str(raw.reason)) ? { reason: str(raw.reason) as TriageFilters['reason'] } : {}),
  }),
  // The triage queue is made whole in the service (its reasons are computed per request, at most 20,000 requests): read in pages of it.
  rows: async function* (s, p, f) {
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const r = await s.triage.queue(p, { ...f, limit: EXPORT_PAGE, offset });
      if (r.items.length) yield r.items;
      if (offset + EXPORT_PAGE >= r.total) return;
    }
  },
};

const inboxList: ExportList<InboxRow, Record<string, never>> = {
  title: 'exp.list.inbox',
  roles: ['provider'],
  columns: [
    { key: 'matchId', label: 'exp.col.id', value: (m) => m.matchId },
    { key: 'requestId', label: 'exp.col.requestId', value: (m) => m.requestId },
    { key: 'title', label: 'col.request', value: (m) => m.title },
    stateCol(),
    { key: 'status', label: 'exp.col.matchStatus', value: (m) => m.status, name: (m, c) => c.i.tx('mstatus', m.status) },
    requestStatusCol((m) => m.requestStatus, 'requestStatus'),
    { key: 'score', label: 'col.score', value: (m) => m.score },
    { key: 'forwardedAt', label: 'exp.col.forwardedAt', value: (m) => m.forwardedAt },
  ],
  filters: () => ({}),
  rows: (s, p) => byCursor((cursor) => s.review.providerInbox(p, { limit: EXPORT_PAGE, cursor })),
};

const unmatchedNeedsList: ExportList<UnmatchedRow, Record<string, never>> = {
  title: 'exp.list.unmatchedNeeds',
  roles: ['cted', 'admin', 'entity'],
  columns: [
    { key: 'id', label: 'exp.col.id', value: (x) => x.id },
    stateCol(),
    priorityCol(),
    areasCol(),
    { key: 'identifiedAt', label: 'exp.col.identifiedAt', value: (x) => x.identifiedAt },
    { key: 'ageDays', label: 'exp.col.ageDays', value: (x) => x.ageDays },
    { key: 'source', label: 'exp.col.source', value: (x) => x.source },
    { key: 'description', label: 'col.description', value: (x) => x.description ?? '' },
  ],
  filters: () => ({}),
  rows: (s, p) => s.analytics.allUnmatchedNeeds(p, {}),
};

/** One figure of a country or region profile, as a row: its section, what it counts, which measure, the number. */
interface ProfileRow { section: 'needs' | 'requests' | 'matches' | 'providers' | 'feedback' | 'byState'; item: string; priority?: string; measure: string; value: number; label?: string }

const SECTION_LABEL: Record<ProfileRow['section'], MessageKey> = {
  needs: 'prof.needs.title', requests: 'prof.requests.title', matches: 'prof.matches.title', providers: 'prof.providers.title', feedback: 'prof.feedback.title', byState: 'prof.byState.title',
};
const MEASURE_LABEL: Record<string, MessageKey> = {
  needs: 'prof.col.needs', covered: 'prof.col.covered', medianAgeDays: 'prof.col.medianAge', oldestAgeDays: 'prof.col.oldest',
  requests: 'prof.col.requests', medianWaitDays: 'prof.col.medianWait', longestWaitDays: 'prof.col.longestWait', openNeeds: 'prof.col.needs',
  proposed: 'prof.m.proposed', accepted: 'prof.m.accepted', declined: 'prof.m.declined', delivered: 'prof.m.delivered',
};

/** A profile's figures, one row each (the page's tables, flat). */
export function profileRows(d: Profile): ProfileRow[] {
  return [
    ...d.needs.flatMap((x) => (['needs', 'covered', 'medianAgeDays', 'oldestAgeDays'] as const).map((m) => ({ section: 'needs' as const, item: x.thematicArea ?? '', priority: x.priority, measure: m, value: x[m] }))),
    ...d.requests.flatMap((x) => (['requests', 'medianWaitDays', 'longestWaitDays'] as const).map((m) => ({ section: 'requests' as const, item: x.status, measure: m, value: x[m] }))),
    ...(['proposed', 'accepted', 'declined', 'delivered'] as const).map((m) => ({ section: 'matches' as const, item: m, measure: m, value: d.matches[m] })),
    ...d.providers.map((x) => ({ section: 'providers' as const, item: x.providerId, label: x.name, measure: 'requests', value: x.requests })),
    ...d.feedback.map((x) => ({ section: 'feedback' as const, item: x.outcome, measure: 'requests', value: x.requests })),
    ...d.byState.flatMap((x) => (['requests', 'openNeeds'] as const).map((m) => ({ section: 'byState' as const, item: x.memberState, measure: m, value: x[m] }))),
  ];
}

const profileList: ExportList<ProfileRow, ProfileScope | null> = {
  title: 'prof.index.title',
  roles: ['cted', 'admin', 'entity', 'member_state', 'provider'],
  columns: [
    { key: 'section', label: 'exp.col.section', value: (r) => r.section, name: (r, c) => c.i.t(SECTION_LABEL[r.section]) },
    {
      key: 'item', label: 'exp.col.item', value: (r) => r.item,
      name: (r, c) => (r.section === 'needs' ? (r.item ? c.n.area(r.item) : c.i.t('prof.unclassified')) : r.section === 'requests' ? c.i.tx('status', r.item)
        : r.section === 'matches' ? c.i.t(MEASURE_LABEL[r.item]!) : r.section === 'feedback' ? c.i.tx('outcome', r.item) : r.section === 'byState' ? c.n.state(r.item) : r.label ?? r.item),
    },
    priorityCol(),
    { key: 'measure', label: 'exp.col.measure', value: (r) => r.measure, name: (r, c) => c.i.t(MEASURE_LABEL[r.measure]!) },
    { key: 'value', label: 'exp.col.value', value: (r) => r.value },
  ],
  filters: (raw, ref) => (ref.stateByIso3.has(str(raw.state)) ? { kind: 'state', iso3: str(raw.state) } : ref.regionByCode.has(str(raw.region)) ? { kind: 'region', m49: str(raw.region) } : null),
  mayRead: (s, p, scope) => !!scope && s.profiles.mayOpen(p, scope),
  // The profile's own service and visibility.
  rows: async function* (s, p, scope) {
    if (!scope) return;
    yield profileRows(await s.profiles.get(p, scope));
  },
};

/** Every exportable list, by the name in its address (/export/<name>). */
export const EXPORT_LISTS = {
  requests: requestsList,
  offerings: offeringsList,
  needs: needsList,
  review: reviewList,
  triage: triageList,
  inbox: inboxList,
  unmatchedNeeds: unmatchedNeedsList,
  profile: profileList,
} as const;
export type ExportListName = keyof typeof EXPORT_LISTS;

export const isExportList = (v: string): v is ExportListName => Object.hasOwn(EXPORT_LISTS, v);

/** The reader's namer for an export. */
export const nameContext = (ref: ReferenceSnapshot, i: I18n, providers: Map<string, string>): NameContext => ({ n: namer(ref, i), i, provider: (id) => providers.get(id) ?? id });
