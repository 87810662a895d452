import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { remapSupersededCodes } from './entity-aliases.js';
import { loadReferenceData } from './reference/index.js';
import {
  dbMeta, entities, m49Regions, memberStates, thematicAreaEntities, thematicAreas, workingGroupMembers, workingGroups,
} from './schema/index.js';

const excluded = (col: string) => sql.raw(`excluded.${col}`);

/** Loads db/reference into the database; a no-op when the same version is already there. */
export async function seedReferenceData(db: Db): Promise<{ changed: boolean; hash: string }> {
  const ref = loadReferenceData();
  const [current] = await db.select().from(dbMeta).where(eq(dbMeta.key, 'reference_hash'));
  if (current?.value === ref.hash) return { changed: false, hash: ref.hash };

  await db.transaction(async (tx) => {
    await tx.insert(m49Regions)
      .values(ref.m49Regions.map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent, names: r.names })))
      .onConflictDoUpdate({ target: m49Regions.code, set: { name: excluded('name'), level: excluded('level'), parentCode: excluded('parent_code'), names: excluded('names') } });
    await tx.insert(memberStates).values(ref.memberStates.map((s) => ({
      iso3: s.iso3, iso2: s.iso2, m49: s.m49, name: s.name, names: s.names,
      region: s.region, subRegion: s.subRegion, intermediateRegion: s.intermediateRegion,
    }))).onConflictDoUpdate({
      target: memberStates.iso3,
      set: {
        iso2: excluded('iso2'), m49: excluded('m49'), name: excluded('name'), region: excluded('region'),
        subRegion: excluded('sub_region'), intermediateRegion: excluded('intermediate_region'), names: excluded('names'),
      },
    });
    // Names an admin has changed since (edited_at set) are theirs: a reference reload leaves them.
    const unlessEdited = (col: string) => sql.raw(`case when entities.edited_at is null then excluded.${col} else entities.${col} end`);
    await tx.insert(entities).values(ref.entities.map((e) => ({
      code: e.code, name: e.name, nameZh: e.nameZh ?? null, names: e.names, kind: e.kind, paragraphs: e.paragraphs,
      successor: e.successor ?? null, origin: 'reference',
    }))).onConflictDoUpdate({
      target: entities.code,
      set: {
        name: unlessEdited('name'), nameZh: unlessEdited('name_zh'), names: unlessEdited('names'),
        kind: excluded('kind'), paragraphs: excluded('paragraphs'), successor: excluded('successor'), origin: excluded('origin'),
      },
    });
    await tx.insert(workingGroups).values(ref.workingGroups.map((w) => ({
      code: w.code, name: w.name, nameZh: w.nameZh ?? null, otherPartners: w.otherPartners, paragraphs: w.paragraphs,
    }))).onConflictDoUpdate({
      target: workingGroups.code,
      set: { name: excluded('name'), nameZh: excluded('name_zh'), otherPartners: excluded('other_partners'), paragraphs: excluded('paragraphs') },
    });
    await tx.delete(workingGroupMembers);
    await tx.insert(workingGroupMembers).values(ref.workingGroups.flatMap((w) => w.members.map((m, i) => ({
      workingGroupCode: w.code, entityCode: m, isLead: w.leads.includes(m), position: i + 1,
    }))));
    await tx.insert(thematicAreas).values(ref.thematicAreas.map((a, i) => ({
      code: a.code, pillar: a.pillar, position: i + 1, names: a.names, terms: a.terms, dacCodes: a.dacCodes,
      paragraphs: a.paragraphs, provenance: a.provenance, description: a.description,
    }))).onConflictDoUpdate({
      target: thematicAreas.code,
      set: {
        pillar: excluded('pillar'), position: excluded('position'), names: excluded('names'), terms: excluded('terms'),
        dacCodes: excluded('dac_codes'), paragraphs: excluded('paragraphs'), provenance: excluded('provenance'),
        description: excluded('description'),
      },
    });
    await tx.delete(thematicAreaEntities);
    // Areas are routed to today's entity: the report's DPKO answers as DPO (its code stays an alias).
    const successorOf = new Map(ref.entities.filter((e) => e.successor).map((e) => [e.code, e.successor!]));
    const current = (code: string): string => {
      let c = code;
      for (let i = 0; i < 20 && successorOf.has(c); i++) c = successorOf.get(c)!;
      return c;
    };
    await tx.insert(thematicAreaEntities).values(ref.thematicAreas.flatMap((a) => [...new Set(a.entities.map(current))].map((e, i) => ({
      areaCode: a.code, entityCode: e, rank: i + 1,
    }))));
    await remapSupersededCodes(tx);
    await tx.insert(dbMeta).values({ key: 'reference_hash', value: ref.hash })
      .onConflictDoUpdate({ target: dbMeta.key, set: { value: ref.hash } });
  });
  return { changed: true, hash: ref.hash };
}
