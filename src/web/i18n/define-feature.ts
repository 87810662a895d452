/** The interface text of one feature in the six languages; the English keys are the ones every other language must give. */
export type FeatureCatalogue<K extends string> = Record<'en' | 'fr' | 'es' | 'ru' | 'ar' | 'zh', Record<K, string>>;

/**
 * Declares a feature's catalogue: `en` sets the keys, each other language must give exactly those
 * (the type checker refuses a missing or an extra key). Features keep their text in files of their
 * own under i18n/features/, so work on one feature never edits another's catalogue.
 */
export function defineFeature<const E extends Record<string, string>>(
  en: E,
  others: Record<'fr' | 'es' | 'ru' | 'ar' | 'zh', Record<keyof E, string>>,
): FeatureCatalogue<keyof E & string> {
  return { en, ...others } as FeatureCatalogue<keyof E & string>;
}
