import type { FeatureCatalogue } from './define-feature.js';
import { paging } from './features/paging.js';
import { engine } from './features/engine.js';
import { lifecycle } from './features/lifecycle.js';
import { entitiesText } from './features/entities.js';
import { explainText } from './features/explain.js';
import { formsText } from './features/forms.js';
import { importsText } from './features/imports.js';
import { pictureText } from './features/picture.js';
import { screening } from './features/screening.js';
import { talk } from './features/talk.js';
import { security } from './features/security.js';
import { notify } from './features/notify.js';
import { people } from './features/people.js';

/**
 * Every feature catalogue (i18n/features/<feature>.ts, made with defineFeature); their keys join the
 * core catalogue's (en.ts) in MessageKey. Add a feature by importing it and listing it here.
 */
export const FEATURES = [lifecycle, screening, security, formsText, importsText, pictureText, explainText, entitiesText, talk, paging, engine, people, notify] as const satisfies readonly FeatureCatalogue<string>[];

type KeysOf<F> = F extends FeatureCatalogue<infer K> ? K : never;
/** The keys the feature catalogues add. */
export type FeatureKey = KeysOf<(typeof FEATURES)[number]>;
