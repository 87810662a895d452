/* global process */
// npm run build: compiles src, workers and db to JavaScript in dist/ (what `npm start` and `npm run worker`
// run), then copies what the code reads at run time beside it: migrations, reference data, static web files.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
const copy = (from, to, filter = () => true) => cpSync(join(root, from), join(root, 'dist', to), { recursive: true, filter: (src) => filter(src) });
copy('db/migrations', 'db/migrations');
mkdirSync(join(root, 'dist/db/reference'), { recursive: true });
for (const f of readdirSync(join(root, 'db/reference'))) if (f.endsWith('.json')) copy(`db/reference/${f}`, `db/reference/${f}`);
copy('src/web/static', 'src/web/static');
copy('src/modules/people/common-passwords.txt', 'src/modules/people/common-passwords.txt');
// The time of the build, which `npm start` compares with the sources (scripts/run.mjs).
writeFileSync(join(root, 'dist/.built'), new Date().toISOString());
