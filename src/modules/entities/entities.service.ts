import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { remapSupersededCodes } from '../../../db/entity-aliases.js';
import { dbMeta, entities } from '../../../db/schema/index.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import { ENTITIES_VERSION_KEY, type ReferenceService } from '../reference/reference.service.js';
import type { CreateEntityBody, UpdateEntityBody } from './entities.schemas.js';

/**
 * Task Force entities an admin maintains at run time: add one (optionally replacing old codes), rename
 * one, or record its successor. No migration: the rows change, every process sees the new version.
 */
export function createEntitiesService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;

  async function bumpVersion(tx: Parameters<Parameters<Db['transaction']>[0]>[0]) {
    const v = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await tx.insert(dbMeta).values({ key: ENTITIES_VERSION_KEY, value: v }).onConflictDoUpdate({ target: dbMeta.key, set: { value: v } });
  }

  /** Refuses a successor that is unknown, superseded itself, or would make a cycle. */
  async function checkSuccessor(code: string, successor: string) {
    const ref = await deps.reference.get();
    if (successor === code) throw badRequest('An entity cannot succeed itself.', [{ path: 'successor', message: 'must be another entity' }]);
    const target = ref.entityByCode.get(successor);
    if (!target) throw badRequest('Unknown entity.', [{ path: 'successor', message: `"${successor}" is not an entity code` }]);
    if (target.successor) throw badRequest('The successor is itself superseded.', [{ path: 'successor', message: `"${successor}" answers as ${ref.canonicalEntity(successor)}; name that one` }]);
  }

  return {
    async list() {
      return (await deps.reference.get()).entities;
    },

    async create(p: Principal, body: CreateEntityBody) {
      const ref = await deps.reference.get();
      if (ref.entityByCode.has(body.code)) throw conflict('entity_exists', `The entity code ${body.code} is taken.`);
      const replaces = [...new Set(body.replaces ?? [])];
      const problems = replaces.filter((c) => !ref.entityByCode.has(c)).map((c) => ({ path: 'replaces', message: `"${c}" is not an entity code` }));
      if (problems.length) throw badRequest('Unknown entity.', problems);
      await db.transaction(async (tx) => {
        await tx.insert(entities).values({
          code: body.code, name: body.names.en, nameZh: body.names.zh ?? null, names: body.names, kind: body.kind,
          origin: 'admin', editedAt: new Date(),
        });
        if (replaces.length) {
          await tx.update(entities).set({ successor: body.code, editedAt: new Date() }).where(inArray(entities.code, replaces));
          await remapSupersededCodes(tx);
        }
        await bumpVersion(tx);
        await recordChange(tx, p, { action: 'entity.create', targetType: 'entity', targetId: body.code, summary: { names: body.names, replaces } });
      });
      deps.reference.invalidate();
      return (await deps.reference.get()).entityByCode.get(body.code)!;
    },

    async update(p: Principal, code: string, patch: UpdateEntityBody) {
      const [row] = await db.select().from(entities).where(eq(entities.code, code));
      if (!row) throw notFound('Entity');
      if (patch.successor) await checkSuccessor(code, patch.successor);
      const names = patch.names ? { ...row.names, ...Object.fromEntries(Object.entries(patch.names).filter(([, v]) => v)) } : row.names;
      await db.transaction(async (tx) => {
        await tx.update(entities).set({
          names, name: names.en ?? row.name, nameZh: names.zh ?? row.nameZh,
          ...(patch.kind ? { kind: patch.kind } : {}),
          ...(patch.successor !== undefined ? { successor: patch.successor } : {}),
          editedAt: new Date(),
        }).where(eq(entities.code, code));
        if (patch.successor) await remapSupersededCodes(tx);
        await bumpVersion(tx);
        await recordChange(tx, p, { action: 'entity.update', targetType: 'entity', targetId: code, summary: { before: { names: row.names, successor: row.successor }, after: { names, successor: patch.successor ?? row.successor } } });
      });
      deps.reference.invalidate();
      return (await deps.reference.get()).entityByCode.get(code)!;
    },
  };
}
export type EntitiesService = ReturnType<typeof createEntitiesService>;
