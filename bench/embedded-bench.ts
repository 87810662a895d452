// The embedded default (npm start on a bare machine: PGlite and the in-process queue in one process):
// filing throughput while the same process matches a backlog, beside filing when no job runs.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuMs, ensureBuilt, freePort, PRODUCTION_ENV, rssMb } from './scale-bench.js';
import { generator } from './matching-bench.js';
import { loadReferenceData } from '../db/reference/index.js';
import type { Lang, StateGeo, ThematicAreaRef } from '../src/matching/types.js';

const ADMIN = 'bench-admin-key-0123456789abcdef';
/** The server's port: a free one, chosen at the start of the run (another run may be on this machine). */
let PORT = 0;

export interface EmbeddedRow { run: string; rps: number; p50: number; p99: number; non2xx: number; matchedDuring: number; backlogAtStart: number; backlogLeft: number; process: string }

function server(dataDir: string, worker: boolean): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF_DIR=<dir> writes a CPU profile of the server with jobs when it exits.
    const prof = worker && process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    const c = fork('dist/src/server.js', [], {
      execArgv: prof,
      env: { ...process.env, ...PRODUCTION_ENV, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN, RATE_LIMIT_PER_MINUTE: '100000000', EMBEDDED_WORKER: String(worker), DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    c.once('exit', (code) => reject(new Error(`embedded server exited with ${code}`)));
    const poll = async () => {
      for (;;) {
        try { if ((await fetch(`http://127.0.0.1:${PORT}/health`)).ok) { resolve(c); return; } } catch { /* starting */ }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    void poll();
  });
}
const stop = (c: ChildProcess) => new Promise<void>((resolve) => { if (c.exitCode !== null) return resolve(); c.removeAllListeners('exit'); c.once('exit', () => resolve()); c.kill('SIGTERM'); });
const api = async (path: string, key: string, body: unknown) => {
  const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};

/**
 * One data directory, two runs of the compiled server on it: first with no jobs (EMBEDDED_WORKER=false),
 * filing for `seconds` (the idle figure, and a backlog of unmatched requests in the outbox); then with
 * jobs, filing for `seconds` again while the process matches that backlog and re-matches a bulk import.
 */
export async function runEmbeddedBench(opts: { offerings?: number; seconds?: number; connections?: number } = {}): Promise<{ rows: EmbeddedRow[]; ratio: number }> {
  ensureBuilt();
  PORT = await freePort();
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-embedded-bench-'));
  const ref = loadReferenceData();
  const areas: ThematicAreaRef[] = ref.thematicAreas.map((a) => ({ code: a.code, pillar: a.pillar, names: a.names as Record<Lang, string>, entities: a.entities, terms: a.terms as Record<Lang, string[]>, dacCodes: a.dacCodes }));
  const states: StateGeo[] = ref.memberStates.map((s) => ({ iso3: s.iso3, region: s.region, subRegion: s.subRegion, intermediateRegion: s.intermediateRegion }));
  const gen = generator(areas, states, 29);
  const rows: EmbeddedRow[] = [];
  const body = (i: number) => { const r = gen.request(i); return JSON.stringify({ title: r.title.slice(0, 290) || `Request ${i}`, description: `${r.description} (${i})`.slice(0, 19_000), language: r.language ?? 'en' }); };
  const bodies = Array.from({ length: 500 }, (_, i) => body(i));
  let k = 0;
  const load = async (key: string) => {
    const r = await autocannon({
      url: `http://127.0.0.1:${PORT}/v1/requests`, method: 'POST', connections, duration: seconds,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[k++ % bodies.length] }) }],
    } as never);
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
  };
  let s: ChildProcess | undefined;
  try {
    s = await server(dir, false);
    const prov = await api('/v1/providers', ADMIN, { name: 'Bench provider', kind: 'international_org' });
    const pkey = (await api('/v1/api-keys', ADMIN, { role: 'provider', label: 'bench', providerId: prov.id })).key;
    const skey = (await api('/v1/api-keys', ADMIN, { role: 'member_state', label: 'bench', memberState: 'KEN' })).key;
    const n = opts.offerings ?? 1_000;
    for (let i = 0; i < n; i += 500) {
      await api('/v1/offerings/bulk', pkey, Array.from({ length: Math.min(500, n - i) }, (_, j) => { const o = gen.offering(i + j); return { title: o.title.slice(0, 290) || `Offering ${i + j}`, description: o.description, languages: o.languages, modalities: o.modalities }; }));
    }
    const idle = await load(skey);
    rows.push({ run: 'filing, no job running (EMBEDDED_WORKER=false)', ...idle, matchedDuring: 0, backlogAtStart: 0, backlogLeft: 0, process: '' });
    await stop(s);

    // The same data, now with jobs: the filings above wait in the outbox, unmatched, with the import's re-matching.
    s = await server(dir, true);
    // Filing is measured once matching is under way (the index built, the backlog being worked through).
    for (let i = 0; i < 600 && (await matchedCount(skey)) === 0; i++) await new Promise((r) => setTimeout(r, 500));
    const matchedBefore = await matchedCount(skey);
    const cpu0 = cpuMs(s.pid!);
    const busy = await load(skey);
    const cpu = cpuMs(s.pid!) - cpu0;
    const matchedAfter = await matchedCount(skey);
    const backlogLeft = await submittedCount(skey);
    rows.push({ run: 'filing while the same process matches (EMBEDDED_WORKER=true)', ...busy, matchedDuring: matchedAfter - matchedBefore, backlogAtStart: Math.round(idle.rps * seconds), backlogLeft, process: `CPU ${Math.round(cpu / 10 / seconds)}% of one core, RSS ${rssMb(s.pid!)} MB` });
  } finally {
    if (s) await stop(s);
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, ratio: rows[1]!.rps / rows[0]!.rps };
}

/** Requests of the bench state still waiting to be matched (status submitted). */
async function submittedCount(key: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  for (let page = 0; page < 400; page++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/requests?limit=200&status=submitted${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
    n += body.items.length;
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return n;
}

/** Requests of the bench state that are matched (matchedAt set), counted from the state's own list, newest first. */
async function matchedCount(key: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  for (let page = 0; page < 400; page++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/requests?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { items: { matchedAt: string | null }[]; nextCursor: string | null };
    n += body.items.filter((r) => r.matchedAt !== null).length;
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return n;
}
