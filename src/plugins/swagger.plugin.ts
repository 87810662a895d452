import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** OpenAPI 3.1 generated from the routes' zod schemas, served at /docs. */
export default fp(async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OneDoor API',
        version: '1.0.0',
        description: 'One entry point for counter-terrorism technical assistance: member states file requests, providers register offerings, CTED loads needs; OneDoor matches and routes them to the responsible UN Task Force entity.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key created by an admin.' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'requests', description: 'Member states file and follow requests' },
        { name: 'offerings', description: 'Providers register offerings' },
        { name: 'needs', description: 'CTED identified needs' },
        { name: 'review', description: 'CTED review, entity queues, provider answers' },
        { name: 'conversation', description: 'Messages, questions and answers on each request' },
        { name: 'documents', description: 'Attachments: letters, draft laws, assessments, programme sheets' },
        { name: 'directory', description: 'Public search of offerings' },
        { name: 'analytics', description: 'Needs matrix and gap analytics' },
        { name: 'reference', description: 'Entities, thematic areas, member states' },
        { name: 'admin', description: 'Keys, providers, dead letters' },
        { name: 'learning', description: 'Examples from decisions, learned models, the audited apply' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}, { name: 'openapi' });
