import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Query, type Tx } from '../../../db/client.js';
import {
  learnedModels, matches, needs, offerings, providers, requestDuplicates, requestNeedLinks, requests,
  type StoredPart, type StoredRouting,
} from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { LearnedModel } from '../../matching/learning.js';
import {
  isOfferingAnalysis, isRequestAnalysis, isScoringAnalysis, MATCHING_LIMITS, needsFullMatch, placeInList, rankAroundDecided, rematchFacts,
  type Lang, type ListedMatch, type MatchableOffering, type MatchableRequest, type MatchResult, type Modality, type OfferingAnalysis,
  type RematchRequest, type RequestAnalysis, type Routing, type ScoringAnalysis, type StateGeo, type StoredRequest, type Wanted,
} from '../../matching/index.js';
import { nextTick } from '../../job-pacer.js';
import { matchingTexts } from '../attachments/attachments.repository.js';
import { recordChange, SYSTEM } from '../events/events.repository.js';
import { providerTokens, searchVectorText } from '../offerings/offering-analysis.js';
import { providerPendingSql } from '../offerings/offering-visibility.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { firstMatchMoves, OPEN_STATUSES, SYSTEM_NOTES, triageNote } from '../requests/request-lifecycle.js';
import { createEngine, type Engine } from './engine.adapter.js';
import { rematchableSql, REMATCHABLE_STATUSES } from './rematchable.js';

const ACTOR = 'system:matcher';
/** Statuses a first match starts from: `matched` too, for one left there (the sweeper re-enqueues it). */
const UNMATCHED = ['submitted', 'matched'] as const;
/** Requests a need links to when it arrives after them: seen by matching, and not withdrawn or rejected. */
const LINKABLE_STATUSES = ['matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed'] as const;
const TOP_N = MATCHING_LIMITS.defaultTopN;
/** Offerings read per page when the index is built or brought up to date. */
const SYNC_PAGE = 2_000;
/** Requests whose proposals change written per transaction (short transactions: a few ms of locks). */
const WRITE_CHUNK = 200;
/**
 * Requests scored against a re-matching job's changed offerings between two breaks for the event loop
 * (embedded default: the API's thread). A page of a thousand requests against a 3,000-offering import
 * was one synchronous stretch of seconds; each slice is a few tens of milliseconds at most.
 */
export const SCORE_SLICE = 25;
/** Offerings indexed (and analysed, when their stored analysis is missing or outdated) between two breaks. */
const INDEX_SLICE = 100;
/** Duplicate detection compares a new request with at most this many of the state's earlier open requests (the most recent). */
const OPEN_REQUESTS_COMPARED = 200;

/** md5 of the text an analysis is made from (the SQL in `openRequests` computes the same). */
export function analysisHash(r: { language: string; thematicAreas: readonly string[]; title: string; description: string }): string {
  return createHash('md5').update([r.language, r.thematicAreas.join(','), r.title, r.description].join('\x1f')).digest('hex');
}
const HASH_SQL = sql`md5(concat_ws(chr(31), ${requests.language}, array_to_string(${requests.thematicAreas}, ','), ${requests.title}, ${requests.description}))`;

type RequestRow = typeof requests.$inferSelect;

/**
 * A first match written in one statement: submitted → matched → routed | in_review, the proposals (the top
 * one approved when routed automatically), need links, possible duplicates, transitions, audit records,
 * outbox events and the routing decision. Every insert depends on the guarded update of the request.
 */
const OPEN_FOR_DUPLICATES = OPEN_STATUSES.map((x) => `'${x}'`).join(', ');
const MATCH_CONTEXT = `
  select jsonb_build_object('id', r.id, 'member_state', r.member_state, 'title', r.title, 'description', r.description, 'language', r.language,
      'status', r.status, 'thematic_areas', r.thematic_areas, 'modalities', r.modalities, 'urgency', r.urgency, 'submitted_at', r.submitted_at,
      'cted_parts', r.cted_parts) as req,
    -- the state's open needs as "id:row version,…": their texts are kept by the worker (needsOf), read again only when a row changed
    -- (text, not JSON: a list of 200 ids is split, not parsed into objects, on every job)
    (select coalesce(string_agg(n.id::text || ':' || n.xmin::text, ','), '') from needs n where n.member_state = r.member_state and n.status = 'open') as needs,
    -- the state's earlier open requests as "id,hash,fresh;…" (most recent first): what openRequestsOf reads apart, it reads by id
    (select coalesce(string_agg(concat_ws(',', o.id, coalesce(o.analysis_hash, ''), case when o.fresh then '1' else '0' end), ';' order by o.submitted_at desc, o.id desc), '') from (
      -- the texts hashed after the limit, whatever the plan (PGlite without statistics sorted and hashed a state's every open request)
      select x.id, x.submitted_at, x.analysis_hash,
        coalesce(x.analysis_version = $2 and x.analysis_hash = md5(concat_ws(chr(31), x.language, array_to_string(x.thematic_areas, ','), x.title, x.description)), false) as fresh
      from (select y.id, y.submitted_at, y.language, y.thematic_areas, y.analysis_hash, y.analysis_version, y.title, y.description from requests y
        where y.member_state = r.member_state and y.status in (${OPEN_FOR_DUPLICATES})
          -- filed before this one (to the microsecond; at the same instant the smaller id is first, so of two requests one may flag the other, never both)
          and (y.submitted_at, y.id) < (r.submitted_at, r.id)
        order by y.submitted_at desc, y.id desc limit ${OPEN_REQUESTS_COMPARED}) x) o) as open,
    -- the active learning model (another process may have applied one), so a job does not ask for it apart
    (select l.id from learned_models l where l.status = 'active' limit 1) as model,
    -- whether any attachment may feed matching: only then are their texts read (matchingTexts has the whole rule)
    exists (select 1 from attachments a where a.request_id = r.id and a.use_for_matching) as attachments,
    -- whether the index's sync would read anything (its condition, changedQuery): only then is it run, so a job is one read less
    exists (select 1 from offerings f where f.updated_at > least($3::timestamptz, now() - interval '5 seconds')) as offerings_changed
  from requests r where r.id = $1::uuid`.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();

/** The stored analyses, and the texts, of a state's earlier open requests that a match does not keep yet (openRequestsOf). */
// Only the part duplicate detection compares (DuplicateAnalysis), cut by PostgreSQL; the vector (two thirds of it) as
// JSON text, parsed only when the engine compares it (same main area and language): most never are.
const OPEN_ANALYSES = `select id, jsonb_build_object('lang', analysis->'lang', 'termAreas', analysis->'termAreas', 'fine', analysis->'fine') as analysis,
  (analysis->'vector')::text as vector, analysis_hash as hash, language, thematic_areas from requests where id = any($1::uuid[])`;
const OPEN_TEXTS = 'select id, title, description, language, thematic_areas from requests where id = any($1::uuid[])';
/** Needs by id with their row version (needsOf). */
const NEEDS_BY_ID = 'select id, member_state, description, priority, thematic_areas, xmin::text as version from needs where id = any($1::uuid[])';

