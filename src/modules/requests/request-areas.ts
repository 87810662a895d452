import { sql, type SQL } from 'drizzle-orm';
import { requests } from '../../../db/schema/index.js';

/**
 * THE rule for a request's thematic areas, as shown and filtered everywhere: the state's own choice,
 * else what matching classified. requestHasAreaSql() is the same rule for WHERE clauses
 * (tests/integration/request-areas.test.ts checks that the two agree).
 */
export function requestAreas(r: { thematicAreas: string[]; classifiedAreas: { code: string }[] | null }): string[] {
  return r.thematicAreas.length ? r.thematicAreas : (r.classifiedAreas ?? []).map((a) => a.code);
}

/** SQL condition: the request (table `requests`) has `code` among requestAreas(). */
export function requestHasAreaSql(code: string): SQL {
  return sql`(case when cardinality(${requests.thematicAreas}) > 0 then ${code} = any(${requests.thematicAreas})
    else coalesce(${requests.classifiedAreas}, '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('code', ${code}::text)) end)`;
}
