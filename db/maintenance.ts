import type { DatabaseHandle } from './client.js';

/**
 * PostgreSQL's autovacuum thresholds for ANALYZE: a table whose rows changed by more than this base
 * plus this fraction of its live rows since its last analysis has statistics worth refreshing.
 */
const ANALYZE_BASE_ROWS = 50;
const ANALYZE_FRACTION = 0.1;

/**
 * Analyses the tables whose rows changed enough since their last analysis, one table at a time, each
 * inside `around` (the embedded default paces it as a job: PGlite runs on the API's thread). PGlite runs no
 * autovacuum, so without this its planner never learns a table's size: a state's 5,000 open
 * requests were sorted whole (and their texts hashed) for each match, 16 ms instead of 1 ms.
 * Returns the tables analysed.
 */
export async function analyzeChanged(h: Pick<DatabaseHandle, 'query'>, around: (analyse: () => Promise<void>) => Promise<void> = (f) => f()): Promise<string[]> {
  const rows = await h.query<{ name: string }>(
    `select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables
     where n_mod_since_analyze > $1::float8 + $2::float8 * greatest(n_live_tup, 0) order by n_mod_since_analyze desc`,
    [ANALYZE_BASE_ROWS, ANALYZE_FRACTION],
  );
  const done: string[] = [];
  for (const { name } of rows) {
    await around(async () => { await h.query(`analyze ${name}`, []); });
    done.push(name);
  }
  return done;
}