const FIRST_MATCH = `
  with r as (
    update requests set status = $2, classified_areas = $3::jsonb, matched_at = $4::timestamptz, routed_entity = $5, routing_reason = $6,
      language = $7, routed_at = $8::timestamptz, updated_at = $4::timestamptz, analysis = $9::jsonb, analysis_version = $10,
      analysis_hash = $11, match_areas = $12::text[], proposal_floor = $13::real,
      engine_routing = $25::jsonb, confidence = $26::jsonb, triage = $27::jsonb, parts = $28::jsonb
    where id = $1::uuid and status = $24
    returning id
  ), m as (
    insert into matches (request_id, offering_id, provider_id, entity_code, rank, score, confidence, explanation, status, decided_at, decided_by, decision_note)
    select r.id, x.offering_id, x.provider_id, $5, x.rank, x.score, x.confidence, x.explanation, x.status, x.decided_at, x.decided_by, x.decision_note
    from r, jsonb_to_recordset($14::jsonb) as x(offering_id uuid, provider_id uuid, rank integer, score real, confidence real, explanation jsonb, status text,
      decided_at timestamptz, decided_by text, decision_note text)
    on conflict (request_id, offering_id) do nothing
  ), l as (
    -- a need imported meanwhile may have linked itself to this request already (linkNeed): the same link
    insert into request_need_links (request_id, need_id, score) select r.id, x."needId", x.score from r, jsonb_to_recordset($15::jsonb) as x("needId" uuid, score real)
    on conflict do nothing
  ), d as (
    -- a flag CTED already confirmed or dismissed stays as decided
    insert into request_duplicates (request_id, other_request_id, similarity) select r.id, x."requestId", x.similarity from r, jsonb_to_recordset($16::jsonb) as x("requestId" uuid, similarity real)
    on conflict do nothing
  ), t as (
    insert into request_transitions (request_id, from_status, to_status, actor, actor_role, at, note)
    select r.id, x.from_status, x.to_status, $22, 'system', x.at, x.note from r, jsonb_to_recordset($17::jsonb) as x(from_status text, to_status text, at timestamptz, note text)
  ), a as (
    insert into audit_events (actor_role, action, target_type, target_id, summary)
    select $23, x.action, 'request', r.id::text, x.summary from r, jsonb_to_recordset($18::jsonb) as x(action text, summary jsonb)
  ), o as (
    insert into outbox (topic, payload) select x.topic, x.payload from r, jsonb_to_recordset($19::jsonb) as x(topic text, payload jsonb)
  ), rd as (
    insert into routing_decisions (request_id, entity_code, area_code, reason, actor) select r.id, $5, $20, $6, $22 from r where $21::boolean
  )
  select count(*)::int as n from r`.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
type Current = { id: string; offeringId: string; status: string; rank: number; score: number };

/** Changes to write for one request: proposals added or re-scored, re-ranked, superseded; its floor. */
interface Ops {
  upserts: { request_id: string; offering_id: string; provider_id: string; entity_code: string | null; rank: number; score: number; confidence: number | null; explanation: unknown }[];
  reranks: { request_id: string; offering_id: string; rank: number }[];
  drops: { request_id: string; offering_id: string }[];
  floors: { id: string; floor: number | null }[];
  audits: { id: string; summary: Record<string, unknown> }[];
}
const noOps = (): Ops => ({ upserts: [], reranks: [], drops: [], floors: [], audits: [] });
const sameFloor = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-6);

/** The parts of a request analysis that decide matching (the duplicate vector's weights drift with the catalogue and are left out). */
const analysisKey = (a: RequestAnalysis) => JSON.stringify([a.lang, a.areas, a.termAreas, a.fine, a.query.terms, a.query.n, a.needs, a.vector.map(([t]) => t)]);

/** What duplicate detection reads of an earlier open request's stored analysis (OpenRequestRef.stored): all a worker keeps of it. */
type DuplicateAnalysis = Pick<RequestAnalysis, 'lang' | 'termAreas' | 'fine' | 'vector'>;
const duplicatePart = (a: RequestAnalysis): DuplicateAnalysis => ({ lang: a.lang, termAreas: a.termAreas, fine: a.fine, vector: a.vector });
/** That part as OPEN_ANALYSES reads it (the vector as JSON text), its vector parsed at its first use; undefined when it is not one. */
function duplicateAnalysisOf(v: unknown, vectorJson: string | null): DuplicateAnalysis | undefined {
  const a = v as Omit<DuplicateAnalysis, 'vector'> | null;
  if (!a || typeof a.lang !== 'string' || !Array.isArray(a.termAreas) || !Array.isArray(a.fine) || !vectorJson?.startsWith('[')) return undefined;
  let vector: DuplicateAnalysis['vector'] | undefined;
  let json: string | null = vectorJson;
  const parsed = () => { vector = JSON.parse(json!) as DuplicateAnalysis['vector']; json = null; return vector; };
  return { lang: a.lang, termAreas: a.termAreas, fine: a.fine, get vector() { return vector ?? parsed(); } };
}

/** Rounds the stored analysis' free-running numbers, so the JSON stays small and comparable. */
const compact = (a: RequestAnalysis): RequestAnalysis => ({
  ...a,
  query: { ...a.query, top: Math.round(a.query.top * 1e4) / 1e4, cut: Math.round(a.query.cut * 1e4) / 1e4 },
  vector: a.vector.map(([t, w]) => [t, Math.round(w * 1e4) / 1e4]),
});

const storedRouting = (r: Routing): StoredRouting => ({ entity: r.entity, reason: r.reason, area: r.area, concept: r.concept ?? null });

/** What the request row keeps of the engine's decision: its route, confidence, triage and parts. */
function engineColumns(result: MatchResult) {
  const parts: StoredPart[] = result.parts.map((p) => ({
    index: p.index, text: p.text, thematicAreas: p.thematicAreas, routing: storedRouting(p.routing), confidence: p.confidence,
    matches: p.matches.map((m) => ({ offeringId: m.offeringId, providerId: m.providerId, rank: m.rank, score: m.score, confidence: m.confidence })),
  }));
  return {
    engineRouting: storedRouting(result.routing), confidence: result.confidence, parts,
    triage: result.triage ? { reason: result.triage.reason, confidence: result.triage.confidence, detail: result.triage.detail, candidates: result.triage.candidates } : null,
  };
}

/**
 * Runs the matching engine against the database: keeps the in-memory offering index current
 * (incremental sync on updated_at, from the analyses stored with the offerings), matches and routes
 * requests in one transaction, idempotently, and re-matches the requests a changed offering or need
 * may concern by scoring the change, not the world.
 */
