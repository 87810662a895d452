// npx tsx bench/own-translations.ts: writes db/reference/own-translations.json, the terms of the lexicon that
// are the team's own translation (vocabulary.sources.ts ownTranslations), one line per concept and language.
// Run it after adding such a term, and check the diff: a term that an authoritative text in its language
// has should get that text's source code instead (db/reference/VOCABULARY.md).
import { writeFileSync } from 'node:fs';
import { FINE_CONCEPTS } from '../src/matching/concepts.lexicon.js';
import { ownTranslations } from '../src/matching/vocabulary.sources.js';

const COMMENT = "Terms of src/matching/concepts.lexicon.ts that are the OneDoor team's own translation (source kind own-translation: ONEDOOR-TR, or a source with no version in that language; vocabulary.sources.ts sourceIn). No authoritative text in that language was found for them (db/reference/VOCABULARY.md). tests/unit/matching/vocabulary-sources.test.ts keeps this list equal to the lexicon; npx tsx bench/own-translations.ts rewrites it.";

const own = ownTranslations(FINE_CONCEPTS);
const concepts = Object.keys(own).sort();
const lines = ['{', `  "$comment": ${JSON.stringify(COMMENT)},`];
concepts.forEach((c, i) => {
  const langs = Object.entries(own[c]!);
  lines.push(`  ${JSON.stringify(c)}: {`);
  langs.forEach(([l, terms], j) => lines.push(`    ${JSON.stringify(l)}: ${JSON.stringify(terms).replace(/","/g, '", "')}${j < langs.length - 1 ? ',' : ''}`));
  lines.push(`  }${i < concepts.length - 1 ? ',' : ''}`);
});
lines.push('}');
writeFileSync(new URL('../db/reference/own-translations.json', import.meta.url), `${lines.join('\n')}\n`);
console.log(`${concepts.reduce((n, c) => n + Object.values(own[c]!).reduce((a, t) => a + t!.length, 0), 0)} own translations in ${concepts.length} concepts`);
