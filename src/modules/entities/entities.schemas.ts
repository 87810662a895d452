import { z } from 'zod';
import { EntityCode } from '../common.schemas.js';

const Name = z.string().trim().min(3).max(300);
/** Names in the six UN languages; English is required, a missing one is shown in English. */
export const EntityNames = z.strictObject({
  en: Name, fr: Name.optional(), es: Name.optional(), ru: Name.optional(), ar: Name.optional(), zh: z.string().trim().min(2).max(300).optional(),
});
export const ENTITY_KINDS = [
  'un_secretariat', 'security_council_body', 'special_procedure', 'un_programme_fund', 'specialized_agency',
  'related_organization', 'research_institute', 'international_organization', 'other',
] as const;

export const CreateEntityBody = z.strictObject({
  code: EntityCode,
  names: EntityNames,
  kind: z.enum(ENTITY_KINDS).default('other'),
  /** Codes this entity replaces: they become its aliases (old data and old codes resolve to it). */
  replaces: z.array(EntityCode).max(10).optional(),
}).meta({ id: 'CreateEntity' });
export type CreateEntityBody = z.infer<typeof CreateEntityBody>;

export const UpdateEntityBody = z.strictObject({
  names: EntityNames.partial().optional(),
  kind: z.enum(ENTITY_KINDS).optional(),
  /** The entity that replaced this one (its code then answers as an alias); null makes it current again. */
  successor: EntityCode.nullable().optional(),
}).meta({ id: 'UpdateEntity' });
export type UpdateEntityBody = z.infer<typeof UpdateEntityBody>;

export const EntityView = z.object({
  code: z.string(), name: z.string(),
  names: z.object({ en: z.string(), fr: z.string(), es: z.string(), ru: z.string(), ar: z.string(), zh: z.string() }),
  kind: z.string(), successor: z.string().nullable(), aliases: z.array(z.string()), workingGroups: z.array(z.string()),
}).meta({ id: 'Entity' });
export const CodeParams = z.object({ code: EntityCode });
