import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';

/** A person a notification goes to. */
export interface Recipient { userId: string; email: string; language: string; party: string }

/**
 * The active members of the active organisations behind each party (`state:SEN` → the state's
 * organisations, `entity:UNODC`, `provider:<id>`, `cted`, `admin`): the binding is the people
 * module's (organisations.kind with member_state / entity_code / provider_id). A person in two
 * organisations of the same party appears once per party.
 */
export async function recipientsOf(db: DbOrTx, parties: readonly string[]): Promise<Recipient[]> {
  if (!parties.length) return [];
  const rows = await db.execute<{ user_id: string; email: string; language: string; party: string }>(sql`
    select distinct on (p.party, u.id) u.id as user_id, u.email, u.language, p.party
    from jsonb_array_elements_text(${JSON.stringify(parties)}::jsonb) as p(party)
    join organisations o on o.status = 'active' and (
      (p.party like 'state:%' and o.kind = 'member_state' and o.member_state = substr(p.party, 7)) or
      (p.party like 'entity:%' and o.kind = 'entity' and o.entity_code = substr(p.party, 8)) or
      (p.party like 'provider:%' and o.kind = 'provider' and o.provider_id::text = substr(p.party, 10)) or
      (p.party = 'cted' and o.kind = 'cted') or
      (p.party = 'admin' and o.kind = 'admin'))
    join memberships m on m.organisation_id = o.id and m.status = 'active'
    join users u on u.id = m.user_id and u.status = 'active'
    order by p.party, u.id`);
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows;
  return (list as { user_id: string; email: string; language: string; party: string }[]).map((r) => ({ userId: r.user_id, email: r.email, language: r.language, party: r.party }));
}
