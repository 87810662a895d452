import { asc } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import {
  entities, memberStates, thematicAreaEntities, thematicAreas, workingGroupMembers,
} from '../../../db/schema/index.js';

export interface EntityView { code: string; name: string; nameZh?: string | null; workingGroups: string[] }
export interface AreaView {
  code: string; pillar: string; names: Record<'en' | 'fr' | 'es' | 'ru' | 'ar' | 'zh', string>; entities: string[];
  dacCodes: string[]; paragraphs: number[]; terms: Record<string, string[]>;
}
export interface StateView {
  iso3: string; iso2: string; name: string; m49Region: string; m49SubRegion: string; m49IntermediateRegion: string | null;
}
export interface ReferenceSnapshot {
  entities: EntityView[];
  areas: AreaView[];
  states: StateView[];
  stateByIso3: Map<string, StateView>;
  areaByCode: Map<string, AreaView>;
  entityCodes: Set<string>;
  /** Every M49 code that places at least one member state (region, sub-region or intermediate). */
  regionCodes: Set<string>;
  /** OECD DAC CRS purpose code → thematic area (an area's first code wins over others' secondary codes). */
  dacToArea: Map<string, string>;
  iso2ToIso3: Map<string, string>;
}

function dacMap(areas: { code: string; dacCodes: string[] }[]): Map<string, string> {
  const out = new Map<string, string>();
  const depth = Math.max(0, ...areas.map((a) => a.dacCodes.length));
  for (let i = 0; i < depth; i++) {
    for (const a of areas) if (a.dacCodes[i] && !out.has(a.dacCodes[i])) out.set(a.dacCodes[i], a.code);
  }
  return out;
}

/** Reference data as loaded into the database; read once per process (it changes only with a deploy). */
export function createReferenceService(deps: { db: Db }) {
  let snapshot: Promise<ReferenceSnapshot> | undefined;

  async function load(): Promise<ReferenceSnapshot> {
    const [ents, wgm, areas, areaEnts, states] = await Promise.all([
      deps.db.select().from(entities).orderBy(asc(entities.code)),
      deps.db.select().from(workingGroupMembers).orderBy(asc(workingGroupMembers.workingGroupCode)),
      deps.db.select().from(thematicAreas).orderBy(asc(thematicAreas.position)),
      deps.db.select().from(thematicAreaEntities).orderBy(asc(thematicAreaEntities.rank)),
      deps.db.select().from(memberStates).orderBy(asc(memberStates.iso3)),
    ]);
    const entityViews = ents.map((e) => ({
      code: e.code, name: e.name, nameZh: e.nameZh,
      workingGroups: wgm.filter((m) => m.entityCode === e.code).map((m) => m.workingGroupCode),
    }));
    const areaViews = areas.map((a) => ({
      code: a.code, pillar: a.pillar, names: a.names as AreaView['names'], dacCodes: a.dacCodes, paragraphs: a.paragraphs, terms: a.terms,
      entities: areaEnts.filter((x) => x.areaCode === a.code).map((x) => x.entityCode),
    }));
    const stateViews = states.map((s) => ({
      iso3: s.iso3, iso2: s.iso2, name: s.name, m49Region: s.region, m49SubRegion: s.subRegion, m49IntermediateRegion: s.intermediateRegion,
    }));
    return {
      entities: entityViews, areas: areaViews, states: stateViews,
      stateByIso3: new Map(stateViews.map((s) => [s.iso3, s])),
      areaByCode: new Map(areaViews.map((a) => [a.code, a])),
      entityCodes: new Set(entityViews.map((e) => e.code)),
      dacToArea: dacMap(areaViews),
      iso2ToIso3: new Map(stateViews.map((s) => [s.iso2, s.iso3])),
      regionCodes: new Set(stateViews.flatMap((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x))),
    };
  }

  return {
    /** The whole reference snapshot (memoised; a failed load is retried next call). */
    get(): Promise<ReferenceSnapshot> {
      snapshot ??= load().catch((err) => { snapshot = undefined; throw err; });
      return snapshot;
    },
  };
}
export type ReferenceService = ReturnType<typeof createReferenceService>;
