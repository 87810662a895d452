// A realistic history for the scale benchmarks (issue 16), loaded set by set (jsonb_to_recordset
// inserts of 2,000 rows, not the API): 193 states with skewed demand, 24 areas, a mature status mix,
// offerings written as the app writes them (their analysis and search vector made once, by the same
// engine), requests in review or routed with the proposals and analysis a full match leaves, needs.
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../db/client.js';
import { migrateAndSeed } from '../db/migrate.js';
import { loadConfig } from '../src/config.js';
import type { Lang, MatchableOffering, MatchableRequest, StateGeo, ThematicAreaRef } from '../src/matching/types.js';
import { analysisHash } from '../src/modules/matching/matching.service.js';
import { providerTokens, searchVectorText } from '../src/modules/offerings/offering-analysis.js';
import { InProcessQueueDriver } from '../src/queue/in-process.driver.js';
import { createServices } from '../src/services.js';
import { generator, mulberry32 } from './matching-bench.js';

export interface LoadPlan {
  offerings: number;
  /** Requests of every status (the history). */
  requests: number;
  /** Of them, waiting in CTED's review (re-matchable); as many again are routed without an accepted offering. */
  inReview: number;
  needs: number;
  seed?: number;
}

export interface Loaded {
  plan: LoadPlan;
  /** Seconds each phase took. */
  seconds: Record<string, number>;
  providerIds: string[];
  offeringIds: string[];
  inReviewIds: string[];
  areas: ThematicAreaRef[];
  states: StateGeo[];
  /** The generator's next request texts (not loaded), for jobs the benchmarks run. */
  freshRequests: (n: number) => MatchableRequest[];
  freshOfferings: (n: number) => MatchableOffering[];
}

