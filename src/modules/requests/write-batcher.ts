import { sqlState } from '../../errors.js';

/**
 * Writes that arrive together are committed together: one statement, one transaction, one WAL
 * flush for a batch instead of one each ("natural batching": no timer, no added wait). An item goes
 * out at once when fewer than `maxInFlight` batches are running; otherwise it waits for the next
 * batch, which takes everything that queued meanwhile (up to `maxBatch`). So a lone request is
 * written alone and immediately, and under load batches grow with the queue.
 *
 * Each caller's promise settles only after its batch has committed (or failed). A batch that fails
 * on one item (SQLSTATE class 22 or 23: bad data, a duplicate key; class 40: a deadlock with another
 * batch) is retried one item at a time, so one item's problem never fails the others; any other
 * error (the database is down) fails the whole batch at once.
 */

export interface WriteBatcher<T> {
  /**
   * Resolves once the item is committed. With `waitMs`, rejects with a WriteDeadlineError when it is
   * not committed by then: `sent: false` if it never left this process (it is dropped, so it will
   * not be written), `sent: true` if its batch was already with the database (it may yet commit).
   */
  write(item: T, opts?: { waitMs?: number }): Promise<void>;
}

/** An item not committed within its wait; see WriteBatcher.write. */
export class WriteDeadlineError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(readonly sent: boolean, waitMs: number) {
    super(sent ? `the database did not confirm the write within ${waitMs} ms` : `the database could not take the write within ${waitMs} ms`);
    this.name = 'WriteDeadlineError';
  }
}

interface Pending<T> { item: T; resolve: () => void; reject: (err: unknown) => void; sent: boolean }

export function createWriteBatcher<T>(commit: (items: T[]) => Promise<void>, opts: { maxInFlight?: number; maxBatch?: number; onLate?: (err: unknown | null) => void } = {}): WriteBatcher<T> {
  const maxInFlight = opts.maxInFlight ?? 4;
  const maxBatch = opts.maxBatch ?? 100;
  const queue: Pending<T>[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && queue.length) {
      const batch = queue.splice(0, maxBatch);
      for (const b of batch) b.sent = true;
      inFlight++;
      run(batch).finally(() => { inFlight--; pump(); });
    }
  }

  async function run(batch: typeof queue): Promise<void> {
    try {
      await commit(batch.map((b) => b.item));
      for (const b of batch) b.resolve();
    } catch (err) {
      if (batch.length === 1 || !isItemError(err)) {
        for (const b of batch) b.reject(err);
        return;
      }
      for (const b of batch) {
        try { await commit([b.item]); b.resolve(); } catch (e) { b.reject(e); }
      }
    }
  }

  return {
    write(item: T, { waitMs } = {}): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        if (!waitMs) {
          queue.push({ item, resolve, reject, sent: false });
          pump();
          return;
        }
        let answered = false;
        const entry: Pending<T> = {
          item, sent: false,
          resolve: () => { if (answered) opts.onLate?.(null); else { answered = true; clearTimeout(timer); resolve(); } },
          reject: (err) => { if (answered) opts.onLate?.(err); else { answered = true; clearTimeout(timer); reject(err); } },
        };
        const timer = setTimeout(() => {
          answered = true;
          // Not yet handed to the database: take it back, so a 503 means it was not written.
          if (!entry.sent) queue.splice(queue.indexOf(entry), 1);
          reject(new WriteDeadlineError(entry.sent, waitMs));
        }, waitMs);
        queue.push(entry);
        pump();
      });
    },
  };
}

/** One item's data (class 22, 23) or a conflict with another writer (class 40: deadlock, serialization). */
const isItemError = (err: unknown) => /^(22|23|40)/.test(sqlState(err));
