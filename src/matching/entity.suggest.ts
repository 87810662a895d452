import { normalizeForSubstring } from './text.normalize.js';

/** What suggestEntity needs of an entity: its code, names and the acronyms it goes by in each language. */
export interface EntityNames {
  code: string;
  name: string;
  nameZh?: string;
  shortNameZh?: string;
  aliases?: readonly string[];
}

// Acronyms of Task Force entities in the other UN languages (UNTERM), so "ONUDC Sahel" or "МАГАТЭ"
// suggest their entity too.
const ACRONYMS: Record<string, readonly string[]> = {
  UNODC: ['UNODC', 'ONUDC', 'УНП ООН'], IAEA: ['IAEA', 'AIEA', 'OIEA', 'МАГАТЭ'], ICAO: ['ICAO', 'OACI', 'ИКАО'],
  IMO: ['IMO', 'OMI', 'ИМО'], WCO: ['WCO', 'OMD', 'OMA', 'ВТамО'], OPCW: ['OPCW', 'OIAC', 'OPAQ', 'ОЗХО'],
  INTERPOL: ['INTERPOL', 'Интерпол'], UNICRI: ['UNICRI'], UNODA: ['UNODA', 'ODA', 'УВР'], OHCHR: ['OHCHR', 'HCDH', 'ACNUDH', 'УВКПЧ'],
  UNDP: ['UNDP', 'PNUD', 'ПРООН'], UNESCO: ['UNESCO', 'ЮНЕСКО'], WHO: ['WHO', 'OMS', 'ВОЗ'], IMF: ['IMF', 'FMI', 'МВФ'],
  'WORLD-BANK': ['World Bank', 'Banque mondiale', 'Banco Mundial', 'Всемирный банк'], CTED: ['CTED', 'DECT'],
  '1267-MT': ['Monitoring Team'], '1540-EXPERTS': ['1540'], DPKO: ['DPKO'], DPA: ['DPA'], DPI: ['DPI'], DSS: ['DSS'], OLA: ['OLA'],
  EOSG: ['EOSG'], 'SR-HRCT': ['Special Rapporteur'],
};

/**
 * The Task Force entity a provider's name most likely refers to (for the admin to confirm), or null:
 * a full name or Chinese name contained in it wins over an acronym; acronyms must stand as words.
 */
export function suggestEntity(providerName: string, entities: readonly EntityNames[]): string | null {
  const hay = normalizeForSubstring(providerName);
  const words = new Set(providerName.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}-]+/u).filter(Boolean));
  let best: { code: string; weight: number } | null = null;
  const consider = (code: string, weight: number) => { if (!best || weight > best.weight || (weight === best.weight && code < best.code)) best = { code, weight }; };
  for (const e of [...entities].sort((a, b) => a.code.localeCompare(b.code))) {
    for (const full of [e.name, e.nameZh, e.shortNameZh].filter((x): x is string => !!x)) {
      const needle = normalizeForSubstring(full);
      if (needle.length >= 4 && hay.includes(needle)) consider(e.code, 2 + needle.length / 1000);
    }
    for (const a of [...(ACRONYMS[e.code] ?? [e.code]), ...(e.aliases ?? [])]) {
      const w = a.normalize('NFKC').toLowerCase();
      if (w.includes(' ') ? hay.includes(normalizeForSubstring(a)) : words.has(w)) consider(e.code, 1 + w.length / 1000);
    }
  }
  return (best as { code: string } | null)?.code ?? null;
}
