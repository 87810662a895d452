/* global process, console */
// `npm start` and `npm run worker`: run the compiled JavaScript in dist/ (production never compiles
// TypeScript at start; tsx is for development: npm run dev). On a machine where dist/ is missing or
// older than the sources (a fresh clone, an edit), it is built first, so `npm install && npm start`
// works anywhere.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry) { console.error('usage: node scripts/run.mjs <src/server|workers/main>'); process.exit(2); }
const compiled = join(root, 'dist', `${entry}.js`);
const stamp = join(root, 'dist', '.built');

/** The newest modification time among the sources the build reads. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src', 'workers', 'db']) walk(join(root, d));
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package.json']) if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

const built = existsSync(compiled) && existsSync(stamp);
let stale = !built;
if (built && existsSync(join(root, 'src'))) stale = newestSource() > statSync(stamp).mtimeMs;
if (stale) {
  let canBuild = true;
  try { (await import('node:module')).createRequire(import.meta.url).resolve('typescript/bin/tsc'); } catch { canBuild = false; }
  if (canBuild) {
    console.error(built ? 'The sources changed since the last build: building (npm run build)…' : 'No build yet: building (npm run build)…');
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  } else if (!built) {
    console.error('dist/ is missing and TypeScript is not installed: run `npm install` then `npm run build`.');
    process.exit(1);
  } else {
    console.error('The sources look newer than dist/, but TypeScript is not installed: running the existing build.');
  }
}
await import(pathToFileURL(compiled).href);
