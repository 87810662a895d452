import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWriteBatcher, WriteDeadlineError } from '../../src/modules/requests/write-batcher.js';

const tick = () => new Promise((r) => setTimeout(r, 5));
const dbError = (code: string) => Object.assign(new Error(`db ${code}`), { code });

describe('createWriteBatcher', () => {
  it('writes a lone item at once, alone', async () => {
    const batches: number[][] = [];
    const b = createWriteBatcher<number>(async (xs) => { batches.push(xs); });
    await b.write(1);
    expect(batches).toEqual([[1]]);
  });

  it('groups what arrives while batches are in flight, and settles each caller after its commit', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const b = createWriteBatcher<number>(async (xs) => { batches.push(xs); await gate; }, { maxInFlight: 1 });
    const settled: number[] = [];
    const all = Array.from({ length: 6 }, (_, i) => b.write(i).then(() => settled.push(i)));
    await tick();
    expect(batches).toEqual([[0]]); // the first went alone; the rest wait for it
    expect(settled).toEqual([]);
    release();
    await Promise.all(all);
    expect(batches).toEqual([[0], [1, 2, 3, 4, 5]]);
    expect(settled.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('caps a batch at maxBatch', async () => {
    const batches: number[][] = [];
    const b = createWriteBatcher<number>(async (xs) => { batches.push(xs); await tick(); }, { maxInFlight: 1, maxBatch: 3 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => b.write(i)));
    expect(batches.map((x) => x.length)).toEqual([1, 3, 3, 1]);
  });

  it("retries a batch that failed on one item's data one by one, so only that item fails", async () => {
    const b = createWriteBatcher<number>(async (xs) => { await tick(); if (xs.includes(3)) throw dbError('23505'); }, { maxInFlight: 1 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => b.write(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[3] as PromiseRejectedResult).reason.code).toBe('23505');
  });

  it('fails the whole batch at once when the database is unreachable (no retry storm)', async () => {
    let calls = 0;
    const b = createWriteBatcher<number>(async () => { calls++; await tick(); throw dbError('ECONNREFUSED'); }, { maxInFlight: 1 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => b.write(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(2); // [0], then [1..4]
  });

  it('keeps going after a failed batch', async () => {
    let fail = true;
    const b = createWriteBatcher<number>(async () => { if (fail) { fail = false; throw dbError('57P01'); } });
    await expect(b.write(1)).rejects.toThrow('db 57P01');
    await expect(b.write(2)).resolves.toBeUndefined();
  });

  describe('with a wait (intake during an outage)', () => {
    afterEach(() => { vi.useRealTimers(); });

    it('drops an item the database never took within its wait, so the 503 means it was not written', async () => {
      vi.useFakeTimers();
      const batches: number[][] = [];
      const b = createWriteBatcher<number>((xs) => { batches.push(xs); return new Promise<void>(() => {}); }, { maxInFlight: 1 });
      const first = b.write(1, { waitMs: 1000 }).catch((e) => e);
      const second = b.write(2, { waitMs: 1000 }).catch((e) => e);
      await vi.advanceTimersByTimeAsync(1000);
      const [e1, e2] = await Promise.all([first, second]);
      expect(e1).toBeInstanceOf(WriteDeadlineError);
      expect(e1.sent).toBe(true); // its batch was with the database: it may yet commit
      expect(e2).toBeInstanceOf(WriteDeadlineError);
      expect(e2.sent).toBe(false); // still waiting here: taken back
      expect(batches).toEqual([[1]]);
    });

    it('reports a write that commits after its caller was answered', async () => {
      vi.useFakeTimers();
      let commitNow!: () => void;
      const late: unknown[] = [];
      const b = createWriteBatcher<number>(() => new Promise<void>((r) => { commitNow = r; }), { onLate: (err) => late.push(err) });
      const answer = b.write(1, { waitMs: 500 }).catch((e) => e);
      await vi.advanceTimersByTimeAsync(500);
      expect((await answer).sent).toBe(true);
      commitNow();
      await vi.advanceTimersByTimeAsync(0);
      expect(late).toEqual([null]);
    });

    it('answers as usual when the commit comes in time', async () => {
      vi.useFakeTimers();
      const b = createWriteBatcher<number>(() => new Promise<void>((r) => setTimeout(r, 100)));
      const answer = b.write(1, { waitMs: 500 });
      await vi.advanceTimersByTimeAsync(100);
      await expect(answer).resolves.toBeUndefined();
    });
  });
});
