import { fork, type ChildProcess } from 'node:child_process';
import postgres from 'postgres';

export interface LatencyRow { rate: number; seconds: number; filed: number; refused: number; matched: number; p50: number; p95: number; p99: number; max: number }

const ADMIN = 'bench-admin-key-0123456789abcdef';
const TOPICS = [
  ['Strengthening our financial intelligence unit', 'Our FIU receives few suspicious transaction reports from banks. We ask for training of analysts on terrorist financing typologies.'],
  ['Port facility security assessments', 'We need help to carry out ISPS Code port facility security assessments and train port facility security officers.'],
  ['Machine-readable passports and PKD', 'Our passports are not yet machine readable; we ask for advice on ICAO Doc 9303 and joining the ICAO PKD.'],
  ['Counter-terrorism legislation review', 'Assistance to review our counter-terrorism law against the universal instruments and to ratify the remaining conventions.'],
] as const;

function child(script: string, args: string[], env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF_DIR=<dir> writes a CPU profile of each child (the API and the worker) when it exits.
    const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    const c = fork(script, args, { execArgv: ['--import', 'tsx', ...prof], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const t = setTimeout(() => resolve(c), 8000);
    c.once('message', () => { clearTimeout(t); resolve(c); });
    c.once('exit', (code) => { clearTimeout(t); reject(new Error(`${script} exited with ${code}`)); });
  });
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

/** Files requests at a fixed rate through the API and measures submission → matchedAt with a separate worker process. */
export async function runLatencyBench(opts: { dbUrl: string; redisUrl: string; rate?: number; seconds?: number; offerings?: number }): Promise<LatencyRow> {
  const rate = opts.rate ?? 50;
  const seconds = opts.seconds ?? 20;
  const env = { DATABASE_URL: opts.dbUrl, REDIS_URL: opts.redisUrl, ADMIN_API_KEY: ADMIN, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '10000000', QUEUE_PREFIX: 'odbench', OUTBOX_POLL_MS: '50', AUTO_ROUTE_CONFIDENCE: '0.85' };
  const api = await child('bench/intake-server.ts', ['onedoor', '3903', opts.dbUrl, opts.redisUrl], {});
  const worker = await child('workers/main.ts', [], env);
  const sql = postgres(opts.dbUrl, { max: 2, onnotice: () => {} });
  try {
    const post = (path: string, key: string, body: unknown) => fetch(`http://127.0.0.1:3903${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const prov = await post('/v1/providers', ADMIN, { name: 'Bench provider', kind: 'international_org' });
    const pkey = (await post('/v1/api-keys', ADMIN, { role: 'provider', label: 'bench', providerId: prov.id })).key;
    const items = Array.from({ length: opts.offerings ?? 200 }, (_, i) => ({ title: `${TOPICS[i % 4][0]} (${i})`, description: TOPICS[i % 4][1], languages: ['en'] }));
    for (let i = 0; i < items.length; i += 500) await post('/v1/offerings/bulk', pkey, items.slice(i, i + 500));
    // Requests come from many states, as they would: duplicate detection looks at a state's own open requests.
    const STATES = ['KEN', 'SEN', 'MLI', 'NER', 'NGA', 'GHA', 'ETH', 'UGA', 'TZA', 'SOM', 'KAZ', 'KGZ', 'TJK', 'UZB', 'PAK', 'BGD', 'IDN', 'PHL', 'MYS', 'THA', 'PER', 'COL', 'MEX', 'GTM', 'HND', 'JOR', 'IRQ', 'LBN', 'EGY', 'TUN', 'MAR', 'DZA', 'LBY', 'YEM', 'FJI', 'PNG', 'UKR', 'MDA', 'ARM', 'GEO'];
    const skeys: string[] = [];
    for (const st of STATES) {
      const made = await post('/v1/api-keys', ADMIN, { role: 'member_state', label: 'bench', memberState: st });
      if (typeof made?.key !== 'string') throw new Error(`latency bench: no key for ${st}: ${JSON.stringify(made).slice(0, 300)}`);
      skeys.push(made.key);
    }
    await new Promise((r) => setTimeout(r, 2000)); // let reverse matching of the catalogue settle

    const ids: string[] = [];
    const refused: string[] = []; // answers without an id: counted and shown, never passed to SQL
    const started = Date.now();
    const total = rate * seconds;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [title, description] = TOPICS[i % 4];
      inflight.push(post('/v1/requests', skeys[i % skeys.length], { title, description: `${description} (${i})`, language: 'en' }).then((r) => {
        if (typeof r?.id === 'string') ids.push(r.id);
        else refused.push(JSON.stringify(r).slice(0, 300));
      }));
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 60_000;
    let rows: { ms: number | null }[] = [];
    while (Date.now() < deadline) {
      rows = await sql`select extract(epoch from (matched_at - submitted_at)) * 1000 as ms from requests where id = any(${ids})`;
      if (rows.every((r) => r.ms !== null)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const lat = rows.map((r) => Number(r.ms)).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (refused.length) console.error(`latency bench: ${refused.length} filings refused, first: ${refused[0]}`);
    return { rate, seconds, filed: ids.length, refused: refused.length, matched: lat.length, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: lat.at(-1) ?? NaN };
  } finally {
    await sql.end();
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}
