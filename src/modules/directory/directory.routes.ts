import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, IdParams } from '../common.schemas.js';
import { DirectoryOffering, DirectoryPage, DirectoryQuery } from './directory.schemas.js';

const PUBLIC = 'Public: no API key needed. Shows public fields only (never import source, external references or internal timestamps).';

/** The public, searchable directory of offerings (no key needed). */
export const directoryRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/v1/directory/offerings', {
    schema: {
      tags: ['directory'], summary: 'Search the offering directory in any UN language',
      description: `${PUBLIC} Only offerings that can be proposed now (open, not past their end date, places left, confirmed within 180 days; offerings that start later are included, with their start date) unless \`includeInactive=true\`. `
        + 'With `q`, results are ranked by relevance (words and shared concepts across languages); without it, most recently confirmed first. '
        + '`region` matches offerings open to at least one member state of that M49 region at any level (worldwide ones included); '
        + '`country` matches offerings the state is eligible for (worldwide, listing it, or listing one of its M49 regions).',
      security: [],
      querystring: DirectoryQuery,
      response: { 200: DirectoryPage, ...errorResponses },
    },
  }, async (req) => app.services.directory.search(req.query));

  app.get('/v1/directory/offerings/:id', {
    schema: {
      tags: ['directory'], summary: 'One offering of the directory',
      description: `${PUBLIC} Closed or expired offerings are shown too, with \`proposable: false\`.`,
      security: [],
      params: IdParams,
      response: { 200: DirectoryOffering, ...errorResponses },
    },
  }, async (req) => app.services.directory.get(req.params.id));
};