/** A UUID from a kind and a number, so runs are comparable and ids sort like their numbers within a kind. */
export const uid = (kind: number, i: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

const BATCH = 2_000;

/** Loads the plan into an empty database at `url` (migrated here). */
export async function loadHistory(url: string, plan: LoadPlan, log: (m: string) => void = () => {}): Promise<Loaded> {
  const seconds: Record<string, number> = {};
  const lap = async <T>(name: string, f: () => Promise<T>) => { const t = performance.now(); const r = await f(); seconds[name] = Math.round((performance.now() - t) / 100) / 10; log(`  ${name}: ${seconds[name]} s`); return r; };
  const handle = await openDatabase({ url, poolMax: 4 });
  await migrateAndSeed(handle, url);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const services = createServices({ db: handle.db, query: handle.query, queue: new InProcessQueueDriver(), config });
  const ref = await services.reference.get();
  const engine = await services.matching.engine();
  const areas: ThematicAreaRef[] = ref.areas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes }));
  const states: StateGeo[] = ref.states.map((s) => ({ iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion }));
  const seed = plan.seed ?? 16;
  const gen = generator(areas, states, seed);
  const rnd = mulberry32(seed * 7919);
  const insert = async (table: string, columns: string, types: string, rows: object[]) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await sql.unsafe(`insert into ${table} (${columns}) select ${columns} from jsonb_to_recordset($1::jsonb) as x(${types})`, [rows.slice(i, i + BATCH)] as never[]);
    }
  };

  // Providers: 500, a tenth of them Task Force entities.
  const entityCodes = ref.entities.map((e) => e.code);
  const providerIds = Array.from({ length: 500 }, (_, i) => uid(1, i));
  await insert('providers', 'id, name, kind, entity_code', 'id uuid, name text, kind text, entity_code text', providerIds.map((id, i) => ({
    id, name: `Provider ${i} ${['Training Centre', 'Programme', 'Directorate', 'Office'][i % 4]}`, kind: i % 10 === 0 ? 'task_force_entity' : ['member_state', 'international_org', 'ngo'][i % 3],
    entity_code: i % 10 === 0 ? entityCodes[(i / 10) % entityCodes.length] : null,
  })));
  const providerName = (i: number) => `Provider ${i} ${['Training Centre', 'Programme', 'Directorate', 'Office'][i % 4]}`;

  // Offerings, each with its analysis and search vector made once, as the offerings service writes them.
  const now = Date.now();
  const day = 86_400_000;
  const offeringIds: string[] = [];
  const indexed: MatchableOffering[] = [];
  await lap('offerings (analysed as written)', async () => {
    let rows: object[] = [];
    for (let i = 0; i < plan.offerings; i++) {
      const g = gen.offering(i);
      const p = i % providerIds.length;
      const o: MatchableOffering = { ...g, id: uid(2, i), providerId: providerIds[p]!, providerEntity: p % 10 === 0 ? entityCodes[(p / 10) % entityCodes.length]! : null, lastConfirmedAt: new Date(now - Math.floor(rnd() * 200) * day) };
      const analysis = engine.analyseOffering(o);
      const thematic = o.thematicAreas.length ? o.thematicAreas : engine.inferredAreasOf(analysis);
      const stored = { ...o, thematicAreas: thematic };
      offeringIds.push(o.id);
      indexed.push(stored);
      engine.upsertOffering(stored, analysis);
      rows.push({
        id: o.id, provider_id: o.providerId, title: o.title, description: o.description, language: o.language, languages: o.languages, modalities: o.modalities,
        eligibility_regions: o.eligibility.regions, eligibility_countries: o.eligibility.countries, thematic_areas: thematic, thematic_areas_inferred: o.thematicAreas.length === 0,
        available_until: o.availableUntil?.toISOString() ?? null, status: o.status, source: 'bulk', last_confirmed_at: o.lastConfirmedAt.toISOString(),
        analysis, analysis_version: engine.version, search_vector: searchVectorText(analysis, thematic, providerTokens(providerName(p))),
      });
      if (rows.length >= BATCH) { await flushOfferings(rows); rows = []; }
    }
    if (rows.length) await flushOfferings(rows);
  });
  async function flushOfferings(rows: object[]) {
    await sql.unsafe(`insert into offerings (id, provider_id, title, description, language, languages, modalities, eligibility_regions, eligibility_countries, thematic_areas,
        thematic_areas_inferred, available_until, status, source, last_confirmed_at, analysis, analysis_version, search_vector)
      select id, provider_id, title, description, language, languages, modalities, eligibility_regions, eligibility_countries, thematic_areas,
        thematic_areas_inferred, available_until, status, source, last_confirmed_at, analysis, analysis_version, search_vector::tsvector
      from jsonb_to_recordset($1::jsonb) as x(id uuid, provider_id uuid, title text, description text, language text, languages text[], modalities text[],
        eligibility_regions text[], eligibility_countries text[], thematic_areas text[], thematic_areas_inferred boolean, available_until timestamptz,
        status text, source text, last_confirmed_at timestamptz, analysis jsonb, analysis_version text, search_vector text)`, [rows] as never[]);
  }

  // Requests: skewed demand (a few states file most), a mature status mix; first times kept as the trigger would.
  const weights = states.map((_, i) => 1 / (i + 1) ** 0.9);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickState = () => { let r = rnd() * total; for (let i = 0; i < states.length; i++) { r -= weights[i]!; if (r <= 0) return states[i]!; } return states[0]!; };
  const inReviewIds: string[] = [];
  await sql.unsafe('alter table request_transitions disable trigger request_transitions_first_times');
  await lap('requests, transitions, matches (re-matchable ones matched in full)', async () => {
    let reqRows: object[] = []; let trRows: object[] = []; let mRows: object[] = [];
    const flush = async () => {
      await insert('requests', 'id, member_state, title, description, language, thematic_areas, classified_areas, modalities, urgency, status, submitted_at, matched_at, routed_entity, routed_at, first_routed_at, first_accepted_at, first_completed_at, feedback, analysis, analysis_version, analysis_hash, match_areas, proposal_floor',
        'id uuid, member_state text, title text, description text, language text, thematic_areas text[], classified_areas jsonb, modalities text[], urgency text, status text, submitted_at timestamptz, matched_at timestamptz, routed_entity text, routed_at timestamptz, first_routed_at timestamptz, first_accepted_at timestamptz, first_completed_at timestamptz, feedback jsonb, analysis jsonb, analysis_version text, analysis_hash text, match_areas text[], proposal_floor real', reqRows);
      await insert('request_transitions', 'request_id, from_status, to_status, actor, at', 'request_id uuid, from_status text, to_status text, actor text, at timestamptz', trRows);
      await insert('matches', 'request_id, offering_id, provider_id, entity_code, rank, score, explanation, status', 'request_id uuid, offering_id uuid, provider_id uuid, entity_code text, rank integer, score real, explanation jsonb, status text', mRows);
      reqRows = []; trRows = []; mRows = [];
    };
    const rematchable = Math.min(plan.requests, plan.inReview * 2);
    for (let i = 0; i < plan.requests; i++) {
      const g = gen.request(i);
      const state = pickState();
      const id = uid(3, i);
      const r = { ...g, id, memberState: state.iso3, language: (g.language ?? 'en') as Lang };
      // The re-matchable ones first (half in review, half routed with no accepted offering), then the history.
      const status = i < rematchable ? (i % 2 === 0 ? 'in_review' : 'routed')
        : (['completed', 'completed', 'completed', 'completed', 'in_delivery', 'accepted', 'rejected', 'withdrawn', 'completed', 'completed'] as const)[i % 10]!;
      const openHistory = status === 'in_delivery' || status === 'accepted';
      const submitted = now - (plan.requests - i) * 60_000 - Math.floor(rnd() * 3_600_000);
      const h = (x: number) => new Date(submitted + x * 3_600_000).toISOString();
      const routedAt = status === 'in_review' || status === 'rejected' ? null : h(1 + rnd() * 48);
      const acceptedAt = ['accepted', 'in_delivery', 'completed'].includes(status) ? h(60 + rnd() * 300) : null;
      const completedAt = status === 'completed' ? h(400 + rnd() * 2000) : null;
      const row: Record<string, unknown> = {
        id, member_state: r.memberState, title: r.title, description: r.description, language: r.language, thematic_areas: [], modalities: r.modalities, urgency: r.urgency, status,
        submitted_at: new Date(submitted).toISOString(), matched_at: h(0.01), routed_entity: null, routed_at: routedAt,
        first_routed_at: routedAt, first_accepted_at: acceptedAt, first_completed_at: completedAt,
        feedback: completedAt ? { outcome: ['met', 'partly_met', 'not_met'][i % 3], at: completedAt } : null,
      };
      if (status === 'in_review' || status === 'routed') {
        const result = engine.matchRequest({ ...r }, { now: new Date(now) });
        row.classified_areas = result.thematicAreas;
        row.routed_entity = result.routing.entity;
        row.analysis = result.analysis;
        row.analysis_version = engine.version;
        row.analysis_hash = analysisHash({ language: r.language, thematicAreas: [], title: r.title, description: r.description });
        row.match_areas = result.thematicAreas.filter((a) => a.score >= 0.15).map((a) => a.code);
        row.proposal_floor = result.matches.length >= 10 ? result.matches[9]!.score : null;
        for (const m of result.matches) mRows.push({ request_id: id, offering_id: m.offeringId, provider_id: m.providerId, entity_code: result.routing.entity, rank: m.rank, score: m.score, explanation: m.explanation, status: 'proposed' });
        if (status === 'in_review') inReviewIds.push(id);
      } else {
        const area = areas[i % areas.length]!.code;
        row.classified_areas = [{ code: area, score: 0.9 }];
        if (openHistory) {
          // Still open: later requests of its state compare with it. What its match would have stored for that
          // (the duplicate topic); the rest of an analysis only serves re-matching, which it is past.
          const t = engine.duplicateTopic(r);
          row.analysis = { ...t, areas: t.termAreas, query: { terms: [], n: 0, top: 0, cut: 0 }, needs: [] };
          row.analysis_version = engine.version;
          row.analysis_hash = analysisHash({ language: r.language, thematicAreas: [], title: r.title, description: r.description });
        }
        row.routed_entity = status === 'rejected' ? null : areas[i % areas.length]!.entities[0] ?? null;
        if (acceptedAt) {
          const o = indexed[Math.floor(rnd() * indexed.length)]!;
          mRows.push({ request_id: id, offering_id: o.id, provider_id: o.providerId, entity_code: row.routed_entity, rank: 1, score: 0.8, explanation: {}, status: 'accepted' });
        }
      }
      const path: [string, string | null][] = [['submitted', new Date(submitted).toISOString()], ['matched', h(0.01)]];
      if (status === 'in_review' || status === 'rejected') path.push(['in_review', h(0.02)]);
      if (routedAt) path.push(['routed', routedAt]);
      if (acceptedAt) path.push(['accepted', acceptedAt]);
      if (status === 'in_delivery' || completedAt) path.push(['in_delivery', h(300 + rnd() * 50)]);
      if (completedAt) path.push(['completed', completedAt]);
      if (status === 'rejected' || status === 'withdrawn') path.push([status, h(100)]);
      path.forEach(([to, at], k) => trRows.push({ request_id: id, from_status: k ? path[k - 1]![0] : null, to_status: to, actor: 'bench', at }));
      reqRows.push(row);
      if (reqRows.length >= BATCH) await flush();
    }
    if (reqRows.length) await flush();
  });
  await sql.unsafe('alter table request_transitions enable trigger request_transitions_first_times');

  await lap('needs', async () => {
    const rows = Array.from({ length: plan.needs }, (_, i) => {
      const a = areas[i % areas.length]!;
      return { id: uid(4, i), member_state: pickState().iso3, description: `${a.names.en}: ${(a.terms.en ?? []).slice(0, 3).join(', ')} (need ${i})`, priority: ['high', 'medium', 'low'][i % 3], thematic_areas: [a.code], status: 'open' };
    });
    await insert('needs', 'id, member_state, description, priority, thematic_areas, status', 'id uuid, member_state text, description text, priority text, thematic_areas text[], status text', rows);
  });
  await lap('analyze', async () => { await sql.unsafe('analyze'); });
  await sql.end();
  await handle.close();

  return { plan, seconds, providerIds, offeringIds, inReviewIds, areas, states, ...freshOf(plan, areas, states, providerIds) };
}

