// Splitting precision and recall on the labelled splitter fixture (tests/fixtures/parts/requests.json):
// which requests the engine cut into parts, and whether the parts' areas are the labelled ones, main first.
// Run: npx tsx bench/parts-eval.ts (prints every miss). The catalogue is realistic set 3's.
// Beside it, the requests of the eval sets that may be looked at (SEEN_SETS, mostly real public texts):
// the ones labelled whole must stay whole, the ones labelled in parts must be split.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createMatcher } from '../src/matching/matcher.js';
import type { Lang } from '../src/matching/types.js';
import { load, runEngine, toOffering, type EvalSetName } from './eval.js';

interface PartsItem { key: string; lang: Lang; source: string; title: string; description: string; parts: string[] }

export interface SplitOutcome { key: string; lang: Lang; want: string[]; got: string[]; entities: (string | null)[] }

export function runSplitting(): { outcomes: SplitOutcome[]; precision: number; recall: number; exact: number; splitP: number; splitR: number } {
  const fx = JSON.parse(readFileSync(new URL('../tests/fixtures/parts/requests.json', import.meta.url), 'utf8')) as { requests: PartsItem[] };
  const data = load('real3');
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  const matcher = createMatcher({ areas: data.areas, states: data.states });
  for (const o of data.offerings) matcher.addOffering(toOffering(o, providers));
  const now = new Date('2026-11-29T00:00:00Z');
  const outcomes = fx.requests.map((r): SplitOutcome => {
    const res = matcher.matchRequest({
      id: r.key, memberState: 'KEN', title: r.title, description: r.description, language: r.lang,
      thematicAreas: [], modalities: [], urgency: 'normal', submittedAt: now,
    }, { now });
    return { key: r.key, lang: r.lang, want: r.parts, got: res.parts.map((p) => p.thematicAreas[0]?.code ?? '-'), entities: res.parts.map((p) => p.routing.entity) };
  });
  const same = (o: SplitOutcome) => o.got.length === o.want.length && o.got.every((a, i) => a === o.want[i]);
  const predicted = outcomes.filter((o) => o.got.length >= 2);
  const expected = outcomes.filter((o) => o.want.length >= 2);
  const right = predicted.filter((o) => o.want.length >= 2 && same(o)).length;
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    outcomes,
    // A predicted split counts only when its parts' areas are the labelled ones, in order.
    precision: ratio(right, predicted.length),
    recall: ratio(right, expected.length),
    exact: ratio(outcomes.filter(same).length, outcomes.length),
    // Split or not, whatever the parts' areas.
    splitP: ratio(predicted.filter((o) => o.want.length >= 2).length, predicted.length),
    splitR: ratio(expected.filter((o) => o.got.length >= 2).length, expected.length),
  };
}

// The eval sets whose requests may be looked at (never the held-out ones).
export const SEEN_SETS: readonly EvalSetName[] = ['dev', 'real', 'native', 'native-stress', 'real3'];

export interface SeenSplit { set: string; key: string; want: number; got: (string | null)[] }

/** The splitter on the seen eval sets: every request's labelled number of parts (0: whole) beside the parts it got. */
export function runSeenSplitting(): { outcomes: SeenSplit[]; wrongSplits: SeenSplit[]; missedSplits: SeenSplit[] } {
  const outcomes: SeenSplit[] = [];
  for (const set of SEEN_SETS) {
    const data = load(set);
    const want = new Map(data.requests.map((r) => [r.key, r.expected.parts?.length ?? 0]));
    for (const o of runEngine(data).outcomes) outcomes.push({ set, key: o.key, want: want.get(o.key) ?? 0, got: o.parts.map((p) => p.area) });
  }
  return {
    outcomes,
    wrongSplits: outcomes.filter((o) => o.want === 0 && o.got.length > 0),
    missedSplits: outcomes.filter((o) => o.want >= 2 && o.got.length !== o.want),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = runSplitting();
  const f = (x: number) => x.toFixed(2);
  console.log(`splitting: precision ${f(r.precision)} recall ${f(r.recall)} (areas in order); split/no-split precision ${f(r.splitP)} recall ${f(r.splitR)}; exact ${f(r.exact)} of ${r.outcomes.length}`);
  for (const lang of ['en', 'fr', 'es', 'ru', 'ar', 'zh']) {
    const o = r.outcomes.filter((x) => x.lang === lang);
    const ok = o.filter((x) => x.got.join('+') === x.want.join('+')).length;
    console.log(`  ${lang}: ${ok}/${o.length}`);
  }
  for (const o of r.outcomes) if (o.got.join('+') !== o.want.join('+')) console.log(`- ${o.key}: ${o.got.join(' + ') || 'one part'} vs ${o.want.join(' + ') || 'one part'}`);
  const seen = runSeenSplitting();
  const inParts = seen.outcomes.filter((o) => o.want >= 2).length;
  console.log(`seen eval sets (${SEEN_SETS.join(', ')}): ${seen.outcomes.length - inParts} whole requests, ${seen.wrongSplits.length} split; ${inParts} in parts, ${seen.missedSplits.length} not split as labelled`);
  for (const o of [...seen.wrongSplits, ...seen.missedSplits]) console.log(`- ${o.set}/${o.key}: ${o.got.join(' + ') || 'one part'} vs ${o.want || 'one'} part(s)`);
}
