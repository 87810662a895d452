// Issue 16's targets, each beside its floor measured in the same run, on a history loaded by
// bench/scale-load.ts, at growing sizes. Production mode: PostgreSQL, the API and the worker as
// compiled JavaScript (dist/, built by npm run build) in child processes.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { drizzle } from 'drizzle-orm/postgres-js';
import MiniSearch from 'minisearch';
import postgres from 'postgres';
import { openDatabase, schema, type DatabaseHandle, type Db } from '../db/client.js';
import { loadConfig } from '../src/config.js';
import type { Principal } from '../src/plugins/auth.plugin.js';
import { createAnalyticsService } from '../src/modules/analytics/analytics.service.js';
import { createDirectoryService } from '../src/modules/directory/directory.service.js';
import { createReferenceService } from '../src/modules/reference/reference.service.js';
import { createReviewService } from '../src/modules/review/review.service.js';
import { OPEN_STATUSES } from '../src/modules/requests/request-lifecycle.js';
import { MATCHING_LIMITS } from '../src/matching/weights.js';
import { InProcessQueueDriver } from '../src/queue/in-process.driver.js';
import { createServices } from '../src/services.js';
import { attachHistory, loadHistory, planKey, type LoadPlan } from './scale-load.js';

const ADMIN = 'bench-admin-key-0123456789abcdef';
const CTED: Principal = { keyId: null, role: 'cted', memberState: null, providerId: null, entity: null, label: 'bench', userId: null, organisationId: null, memberRole: null };
const PROVIDER = (id: string): Principal => ({ keyId: null, role: 'provider', memberState: null, providerId: id, entity: null, label: 'bench', userId: null, organisationId: null, memberRole: null });

