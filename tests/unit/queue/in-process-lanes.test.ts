import { describe, expect, it } from 'vitest';
import { InProcessQueueDriver } from '../../../src/queue/in-process.driver.js';

const log = { info() {}, warn() {}, error() {} };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('in-process queue: long re-matching never takes the last free slot', () => {
  it('matches a request filed while two imports are being re-matched', async () => {
    const q = new InProcessQueueDriver();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let matched!: () => void;
    const matchedOnce = new Promise<void>((r) => { matched = r; });
    await q.consume({
      'reverse-match': async (d) => { order.push(`reverse ${d.ids?.[0]}`); await held; },
      'match-request': async (d) => { order.push(`match ${d.requestId}`); matched(); },
    }, { concurrency: 2, onDeadLetter: async () => {}, log });
    await q.enqueue('reverse-match', { kind: 'offering', ids: [uuid(1)] }, { jobId: 'import-1' });
    await q.enqueue('reverse-match', { kind: 'offering', ids: [uuid(2)] }, { jobId: 'import-2' });
    await q.enqueue('match-request', { requestId: uuid(3) }, { jobId: 'filed-3' });
    await matchedOnce;
    // The first import runs, the second waits, and the request is matched in the slot left free.
    expect(order).toEqual([`reverse ${uuid(1)}`, `match ${uuid(3)}`]);
    release();
    await q.idle();
    expect(order).toEqual([`reverse ${uuid(1)}`, `match ${uuid(3)}`, `reverse ${uuid(2)}`]);
    await q.close();
  });

  it('runs re-matching in its one slot when the queue has only one', async () => {
    const q = new InProcessQueueDriver();
    const order: string[] = [];
    await q.consume({
      'reverse-match': async () => { order.push('reverse'); },
      'match-request': async () => { order.push('match'); },
    }, { concurrency: 1, onDeadLetter: async () => {}, log });
    await q.enqueue('reverse-match', { kind: 'offering', id: uuid(1) }, { jobId: 'r1' });
    await q.enqueue('match-request', { requestId: uuid(2) }, { jobId: 'm2' });
    await q.idle();
    expect(order).toEqual(['reverse', 'match']);
    await q.close();
  });
});
