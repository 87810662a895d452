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
import { factorsText } from './features/factors.js';
import { ssoText } from './features/sso.js';
import { exportsText } from './features/exports.js';
import { profilesText } from './features/profiles.js';
import { printText } from './features/print.js';
import { directoryPagesText } from './features/directory-pages.js';
import { publishingText } from './features/publishing.js';
import { mailText } from './features/mail.js';
import { accessText } from './features/access.js';

/**
 * Every feature catalogue (i18n/features/<feature>.ts, made with defineFeature); their keys join the
 * core catalogue's (en.ts) in MessageKey. Add a feature by importing it and listing it here.
 */
export const FEATURES = [
  lifecycle,
  screening,
  security,
  formsText,
  importsText,
  pictureText,
  explainText,
  entitiesText,
  talk,
  paging,
  engine,
  people,
  factorsText,
  ssoText,
  exportsText,
  profilesText,
  printText,
  directoryPagesText,
  publishingText,
  notify,
  mailText,
  accessText,
] as const satisfies readonly FeatureCatalogue<string>[];

type KeysOf<F> = F extends FeatureCatalogue<infer K> ? K : never;
/** The keys the feature catalogues add. */
export type FeatureKey = KeysOf<(typeof FEATURES)[number]>;
