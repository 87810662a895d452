import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMqQueueDriver } from '../../src/queue/bullmq.driver.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const log = { info() {}, warn() {}, error() {} };

describe('BullMQ job schedulers (digests and follow-ups)', () => {
  const drivers: BullMqQueueDriver[] = [];
  afterAll(async () => { await Promise.all(drivers.map((d) => d.close())); });

  it('upserts one scheduler however many processes ask, and runs its job every period with its data', async () => {
    const prefix = `odtest-sched-${randomBytes(4).toString('hex')}`;
    const a = new BullMqQueueDriver(TEST_REDIS_URL, prefix);
    const b = new BullMqQueueDriver(TEST_REDIS_URL, prefix);
    drivers.push(a, b);
    const runs: { frequency: string; jobId: string }[] = [];
    await a.consume({ 'send-digests': async (data, ctx) => { runs.push({ frequency: data.frequency, jobId: ctx.jobId }); } }, { concurrency: 1, onDeadLetter: async () => {}, log, heartbeatMs: 60_000 });
    // Two workers starting up both upsert the same scheduler: it stays one.
    await a.schedule('digest-daily', 'send-digests', 300, { frequency: 'daily' });
    await b.schedule('digest-daily', 'send-digests', 300, { frequency: 'daily' });
    await waitFor(() => runs.length >= 3, 20_000, 'three scheduled runs');
    expect(runs.every((r) => r.frequency === 'daily')).toBe(true);
    expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
    const queue = a.allQueues().find((q) => q.name === 'send-digests')!;
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['digest-daily']);
    await queue.removeJobScheduler('digest-daily');
  }, 30_000);
});
