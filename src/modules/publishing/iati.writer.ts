import { XMLBuilder } from 'fast-xml-parser';
import { currencyExponent, minorUnitsToDecimal } from '../offerings/money.js';

/** One brokered piece of assistance as it is published: an accepted (or delivered) match, with what both sides consented to show. */
export interface PublishedActivity {
  matchId: string;
  /** The provider's IATI organisation identifier (reporting-org/@ref); OneDoor's own stand-in when it has none. */
  orgRef: string;
  providerName: string;
  /** IATI OrganisationType code (10 government, 21 international NGO, 40 multilateral, 70 private sector). */
  orgType: string;
  title: string;
  description: string;
  language: string;
  recipientIso2: string;
  /** DAC 5-digit purpose codes (sector vocabulary 1), from the thematic areas' own codes. */
  dacCodes: string[];
  /** IATI ActivityStatus: 2 implementation, 4 closed. */
  status: '2' | '4';
  plannedStart: string | null; plannedEnd: string | null;
  actualStart: string; actualEnd: string | null;
  budget: { amount: number; currency: string } | null;
  lastUpdated: string;
}

const day = (iso: string) => iso.slice(0, 10);

/** Shares of 100 with two decimals that add up to exactly 100 (IATI wants the sector percentages to sum to 100). */
function shares(n: number): string[] {
  const cents = Math.floor(10_000 / n);
  return Array.from({ length: n }, (_, k) => ((k === 0 ? 10_000 - cents * (n - 1) : cents) / 100).toFixed(2));
}

const narrative = (text: string, lang?: string) => ({ narrative: { ...(lang ? { '@_xml:lang': lang } : {}), '#text': text } });

/** An IATI 2.03 iati-activity element (its children in the schema's order). */
function activityNode(a: PublishedActivity) {
  const dates = [
    ...(a.plannedStart ? [{ '@_type': '1', '@_iso-date': day(a.plannedStart) }] : []),
    { '@_type': '2', '@_iso-date': day(a.actualStart) },
    ...(a.plannedEnd ? [{ '@_type': '3', '@_iso-date': day(a.plannedEnd) }] : []),
    ...(a.actualEnd ? [{ '@_type': '4', '@_iso-date': day(a.actualEnd) }] : []),
  ];
  const pct = shares(Math.max(1, a.dacCodes.length));
  const budgetStart = a.plannedStart ?? a.actualStart;
  const budgetEnd = a.plannedEnd ?? a.actualEnd;
  return {
    '@_last-updated-datetime': a.lastUpdated, '@_xml:lang': a.language, ...(a.budget ? { '@_default-currency': a.budget.currency } : {}), '@_hierarchy': '1',
    'iati-identifier': `${a.orgRef}-${a.matchId}`,
    'reporting-org': { '@_ref': a.orgRef, '@_type': a.orgType, ...narrative(a.providerName) },
    title: narrative(a.title),
    description: { '@_type': '1', ...narrative(a.description) },
    'participating-org': [
      { '@_ref': a.orgRef, '@_role': '1', '@_type': a.orgType, ...narrative(a.providerName) },
      { '@_ref': a.orgRef, '@_role': '4', '@_type': a.orgType, ...narrative(a.providerName) },
    ],
    'activity-status': { '@_code': a.status },
    'activity-date': dates,
    'activity-scope': { '@_code': '4' },
    'recipient-country': { '@_code': a.recipientIso2, '@_percentage': '100' },
    ...(a.dacCodes.length ? { sector: a.dacCodes.map((code, k) => ({ '@_vocabulary': '1', '@_code': code, '@_percentage': pct[k] })) } : {}),
    ...(a.budget && budgetEnd && budgetEnd >= budgetStart ? {
      budget: {
        '@_type': '1', '@_status': '1',
        'period-start': { '@_iso-date': day(budgetStart) }, 'period-end': { '@_iso-date': day(budgetEnd) },
        value: { '@_currency': a.budget.currency, '@_value-date': day(budgetStart), '#text': minorUnitsToDecimal(a.budget.amount, currencyExponent(a.budget.currency)) },
      },
    } : {}),
  };
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, processEntities: true });

/**
 * An IATI 2.03 `iati-activities` file (fast-xml-parser's builder escapes the text). IATI requires at
 * least one activity: with none the answer is null, and the caller says there is nothing to publish.
 */
export function iatiActivitiesXml(activities: readonly PublishedActivity[], generatedAt: Date): string | null {
  if (!activities.length) return null;
  const body = builder.build({
    'iati-activities': { '@_version': '2.03', '@_generated-datetime': generatedAt.toISOString(), 'iati-activity': activities.map(activityNode) },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
