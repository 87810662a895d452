// Exports (issue 17): 100k requests to CSV and XLSX through the export service, each run in a fresh
// child process that samples its own RSS and heap; beside it, the floor: the same rows read page by
// page from the list service and thrown away (what the export costs over just reading).
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../db/client.js';
import { migrateAndSeed } from '../db/migrate.js';
import { loadConfig } from '../src/config.js';
import { InProcessQueueDriver } from '../src/queue/in-process.driver.js';
import { createServices } from '../src/services.js';
import { i18n } from '../src/web/i18n/index.js';
import type { Principal } from '../src/plugins/auth.plugin.js';
import { byCursor, EXPORT_PAGE } from '../src/modules/exports/export-lists.js';

export interface ExportRow { rows: number; format: string; seconds: number; megabytes: number; rssStartMb: number; rssPeakMb: number; rssGrowthMb: number; heapPeakGrowthMb: number; heapRetainedMb: number }

const CTED: Principal = { keyId: null, role: 'cted', memberState: null, providerId: null, entity: null, label: 'bench', userId: null, organisationId: null, memberRole: null };
/** Every child runs with this old-space cap: 100k rows exporting under the cap 10k rows need is what flat means. */
export const HEAP_CAP_MB = 160;
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

/** Loads `n` requests (six languages' titles, areas, states) straight into a migrated database. */
export async function loadRequests(url: string, n: number): Promise<void> {
  const handle = await openDatabase({ url, poolMax: 2 });
  await migrateAndSeed(handle, url);
  await handle.close();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`
    insert into requests (member_state, title, description, language, thematic_areas, urgency, confidentiality, status, submitted_at)
    select s.iso3,
           (array['Training of financial intelligence analysts', 'Formation des analystes du renseignement financier', 'Capacitación de analistas', 'Подготовка аналитиков', 'تدريب المحللين', '培训金融情报分析员'])[1 + g % 6] || ' #' || g,
           'Request ' || g || ' for the export benchmark: support to draft guidance and train officials.',
           (array['en', 'fr', 'es', 'ru', 'ar', 'zh'])[1 + g % 6],
           array[(select code from thematic_areas order by code offset (g % 20) limit 1)],
           (array['low', 'normal', 'high'])[1 + g % 3], (array['public', 'task_force', 'restricted'])[1 + g % 3],
           (array['submitted', 'in_review', 'routed', 'completed'])[1 + g % 4],
           now() - (g || ' minutes')::interval
    from generate_series(1, ${n}) g
    join lateral (select iso3 from member_states order by iso3 offset (g % 190) limit 1) s on true`);
  await sql.end();
}

/** One measurement, in this process: the export (or the floor) of the whole requests list, RSS sampled every 20 ms. */
async function measure(url: string, format: 'csv' | 'xlsx' | 'read', lang: 'fr'): Promise<Omit<ExportRow, 'format'>> {
  const handle = await openDatabase({ url, poolMax: 2 });
  const services = createServices({ db: handle.db, query: handle.query, queue: new InProcessQueueDriver(), config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }) });
  await services.reference.get();
  global.gc?.();
  const start = process.memoryUsage();
  let peakRss = start.rss; let peakHeap = start.heapUsed;
  const timer = setInterval(() => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); }, 20);
  const t0 = performance.now();
  let bytes = 0; let rows = 0;
  if (format === 'read') {
    for await (const batch of byCursor((cursor) => services.requests.list(CTED, { limit: EXPORT_PAGE, cursor }))) rows += batch.length;
  } else {
    const out = await services.exports.open(CTED, 'requests', { format, columns: [], query: {}, i: i18n(lang) });
    await pipeline(out.body, new Writable({ write(chunk: Buffer | string, _enc, cb) { bytes += Buffer.byteLength(chunk); cb(); } }));
    rows = (await handle.query('select count(*)::int as n from requests', []))[0]?.n as number;
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  global.gc?.();
  const retained = process.memoryUsage().heapUsed - start.heapUsed;
  await handle.close();
  return { rows, seconds: Math.round(seconds * 100) / 100, megabytes: mb(bytes), rssStartMb: mb(start.rss), rssPeakMb: mb(peakRss), rssGrowthMb: mb(peakRss - start.rss), heapPeakGrowthMb: mb(peakHeap - start.heapUsed), heapRetainedMb: mb(retained) };
}

/** Runs each format in a child process of its own (a clean heap each), on `sizes` requests. */
export async function runExportBench(adminUrl: string, sizes = [10_000, 100_000]): Promise<ExportRow[]> {
  const out: ExportRow[] = [];
  for (const size of sizes) {
    const name = `onedoor_bench_export_${size}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    const u = new URL(adminUrl); u.pathname = `/${name}`;
    await loadRequests(u.toString(), size);
    for (const format of ['read', 'csv', 'xlsx'] as const) {
      const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', fileURLToPath(import.meta.url), 'child', u.toString(), format], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      if (code !== 0) throw new Error(`export bench child failed (${code}): ${text}`);
      out.push({ format: format === 'read' ? 'floor: read only' : format, ...(JSON.parse(text.trim().split('\n').pop()!) as Omit<ExportRow, 'format'>) });
    }
  }
  return out;
}

if (process.argv[2] === 'child') {
  const r = await measure(process.argv[3]!, process.argv[4] as 'csv' | 'xlsx' | 'read', 'fr');
  console.log(JSON.stringify(r));
  process.exit(0);
}
