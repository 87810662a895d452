import { load, toOffering, toRequest } from '/work/wt/lang/bench/eval.js';
import { createMatcher } from '/work/wt/lang/src/matching/matcher.js';
import { ConceptTagger, areaConcepts } from '/work/wt/lang/src/matching/concepts.tagger.js';
import { FINE_CONCEPTS } from '/work/wt/lang/src/matching/concepts.lexicon.js';
import { profileText } from '/work/wt/lang/src/matching/classify.js';
import { detectLanguage } from '/work/wt/lang/src/matching/language.detect.js';
import { analyze } from '/work/wt/lang/src/matching/text.normalize.js';
const set = process.argv[2] as 'native-stress';
const keys = process.argv.slice(3);
const data = load(set);
const providers = new Map(data.providers.map((p) => [p.key, p]));
const m = createMatcher({ areas: data.areas, states: data.states });
for (const o of data.offerings) m.addOffering(toOffering(o, providers));
const tagger = new ConceptTagger([...areaConcepts(data.areas), ...FINE_CONCEPTS]);
for (const [i, r] of data.requests.entries()) {
  if (!keys.includes(r.key)) continue;
  const lang = r.body.language ?? detectLanguage(`${r.body.title}\n${r.body.description}`);
  const p = profileText(tagger, r.body.title, r.body.description, lang);
  console.log('##', r.key, lang, 'expected', r.expected.area, r.expected.entity, r.expected.offerings.join(','));
  console.log(' tokens', analyze(r.body.title + ' ' + r.body.description, lang).join(' '));
  console.log(' fine', [...p.fine].map(([c, v]) => `${c}=${v}`).join(' '));
  console.log(' tags', [...p.tags].map(([c, v]) => `${c}=${v.toFixed(2)}`).join(' '));
  const res = m.matchRequest(toRequest(r, i, data.requests.length), { now: new Date('2026-11-29T00:00:00Z'), needs: [], openRequests: [] });
  console.log(' areas', res.thematicAreas.slice(0, 4).map((a) => `${a.code}=${a.score}`).join(' '));
  console.log(' routing', JSON.stringify(res.routing), 'triage', JSON.stringify(res.triage?.reason));
  for (const x of res.matches.slice(0, 4)) console.log('  ', x.offeringId, x.score.toFixed(3), JSON.stringify(x.explanation.components));
}
