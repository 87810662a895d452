import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
const sixLanguages = <T extends z.ZodType>(v: T) => z.object({ en: v, fr: v, es: v, ru: v, ar: v, zh: v });

export const M49RegionRow = z.object({
  code: z.string().regex(/^\d{3}$/),
  name: z.string().min(1),
  level: z.enum(['world', 'region', 'subRegion', 'intermediateRegion']),
  parent: z.string().nullable(),
  names: sixLanguages(z.string().min(1)),
});
export const MemberStateRow = z.object({
  iso3: z.string().regex(/^[A-Z]{3}$/),
  iso2: z.string().regex(/^[A-Z]{2}$/),
  m49: z.string().regex(/^\d{3}$/),
  name: z.string().min(1),
  region: z.string().regex(/^\d{3}$/),
  subRegion: z.string().regex(/^\d{3}$/),
  intermediateRegion: z.string().regex(/^\d{3}$/).nullable(),
  names: sixLanguages(z.string().min(1)),
});
export const EntityRow = z.object({
  code: z.string().regex(/^[A-Z0-9-]{2,20}$/),
  name: z.string().min(3),
  nameZh: z.string().optional(),
  names: sixLanguages(z.string().min(3)),
  /** The entity that replaced this one; the old code stays valid as its alias. */
  successor: z.string().optional(),
  kind: z.string().min(1),
  inAnnexEntityList: z.boolean().optional(),
  paragraphs: z.array(z.number().int()).default([]),
}).passthrough();
export const WorkingGroupRow = z.object({
  code: z.string().min(2),
  name: z.string().min(3),
  nameZh: z.string().optional(),
  leads: z.array(z.string()).min(1),
  members: z.array(z.string()).min(1),
  otherPartners: z.array(z.string()).default([]),
  paragraphs: z.array(z.number().int()).default([]),
}).passthrough();
export const ThematicAreaRow = z.object({
  code: z.string().regex(/^[a-z0-9_]+$/),
  pillar: z.enum(['I', 'II', 'III', 'IV']),
  names: sixLanguages(z.string().min(1)),
  entities: z.array(z.string()).min(1),
  paragraphs: z.array(z.number().int()).min(1),
  provenance: z.string().min(1),
  dacCodes: z.array(z.string().regex(/^\d{5}$/)).min(1),
  terms: sixLanguages(z.array(z.string().min(1)).min(1)),
  description: z.string().min(1),
});

export type M49Region = z.infer<typeof M49RegionRow>;
export type MemberStateRef = z.infer<typeof MemberStateRow>;
export type EntityRef = z.infer<typeof EntityRow>;
export type WorkingGroupRef = z.infer<typeof WorkingGroupRow>;
export type ThematicAreaData = z.infer<typeof ThematicAreaRow>;

export interface ReferenceData {
  m49Regions: M49Region[];
  memberStates: MemberStateRef[];
  entities: EntityRef[];
  workingGroups: WorkingGroupRef[];
  thematicAreas: ThematicAreaData[];
  /** SHA-256 over the files, so a database knows whether it holds this version. */
  hash: string;
}

export const REFERENCE_LANGS = LANGS;
const FILES = {
  m49Regions: 'm49-regions.json',
  memberStates: 'member-states.json',
  entities: 'entities.json',
  workingGroups: 'working-groups.json',
  thematicAreas: 'thematic-areas.json',
} as const;

let cached: ReferenceData | undefined;

/** Reads and validates the reference data shipped under db/reference/ (cached per process). */
export function loadReferenceData(): ReferenceData {
  if (cached) return cached;
  const hash = createHash('sha256');
  const read = (file: string): unknown => {
    const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    hash.update(file).update(text);
    return JSON.parse(text);
  };
  const parse = <T extends z.ZodType>(schema: T, file: string): z.infer<T>[] => {
    const result = z.array(schema).safeParse(read(file));
    if (!result.success) {
      const first = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`db/reference/${file} is invalid: ${first}`);
    }
    return result.data;
  };
  const data = {
    m49Regions: parse(M49RegionRow, FILES.m49Regions),
    memberStates: parse(MemberStateRow, FILES.memberStates),
    entities: parse(EntityRow, FILES.entities),
    workingGroups: parse(WorkingGroupRow, FILES.workingGroups),
    thematicAreas: parse(ThematicAreaRow, FILES.thematicAreas),
  };
  cached = { ...data, hash: hash.digest('hex') };
  return cached;
}
