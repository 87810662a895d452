import { and, asc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { apiKeys, providers } from '../../../db/schema/index.js';
import { badRequest, notFound } from '../../errors.js';
import { generateApiKey, type KeyLookup, type Principal, type Role } from '../../plugins/auth.plugin.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import type { CreateApiKeyBody, CreateProviderBody } from './admin.schemas.js';

/** API keys and providers: what an admin sets up before anyone else can work. */
export function createAdminService(deps: { db: Db; reference: ReferenceService }) {
  const { db } = deps;

  const keyLookup: KeyLookup = {
    async findActiveByHash(hash) {
      const [k] = await db.select().from(apiKeys).where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
      if (!k) return null;
      // A key bound to a code that has since been superseded acts as the successor (DPKO → DPO).
      const entity = k.entityCode ? (await deps.reference.get()).canonicalEntity(k.entityCode) ?? k.entityCode : null;
      return { keyId: k.id, role: k.role as Role, memberState: k.memberState, providerId: k.providerId, entity, label: k.label };
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

    async listProviders() {
      const rows = await db.select().from(providers).orderBy(asc(providers.name));
      return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind as z.infer<typeof CreateProviderBody>['kind'], entity: r.entityCode, iatiOrgRef: r.iatiOrgRef }));
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