export interface ScaleRow { size: string; target: string; measured: number; floor: number; ratio: number; goal: string; unit: string; note?: string }

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN; };
const median = (xs: number[]) => q(xs, 0.5);
const ms = (t0: number) => performance.now() - t0;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Builds dist/ when it is missing or older than the sources (the same check as npm start). */
export function ensureBuilt(): void {
  const stamp = 'dist/.built';
  if (existsSync(stamp) && existsSync('dist/src/server.js')) {
    const newest = execFileSync('find', ['src', 'workers', 'db', '-newer', stamp, '-type', 'f']).toString().trim();
    if (!newest) return;
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

/** The environment of a child run as in production: production refuses to start without a session secret (one per bench run). */
export const PRODUCTION_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: randomBytes(32).toString('base64') } as const;

/**
 * What tells this run's databases and queues apart from another checkout's run on the same machine
 * (BENCH_TAG, e.g. a worktree's name): two runs sharing a database name or a queue prefix would drop
 * each other's data and take each other's jobs.
 */
export const BENCH_TAG = (process.env.BENCH_TAG ?? '').replace(/[^a-z0-9]/gi, '').toLowerCase();

/** A TCP port free now (the benches' servers listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as AddressInfo; s.close(() => resolve(port)); });
  });
}

/** Resident memory of a process in MB (Linux). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU time (user + system) of a process, or of one of its threads, so far, in ms (Linux). */
export function cpuMs(pid: number, tid?: number): number {
  const fields = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
}

/** The CPU time of a process's main thread (its JavaScript, and the garbage collector's pauses in it) so far, in ms (Linux). */
export const mainThreadCpuMs = (pid: number) => cpuMs(pid, pid);

/**
 * The Node flags production starts a child with: those of its npm script (`npm run worker`, `npm start`), so the bench measures
 * what runs. BENCH_WORKER_NODE_FLAGS replaces the worker's (a trial of other flags; empty: none).
 */
function nodeFlagsOf(script: string): string[] {
  const worker = script.includes('workers/');
  if (worker && process.env.BENCH_WORKER_NODE_FLAGS !== undefined) return process.env.BENCH_WORKER_NODE_FLAGS.split(/\s+/).filter(Boolean);
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  return (scripts[worker ? 'worker' : 'start'] ?? '').split(/\s+/).filter((a) => /^--[a-z-]+=\S+$/.test(a));
}

function childProcess(script: string, env: Record<string, string>, waitFor: 'message' | 'health', port?: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF_DIR=<dir> writes a CPU profile of each child (the worker, the API) when it exits.
    const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    const c = fork(script, [], { execArgv: [...nodeFlagsOf(script), ...prof], env: { ...process.env, ...PRODUCTION_ENV, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const fail = (code: number | null) => reject(new Error(`${script} exited with ${code}`));
    c.once('exit', fail);
    if (waitFor === 'message') c.once('message', () => { c.off('exit', fail); resolve(c); });
    else {
      const poll = async () => {
        for (;;) {
          try { if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) { c.off('exit', fail); resolve(c); return; } } catch { /* not yet */ }
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      void poll();
    }
  });
}
const stop = (c: ChildProcess) => new Promise<void>((resolve) => { if (c.exitCode !== null) return resolve(); c.once('exit', () => resolve()); c.kill('SIGTERM'); });

/** Captures the SQL a service call runs, to run the same statements alone (the floor "its SQL"). */
async function capturedSql(url: string, call: (db: Db) => Promise<unknown>): Promise<{ query: string; params: unknown[] }[]> {
  const captured: { query: string; params: unknown[] }[] = [];
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const db = drizzle(client, { schema, logger: { logQuery: (query, params) => { captured.push({ query, params }); } } }) as unknown as Db;
  await call(db);
  await client.end();
  return captured.filter((c) => !/from "(entities|working_group_members|thematic_areas|thematic_area_entities|member_states|m49_regions)"/.test(c.query) || /with|count|jsonb_to_recordset/.test(c.query));
}

/**
 * The rows GET /v1/analytics/overlaps is made from, read by bare SQL written here (not the service's): every distinct
 * (provider, member state, thematic area) cell of the proposable offerings that name states or regions, and the requests
 * accepted by two or more providers. The endpoint's floor: whatever the pairs cost beyond reading these is its own.
 */
const OVERLAP_ROWS_SQL = [
  `with o as materialized (
    select provider_id, eligibility_countries, eligibility_regions, thematic_areas from offerings
    where status = 'open' and (available_until is null or available_until >= now()) and (capacity is null or capacity > 0)
      and last_confirmed_at >= now() - make_interval(days => ${MATCHING_LIMITS.staleAfterDays})
      and not exists (select 1 from organisations g where g.provider_id = offerings.provider_id and g.status = 'pending')
      and (cardinality(eligibility_regions) > 0 or cardinality(eligibility_countries) > 0)
  ), m49 as (
    select iso3, unnest(array[region, sub_region, intermediate_region]) as code from member_states
  ), covered as (
    select o.provider_id, ms.iso3, o.thematic_areas from o cross join lateral unnest(o.eligibility_countries) as c(iso3) join member_states ms on ms.iso3 = c.iso3
    union all
    select o.provider_id, m49.iso3, o.thematic_areas from o cross join lateral unnest(o.eligibility_regions) as r(code) join m49 on m49.code = r.code
  )
  select count(*)::int as n from (select distinct provider_id, iso3, a.area from covered cross join lateral unnest(thematic_areas) as a(area)) cells`,
  `select count(*)::int as n from (select request_id from matches where status = 'accepted' group by request_id having count(distinct provider_id) >= 2) many`,
];

/** Times a measured call and its floor in turn, `n` rounds after a warm-up of each, so drift on a shared machine falls on both. */
async function timePair(n: number, measured: () => Promise<unknown>, floor: () => Promise<unknown>): Promise<{ measured: number[]; floor: number[] }> {
  await measured(); await floor();
  const out = { measured: [] as number[], floor: [] as number[] };
  for (let i = 0; i < n; i++) {
    let t = performance.now(); await floor(); out.floor.push(ms(t));
    t = performance.now(); await measured(); out.measured.push(ms(t));
  }
  return out;
}

/** Runs every scale target on one loaded history. */
export async function runScaleAt(adminUrl: string, redisUrl: string, plan: LoadPlan, log: (m: string) => void): Promise<{ rows: ScaleRow[]; load: Record<string, number>; sizes: Record<string, number> }> {
  const name = `onedoor_bench_scale${BENCH_TAG ? `_${BENCH_TAG}` : ''}_${plan.offerings}_${plan.requests}`;
  const urlOf = (db: string) => { const u = new URL(adminUrl); u.pathname = `/${db}`; return u.toString(); };
  const url = urlOf(name);
  const size = `${plan.offerings.toLocaleString('en')} offerings, ${plan.requests.toLocaleString('en')} requests (${plan.inReview.toLocaleString('en')} in review)`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  let loaded: Awaited<ReturnType<typeof loadHistory>>;
  // BENCH_SCALE_KEEP=1: the loaded history is kept (a database named after the plan) and each run works on a copy of it,
  // so a change can be measured again without loading the history again (it is the long part).
  if (process.env.BENCH_SCALE_KEEP === '1') {
    const kept = `onedoor_bench_scalekeep${BENCH_TAG ? `_${BENCH_TAG}` : ''}_${planKey(plan)}`;
    const [exists] = await admin`select 1 from pg_database where datname = ${kept}`;
    if (!exists) {
      await admin.unsafe(`create database "${kept}"`);
      log(`loading ${size} (kept as ${kept})…`);
      try { await loadHistory(urlOf(kept), plan, log); } catch (err) { await admin.unsafe(`drop database if exists "${kept}" with (force)`); throw err; }
    }
    log(`copying ${kept}…`);
    await admin.unsafe(`create database "${name}" template "${kept}"`);
    loaded = await attachHistory(url, plan);
  } else {
    await admin.unsafe(`create database "${name}"`);
    log(`loading ${size}…`);
    loaded = await loadHistory(url, plan, log);
  }
  await admin.end();
  const rows: ScaleRow[] = [];
  const add = (row: Omit<ScaleRow, 'size' | 'ratio'> & { ratio?: number }) => { const full = { size, ...row, ratio: r2(row.ratio ?? row.measured / row.floor) }; rows.push(full); log(`  ${full.target}: ${r2(full.measured)} vs ${r2(full.floor)} ${full.unit} → ${full.ratio}×`); };
  const env = { DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: `odscale${BENCH_TAG}${plan.offerings}`, ADMIN_API_KEY: ADMIN, RATE_LIMIT_PER_MINUTE: '100000000' };
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  // As the app's client: drizzle passes JSON and timestamps through as text (so captured statements replay as they ran).
  drizzle(sql);
  // BENCH_SCALE_PARTS=worker: only the worker's figures (a profile of the worker, a check after a change); rematch: only re-matching's;
  // api: only the API process's figures (directory, analytics, review queue, RSS).
  const parts = process.env.BENCH_SCALE_PARTS ?? 'all';
  if (parts === 'api') {
    await apiFigures(await openDatabase({ url, poolMax: 4 }));
    await sql.end();
    return { rows, load: loaded.seconds, sizes: { offerings: plan.offerings, requests: plan.requests, inReview: plan.inReview, matches: NaN } };
  }
  const handle = await openDatabase({ url, poolMax: 4 });
  const services = createServices({ db: handle.db, query: handle.query, queue: new InProcessQueueDriver(), config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', AUTO_ROUTE_CONFIDENCE: '1' }) });
  let t0 = performance.now();
  if (parts !== 'rematch') {

    // Worker start: the compiled worker until it takes jobs (its index built from the stored analyses), beside SELECT + MiniSearch addAll of the same texts.
    log('worker start…');
    const worker = await childProcess('dist/workers/main.js', { ...env, WORKER_CONCURRENCY: '1' }, 'message');
    const ready = ms(t0);
    const workerRss = rssMb(worker.pid!);
    t0 = performance.now();
    const texts = await sql`select id, title, description from offerings`;
    const mini = new MiniSearch({ fields: ['title', 'description'] });
    mini.addAll(texts as unknown as { id: string; title: string; description: string }[]);
    const floorStart = ms(t0);
    add({ target: 'worker ready', measured: ready, floor: floorStart, goal: '≤ 1.5×', unit: 'ms', note: `worker RSS ${workerRss} MB` });

    // Worker CPU per match: the worker's own CPU time while it matches requests filed now, beside the engine alone on the same
    // requests, in rounds taken in turn (the worker's batch, then the engine on that batch), so that a shared machine's drift
    // falls on both sides of each round; the figure is the median of the rounds, their spread in the note. CPU time, not wall
    // time: other processes' load stretches a round's wall time far more than its CPU time.
    log('worker CPU per match…');
    const rounds = Math.max(1, Number(process.env.BENCH_WORKER_ROUNDS ?? 5));
    const perRound = Math.max(1, Number(process.env.BENCH_WORKER_BATCH ?? 40));
    const file = async (batch: ReturnType<typeof loaded.freshRequests>) => {
      await sql.unsafe(`insert into requests (id, member_state, title, description, language, modalities, urgency, status)
      select id, member_state, title, description, language, modalities, urgency, 'submitted' from jsonb_to_recordset($1::jsonb) as x(id uuid, member_state text, title text, description text, language text, modalities text[], urgency text)`,
      [JSON.stringify(batch.map((r) => ({ id: r.id, member_state: r.memberState, title: r.title, description: r.description, language: r.language ?? 'en', modalities: r.modalities, urgency: r.urgency })))] as never[]);
      await sql.unsafe(`insert into outbox (topic, payload) select 'request.submitted', jsonb_build_object('requestId', id) from jsonb_to_recordset($1::jsonb) as x(id uuid)`, [JSON.stringify(batch.map((r) => ({ id: r.id })))] as never[]);
      const t1 = performance.now();
      for (;;) {
        const [{ n }] = await sql`select count(*)::int as n from requests where id = any(${batch.map((r) => r.id)}) and matched_at is not null`;
        if (n === batch.length || ms(t1) > 300_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const engine = await services.matching.engine();
    await services.matching.syncIndex();
    // The engine alone gets what the job gives it: the state's open needs and the open requests filed before it (their stored
    // analyses), the same rows as the job's context read (MATCH_CONTEXT in matching.service.ts).
    const toInputs = (batch: ReturnType<typeof loaded.freshRequests>) => Promise.all(batch.map(async (r) => ({
      r: { ...r, language: r.language ?? 'en' },
      needs: (await sql`select id, member_state, description, priority, thematic_areas from needs where member_state = ${r.memberState} and status = 'open'`).map((n) => ({ id: n.id, memberState: n.member_state, description: n.description, priority: n.priority, thematicAreas: n.thematic_areas })),
      open: (await sql`select x.id, x.member_state, x.title, x.description, x.language, x.thematic_areas, x.analysis from requests x, requests me where me.id = ${r.id}
        and x.member_state = ${r.memberState} and x.status = any(${OPEN_STATUSES as string[]}) and (x.submitted_at, x.id) < (me.submitted_at, me.id)
        order by x.submitted_at desc, x.id desc limit 200`)
        .map((o) => ({ id: o.id, memberState: o.member_state, title: o.title, description: o.description, language: o.language, thematicAreas: o.thematic_areas, ...(o.analysis?.vector ? { stored: o.analysis } : {}) })),
    })));
    /** The engine's CPU time per match on these inputs (this process, user + system, µs resolution). */
    const engineRun = (inputs: Awaited<ReturnType<typeof toInputs>>) => {
      const c0 = process.cpuUsage();
      for (const x of inputs) engine.matchRequest(x.r as never, { now: new Date(), needs: x.needs as never, openRequests: x.open as never });
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000 / inputs.length;
    };
    // 40 requests first, matched before anything is timed (both sides warm, as a worker is after its first jobs).
    const warm = loaded.freshRequests(40);
    await file(warm);
    engineRun(await toInputs(warm));
    // What the worker spends idle (the relay's polls, heartbeats, BullMQ's checks): in every round's figure, in proportion to its wall time.
    const idle0 = cpuMs(worker.pid!);
    const idleT = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const idlePerS = (cpuMs(worker.pid!) - idle0) / (ms(idleT) / 1000);
    const per: { worker: number; main: number; engine: number; ratio: number; wallMs: number; load: number }[] = [];
    for (let k = 0; k < rounds; k++) {
      const batch = loaded.freshRequests(perRound);
      const cpu0 = cpuMs(worker.pid!);
      const main0 = mainThreadCpuMs(worker.pid!);
      const t1 = performance.now();
      await file(batch);
      const wallMs = ms(t1);
      const w = (cpuMs(worker.pid!) - cpu0) / batch.length;
      // The rest of the process's time is its other threads': V8's concurrent marking and parallel scavenging, libuv's pool.
      const main = (mainThreadCpuMs(worker.pid!) - main0) / batch.length;
      const inputs = await toInputs(batch);
      // Twice on the same inputs, averaged (the worker's side is one pass over its batch, but a round of the engine is short).
      const e1 = (engineRun(inputs) + engineRun(inputs)) / 2;
      per.push({ worker: w, main, engine: e1, ratio: w / e1, wallMs, load: loadavg()[0]! });
      log(`    round ${k + 1}/${rounds}: worker ${r2(w)} ms (main thread ${r2(main)}), engine ${r2(e1)} ms → ${r2(w / e1)}×; ${r2(wallMs / batch.length)} ms wall a match; load ${r2(loadavg()[0]!)}`);
    }
    const span = (xs: number[]) => `${r2(Math.min(...xs))}-${r2(Math.max(...xs))}`;
    const ratios = per.map((p) => p.ratio);
    add({
      target: 'worker CPU per match', measured: median(per.map((p) => p.worker)), floor: median(per.map((p) => p.engine)), ratio: median(ratios), goal: '≤ 1.3×, flat', unit: 'ms',
      note: `median of ${rounds} rounds of ${perRound} (worker, then the engine on the same requests): ratio ${span(ratios)}×, worker ${span(per.map((p) => p.worker))} ms, engine ${span(per.map((p) => p.engine))} ms; main thread ${r2(median(per.map((p) => p.main)))} ms; idle worker ${r2(idlePerS)} ms/s, ${r2(median(per.map((p) => p.wallMs / perRound)))} ms wall a match; load ${span(per.map((p) => p.load))}`,
    });
    await stop(worker);
  }
  const done = async () => {
    await handle.close();
    await sql.end();
    return { rows, load: loaded.seconds, sizes: { offerings: plan.offerings, requests: plan.requests, inReview: plan.inReview, matches: NaN } };
  };
  if (parts === 'worker') return done();

  // Re-matching: one changed offering beside one new-request match; a 1,500-offering import on one worker.
  log('re-matching…');
  const newMatch: number[] = [];
  for (const r of loaded.freshRequests(15)) {
    await sql`insert into requests (id, member_state, title, description, language, modalities, urgency, status) values (${r.id}, ${r.memberState}, ${r.title}, ${r.description}, ${r.language ?? 'en'}, ${r.modalities}, ${r.urgency}, 'submitted')`;
    const t = performance.now();
    await services.matching.matchAndRoute(r.id);
    newMatch.push(ms(t));
  }
  const oneChange: number[] = [];
  for (const o of loaded.freshOfferings(15)) {
    const created = await services.offerings.create(PROVIDER(o.providerId), { title: o.title, description: o.description, languages: o.languages, modalities: o.modalities, eligibility: o.eligibility, thematicAreas: o.thematicAreas });
    const t = performance.now();
    await services.matching.reverseMatch('offering', [created.id]);
    oneChange.push(ms(t));
  }
  add({ target: 'one offering change (re-matching job)', measured: median(oneChange), floor: median(newMatch), goal: '≤ 2×', unit: 'ms', note: `p95 ${r2(q(oneChange, 0.95))} ms` });
  const batch = loaded.freshOfferings(1500);
  const byProvider = new Map<string, typeof batch>();
  for (const o of batch) byProvider.set(o.providerId, [...(byProvider.get(o.providerId) ?? []), o]);
  // One provider's import of 1,500 rows (the bulk endpoint's service path), then its one re-matching job.
  const pid = batch[0]!.providerId;
  t0 = performance.now();
  const imported = await services.offerings.importJson(PROVIDER(pid), pid, batch.map((o) => ({ title: o.title, description: o.description, languages: o.languages, modalities: o.modalities, eligibility: o.eligibility, ...(o.thematicAreas.length ? { thematicAreas: o.thematicAreas } : {}) })));
  const importMs = ms(t0);
  const [{ n: rematchable }] = await sql`select count(*)::int as n from requests where status in ('in_review', 'routed')`;
  t0 = performance.now();
  const outcome = await services.matching.reverseMatch('offering', imported.ids);
  const importJob = ms(t0);
  add({ target: '1,500-offering import reflected in proposals (one worker)', measured: importJob / 1000, floor: 60, ratio: importJob / 60_000, goal: '≤ 60 s', unit: 's', note: `${rematchable.toLocaleString('en')} re-matchable requests, ${outcome.candidates.toLocaleString('en')} candidates read, ${outcome.changed.toLocaleString('en')} lists changed, ${outcome.full} full matches; the import itself ${r2(importMs / 1000)} s` });
  if (parts === 'rematch') return done();

  await apiFigures(handle);
  await sql.end();
  const [{ n: matchRows }] = await postgres(url, { max: 1, onnotice: () => {} })`select count(*)::int as n from matches`;
  return { rows, load: loaded.seconds, sizes: { offerings: plan.offerings, requests: plan.requests, inReview: plan.inReview, matches: matchRows } };

  /** The API process: directory search, analytics and the review queue over HTTP, each beside its own SQL run alone. */
  async function apiFigures(handle: DatabaseHandle) {
    log('API: directory, analytics, review queue…');
    const port = await freePort();
    const api = await childProcess('dist/src/server.js', { ...env, PORT: String(port), HOST: '127.0.0.1' }, 'health', port);
    const ctedKey = (await (await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'cted', label: 'bench' }) })).json() as { key: string }).key;
    const rssStart = rssMb(api.pid!);
    const get = async (path: string, key?: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      return body.byteLength;
    };
    const queries = ['financial intelligence unit training', 'port facility security', '金融情报', 'تمويل الإرهاب', 'безопасность границ', 'seguridad de la aviación', 'prévention de la radicalisation', 'border management biometrics'];
    const reference = createReferenceService({ db: handle.db });
    const directory = createDirectoryService({ db: handle.db, reference });
    const dirApi: number[] = []; const dirSql: number[] = [];
    for (const text of queries) {
      const dq = { q: text, includeInactive: false, limit: 20, offset: 0 } as const;
      const built = await directory.pageQuery(dq, new Date());
      if (!built) continue;
      const { sql: stmt, params } = built.query.toSQL();
      const t = await timePair(5, () => get(`/v1/directory/offerings?q=${encodeURIComponent(text)}`), () => sql.unsafe(stmt, params as never[]));
      dirSql.push(...t.floor);
      dirApi.push(...t.measured);
    }
    add({ target: 'directory search p50 (HTTP)', measured: median(dirApi), floor: median(dirSql), goal: '≤ 2×', unit: 'ms', note: `p95 ${r2(q(dirApi, 0.95))} ms, its SQL p95 ${r2(q(dirSql, 0.95))} ms` });

    const analytics = [
      { path: '/v1/analytics/needs-matrix', call: (s: ReturnType<typeof createAnalyticsService>) => s.needsMatrix(CTED, {}) },
      { path: '/v1/analytics/unmatched-needs', call: (s: ReturnType<typeof createAnalyticsService>) => s.unmatchedNeeds(CTED, { limit: 100, offset: 0 }) },
      { path: '/v1/analytics/supply-demand', call: (s: ReturnType<typeof createAnalyticsService>) => s.supplyDemand(CTED, { level: 'region' }) },
      { path: '/v1/analytics/overlaps', call: (s: ReturnType<typeof createAnalyticsService>) => s.overlaps(CTED, {}) },
      { path: '/v1/analytics/timings', call: (s: ReturnType<typeof createAnalyticsService>) => s.timings(CTED, {}) },
      { path: '/v1/analytics/outcomes', call: (s: ReturnType<typeof createAnalyticsService>) => s.outcomes(CTED, {}) },
    ];
    for (const a of analytics) {
      const stmts = await capturedSql(url, (db) => a.call(createAnalyticsService({ db, reference: createReferenceService({ db }) })));
      const replay = () => Promise.all(stmts.map((st) => sql.unsafe(st.query, st.params as never[])));
      let bytes = 0;
      if (a.path === '/v1/analytics/overlaps') {
        // Its floor is not its own SQL (that would be as slow as the endpoint however it is written): reading the rows the
        // answer is made from, every distinct (provider, state, area) cell and the requests accepted by two or more providers.
        const t = await timePair(7, async () => { bytes = await get(a.path, ctedKey); }, () => Promise.all(OVERLAP_ROWS_SQL.map((st) => sql.unsafe(st))));
        const own: number[] = [];
        for (let i = 0; i < 3; i++) { const t1 = performance.now(); await replay(); own.push(ms(t1)); }
        add({ target: `GET ${a.path}`, measured: median(t.measured), floor: median(t.floor), goal: '≤ 2×', unit: 'ms', note: `${Math.round(bytes / 1024)} kB; floor: reading its rows; its own ${stmts.length} statement(s) alone ${r2(median(own))} ms` });
        continue;
      }
      const t = await timePair(7, async () => { bytes = await get(a.path, ctedKey); }, replay);
      add({ target: `GET ${a.path}`, measured: median(t.measured), floor: median(t.floor), goal: '≤ 2×', unit: 'ms', note: `${Math.round(bytes / 1024)} kB; ${stmts.length} statement(s)` });
    }
    const reviewStmts = await capturedSql(url, (db) => createReviewService({ db, reference: createReferenceService({ db }), config: { ENTITY_DUE_DAYS: 14 } }).reviewQueue({ limit: 100 }));
    let reviewBytes = 0;
    const rq = await timePair(9, async () => { reviewBytes = await get('/v1/review/queue', ctedKey); }, () => Promise.all(reviewStmts.map((st) => sql.unsafe(st.query, st.params as never[]))));
    add({ target: 'GET /v1/review/queue, first page', measured: median(rq.measured), floor: median(rq.floor), goal: '≤ 2×', unit: 'ms', note: `${Math.round(reviewBytes / 1024)} kB` });
    const rssAfter = rssMb(api.pid!);
    add({ target: 'API RSS after searches and analytics', measured: rssAfter, floor: 300, ratio: rssAfter / 300, goal: '≤ 300 MB', unit: 'MB', note: `${rssStart} MB at start` });
    await stop(api);
    await handle.close();
  }
}

/**
 * The sizes of the growth table: BENCH_SCALE=quick for a short run on a busy machine (small: its first size only;
 * quick10k: its second only); medium: the full table's 10,000-offering / 100,000-request size only; large: its last only.
 */
export function scalePlans(kind = process.env.BENCH_SCALE ?? 'full'): LoadPlan[] {
  if (kind === 'large') return scalePlans('full').slice(-1);
  if (kind === 'medium') return scalePlans('full').slice(1, 2);
  if (kind === 'quick10k') return scalePlans('quick').slice(1);
  if (kind === 'small') return [{ offerings: 1_000, requests: 10_000, inReview: 1_000, needs: 1_000 }];
  if (kind === 'quick') return [{ offerings: 1_000, requests: 10_000, inReview: 1_000, needs: 1_000 }, { offerings: 10_000, requests: 20_000, inReview: 5_000, needs: 5_000 }];
  return [
    { offerings: 1_000, requests: 10_000, inReview: 2_000, needs: 1_000 },
    { offerings: 10_000, requests: 100_000, inReview: 20_000, needs: 10_000 },
    { offerings: 100_000, requests: 1_000_000, inReview: 20_000, needs: 10_000 },
  ];
}

/** One line per target across the sizes: the ratio to its floor (log-scale x: offerings). */
export function scaleSvg(rows: ScaleRow[]): string {
  const W = 760; const H = 420; const L = 60; const B = 60; const T = 30; const R = 240;
  const sizes = [...new Set(rows.map((r) => r.size))];
  const targets = [...new Set(rows.map((r) => r.target))];
  // Capped at 6×: a ratio above is drawn on the top edge with its value beside it, so one outlier does not flatten the rest.
  const CAP = 6;
  const maxY = Math.min(CAP, Math.max(2.5, ...rows.map((r) => (Number.isFinite(r.ratio) ? r.ratio : 0))) * 1.1);
  const x = (i: number) => L + (sizes.length > 1 ? (i / (sizes.length - 1)) * (W - L - R) : (W - L - R) / 2);
  const y = (v: number) => H - B - (Math.min(v, maxY) / maxY) * (H - B - T);
  const colours = ['#1f5fa8', '#b03a2e', '#1e8449', '#7d3c98', '#ca6f1e', '#117a65', '#5d6d7e', '#a93226', '#2e4053', '#b7950b', '#6c3483', '#148f77', '#d35400'];
  const lines = targets.map((t, k) => {
    const pts = sizes.map((s, i) => ({ i, r: rows.find((row) => row.size === s && row.target === t)?.ratio })).filter((p) => p.r !== undefined && Number.isFinite(p.r));
    const c = colours[k % colours.length];
    return `<path d="${pts.map((p, j) => `${j ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.r!).toFixed(1)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`
      + pts.map((p) => `<circle cx="${x(p.i)}" cy="${y(p.r!)}" r="3.5" fill="${c}"/>${p.r! > maxY ? `<text x="${x(p.i) + 6}" y="${y(p.r!) + 4}" font-size="10" fill="${c}">${p.r}×</text>` : ''}`).join('')
      + `<rect x="${W - R + 10}" y="${T + k * 18}" width="10" height="10" fill="${c}"/><text x="${W - R + 25}" y="${T + k * 18 + 9}" font-size="10">${t.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`;
  }).join('\n');
  const ticks = [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6].filter((v) => v <= maxY);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${(W - R) / 2}" y="18" text-anchor="middle" font-size="14">Each target over its floor (same run) as the history grows</text>
${ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 1 || v === 2 ? '#999' : '#e5e5e5'}"${v === 2 ? ' stroke-dasharray="4 3"' : ''}/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}×</text>`).join('\n')}
${sizes.map((s, i) => `<text x="${x(i)}" y="${H - B + 16}" text-anchor="middle" font-size="10">${s.split(', ')[0]}</text><text x="${x(i)}" y="${H - B + 30}" text-anchor="middle" font-size="10">${s.split(', ')[1]?.split('(')[0]?.trim() ?? ''}</text>`).join('\n')}
${lines}
</svg>
`;
}
