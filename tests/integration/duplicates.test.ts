import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDuplicates, requests } from '../../db/schema/index.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const PORT = {
  title: 'Port facility security assessments under the ISPS Code',
  description: 'We need help to carry out ISPS Code port facility security assessments in our two main ports and to train port facility security officers.',
  language: 'en',
};

describe('duplicate detection from the stored analysis of open requests', () => {
  let t: TestApp;
  let c: Cast;
  const file = async (body: object) => {
    const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: body });
    expect(res.status).toBe(202);
    await t.drain();
    return res.body.id as string;
  };
  const dupsOf = async (id: string) => (await t.db.db.select().from(requestDuplicates).where(eq(requestDuplicates.requestId, id))).map((d) => d.otherRequestId);

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    await t.startWorkers();
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    await t.drain();
  });
  afterAll(async () => { await t?.close(); });

  it('keeps each matched request\'s analysis (vector included) with the hash of its text', async () => {
    const id = await file(fiuRequest);
    const [row] = await t.db.db.select({ analysis: requests.analysis, hash: requests.analysisHash, version: requests.analysisVersion }).from(requests).where(eq(requests.id, id));
    expect(row.version).toBe((await t.services.matching.engine()).version);
    expect(row.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(Array.isArray((row.analysis as { vector: unknown[] }).vector)).toBe(true);
    // A near-identical second request of the same state is flagged against it (from the stored vector).
    const second = await file({ ...fiuRequest, title: `${fiuRequest.title} (second)` });
    expect(await dupsOf(second)).toEqual([id]);
  });

  it('compares with the text, not a stale stored analysis, when the text changed since', async () => {
    const id = await file({ ...fiuRequest, title: 'Training our FIU analysts', description: 'Financial intelligence unit analysts need training on suspicious transaction reports and terrorist financing typologies.' });
    // Its text is now about ports (as if edited): the stored analysis no longer matches the text's hash.
    await t.db.db.update(requests).set({ title: PORT.title, description: PORT.description }).where(eq(requests.id, id));
    const port = await file(PORT);
    expect(await dupsOf(port)).toEqual([id]);
  });
});
