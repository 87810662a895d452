import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AreaCode, EntityCode, Iso3, M49 } from '../common.schemas.js';

const Names = z.object({ en: z.string(), fr: z.string(), es: z.string(), ru: z.string(), ar: z.string(), zh: z.string() });
const EntityItem = z.object({
  code: EntityCode, name: z.string(), names: Names, workingGroups: z.array(z.string()),
  successor: EntityCode.nullable().describe('The entity that replaced this one; this code then answers as its alias.'),
  aliases: z.array(EntityCode).describe('Older codes that answer as this entity.'),
});
const AreaItem = z.object({
  code: AreaCode, pillar: z.string(),
  names: z.object({ en: z.string(), fr: z.string(), es: z.string(), ru: z.string(), ar: z.string(), zh: z.string() }),
  entities: z.array(EntityCode), dacCodes: z.array(z.string()), paragraphs: z.array(z.number()),
});
const StateItem = z.object({
  iso3: Iso3, name: z.string(), names: Names.describe('UN short names in the six languages (UNSD M49 tables).'), m49Region: M49, m49SubRegion: M49, m49IntermediateRegion: M49.nullable(),
});

/** Public reference data: entities, thematic areas, member states. */
export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const cache = { 'cache-control': 'public, max-age=3600' };
  app.get('/v1/reference/entities', {
    schema: { tags: ['reference'], summary: 'Task Force entities (the annex, those created since, aliases) with names in the six UN languages', response: { 200: z.array(EntityItem) } },
  }, async (_req, reply) => reply.headers(cache).send((await app.services.reference.get()).entities));

  app.get('/v1/reference/thematic-areas', {
    schema: { tags: ['reference'], summary: 'Thematic areas with names in the six UN languages and responsible entities', response: { 200: z.array(AreaItem) } },
  }, async (_req, reply) => reply.headers(cache).send((await app.services.reference.get()).areas));

  app.get('/v1/reference/member-states', {
    schema: { tags: ['reference'], summary: 'The 193 UN member states with their M49 regions', response: { 200: z.array(StateItem) } },
  }, async (_req, reply) => reply.headers(cache).send((await app.services.reference.get()).states));
};
