import type { FeatureCatalogue } from './define-feature.js';
import { engine } from './features/engine.js';

/**
 * Every feature catalogue (i18n/features/<feature>.ts, made with defineFeature); their keys join the
 * core catalogue's (en.ts) in MessageKey. Add a feature by importing it and listing it here.
 */
export const FEATURES = [engine] as const satisfies readonly FeatureCatalogue<string>[];

type KeysOf<F> = F extends FeatureCatalogue<infer K> ? K : never;
/** The keys the feature catalogues add. */
export type FeatureKey = KeysOf<(typeof FEATURES)[number]>;
