import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import errorHandler from '../../../src/plugins/error-handler.plugin.js';
import { responseSerializer } from '../../../src/plugins/response-serializer.js';

async function app(data: unknown) {
  const a = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  a.setValidatorCompiler(validatorCompiler);
  a.setSerializerCompiler(responseSerializer);
  await a.register(errorHandler);
  a.get('/x', { schema: { response: { 200: z.object({ id: z.uuid(), status: z.enum(['submitted']) }) } } }, async () => data as never);
  return a;
}

describe('responseSerializer', () => {
  it('sends only the fields the schema names', async () => {
    const a = await app({ id: '3b241101-e2bb-4255-8caf-4136c566a962', status: 'submitted', secretNote: 'internal' });
    const res = await a.inject({ url: '/x' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: '3b241101-e2bb-4255-8caf-4136c566a962', status: 'submitted' });
  });

  it('answers 500 in the error shape, without the data, when a response breaks its schema', async () => {
    const a = await app({ id: 'not-a-uuid', status: 'submitted' });
    const res = await a.inject({ url: '/x' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side.', details: [] } });
    expect(res.body).not.toContain('not-a-uuid');
  });
});
