/**
 * `npm run screening:load -- <file or URL> [--force]`: loads the UN Security Council Consolidated
 * List into a running OneDoor. The file is sent to the server's admin API, never written to the
 * database from here: the embedded database (PGlite) may be opened by one process only, and the
 * server then re-screens everyone and records who loaded what.
 *
 * Environment: ONEDOOR_URL (default http://127.0.0.1:$PORT, PORT default 3000) and ADMIN_API_KEY
 * (the key `npm start` prints, or the one set for production).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

const USAGE = `Usage: npm run screening:load -- <consolidated.xml or URL> [--force]
  e.g.  ADMIN_API_KEY=od_admin_... npm run screening:load -- https://scsanctions.un.org/resources/xml/en/consolidated.xml
  ONEDOOR_URL  the running OneDoor (default http://127.0.0.1:$PORT, PORT default 3000)
  --force      load a file older than the list already loaded`;

function fail(message: string): never {
  process.stderr.write(`screening:load: ${message}\n`);
  process.exit(1);
}

async function readSource(src: string): Promise<{ xml: string; name: string }> {
  if (/^https?:\/\//i.test(src)) {
    let res: Response;
    try {
      res = await fetch(src, { headers: { accept: 'application/xml' }, signal: AbortSignal.timeout(120_000) });
    } catch (err) {
      fail(`could not download ${src}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!res.ok) fail(`downloading ${src} answered HTTP ${res.status}`);
    return { xml: await res.text(), name: src };
  }
  try {
    return { xml: await readFile(src, 'utf8'), name: basename(src) };
  } catch (err) {
    fail(`could not read ${src}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const force = argv.includes('--force');
  const args = argv.filter((a) => a !== '--force');
  if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') fail(`expected one file or URL\n${USAGE}`);
  const key = process.env.ADMIN_API_KEY;
  if (!key) fail(`set ADMIN_API_KEY to the admin key (npm start prints one when it is not set)\n${USAGE}`);
  const server = (process.env.ONEDOOR_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
  const { xml, name } = await readSource(args[0]);
  process.stdout.write(`read ${name} (${(Buffer.byteLength(xml) / 1024).toFixed(0)} KiB); sending it to ${server}\n`);
  const url = `${server}/v1/admin/screening/list?source=${encodeURIComponent(name)}${force ? '&force=true' : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' }, body: xml, signal: AbortSignal.timeout(300_000) });
  } catch (err) {
    fail(`OneDoor does not answer at ${server} (${err instanceof Error ? err.message : String(err)}); start it (npm start) or set ONEDOOR_URL`);
  }
  const body = await res.json().catch(() => null) as Record<string, unknown> | null;
  if (res.status === 200 || res.status === 201) {
    const b = body as { unchanged: boolean; individuals: number; entities: number; dateGenerated: string | null; added: number; removed: number };
    process.stdout.write(b.unchanged
      ? `unchanged: this file is the list already loaded (dateGenerated ${b.dateGenerated ?? 'not stated'})\n`
      : `loaded: ${b.individuals} individuals, ${b.entities} entities, dateGenerated ${b.dateGenerated ?? 'not stated'}; ${b.added} entries added, ${b.removed} removed; re-screening has started\n`);
    return;
  }
  const error = (body?.error ?? {}) as { message?: string; details?: { path: string; message: string }[] };
  const details = (error.details ?? []).slice(0, 20).map((d) => `\n  ${d.path}: ${d.message}`).join('');
  fail(`not loaded (HTTP ${res.status}): ${error.message ?? 'no answer'}${details}`);
}

await main(process.argv.slice(2));