/**
 * The generator's next texts after a loaded history (not loaded), with states drawn by their own random
 * sequence: the same whether the history was loaded now or copied from a kept one (attachHistory).
 */
function freshOf(plan: LoadPlan, areas: ThematicAreaRef[], states: StateGeo[], providerIds: string[]): Pick<Loaded, 'freshRequests' | 'freshOfferings'> {
  const seed = plan.seed ?? 16;
  const gen = generator(areas, states, seed);
  const rnd = mulberry32(seed * 104_729);
  const weights = states.map((_, i) => 1 / (i + 1) ** 0.9);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickState = () => { let r = rnd() * total; for (let i = 0; i < states.length; i++) { r -= weights[i]!; if (r <= 0) return states[i]!; } return states[0]!; };
  let freshR = plan.requests;
  let freshO = plan.offerings;
  return {
    freshRequests: (n) => Array.from({ length: n }, () => { const r = gen.request(freshR++); return { ...r, id: uid(5, freshR), memberState: pickState().iso3 }; }),
    freshOfferings: (n) => Array.from({ length: n }, () => { const o = gen.offering(freshO++); return { ...o, id: uid(6, freshO), providerId: providerIds[freshO % providerIds.length]! }; }),
  };
}

/** A history loaded earlier (a copy of a kept database at `url`, migrated here): its reference data and the same fresh texts as loadHistory gives. */
export async function attachHistory(url: string, plan: LoadPlan): Promise<Loaded> {
  const handle = await openDatabase({ url, poolMax: 2 });
  // Kept before a migration was added: the copy gets the schema of this checkout.
  await migrateAndSeed(handle, url);
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const services = createServices({ db: handle.db, query: handle.query, queue: new InProcessQueueDriver(), config });
  const ref = await services.reference.get();
  await handle.close();
  const areas: ThematicAreaRef[] = ref.areas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes }));
  const states: StateGeo[] = ref.states.map((s) => ({ iso3: s.iso3, region: s.m49Region, subRegion: s.m49SubRegion, intermediateRegion: s.m49IntermediateRegion }));
  const providerIds = Array.from({ length: 500 }, (_, i) => uid(1, i));
  return {
    plan, seconds: {}, providerIds, offeringIds: Array.from({ length: plan.offerings }, (_, i) => uid(2, i)), inReviewIds: [], areas, states,
    ...freshOf(plan, areas, states, providerIds),
  };
}

/** A short stable hash of a plan (names the database a plan is loaded into). */
export const planKey = (p: LoadPlan) => createHash('sha1').update(JSON.stringify(p)).digest('hex').slice(0, 8);
