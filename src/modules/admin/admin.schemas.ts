import { z } from 'zod';
import { EntityCode, Iso3, PROVIDER_KINDS, Uuid } from '../common.schemas.js';
import { ROLES } from '../../plugins/auth.plugin.js';

export const Role = z.enum(ROLES);
export const CreateApiKeyBody = z.strictObject({
  role: Role,
  label: z.string().trim().min(1).max(200),
  memberState: Iso3.optional(),
  providerId: Uuid.optional(),
  entity: EntityCode.optional(),
});
export const CreatedApiKey = z.object({ id: Uuid, key: z.string(), role: Role, prefix: z.string() });
export const ApiKeyItem = z.object({
  id: Uuid, role: Role, label: z.string(), prefix: z.string(), memberState: z.string().nullable(),
  providerId: z.string().nullable(), entity: z.string().nullable(), createdAt: z.string(),
  lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(),
});
export const ProviderKind = z.enum(PROVIDER_KINDS);
export const CreateProviderBody = z.strictObject({
  name: z.string().trim().min(2).max(300),
  kind: ProviderKind,
  /** The Task Force entity this provider is, when kind is task_force_entity. */
  entity: EntityCode.optional(),
  /** The provider's IATI organisation identifier (reporting-org/@ref of its files), e.g. "XM-DAC-41114". */
  iatiOrgRef: z.string().trim().min(2).max(200).optional(),
});
export const ProviderItem = z.object({ id: Uuid, name: z.string(), kind: ProviderKind, entity: z.string().nullable(), iatiOrgRef: z.string().nullable().optional() });
export const UpdateProviderBody = z.strictObject({
  /** The Task Force entity this provider is; null unlinks it. */
  entity: EntityCode.nullable().optional(),
  kind: ProviderKind.optional(),
  name: z.string().trim().min(2).max(300).optional(),
}).refine((b) => Object.keys(b).length > 0, { message: 'say what to change (entity, kind or name)' }).meta({ id: 'UpdateProvider' });
export const EntitySuggestion = z.object({
  providerId: Uuid,
  name: z.string(),
  current: z.string().nullable().describe('The entity the provider is linked to now'),
  suggestion: z.object({ entity: EntityCode, name: z.string() }).nullable().describe('The Task Force entity the provider name most likely refers to, for the admin to confirm; null when none'),
});
