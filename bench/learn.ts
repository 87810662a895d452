// npm run learn — the learning loop's offline side (src/modules/learning, src/matching/learning.ts).
//
//   npm run learn -- --fit [--note "..."]   fit a model from every decision example in the database
//                                           (DATABASE_URL, else the PGlite store under DATA_DIR), print
//                                           every eval set's figures before and after it, and keep it as a
//                                           candidate with those figures. Changes no matching.
//   npm run learn -- --apply <model id>     make it the active model (audited, with who and when); every
//                                           matcher applies it at its next job
//   npm run learn -- --retire               back to the shipped behaviour (audited)
//   npm run learn -- --list                 the models and their status
//   npm run learn -- --replay               no database: on every eval set, simulated decisions on the first
//                                           half, a model fitted from them, the second half before and after
//                                           (bench/replay.ts), also with a provider that does not deliver
//
// With the embedded default, PGlite allows one process per data directory: stop `npm start` first, or
// use the admin API (POST /v1/admin/learning/models, …/:id/apply).
import { userInfo } from 'node:os';
import { openDatabase } from '../db/client.js';
import type { LearnedModel } from '../src/matching/learning.js';
import { createLearningService } from '../src/modules/learning/learning.service.js';
import type { Principal } from '../src/plugins/auth.plugin.js';
import { EVAL_SETS, langOfKey, load, runEngine, score, type EvalSetName } from './eval.js';
import { replay, withPhantomProvider } from './replay.js';

const f2 = (x: number) => x.toFixed(2);

/** Routing and MRR of every eval set, overall and per language, without and with a model. */
export function figures(model: LearnedModel): Record<string, { n: number; before: { routing: number; mrr: number }; after: { routing: number; mrr: number }; byLanguage: Record<string, { before: [number, number]; after: [number, number] }> }> {
  const out: ReturnType<typeof figures> = {};
  for (const set of Object.keys(EVAL_SETS) as EvalSetName[]) {
    const data = load(set);
    const a = runEngine(data).outcomes;
    const b = runEngine(data, { learned: model }).outcomes;
    const sa = score(data, a), sb = score(data, b);
    const byLanguage: (typeof out)[string]['byLanguage'] = {};
    for (const lang of ['en', 'fr', 'es', 'ru', 'ar', 'zh']) {
      const keys = new Set(a.filter((o) => langOfKey(o.key) === lang).map((o) => o.key));
      if (keys.size === 0) continue;
      const la = score(data, a, keys), lb = score(data, b, keys);
      byLanguage[lang] = { before: [la.routing, la.mrr], after: [lb.routing, lb.mrr] };
    }
    out[set] = { n: sa.n, before: { routing: sa.routing, mrr: sa.mrr }, after: { routing: sb.routing, mrr: sb.mrr }, byLanguage };
  }
  return out;
}

function printFigures(fig: ReturnType<typeof figures>): void {
  console.log('| set | n | routing before → after | MRR before → after | per language routing/MRR before → after |');
  console.log('|---|---:|---|---|---|');
  for (const [set, x] of Object.entries(fig)) {
    const langs = Object.entries(x.byLanguage).map(([l, v]) => `${l} ${f2(v.before[0])}/${f2(v.before[1])} → ${f2(v.after[0])}/${f2(v.after[1])}`).join('; ');
    console.log(`| ${set} | ${x.n} | ${f2(x.before.routing)} → ${f2(x.after.routing)} | ${f2(x.before.mrr)} → ${f2(x.after.mrr)} | ${langs} |`);
  }
}

function printReplay(): void {
  console.log('# Replay: decisions on the first half of each set, second half before → after');
  console.log('| set | first / second half | examples | pairs | routing before → after | MRR before → after |');
  console.log('|---|---|---:|---:|---|---|');
  const row = (label: string, r: ReturnType<typeof replay>) =>
    console.log(`| ${label} | ${r.firstHalf} / ${r.secondHalf} | ${r.examples} | ${r.model.basis.pairs} | ${f2(r.before.routing)} → ${f2(r.after.routing)} | ${r.before.mrr.toFixed(3)} → ${r.after.mrr.toFixed(3)} |`);
  for (const set of Object.keys(EVAL_SETS) as EvalSetName[]) row(set, replay(load(set)));
  for (const set of Object.keys(EVAL_SETS) as EvalSetName[]) row(`${set} + provider that does not deliver`, replay(withPhantomProvider(load(set))));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  if (argv.includes('--replay')) { printReplay(); return; }
  const cmd = ['--fit', '--apply', '--retire', '--list'].find((c) => argv.includes(c));
  if (!cmd) {
    console.error('usage: npm run learn -- --fit [--note text] | --apply <model id> [--note text] | --retire | --list | --replay');
    process.exitCode = 2;
    return;
  }
  const url = process.env.DATABASE_URL || undefined;
  const handle = await openDatabase({ url, dataDir: process.env.DATA_DIR ?? './data' });
  const learning = createLearningService({ db: handle.db });
  const who: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: `cli:${userInfo().username}`, userId: null, organisationId: null, memberRole: null };
  try {
    if (cmd === '--list') {
      for (const m of await learning.list()) console.log(`${m.id}  ${m.status.padEnd(9)}  ${m.examples} examples  fitted ${m.fittedAt} by ${m.fittedBy}${m.appliedAt ? `  applied ${m.appliedAt} by ${m.appliedBy}` : ''}`);
    } else if (cmd === '--fit') {
      const summary = await learning.summary();
      console.log(`# Fitting from ${summary.total} examples: ${JSON.stringify(summary.byKind)}`);
      const model = await learning.fit();
      console.log(`model ${model.version}: ${JSON.stringify(model.basis)}`);
      console.log(`routing corrections: ${JSON.stringify(model.routingCorrections)}`);
      console.log(`weights: ${model.weights ? JSON.stringify(model.weights) : 'shipped (too few approved-over-rejected pairs to refit)'}`);
      const fig = figures(model);
      console.log('\n# Eval sets before → after this model (preferences and acceptance are about the database\'s offerings; weights and corrections act on the eval sets too)');
      printFigures(fig);
      const stored = await learning.store(who, model, fig, arg('--note'));
      console.log(`\nkept as ${stored.status} ${stored.id}; apply it with: npm run learn -- --apply ${stored.id}`);
    } else if (cmd === '--apply') {
      const id = arg('--apply');
      if (!id) throw new Error('--apply needs a model id (npm run learn -- --list)');
      const m = await learning.apply(who, id, arg('--note'));
      console.log(`${m.id} is active (applied ${m.appliedAt} by ${m.appliedBy})`);
    } else {
      const r = await learning.retire(who, arg('--note'));
      console.log(`retired ${r.retired}; matching uses the shipped behaviour`);
    }
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; });
}
