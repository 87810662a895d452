import { and, asc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { apiKeys, offerings, organisations, providers } from '../../../db/schema/index.js';
import { badRequest, notFound } from '../../errors.js';
import { generateApiKey, type KeyLookup, type Principal, type Role } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { suggestEntity } from '../../matching/entity.suggest.js';
import type { CreateApiKeyBody, CreateProviderBody, UpdateProviderBody } from './admin.schemas.js';
import { keysChanged } from './key-revocations.js';

/** API keys and providers: what an admin sets up before anyone else can work. */
export function createAdminService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;

  const keyLookup: KeyLookup = {
    async findActiveByHash(hash) {
      const [row] = await db.select({ k: apiKeys, org: organisations }).from(apiKeys).leftJoin(organisations, eq(organisations.id, apiKeys.organisationId))
        .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
      if (!row) return null;
      const { k, org } = row;
      if (k.expiresAt && k.expiresAt.getTime() <= Date.now()) return null;
      // A key owned by an organisation acts for it, with its binding, while the organisation is active.
      if (k.organisationId && (!org || org.status !== 'active')) return null;
      const bound = org ?? { kind: k.role, memberState: k.memberState, providerId: k.providerId, entityCode: k.entityCode };
      // A key bound to a code that has since been superseded acts as the successor (DPKO → DPO).
      const entity = bound.entityCode ? (await deps.reference.get()).canonicalEntity(bound.entityCode) ?? bound.entityCode : null;
      return {
        keyId: k.id, role: bound.kind as Role, memberState: bound.memberState, providerId: bound.providerId, entity, label: k.label,
        userId: null, organisationId: k.organisationId, memberRole: null,
      };
    },
    async touch(keyId) {
      await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, keyId));
    },
  };

  return {
    keyLookup,

    /** Creates a key bound as its role requires; the secret is returned once and never stored. */
    async createKey(p: Principal, body: z.infer<typeof CreateApiKeyBody>) {
      const ref = await deps.reference.get();
      const need = { member_state: 'memberState', provider: 'providerId', entity: 'entity' } as const;
      const problems: { path: string; message: string }[] = [];
      for (const [role, field] of Object.entries(need)) {
        const given = body[field] !== undefined;
        if (body.role === role && !given) problems.push({ path: field, message: `required for role ${role}` });
        if (body.role !== role && given) problems.push({ path: field, message: `only for role ${role}` });
      }
      if (body.memberState && !ref.stateByIso3.has(body.memberState)) problems.push({ path: 'memberState', message: 'not a UN member state' });
      if (body.entity && !ref.entityCodes.has(body.entity)) problems.push({ path: 'entity', message: 'not a Task Force entity code' });
      if (body.providerId) {
        const [prov] = await db.select({ id: providers.id }).from(providers).where(eq(providers.id, body.providerId));
        if (!prov) problems.push({ path: 'providerId', message: 'no such provider' });
      }
      if (problems.length) throw badRequest('The key cannot be created as asked.', problems);
      const entity = body.entity ? ref.canonicalEntity(body.entity) : null;
      const { key, hash, prefix } = generateApiKey();
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.insert(apiKeys).values({
          keyHash: hash, prefix, role: body.role, label: body.label,
          memberState: body.memberState ?? null, providerId: body.providerId ?? null, entityCode: entity,
        }).returning();
        await recordChange(tx, p, { action: 'api_key.create', targetType: 'api_key', targetId: r.id, summary: { role: r.role, label: r.label, prefix } });
        return r;
      });
      return { id: row.id, key, role: row.role as Role, prefix };
    },

    async listKeys() {
      const rows = await db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt));
      return rows.map((k) => ({
        id: k.id, role: k.role as Role, label: k.label, prefix: k.prefix, memberState: k.memberState, providerId: k.providerId,
        entity: k.entityCode, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      }));
    },

    async revokeKey(p: Principal, id: string) {
      await db.transaction(async (tx) => {
        const [r] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
        if (!r) throw notFound('API key');
        await recordChange(tx, p, { action: 'api_key.revoke', targetType: 'api_key', targetId: id });
        await keysChanged(tx);
      });
    },

    async createProvider(p: Principal, body: z.infer<typeof CreateProviderBody>) {
      const ref = await deps.reference.get();
      if (body.entity && !ref.entityCodes.has(body.entity)) throw badRequest('Unknown entity.', [{ path: 'entity', message: 'not a Task Force entity code' }]);
      if (body.entity && body.kind !== 'task_force_entity') throw badRequest('Only a task_force_entity provider is bound to an entity.', [{ path: 'entity', message: 'only with kind task_force_entity' }]);
      return db.transaction(async (tx) => {
        const [r] = await tx.insert(providers).values({ name: body.name, kind: body.kind, entityCode: body.entity ? ref.canonicalEntity(body.entity) : null, iatiOrgRef: body.iatiOrgRef ?? null }).returning();
        await recordChange(tx, p, { action: 'provider.create', targetType: 'provider', targetId: r.id, summary: { name: r.name, kind: r.kind } });
        return { id: r.id, name: r.name, kind: r.kind as typeof body.kind, entity: r.entityCode, iatiOrgRef: r.iatiOrgRef };
      });
    },

    /**
     * Sets or clears the Task Force entity a provider is (and its kind or name). The provider's offerings
     * are marked changed, so every matcher re-reads them and routes on the new entity.
     */
    async updateProvider(p: Principal, id: string, body: z.infer<typeof UpdateProviderBody>) {
      const ref = await deps.reference.get();
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(providers).where(eq(providers.id, id)).for('update');
        if (!row) throw notFound('Provider');
        // An old code (DPKO) answers as its successor (DPO): the reference data is the one home of aliases.
        const entity = body.entity === undefined ? row.entityCode : body.entity === null ? null : ref.canonicalEntity(body.entity) ?? body.entity;
        const kind = body.kind ?? row.kind;
        if (entity && !ref.entityCodes.has(entity)) throw badRequest('Unknown entity.', [{ path: 'entity', message: 'not a Task Force entity code (see /v1/reference/entities)' }]);
        if (entity && kind !== 'task_force_entity') throw badRequest('Only a task_force_entity provider is bound to an entity.', [{ path: body.entity !== undefined ? 'entity' : 'kind', message: 'an entity needs kind task_force_entity' }]);
        const [r] = await tx.update(providers).set({ entityCode: entity, kind, name: body.name ?? row.name }).where(eq(providers.id, id)).returning();
        if (entity !== row.entityCode) await tx.update(offerings).set({ updatedAt: new Date() }).where(eq(offerings.providerId, id));
        await recordChange(tx, p, {
          action: 'provider.update', targetType: 'provider', targetId: id,
          summary: { before: { entity: row.entityCode, kind: row.kind, name: row.name }, after: { entity: r.entityCode, kind: r.kind, name: r.name } },
        });
        return { id: r.id, name: r.name, kind: r.kind as z.infer<typeof CreateProviderBody>['kind'], entity: r.entityCode };
      });
    },

    /** The Task Force entity the provider's name most likely refers to (src/matching/entity.suggest.ts), for the admin to confirm. */
    async entitySuggestion(id: string) {
      const [row] = await db.select().from(providers).where(eq(providers.id, id));
      if (!row) throw notFound('Provider');
      const ref = await deps.reference.get();
      const code = suggestEntity(row.name, ref.entities.filter((e) => !e.successor).map((e) => ({ code: e.code, name: e.name, nameZh: e.names.zh, aliases: e.aliases })));
      const e = code ? ref.entities.find((x) => x.code === code) : undefined;
      return { providerId: row.id, name: row.name, current: row.entityCode, suggestion: e ? { entity: e.code, name: e.name } : null };
    },

    async listProviders() {
      const rows = await db.select().from(providers).orderBy(asc(providers.name));
      return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind as z.infer<typeof CreateProviderBody>['kind'], entity: r.entityCode, iatiOrgRef: r.iatiOrgRef }));
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
