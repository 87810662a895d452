import { connect, type Socket } from 'node:net';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/services.js';

/**
 * postgres.js reads the array types on every new connection (fetch_types) in a promise nothing
 * awaits: a connection opened by a transaction and closed at that moment (PostgreSQL restarting
 * right after accepting it, a network cut) rejected it unhandled, which ends a Node process. patches/postgres+3.4.9.patch
 * catches it; the query that opened the connection still fails or succeeds as an ordinary one.
 */
describe('probe: postgres.js, a connection cut while it fetches the array types', () => {
  it('leaves no unhandled rejection, and the next connection works', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    let cut = 0;
    const sql = postgres(TEST_DATABASE_URL, {
      max: 1, onnotice: () => {}, connect_timeout: 3, backoff: () => 0,
      // `socket` is a documented option that postgres.js's types leave out.
      ...({
        socket: () => {
          const s: Socket = connect(Number(target.port || 5432), target.hostname);
          const write = s.write.bind(s) as (chunk: unknown, ...rest: unknown[]) => boolean;
          // The first connection is cut the moment it sends the array-types query.
          s.write = ((chunk: unknown, ...rest: unknown[]) => {
            const ok = write(chunk, ...rest);
            if (cut === 0 && Buffer.isBuffer(chunk) && chunk.includes('typarray')) { cut++; setImmediate(() => s.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))); }
            return ok;
          }) as typeof s.write;
          return s;
        },
      } as object),
    });
    try {
      // A transaction opens the connection: postgres.js then forgets it as the connection's first query.
      const first = await sql.begin((tx) => tx`select 1 as one`).then((r) => r[0]!.one as number, (err: { code?: string }) => err.code);
      expect(cut).toBe(1);
      expect(String(first)).toMatch(/^(1|CONNECTION_CLOSED|CONNECTION_DESTROYED|ECONNRESET)$/);
      expect((await sql`select 2 as two`)[0].two).toBe(2);
      // An unhandled rejection surfaces on a later turn of the event loop.
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await sql.end({ timeout: 1 });
    }
  }, 30_000);
});
