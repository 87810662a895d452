import { z } from 'zod';

export const ModelIdParams = z.object({ id: z.string().regex(/^lm-[0-9a-f]{8}$/, 'must be a model id such as lm-0123abcd') });
export const ApplyBody = z.strictObject({ note: z.string().trim().max(2000).optional() }).optional();
export const LearnedModelItem = z.object({
  id: z.string(), status: z.enum(['candidate', 'active', 'retired']), examples: z.number().int(),
  basis: z.record(z.string(), z.number()).describe('Counts behind the model: examples, preference pairs, contexts, offerings and providers with answers, routing corrections'),
  routingCorrections: z.record(z.string(), z.string()).describe('Concept or `area:<code>` → the entity CTED keeps reassigning it to'),
  weights: z.record(z.string(), z.number()).nullable().describe('Refitted score weights, or null (the shipped ones)'),
  figures: z.record(z.string(), z.unknown()).describe('Eval figures before and after, per set, as printed by `npm run learn -- --fit`'),
  fittedBy: z.string(), fittedAt: z.string(), appliedBy: z.string().nullable(), appliedAt: z.string().nullable(), retiredAt: z.string().nullable(), note: z.string().nullable(),
}).meta({ id: 'LearnedModel' });
export const ExamplesSummary = z.object({ total: z.number().int(), byKind: z.record(z.string(), z.number().int()) });