export function createMatchingService(deps: {
  db: Db; query: Query; reference: ReferenceService;
  config: Pick<Config, 'AUTO_ROUTE_CONFIDENCE'> & Partial<Pick<Config, 'REMATCH_PAGE_SIZE' | 'ATTACHMENT_MATCH_CHARS'>>;
  onMatched?: (topScore: number | null) => void;
  /** Called between chunks of long work: lets HTTP requests run (the embedded default paces jobs here, src/job-pacer.ts). */
  pace?: () => Promise<void>;
}) {
  const { db } = deps;
  const yieldNow = deps.pace ?? nextTick;
  const { query } = deps;
  const pageSize = deps.config.REMATCH_PAGE_SIZE ?? 1000;
  let engine: Promise<Engine> | undefined;
  let states: Map<string, StateGeo> | undefined;
  // Watermark and versions as PostgreSQL's own text (microseconds): a JS Date would round them down
  // and make every sync re-index the newest offerings again.
  let watermark = '-infinity';
  const indexed = new Map<string, string>();
  let syncing: Promise<void> | undefined;

  // The active learning model, checked by every job (another process may have applied one).
  const q = {
    modelById: db.select({ model: learnedModels.model }).from(learnedModels).where(eq(learnedModels.id, sql.placeholder('id'))).prepare('match_model_by_id'),
  };

  function getEngine(): Promise<Engine> {
    engine ??= deps.reference.get().then((ref) => {
      states = new Map(ref.states.map((s) => [s.iso3, { iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion }]));
      return createEngine(
        ref.areas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes })),
        [...states.values()],
      );
    }).catch((err) => { engine = undefined; throw err; });
    return engine;
  }
  const stateOf = (iso3: string): StateGeo => states?.get(iso3) ?? { iso3, region: '', subRegion: '', intermediateRegion: null };

  type SyncRow = {
    id: string; provider_id: string; entity: string | null; provider_name: string; title: string; description: string; language: string;
    languages: string[]; modalities: string[]; thematic_areas: string[]; eligibility_regions: string[]; eligibility_countries: string[];
    available_from: Date | string | null; available_until: Date | string | null; last_confirmed_at: Date | string; status: string; capacity: number | null;
    analysis: unknown; analysis_version: string | null; version: string; translations: { language: string; title: string; description: string }[];
  };
  const date = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

  /** The page of offerings changed after (ts, id), oldest change first; prepared once, since every job asks for it. */
  const changedQuery = (next: boolean) => db.select({
    id: offerings.id, provider_id: offerings.providerId, entity: providers.entityCode, provider_name: providers.name,
    title: offerings.title, description: offerings.description, language: offerings.language, languages: offerings.languages,
    modalities: offerings.modalities, thematic_areas: offerings.thematicAreas, eligibility_regions: offerings.eligibilityRegions,
    eligibility_countries: offerings.eligibilityCountries, available_from: offerings.availableFrom, available_until: offerings.availableUntil,
    last_confirmed_at: offerings.lastConfirmedAt,
    // A waiting provider's drafts are never proposed (offering-visibility.ts): the engine holds them as closed.
    status: sql<string>`case when ${providerPendingSql()} then 'closed' else ${offerings.status} end`, capacity: offerings.capacity,
    analysis: offerings.analysis, analysis_version: offerings.analysisVersion, version: sql<string>`${offerings.updatedAt}::text`,
    translations: offerings.translations,
  }).from(offerings).innerJoin(providers, eq(providers.id, offerings.providerId))
    .where(next
      ? sql`(${offerings.updatedAt}, ${offerings.id}) > (${sql.placeholder('since')}::timestamptz, ${sql.placeholder('afterId')}::uuid)`
      : sql`${offerings.updatedAt} > least(${sql.placeholder('since')}::timestamptz, now() - interval '5 seconds')`)
    .orderBy(asc(offerings.updatedAt), asc(offerings.id)).limit(SYNC_PAGE)
    .prepare(next ? 'match_sync_next_page' : 'match_sync_first_page');
  let changedQueries: [ReturnType<typeof changedQuery>, ReturnType<typeof changedQuery>] | undefined;
  /** One page of offerings changed after (ts, id), oldest change first. */
  async function changedPage(since: string, afterId: string | null): Promise<SyncRow[]> {
    changedQueries ??= [changedQuery(false), changedQuery(true)];
    const rows = afterId === null ? await changedQueries[0].execute({ since }) : await changedQueries[1].execute({ since, afterId });
    return rows as SyncRow[];
  }

  /** Stores analyses made here (a missing or outdated one) back with their offering; a row changed meanwhile is left to its own writer. */
  async function writeBack(e: Engine, made: { row: SyncRow; analysis: OfferingAnalysis }[]): Promise<void> {
    if (!made.length) return;
    const values = made.map(({ row, analysis }) => ({
      id: row.id, version: row.version, analysis,
      search: searchVectorText(analysis, row.thematic_areas, providerTokens(row.provider_name)),
    }));
    await db.execute(sql`update offerings o set analysis = x.analysis, analysis_version = ${e.version}, search_vector = x.search::tsvector
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as x(id uuid, version text, analysis jsonb, search text)
      where o.id = x.id and o.updated_at::text = x.version`);
  }

  /**
   * Brings the index up to date with offerings changed since the last sync (any process may have
   * changed them), page by page. It also re-reads the last few seconds, because updated_at is a
   * transaction's start time and a transaction that started earlier can commit later; versions already
   * indexed are skipped. An offering comes with the analysis stored when it was written, so indexing
   * it only feeds the index; one without (or analysed by another analyser version) is analysed here
   * once and its analysis stored for every other process.
   */
  async function syncIndex(): Promise<void> {
    syncing ??= (async () => {
      // The engine (its tagger) is built while the first page is read; each next page is read while
      // this one is indexed, so the database and the index work at the same time.
      // A prefetched page is awaited later; if something fails first it must not become an unhandled
      // rejection (that would end the process when the database goes away).
      const prefetch = (p: Promise<SyncRow[]>) => { p.catch(() => {}); return p; };
      let next = prefetch(changedPage(watermark, null));
      const e = await getEngine();
      for (;;) {
        const rows = await next;
        const last = rows[rows.length - 1];
        const more = rows.length === SYNC_PAGE;
        if (more) next = prefetch(changedPage(last!.version, last!.id));
        const made: { row: SyncRow; analysis: OfferingAnalysis }[] = [];
        let done = 0;
        for (const row of rows) {
          if (indexed.get(row.id) === row.version) continue;
          if (++done % INDEX_SLICE === 0) await yieldNow();
          const o: MatchableOffering = {
            id: row.id, providerId: row.provider_id, providerEntity: row.entity, title: row.title, description: row.description,
            language: row.language as Lang, languages: row.languages as Lang[], modalities: row.modalities as Modality[],
            thematicAreas: row.thematic_areas, eligibility: { regions: row.eligibility_regions, countries: row.eligibility_countries },
            versions: row.translations.map((t) => ({ language: t.language as Lang, title: t.title, description: t.description })),
            availableFrom: date(row.available_from), availableUntil: date(row.available_until), lastConfirmedAt: date(row.last_confirmed_at)!,
            status: row.status as 'open' | 'closed', capacity: row.capacity,
          };
          let analysis = row.analysis_version === e.version && isOfferingAnalysis(row.analysis) ? row.analysis : undefined;
          if (!analysis) { analysis = e.analyseOffering(o); made.push({ row, analysis }); }
          e.upsertOffering(o, analysis);
          indexed.set(row.id, row.version);
        }
        await writeBack(e, made);
        if (last && last.version > watermark) watermark = last.version;
        if (!more) break;
        await yieldNow();
      }
    })().finally(() => { syncing = undefined; });
    return syncing;
  }

  // The stored analyses of open requests (duplicate detection compares a new request with them),
  // kept by id and checked against the hash of their text, so a job reads ids, not analyses.
  // With it the language and areas of its text (the hash covers them), so the context lists only ids and hashes.
  type OpenEntry = { hash: string; stored: DuplicateAnalysis; language: string; thematicAreas: string[] };
  const openCache = new Map<string, OpenEntry>();
  const OPEN_CACHE_MAX = 20_000;
  /** Keeps a request's stored analysis for the duplicate checks of the state's later requests (the newest last, the oldest evicted). */
  function remember(id: string, entry: OpenEntry): void {
    openCache.delete(id);
    openCache.set(id, entry);
    if (openCache.size > OPEN_CACHE_MAX) openCache.delete(openCache.keys().next().value!);
  }

  /** An earlier open request as the context lists it: its id, the hash its stored analysis was made from, whether that is its text's now. */
  type OpenRow = { id: string; hash: string | null; fresh: boolean };
  /** What one match reads up front (loadContext): the request, its state's needs and open requests, the active model, whether attachments may count. */
  type MatchContext = { req: RequestRow; needs: [id: string, version: string][]; open: OpenRow[]; model: string | null; attachments: boolean; offeringsChanged: boolean };
  type NeedRow = { id: string; member_state: string; description: string; priority: string; thematic_areas: string[] };

  // The open needs of the states matched here, keyed by id and checked against the row's version (xmin: any
  // update gives a new one), so a job reads ids and versions, not the texts (a state's needs were most of a
  // job's read). Bounded; the oldest read first out.
  const needCache = new Map<string, { version: string; need: NeedRow }>();
  const NEED_CACHE_MAX = 20_000;
  /** The state's open needs, as listed by the context (its order), from the cache or read. */
  async function needsOf(refs: [string, string][]): Promise<NeedRow[]> {
    const missing = refs.filter(([id, version]) => needCache.get(id)?.version !== version).map(([id]) => id);
    const read = missing.length ? await query<NeedRow & { version: string }>(NEEDS_BY_ID, [missing]) : [];
    const fresh = new Map(read.map(({ version, ...need }) => [need.id, { version, need }]));
    for (const [id, entry] of fresh) {
      needCache.delete(id);
      needCache.set(id, entry);
      if (needCache.size > NEED_CACHE_MAX) needCache.delete(needCache.keys().next().value!);
    }
    // A need changed since the context was read comes as it is now; one deleted meanwhile is left out.
    return refs.flatMap(([id]) => { const e = fresh.get(id) ?? needCache.get(id); return e ? [e.need] : []; });
  }

  /**
   * What a match reads, in one statement: the request, its state's open needs, and the state's earlier
   * open requests (the most recent first: a stable subset) as ids with the hash of their text — not
   * their texts, whose stored analyses are kept here (openCache).
   */
  async function loadContext(requestId: string, version: string): Promise<MatchContext | null> {
    const [row] = await query<{ req: Record<string, unknown> | null; needs: string; open: string; model: string | null; attachments: boolean; offerings_changed: boolean }>(MATCH_CONTEXT, [requestId, version, watermark]);
    if (!row?.req) return null;
    const r = row.req;
    const req = {
      id: r.id, memberState: r.member_state, title: r.title, description: r.description, language: r.language, status: r.status,
      thematicAreas: r.thematic_areas, modalities: r.modalities, urgency: r.urgency, submittedAt: new Date(r.submitted_at as string),
      ctedParts: (r.cted_parts as string[] | null) ?? null,
    } as RequestRow;
    const needs = row.needs ? row.needs.split(',').map((x) => { const at = x.indexOf(':'); return [x.slice(0, at), x.slice(at + 1)] as [string, string]; }) : [];
    const open = row.open ? row.open.split(';').map((x) => { const [id, hash, fresh] = x.split(','); return { id: id!, hash: hash || null, fresh: fresh === '1' }; }) : [];
    return { req, needs, open, model: row.model ?? null, attachments: row.attachments === true, offeringsChanged: row.offerings_changed !== false };
  }

  /** The state's earlier open requests as the engine takes them: from the cache, the stored analysis, or (stale) the text. */
  async function openRequestsOf(req: RequestRow, rows: OpenRow[]) {
    const missing = rows.filter((r) => r.fresh && openCache.get(r.id)?.hash !== r.hash).map((r) => r.id);
    const stale = rows.filter((r) => !r.fresh).map((r) => r.id);
    type Read = { id: string; language: string; thematic_areas: string[]; title?: string; description?: string };
    const [analyses, texts] = await Promise.all([
      // One prepared statement each, whatever the number of ids (an id list would be a new statement per length).
      missing.length ? query<Read & { analysis: unknown; vector: string | null; hash: string | null }>(OPEN_ANALYSES, [missing]) : [],
      stale.length ? query<Read>(OPEN_TEXTS, [stale]) : [],
    ]);
    for (const a of analyses) {
      const stored = duplicateAnalysisOf(typeof a.analysis === 'string' ? JSON.parse(a.analysis) as unknown : a.analysis, a.vector);
      if (stored && a.hash) remember(a.id, { hash: a.hash, stored, language: a.language, thematicAreas: a.thematic_areas });
    }
    const read = new Map<string, Read>([...analyses, ...texts].map((t) => [t.id, t]));
    // A request read neither from the cache nor now (deleted meanwhile) has no text to compare with: left out.
    return rows.flatMap((r) => {
      const cached = r.fresh ? openCache.get(r.id) : undefined;
      const hit = cached && cached.hash === r.hash ? cached : undefined;
      const t = read.get(r.id);
      if (!hit && !t) return [];
      return [{
        id: r.id, memberState: req.memberState, title: t?.title ?? '', description: t?.description ?? '',
        language: (hit?.language ?? t!.language) as Lang, thematicAreas: hit?.thematicAreas ?? t!.thematic_areas,
        ...(hit ? { stored: hit.stored } : {}),
      }];
    });
  }

  /**
   * Applies the active learning model if it changed since the last job (another process may have applied
   * it). Nothing changes in matching until an admin applies a model (learning.service.ts, audited).
   */
  async function useModel(id: string | null): Promise<void> {
    const e = await getEngine();
    if (id === e.learnedVersion) return;
    if (!id) { e.setLearned(undefined); return; }
    const [row] = await q.modelById.execute({ id });
    e.setLearned(row ? (row.model as unknown as LearnedModel) : undefined);
  }

  async function compute(ctx: MatchContext, now: Date): Promise<MatchResult> {
    const e = await getEngine();
    const { req } = ctx;
    // The attachments the state asked to be read beside its text (their extracted text).
    // The index is synced only when the context saw offerings it has not read (or a sync is under way: it is waited for).
    const [, openReqs, attachmentTexts, needRows] = await Promise.all([ctx.offeringsChanged || syncing ? syncIndex() : undefined, openRequestsOf(req, ctx.open), ctx.attachments ? matchingTexts(db, req.id) : [], needsOf(ctx.needs), useModel(ctx.model)]);
    const input: MatchableRequest = {
      id: req.id, memberState: req.memberState, title: req.title, description: req.description, language: req.language as Lang,
      thematicAreas: req.thematicAreas, modalities: req.modalities as Modality[], urgency: req.urgency as MatchableRequest['urgency'],
      submittedAt: req.submittedAt,
      ...(req.ctedParts ? { parts: req.ctedParts } : {}),
    };
    return e.matchRequest(input, {
      now,
      needs: needRows.map((n) => ({ id: n.id, memberState: n.member_state, description: n.description, priority: n.priority as 'high' | 'medium' | 'low', thematicAreas: n.thematic_areas })),
      openRequests: openReqs,
    }, { texts: attachmentTexts, maxChars: deps.config.ATTACHMENT_MATCH_CHARS ?? 8000 });
  }

  /** The analysis columns a full match leaves on the request. */
  function analysisColumns(e: Engine, req: RequestRow, result: MatchResult) {
    const facts = rematchFacts(result, TOP_N);
    return {
      analysis: compact(result.analysis) as unknown as Record<string, unknown>,
      analysisVersion: e.version,
      analysisHash: analysisHash(req),
      matchAreas: facts.matchAreas,
      proposalFloor: facts.floor,
    };
  }

  /**
   * Locks requests still open to re-matching, then their listed matches. A match some other transaction
   * holds (a CTED decision in progress) is not waited for: that request is left busy for a later pass,
   * so re-matching never deadlocks with a decision (which locks the match, then the request).
   */
  async function lockForRematch(tx: Tx, ids: string[]): Promise<{ lists: Map<string, Current[]>; busy: string[]; info: Map<string, { routedEntity: string | null; proposalFloor: number | null }> }> {
    const sorted = [...new Set(ids)].sort();
    const open = await tx.select({ id: requests.id, routedEntity: requests.routedEntity, proposalFloor: requests.proposalFloor }).from(requests)
      .where(and(inArray(requests.id, sorted), rematchableSql())).orderBy(asc(requests.id)).for('no key update');
    const info = new Map(open.map((r) => [r.id, r]));
    const okIds = open.map((r) => r.id);
    const lists = new Map<string, Current[]>(okIds.map((id) => [id, []]));
    if (!okIds.length) return { lists, busy: [], info };
    // In one statement: the matches locked now (what the request's list is), and those another transaction holds (whose request is busy).
    const res = await tx.execute(sql`
      with locked as (
        select id, request_id, offering_id, status, rank, score from matches
        where request_id = any(${sql.param(okIds)}::uuid[]) and status <> 'superseded' for update skip locked
      )
      select id, request_id, offering_id, status, rank, score from locked
      union all
      select m.id, m.request_id, null, null, null, null from matches m
      where m.request_id = any(${sql.param(okIds)}::uuid[]) and m.status <> 'superseded' and not exists (select 1 from locked l where l.id = m.id)`);
    const rows = rowsOf<{ id: string; request_id: string; offering_id: string | null; status: string | null; rank: number | null; score: number | null }>(res);
    const busy = new Set<string>();
    for (const m of rows) {
      if (m.status === null) busy.add(m.request_id);
      else lists.get(m.request_id)!.push({ id: m.id, offeringId: m.offering_id!, status: m.status, rank: Number(m.rank), score: Number(m.score) });
    }
    for (const id of busy) lists.delete(id);
    return { lists, busy: [...busy], info };
  }

  /** All the proposal changes of a batch of requests in one statement. */
  async function writeOps(tx: Tx, ops: Ops, now: Date): Promise<void> {
    if (!ops.upserts.length && !ops.reranks.length && !ops.drops.length && !ops.floors.length && !ops.audits.length) return;
    const at = now.toISOString();
    await tx.execute(sql`
      with up as (
        insert into matches (request_id, offering_id, provider_id, entity_code, rank, score, confidence, explanation, status)
        select request_id, offering_id, provider_id, entity_code, rank, score, confidence, explanation, 'proposed'
        from jsonb_to_recordset(${JSON.stringify(ops.upserts)}::jsonb) as x(request_id uuid, offering_id uuid, provider_id uuid, entity_code text, rank integer, score real, confidence real, explanation jsonb)
        on conflict (request_id, offering_id) do update set rank = excluded.rank, score = excluded.score, confidence = excluded.confidence, explanation = excluded.explanation,
          status = 'proposed', entity_code = excluded.entity_code, updated_at = ${at}::timestamptz
        where matches.status in ('proposed', 'superseded')
        returning 1
      ), rr as (
        update matches m set rank = x.rank, updated_at = ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(ops.reranks)}::jsonb) as x(request_id uuid, offering_id uuid, rank integer)
        where m.request_id = x.request_id and m.offering_id = x.offering_id and m.status = 'proposed'
        returning 1
      ), dr as (
        update matches m set status = 'superseded', updated_at = ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(ops.drops)}::jsonb) as x(request_id uuid, offering_id uuid)
        where m.request_id = x.request_id and m.offering_id = x.offering_id and m.status = 'proposed'
        returning 1
      ), fl as (
        update requests r set proposal_floor = x.floor
        from jsonb_to_recordset(${JSON.stringify(ops.floors)}::jsonb) as x(id uuid, floor real)
        where r.id = x.id
        returning 1
      ), au as (
        insert into audit_events (actor_role, action, target_type, target_id, summary)
        select ${SYSTEM.role}, 'request.rematch', 'request', x.id::text, x.summary
        from jsonb_to_recordset(${JSON.stringify(ops.audits)}::jsonb) as x(id uuid, summary jsonb)
        returning 1
      )
      select (select count(*) from up) + (select count(*) from rr) + (select count(*) from dr) + (select count(*) from fl) + (select count(*) from au) as n`);
  }

  /** The operations that turn a request's current list into `next` (offering → rank, score, explanation), never touching decided matches. */
  function diffList(requestId: string, entity: string | null, current: Current[], next: (Pick<MatchResult['matches'][number], 'offeringId' | 'providerId' | 'rank' | 'score' | 'explanation'> & { confidence?: number })[], ops: Ops, cause: string): boolean {
    const byOffering = new Map(current.map((m) => [m.offeringId, m]));
    const inNext = new Set(next.map((m) => m.offeringId));
    const added: string[] = [];
    const dropped: string[] = [];
    let changed = false;
    for (const m of next) {
      const cur = byOffering.get(m.offeringId);
      if (cur && cur.status !== 'proposed') continue;
      if (!cur || Math.abs(cur.score - m.score) > 1e-6) {
        ops.upserts.push({ request_id: requestId, offering_id: m.offeringId, provider_id: m.providerId, entity_code: entity, rank: m.rank, score: m.score, confidence: m.confidence ?? null, explanation: m.explanation });
        if (!cur) added.push(m.offeringId);
        changed = true;
      } else if (cur.rank !== m.rank) {
        ops.reranks.push({ request_id: requestId, offering_id: m.offeringId, rank: m.rank });
        changed = true;
      }
    }
    for (const m of current) {
      if (m.status === 'proposed' && !inNext.has(m.offeringId)) { ops.drops.push({ request_id: requestId, offering_id: m.offeringId }); dropped.push(m.offeringId); changed = true; }
    }
    if (added.length || dropped.length) ops.audits.push({ id: requestId, summary: { cause, added, superseded: dropped } });
    return changed;
  }

  /**
   * Classifies, scores, links needs, flags duplicates and routes one request, writing it all in one
   * transaction. Safe to run again: a request already past `submitted` is only refreshed when
   * re-matchable (open, no accepted offering), and a refresh that changes nothing writes nothing.
   */
  async function matchAndRoute(requestId: string, opts: { rematch?: boolean; statuses?: readonly string[] } = {}): Promise<'matched' | 'refreshed' | 'unchanged' | 'busy' | 'skipped'> {
    const e = await getEngine();
    const ctx = await loadContext(requestId, e.version);
    if (!ctx) return 'skipped';
    const pre = ctx.req;
    const first = (UNMATCHED as readonly string[]).includes(pre.status);
    const again: readonly string[] = opts.statuses ?? REMATCHABLE_STATUSES;
    if (!first && !(opts.rematch && again.includes(pre.status))) return 'skipped';
    const now = new Date();
    const result = await compute(ctx, now);
    const routingEntity = result.routing.entity;
    const columns = analysisColumns(e, pre, result);

    if (!first) return refresh(pre, result, columns, now);

    const top = result.matches[0];
    // Confident enough (or nothing to review): straight to the responsible entity, the top proposal approved.
    // A request the engine sends to CTED triage (no area fits, areas tie, nothing eligible, low
    // confidence) is never routed by the engine itself, nor is a likely duplicate of an earlier
    // request: CTED decides that first (issue 12 item 8).
    const autoRoute = !!routingEntity && !result.triage && result.possibleDuplicates.length === 0 && (!top || top.score >= deps.config.AUTO_ROUTE_CONFIDENCE);
    const at = now.toISOString();
    const final = autoRoute ? 'routed' : 'in_review';
    const matchRows = result.matches.map((m) => ({
      offering_id: m.offeringId, provider_id: m.providerId, rank: m.rank, score: m.score, confidence: m.confidence, explanation: m.explanation,
      ...(autoRoute && m === top
        ? { status: 'approved', decided_at: at, decided_by: ACTOR, decision_note: 'auto-approved above the confidence threshold' }
        : { status: 'proposed', decided_at: null, decided_by: null, decision_note: null }),
    }));
    // Written by hand (in the one statement), checked against TRANSITIONS here and in tests/unit/request-lifecycle.test.ts.
    const moves = firstMatchMoves(pre.status as 'submitted' | 'matched', final);
    const note = result.triage ? triageNote(result.triage.reason) : autoRoute ? (top ? SYSTEM_NOTES.autoRouted : SYSTEM_NOTES.noOffering)
      : result.possibleDuplicates.length ? SYSTEM_NOTES.duplicate : SYSTEM_NOTES.review;
    const transitions = moves.map(([from, to], k) => ({ from_status: from, to_status: to, at: new Date(now.getTime() + k).toISOString(), note: to === final ? note : null }));
    const audits = [
      { action: 'request.match', summary: { matches: result.matches.length, top: top?.score ?? null, routing: result.routing, confidence: result.confidence, triage: result.triage, parts: result.parts.length } },
      ...(autoRoute ? [{ action: 'request.route', summary: { entity: routingEntity, reason: result.routing.reason } }] : []),
    ];
    const events = [
      { topic: 'request.matched', payload: { requestId: requestId } },
      ...(autoRoute ? [{ topic: 'request.routed', payload: { requestId: requestId, entity: routingEntity } }] : []),
    ];
    // One statement (one round trip, one implicit transaction): the update of the request is both the
    // guard and the lock — whoever comes second finds it no longer submitted, and every insert is
    // conditional on that update having happened.
    const engine = engineColumns(result);
    const rows = await query<{ n: number }>(FIRST_MATCH, [
      requestId, final, JSON.stringify(result.thematicAreas), at, routingEntity, result.routing.reason, result.language, autoRoute ? at : null,
      JSON.stringify(columns.analysis), columns.analysisVersion, columns.analysisHash, columns.matchAreas, columns.proposalFloor,
      JSON.stringify(matchRows), JSON.stringify(result.linkedNeeds), JSON.stringify(result.possibleDuplicates), JSON.stringify(transitions),
      JSON.stringify(audits), JSON.stringify(events), autoRoute ? result.routing.area : null, autoRoute, ACTOR, SYSTEM.role, pre.status,
      JSON.stringify(engine.engineRouting), JSON.stringify(engine.confidence), JSON.stringify(engine.triage), JSON.stringify(engine.parts),
    ]);
    const outcome = Number(rows[0]?.n ?? 0) > 0 ? 'matched' as const : 'skipped' as const;
    if (outcome === 'matched') {
      // The state's next request compares itself with this one: its analysis as just stored, not read back.
      remember(requestId, { hash: columns.analysisHash, stored: duplicatePart(columns.analysis as unknown as RequestAnalysis), language: pre.language, thematicAreas: pre.thematicAreas });
      deps.onMatched?.(result.matches[0]?.score ?? null);
    }
    return outcome;
  }

  /** A full re-match of a request that is open without an accepted offering: only what differs is written. */
  async function refresh(pre: RequestRow, result: MatchResult, columns: ReturnType<typeof analysisColumns>, now: Date): Promise<'refreshed' | 'unchanged' | 'busy' | 'skipped'> {
    return db.transaction(async (tx) => {
      const { lists, busy } = await lockForRematch(tx, [pre.id]);
      if (busy.length) return 'busy';
      const current = lists.get(pre.id);
      if (!current) return 'skipped';
      const [row] = await tx.select({ routedEntity: requests.routedEntity, status: requests.status, classifiedAreas: requests.classifiedAreas, analysis: requests.analysis, analysisVersion: requests.analysisVersion, analysisHash: requests.analysisHash, proposalFloor: requests.proposalFloor,
        engineRouting: requests.engineRouting, confidence: requests.confidence, triage: requests.triage, parts: requests.parts })
        .from(requests).where(eq(requests.id, pre.id));
      // Proposals of a routed request go to the entity that holds it.
      const entity = row.status === 'routed' && row.routedEntity ? row.routedEntity : result.routing.entity;
      const ops = noOps();
      let changed = diffList(pre.id, entity, current, rankAroundDecided(current.filter((m) => m.status !== 'proposed'), result.matches), ops, 'refresh');
      const [links, dups] = await Promise.all([
        tx.select({ needId: requestNeedLinks.needId, score: requestNeedLinks.score }).from(requestNeedLinks).where(eq(requestNeedLinks.requestId, pre.id)),
        // Flags CTED confirmed or dismissed are decided: only the open ones are the engine's to refresh.
        tx.select({ otherRequestId: requestDuplicates.otherRequestId, similarity: requestDuplicates.similarity }).from(requestDuplicates).where(and(eq(requestDuplicates.requestId, pre.id), eq(requestDuplicates.status, 'open'))),
      ]);
      const key = (xs: { id: string; v: number }[]) => xs.map((x) => `${x.id}:${x.v.toFixed(4)}`).sort().join(',');
      const linksChanged = key(links.map((l) => ({ id: l.needId, v: l.score }))) !== key(result.linkedNeeds.map((l) => ({ id: l.needId, v: l.score })));
      const dupsChanged = key(dups.map((d) => ({ id: d.otherRequestId, v: d.similarity }))) !== key(result.possibleDuplicates.map((d) => ({ id: d.requestId, v: d.similarity })));
      const areasChanged = JSON.stringify(row.classifiedAreas ?? null) !== JSON.stringify(result.thematicAreas);
      const analysisChanged = row.analysisVersion !== columns.analysisVersion || row.analysisHash !== columns.analysisHash
        || !isRequestAnalysis(row.analysis) || analysisKey(row.analysis) !== analysisKey(result.analysis);
      const floorChanged = !sameFloor(row.proposalFloor, columns.proposalFloor);
      // The engine's decision as the request keeps it (route, confidence, triage, parts: CTED's parts change it).
      const engine = engineColumns(result);
      const engineChanged = JSON.stringify([row.engineRouting, row.confidence, row.triage, row.parts]) !== JSON.stringify([engine.engineRouting, engine.confidence, engine.triage, engine.parts]);
      if (!changed && !linksChanged && !dupsChanged && !areasChanged && !analysisChanged && !floorChanged && !engineChanged) return 'unchanged';
      await writeOps(tx, ops, now);
      if (linksChanged) {
        await tx.delete(requestNeedLinks).where(eq(requestNeedLinks.requestId, pre.id));
        if (result.linkedNeeds.length) await tx.insert(requestNeedLinks).values(result.linkedNeeds.map((l) => ({ requestId: pre.id, needId: l.needId, score: l.score }))).onConflictDoNothing();
      }
      if (dupsChanged) {
        await tx.delete(requestDuplicates).where(and(eq(requestDuplicates.requestId, pre.id), eq(requestDuplicates.status, 'open')));
        if (result.possibleDuplicates.length) await tx.insert(requestDuplicates).values(result.possibleDuplicates.map((d) => ({ requestId: pre.id, otherRequestId: d.requestId, similarity: d.similarity }))).onConflictDoNothing();
      }
      await tx.update(requests).set({ classifiedAreas: result.thematicAreas, ...columns, ...engine, ...(changed || areasChanged || engineChanged ? { updatedAt: now } : {}) }).where(eq(requests.id, pre.id));
      if (linksChanged || dupsChanged || engineChanged) {
        changed = true;
        await recordChange(tx, SYSTEM, {
          action: 'request.rematch', targetType: 'request', targetId: pre.id,
          summary: { cause: 'refresh', needs: result.linkedNeeds.length, duplicates: result.possibleDuplicates.length, parts: result.parts.length, triage: result.triage?.reason ?? null },
        });
      }
      return changed || areasChanged ? 'refreshed' : 'unchanged';
    });
  }

  type Candidate = { id: string; member_state: string; modalities: string[]; urgency: string; fresh: boolean; proposal_floor: number | null; match_areas: string[] | null; row_version: string };

  // The scoring part of re-matchable requests' stored analyses, kept between re-matching jobs: every job
  // reads every candidate request sharing an area, and reading and parsing their analyses was nearly all
  // of a page's read. Keyed by the row's version (xmin: any update of the row, its text, analysis or
  // floor, gives it a new one), so an entry is used only for the very row it was read from. Bound: the
  // re-matchable requests of the full benchmark (40,175) fit, at about 1.4 kB each (~70 MB); least
  // recently used first out.
  const scoringCache = new Map<string, { rowVersion: string; analysis: ScoringAnalysis }>();
  const SCORING_CACHE_MAX = 50_000;
  const fromCache = (id: string, rowVersion: string): ScoringAnalysis | undefined => {
    const hit = scoringCache.get(id);
    if (!hit || hit.rowVersion !== rowVersion) return undefined;
    scoringCache.delete(id);
    scoringCache.set(id, hit);
    return hit.analysis;
  };
  const toCache = (id: string, rowVersion: string, a: ScoringAnalysis): ScoringAnalysis => {
    const analysis: ScoringAnalysis = { lang: a.lang, areas: a.areas, fine: a.fine, query: a.query, needs: a.needs, ...(a.list ? { list: a.list } : {}) };
    scoringCache.delete(id);
    scoringCache.set(id, { rowVersion, analysis });
    if (scoringCache.size > SCORING_CACHE_MAX) scoringCache.delete(scoringCache.keys().next().value!);
    return analysis;
  };
  const rowVersionSql = sql<string>`${requests}.xmin::text`;
  const freshSql = (version: string) => sql<boolean>`coalesce(${requests.analysisVersion} = ${version} and ${requests.analysisHash} = ${HASH_SQL}, false)`;

  /** Which re-matchable requests concern the changed offerings: those sharing one of their areas (from a state that may receive one), and those listing one. */
  const concernsSql = (areas: string[], statesFilter: string[] | null, proposing: string[]) => and(
    rematchableSql(),
    sql`((${requests.matchAreas} && ${sql.param(areas)}::text[] ${statesFilter ? sql`and ${requests.memberState} = any(${sql.param(statesFilter)}::text[])` : sql``})
      or ${requests.id} = any(${sql.param(proposing)}::uuid[]))`,
  );

  /**
   * Every request the changed offerings concern, in id order, in one statement (what scoring needs besides
   * the analysis, a few small columns): paging them by keyset made each page scan all of them again (the
   * area index has no order).
   */
  async function candidateRows(areas: string[], statesFilter: string[] | null, proposing: string[], version: string): Promise<Candidate[]> {
    return db.select({
      id: requests.id, member_state: requests.memberState, modalities: requests.modalities, urgency: requests.urgency,
      fresh: freshSql(version), proposal_floor: requests.proposalFloor, match_areas: requests.matchAreas, row_version: rowVersionSql,
    }).from(requests).where(concernsSql(areas, statesFilter, proposing)).orderBy(asc(requests.id));
  }

  /**
   * One page of candidates with the scoring part of their analysis (null: a full match is needed — missing,
   * outdated, or the row changed between the two reads).
   */
  async function withAnalyses(rows: Candidate[], version: string): Promise<(Candidate & { analysis: ScoringAnalysis | null })[]> {
    // Only the analyses not kept for this very row version are read.
    const cached = new Map<string, ScoringAnalysis>();
    const missing: string[] = [];
    for (const r of rows) {
      if (!r.fresh) continue;
      const a = fromCache(r.id, r.row_version);
      if (a) cached.set(r.id, a); else missing.push(r.id);
    }
    const read = missing.length
      // The scoring part only: the duplicate vector is two thirds of an analysis and re-matching never reads it.
      ? await db.select({ id: requests.id, analysis: sql<unknown>`${requests.analysis} - 'vector' - 'termAreas'`.mapWith(requests.analysis), fresh: freshSql(version), row_version: rowVersionSql }).from(requests).where(inArray(requests.id, missing))
      : [];
    const readById = new Map(read.map((r) => [r.id, r]));
    return rows.map((r) => {
      if (!r.fresh) return { ...r, analysis: null };
      const hit = cached.get(r.id);
      if (hit) return { ...r, analysis: hit };
      const x = readById.get(r.id);
      if (!x || x.row_version !== r.row_version || !x.fresh || !isScoringAnalysis(x.analysis)) return { ...r, analysis: null };
      return { ...r, analysis: toCache(r.id, r.row_version, x.analysis) };
    });
  }

  /** Member states that may receive an offering (null: all of them). */
  function eligibleStates(o: MatchableOffering): string[] | null {
    const { regions, countries } = o.eligibility;
    if (!regions.length && !countries.length) return null;
    const out = new Set(countries);
    for (const s of states?.values() ?? []) if ([s.region, s.subRegion, s.intermediateRegion].some((c) => c && regions.includes(c))) out.add(s.iso3);
    return [...out];
  }

  /**
   * Re-matching after offerings changed: each changed offering is scored against the re-matchable
   * requests that share one of its areas (their stored analysis is enough) and enters a request's
   * proposals only where it belongs in the top list; the changes of a batch of requests are one
   * statement. Candidates are read at once (a few small columns), then their analyses, scores and
   * changes a page at a time in id order, all of them. A request whose list lost an undecided offering
   * while full, or whose analysis is missing or outdated, gets a full match.
   */
  async function reverseOfferings(ids: string[]): Promise<{ candidates: number; changed: number; full: number }> {
    await syncIndex();
    const e = await getEngine();
    const now = new Date();
    const changedIds = [...new Set(ids)].filter((id) => e.postedAreas(id) !== null);
    if (!changedIds.length) return { candidates: 0, changed: 0, full: 0 };
    const facts = new Map(changedIds.map((id) => [id, { areas: new Set(e.postedAreas(id)!), offering: e.offering(id)! }]));
    const areas = [...new Set(changedIds.flatMap((id) => [...facts.get(id)!.areas]))];
    const stateLists = changedIds.map((id) => eligibleStates(facts.get(id)!.offering));
    const statesFilter = stateLists.some((s) => s === null) ? null : [...new Set(stateLists.flat() as string[])];
    // Requests listing one of the offerings as an undecided proposal: its new score (or its leaving) concerns them whatever its areas now.
    const proposingRows = await db.select({ requestId: matches.requestId, offeringId: matches.offeringId }).from(matches)
      .where(and(inArray(matches.offeringId, changedIds), eq(matches.status, 'proposed')));
    const proposing = new Map<string, Set<string>>();
    for (const r of proposingRows) proposing.set(r.requestId, (proposing.get(r.requestId) ?? new Set()).add(r.offeringId));

    const changes = e.changeSet(changedIds);
    const full = new Set<string>();
    let candidates = 0;
    let changed = 0;
    let busy: string[] = [];
    const listing = [...proposing.keys()];
    const concerned = await candidateRows(areas, statesFilter, listing, e.version);
    for (let at = 0; at < concerned.length; at += pageSize) {
      const page = await withAnalyses(concerned.slice(at, at + pageSize), e.version);
      candidates += page.length;
      const stored: RematchRequest[] = [];
      for (const r of page) {
        if (!r.analysis) { full.add(r.id); continue; }
        stored.push({ id: r.id, state: stateOf(r.member_state), modalities: r.modalities as Modality[], urgency: r.urgency as StoredRequest['urgency'], analysis: r.analysis, floor: r.proposal_floor, matchAreas: r.match_areas ?? [] });
      }
      // (request → the offerings that may change its list, with their new scores), a slice of requests at a time
      const wants = new Map<string, Wanted[]>();
      for (let i = 0; i < stored.length; i += SCORE_SLICE) {
        for (const [id, w] of changes.wanted(stored.slice(i, i + SCORE_SLICE), proposing, now)) wants.set(id, w);
        await yieldNow();
      }
      // A list merged from the request's parts is redone by a full match (src/matching/reverse.ts needsFullMatch).
      const inParts = new Set(stored.filter((r) => wants.has(r.id) && needsFullMatch(r.analysis)).map((r) => r.id));
      for (const id of inParts) full.add(id);
      const affected = [...wants.keys()].filter((id) => !inParts.has(id));
      for (let i = 0; i < affected.length; i += WRITE_CHUNK) {
        const chunk = affected.slice(i, i + WRITE_CHUNK);
        const res = await applyIncremental(chunk, wants, full, now);
        changed += res.changed;
        busy = busy.concat(res.busy);
        await yieldNow();
      }
      await yieldNow();
    }
    let fullDone = 0;
    for (const id of full) { await matchAndRoute(id, { rematch: true }); fullDone++; await yieldNow(); }
    // Requests a decision held a moment ago: once more, each on its own; still held, the job fails and is retried.
    const stillBusy: string[] = [];
    for (const id of busy) if ((await matchAndRoute(id, { rematch: true })) === 'busy') stillBusy.push(id);
    if (stillBusy.length) throw new Error(`${stillBusy.length} request(s) were being decided during re-matching; retrying`);
    return { candidates, changed, full: fullDone };
  }

  /** Applies incremental changes to a chunk of requests in one short transaction. */
  async function applyIncremental(chunk: string[], wants: ReadonlyMap<string, readonly Wanted[]>, full: Set<string>, now: Date) {
    const e = await getEngine();
    return db.transaction(async (tx) => {
      const { lists, busy, info } = await lockForRematch(tx, chunk);
      if (!lists.size) return { changed: 0, busy };
      const ops = noOps();
      let changed = 0;
      for (const [requestId, current] of lists) {
        let list: ListedMatch[] = current.map((m) => ({ offeringId: m.offeringId, score: m.score, decided: m.status !== 'proposed' }));
        const scored = new Map<string, { score: number; explanation: unknown }>();
        let needsFull = false;
        let floor: number | null = info.get(requestId)!.proposalFloor;
        for (const w of wants.get(requestId) ?? []) {
          const change = placeInList(list, w.offeringId, w.score, TOP_N);
          if (!change) continue;
          if (change.needsFullMatch) { needsFull = true; break; }
          list = list.filter((m) => m.offeringId !== w.offeringId && !change.dropped.includes(m.offeringId));
          if (change.rank !== null && w.score !== null) { list.push({ offeringId: w.offeringId, score: w.score, decided: false }); scored.set(w.offeringId, { score: w.score, explanation: w.explanation }); }
          floor = change.floor;
        }
        if (needsFull) { full.add(requestId); continue; }
        // The final list, best first, ranked; then the difference from what is stored (decided matches keep their rank).
        list.sort((a, b) => b.score - a.score || (a.offeringId < b.offeringId ? -1 : 1));
        const r = info.get(requestId)!;
        const next = list.map((m, i) => ({ m, rank: i + 1 })).filter(({ m }) => !m.decided).map(({ m, rank }) => ({
          offeringId: m.offeringId, providerId: e.offering(m.offeringId)?.providerId ?? '', rank, score: m.score,
          explanation: (scored.get(m.offeringId)?.explanation ?? null) as MatchResult['matches'][number]['explanation'],
        }));
        // Proposals go to the entity that holds the request (routed) or that routing named (in review).
        if (diffList(requestId, r.routedEntity, current, next, ops, 'offering')) changed++;
        if (!sameFloor(floor, r.proposalFloor)) ops.floors.push({ id: requestId, floor });
      }
      await writeOps(tx, ops, now);
      return { changed, busy };
    });
  }

  /**
   * Links a need to the requests of its state that matching has already seen (any status after
   * `submitted`, but not withdrawn or rejected), so that a need CTED imports after a request was filed,
   * routed or even delivered counts as covered by it: links are made both ways, whatever the order.
   * Requests still `submitted` link at their first match. Rewrites only this need's links.
   */
  async function linkNeed(needId: string): Promise<number> {
    const [n] = await db.select().from(needs).where(eq(needs.id, needId));
    if (!n) return 0;
    const e = await getEngine();
    await syncIndex();
    const reqs = n.status === 'open'
      ? await db.select({ id: requests.id, memberState: requests.memberState, title: requests.title, description: requests.description, language: requests.language, thematicAreas: requests.thematicAreas })
        .from(requests).where(and(eq(requests.memberState, n.memberState), inArray(requests.status, [...LINKABLE_STATUSES]))).orderBy(asc(requests.id)).limit(2000)
      : [];
    const need = { id: n.id, memberState: n.memberState, description: n.description, priority: n.priority as 'high' | 'medium' | 'low', thematicAreas: n.thematicAreas };
    const links = reqs.flatMap((r) => e.linkNeeds({ ...r, language: r.language as Lang }, [need]).map((l) => ({ requestId: r.id, needId: l.needId, score: l.score })));
    await db.transaction(async (tx) => {
      await tx.delete(requestNeedLinks).where(and(eq(requestNeedLinks.needId, needId), inArray(requestNeedLinks.requestId, reqs.length ? reqs.map((r) => r.id) : ['00000000-0000-0000-0000-000000000000'])));
      if (links.length) await tx.insert(requestNeedLinks).values(links).onConflictDoUpdate({ target: [requestNeedLinks.requestId, requestNeedLinks.needId], set: { score: sql`excluded.score` } });
    });
    return links.length;
  }

  /** Re-matching after needs changed: each need linked to its state's requests, then every re-matchable request of their states matched in full (need links change the need component of every offering). */
  async function reverseNeeds(ids: string[]): Promise<{ candidates: number; changed: number; full: number }> {
    for (const id of ids) { await linkNeed(id); await yieldNow(); }
    const rows = ids.length ? await db.selectDistinct({ state: needs.memberState }).from(needs).where(inArray(needs.id, ids)) : [];
    const statesList = rows.map((r) => r.state);
    let after = '00000000-0000-0000-0000-000000000000';
    let candidates = 0;
    let changed = 0;
    while (statesList.length) {
      const page = await db.select({ id: requests.id }).from(requests)
        .where(and(rematchableSql(), inArray(requests.memberState, statesList), sql`${requests.id} > ${after}::uuid`)).orderBy(asc(requests.id)).limit(pageSize);
      for (const r of page) {
        const outcome = await matchAndRoute(r.id, { rematch: true });
        if (outcome === 'busy') throw new Error(`request ${r.id} was being decided during re-matching; retrying`);
        if (outcome === 'refreshed') changed++;
        await yieldNow();
      }
      candidates += page.length;
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.id;
    }
    return { candidates, changed, full: candidates };
  }

  return {
    matchAndRoute,
    /** After offerings or needs change, brings the proposals of the requests they concern up to date. */
    async reverseMatch(kind: 'offering' | 'need', ids: string[]) {
      return kind === 'offering' ? reverseOfferings(ids) : reverseNeeds(ids);
    },
    linkNeed,
    syncIndex,
    /** Every area's score for a text, best first (IATI sectors are weighed against it). */
    async scoreAreas(text: string, lang: Lang): Promise<{ code: string; score: number }[]> {
      return (await getEngine()).scoreAreas(text, lang);
    },
    /** Thematic areas of a text, for needs that came without any. */
    async inferAreas(text: string, lang: Lang): Promise<string[]> {
      return (await getEngine()).inferAreas(text, lang);
    },
    /** The analysis of an offering's text, made once when it is written; its inferred areas come from it. */
    async analyseOffering(o: Pick<MatchableOffering, 'title' | 'description' | 'language' | 'versions'>) {
      const e = await getEngine();
      const analysis = e.analyseOffering(o);
      return { analysis, version: e.version, inferredAreas: e.inferredAreasOf(analysis) };
    },
    /** The engine itself (tests, benchmarks). */
    engine: getEngine,
  };
}
export type MatchingService = ReturnType<typeof createMatchingService>;
