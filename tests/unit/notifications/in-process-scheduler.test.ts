import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessQueueDriver } from '../../../src/queue/in-process.driver.js';

const log = { info() {}, warn() {}, error() {} };

describe('in-process job scheduler (the embedded equivalent of upsertJobScheduler)', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('runs the job once per period, with the scheduler\'s data, until the queue closes', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T00:00:00Z') });
    const q = new InProcessQueueDriver();
    const seen: { data: unknown; jobId: string }[] = [];
    await q.consume({ 'send-digests': async (data, ctx) => { seen.push({ data, jobId: ctx.jobId }); } }, { concurrency: 1, onDeadLetter: async () => {}, log });
    await q.schedule('digest-daily', 'send-digests', 3600_000, { frequency: 'daily' });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3 * 3600_000);
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.jobId)).size).toBe(4);
    expect(seen.every((s) => (s.data as { frequency: string }).frequency === 'daily')).toBe(true);
    await q.close();
    await vi.advanceTimersByTimeAsync(2 * 3600_000);
    expect(seen).toHaveLength(4);
  });
});
