import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import {
  dbMeta, entities, m49Regions, memberStates, thematicAreaEntities, thematicAreas, workingGroupMembers,
} from '../../../db/schema/index.js';

type Lang6 = 'en' | 'fr' | 'es' | 'ru' | 'ar' | 'zh';
export type SixNames = Record<Lang6, string>;

export interface EntityView {
  code: string; name: string; names: SixNames; workingGroups: string[];
  /** The code that replaced this one (its alias now), else null. */
  successor: string | null;
  /** Codes that answer as aliases of this entity (DPKO for DPO). */
  aliases: string[];
  kind: string;
}
export interface AreaView {
  code: string; pillar: string; names: SixNames; entities: string[];
  dacCodes: string[]; paragraphs: number[]; terms: Record<string, string[]>;
}
export interface StateView {
  iso3: string; iso2: string; name: string; names: SixNames; m49Region: string; m49SubRegion: string; m49IntermediateRegion: string | null;
}
export interface RegionView { code: string; name: string; names: SixNames; level: string; parent: string | null }
export interface ReferenceSnapshot {
  /** Every entity, superseded ones included (their codes stay valid). */
  entities: EntityView[];
  /** The entities of today (no successor): what pickers offer. */
  currentEntities: EntityView[];
  entityByCode: Map<string, EntityView>;
  areas: AreaView[];
  states: StateView[];
  regions: RegionView[];
  stateByIso3: Map<string, StateView>;
  regionByCode: Map<string, RegionView>;
  areaByCode: Map<string, AreaView>;
  /** Every entity code that is accepted, aliases included. */
  entityCodes: Set<string>;
  /** Every M49 code that places at least one member state (region, sub-region or intermediate). */
  regionCodes: Set<string>;
  /** OECD DAC CRS purpose code → thematic area (an area's first code wins over others' secondary codes). */
  dacToArea: Map<string, string>;
  iso2ToIso3: Map<string, string>;
  /** The current code an entity code answers as (an alias resolves to its successor); null when unknown. */
  canonicalEntity(code: string): string | null;
}

/** How often a process looks whether an admin elsewhere changed the entities (one tiny read). */
const RECHECK_MS = 10_000;
export const ENTITIES_VERSION_KEY = 'entities_version';

function dacMap(areas: { code: string; dacCodes: string[] }[]): Map<string, string> {
  const out = new Map<string, string>();
  const depth = Math.max(0, ...areas.map((a) => a.dacCodes.length));
  for (let i = 0; i < depth; i++) {
    for (const a of areas) if (a.dacCodes[i] && !out.has(a.dacCodes[i])) out.set(a.dacCodes[i], a.code);
  }
  return out;
}

const sixNames = (names: Partial<SixNames> | null | undefined, en: string): SixNames => ({
  en: names?.en || en, fr: names?.fr || names?.en || en, es: names?.es || names?.en || en,
  ru: names?.ru || names?.en || en, ar: names?.ar || names?.en || en, zh: names?.zh || names?.en || en,
});

/**
 * Reference data as loaded into the database; read once per process. Entities can change at run time
 * (an admin adds or renames one): the change bumps a version row, which every process checks now and then.
 */
export function createReferenceService(deps: { db: Db; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let snapshot: Promise<ReferenceSnapshot> | undefined;
  let version: string | null = null;
  let checkedAt = 0;
  let checking: Promise<void> | undefined;

  const readVersion = async () => (await deps.db.select({ value: dbMeta.value }).from(dbMeta).where(eq(dbMeta.key, ENTITIES_VERSION_KEY)))[0]?.value ?? null;

  async function load(): Promise<ReferenceSnapshot> {
    const [ents, wgm, areas, areaEnts, states, regions, v] = await Promise.all([
      deps.db.select().from(entities).orderBy(asc(entities.code)),
      deps.db.select().from(workingGroupMembers).orderBy(asc(workingGroupMembers.workingGroupCode)),
      deps.db.select().from(thematicAreas).orderBy(asc(thematicAreas.position)),
      deps.db.select().from(thematicAreaEntities).orderBy(asc(thematicAreaEntities.rank)),
      deps.db.select().from(memberStates).orderBy(asc(memberStates.iso3)),
      deps.db.select().from(m49Regions).orderBy(asc(m49Regions.code)),
      readVersion(),
    ]);
    version = v;
    checkedAt = now();
    const successorOf = new Map(ents.filter((e) => e.successor).map((e) => [e.code, e.successor!]));
    const canonical = (code: string): string | null => {
      if (!ents.some((e) => e.code === code)) return null;
      let c = code;
      for (let i = 0; i < 20 && successorOf.has(c); i++) c = successorOf.get(c)!;
      return c;
    };
    const entityViews: EntityView[] = ents.map((e) => ({
      code: e.code, name: e.name, names: sixNames(e.names, e.name), kind: e.kind, successor: e.successor,
      aliases: ents.filter((x) => x.code !== e.code && x.successor && canonical(x.code) === e.code).map((x) => x.code),
      workingGroups: wgm.filter((m) => m.entityCode === e.code).map((m) => m.workingGroupCode),
    }));
    const areaViews = areas.map((a) => ({
      code: a.code, pillar: a.pillar, names: a.names as AreaView['names'], dacCodes: a.dacCodes, paragraphs: a.paragraphs, terms: a.terms,
      entities: areaEnts.filter((x) => x.areaCode === a.code).map((x) => x.entityCode),
    }));
    const stateViews = states.map((s) => ({
      iso3: s.iso3, iso2: s.iso2, name: s.name, names: sixNames(s.names, s.name),
      m49Region: s.region, m49SubRegion: s.subRegion, m49IntermediateRegion: s.intermediateRegion,
    }));
    const regionViews = regions.map((r) => ({ code: r.code, name: r.name, names: sixNames(r.names, r.name), level: r.level, parent: r.parentCode }));
    return {
      entities: entityViews,
      currentEntities: entityViews.filter((e) => !e.successor),
      entityByCode: new Map(entityViews.map((e) => [e.code, e])),
      areas: areaViews, states: stateViews, regions: regionViews,
      stateByIso3: new Map(stateViews.map((s) => [s.iso3, s])),
      regionByCode: new Map(regionViews.map((r) => [r.code, r])),
      areaByCode: new Map(areaViews.map((a) => [a.code, a])),
      entityCodes: new Set(entityViews.map((e) => e.code)),
      dacToArea: dacMap(areaViews),
      iso2ToIso3: new Map(stateViews.map((s) => [s.iso2, s.iso3])),
      regionCodes: new Set(stateViews.flatMap((s) => [s.m49Region, s.m49SubRegion, s.m49IntermediateRegion].filter((x): x is string => !!x))),
      canonicalEntity: canonical,
    };
  }

  /** Drops the snapshot when another process changed the entities (checked at most every RECHECK_MS, in the background). */
  function recheck() {
    if (checking || now() - checkedAt < RECHECK_MS) return;
    checkedAt = now();
    checking = readVersion().then((v) => { if (v !== version) snapshot = undefined; })
      .catch(() => { /* the next call tries again */ })
      .finally(() => { checking = undefined; });
  }

  return {
    /** The whole reference snapshot (memoised; a failed load is retried next call). */
    get(): Promise<ReferenceSnapshot> {
      if (snapshot) recheck();
      snapshot ??= load().catch((err) => { snapshot = undefined; throw err; });
      return snapshot;
    },
    /** Forgets the snapshot (after this process changed the entities). */
    invalidate(): void { snapshot = undefined; },
  };
}
export type ReferenceService = ReturnType<typeof createReferenceService>;
