import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES } from '../../src/modules/common.schemas.js';
import {
  assertMoves, canTransition, firstMatchMoves, INITIAL_STATUS, nextStep, overdueNote, SYSTEM_NOTES, systemNote, TRANSITIONS, type RequestStatus,
} from '../../src/modules/requests/request-lifecycle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every place in src/ that writes a request's status or records a status move, as "file: kind". */
function statusWrites(): string[] {
  const found: string[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const m of text.matchAll(/\.update\(\s*requests\s*\)\s*\.set\(\s*\{([^}]*)\}/g)) {
      if (/(^|[\s,{])status\s*[:,}]|(^|[\s,{])status\s*$/.test(m[1])) found.push(`${where}: update requests status`);
    }
    for (const _ of text.matchAll(/update\s+requests\s+set[^;`]*\bstatus\b/gi)) found.push(`${where}: SQL update requests status`);
    for (const _ of text.matchAll(/insert\s+into\s+requests\s*\(/gi)) found.push(`${where}: SQL insert into requests`);
    for (const _ of text.matchAll(/insert\(\s*requestTransitions\s*\)/g)) found.push(`${where}: insert requestTransitions`);
    for (const _ of text.matchAll(/insert\s+into\s+request_transitions/gi)) found.push(`${where}: SQL insert into request_transitions`);
  }
  return found.sort();
}

describe('legal status changes have one home (TRANSITIONS)', () => {
  it('every status write in src/ is transition() or one of the two hand-written ones checked against TRANSITIONS', () => {
    // A new place that writes a status by hand fails here: route it through transition(), or check
    // its moves with assertMoves() and add it below with a test of those moves.
    expect(statusWrites()).toEqual([
      'src/modules/matching/matching.service.ts: insert requestTransitions',
      'src/modules/matching/matching.service.ts: update requests status',
      'src/modules/requests/request-lifecycle.ts: insert requestTransitions',
      'src/modules/requests/request-lifecycle.ts: update requests status',
      'src/modules/requests/requests.service.ts: SQL insert into request_transitions',
      'src/modules/requests/requests.service.ts: SQL insert into requests',
    ]);
  });

  it('the intake statement files every request in INITIAL_STATUS and writes no other status', () => {
    const text = readFileSync(join(ROOT, 'src/modules/requests/requests.service.ts'), 'utf8');
    const submit = text.slice(text.indexOf('const SUBMIT = `'), text.indexOf('`.replace(', text.indexOf('const SUBMIT = `')));
    expect(submit.match(/\$\{INITIAL_STATUS\}/g)).toHaveLength(2);
    const literals = [...submit.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).filter((w) => (REQUEST_STATUSES as readonly string[]).includes(w));
    expect(literals).toEqual([]);
    expect(INITIAL_STATUS).toBe('submitted');
    // Nothing moves a request back into its initial status.
    expect(REQUEST_STATUSES.filter((s) => canTransition(s, INITIAL_STATUS))).toEqual([]);
  });

  it('the first-match writes take their moves from firstMatchMoves(), which checks them against TRANSITIONS', () => {
    const text = readFileSync(join(ROOT, 'src/modules/matching/matching.service.ts'), 'utf8');
    expect(text).toContain('const moves = firstMatchMoves(');
    const start = text.indexOf('tx.insert(requestTransitions).values(');
    const rows = text.slice(start, text.indexOf('}))),', start));
    expect(rows).toContain('moves.map(([from, to]');
    expect(rows).toMatch(/fromStatus: from, toStatus: to/);
    expect(rows).not.toMatch(/Status: '/);
    for (const from of ['submitted', 'matched'] as const) {
      for (const final of ['in_review', 'routed'] as const) {
        const moves = firstMatchMoves(from, final);
        expect(moves[0][0]).toBe(from);
        expect(moves.at(-1)![1]).toBe(final);
        for (const [a, b] of moves) expect(canTransition(a, b), `${a} → ${b}`).toBe(true);
      }
    }
    expect(() => assertMoves('submitted', 'routed')).toThrow(/illegal status move submitted → routed/);
    expect(() => assertMoves('completed', 'routed')).toThrow();
  });

  it('TRANSITIONS names only known statuses, and closed requests stay closed', () => {
    for (const [from, tos] of Object.entries(TRANSITIONS)) {
      expect(REQUEST_STATUSES).toContain(from);
      for (const to of tos) expect(REQUEST_STATUSES).toContain(to);
    }
    for (const s of ['completed', 'rejected', 'withdrawn'] as RequestStatus[]) expect(TRANSITIONS[s]).toEqual([]);
  });
});

describe('system notes', () => {
  it('are recognised for translation, a person\'s note is not', () => {
    expect(systemNote(SYSTEM_NOTES.review)).toEqual({ code: 'review' });
    expect(systemNote(overdueNote('UNODC', 14))).toEqual({ code: 'overdue', entity: 'UNODC', days: 14 });
    expect(systemNote('Our programme is full')).toBeNull();
    expect(systemNote(null)).toBeNull();
  });
});

describe('nextStep: who acts next', () => {
  const base = { routedEntity: 'UNODC', parkedAt: null, duplicateOf: null, matchStatuses: [] as string[], openDuplicates: 0 };
  it('follows the life of a request', () => {
    expect(nextStep({ ...base, status: 'submitted' }).actor).toBe('system');
    expect(nextStep({ ...base, status: 'in_review', matchStatuses: ['proposed'] })).toMatchObject({ actor: 'cted', step: 'cted_review' });
    expect(nextStep({ ...base, status: 'in_review', matchStatuses: ['proposed'], openDuplicates: 1 }).step).toBe('cted_duplicate');
    expect(nextStep({ ...base, status: 'in_review' }).step).toBe('cted_triage');
    expect(nextStep({ ...base, status: 'in_review', parkedAt: new Date() }).step).toBe('waiting_offering');
    expect(nextStep({ ...base, status: 'routed', matchStatuses: ['approved', 'proposed'] })).toMatchObject({ actor: 'entity', step: 'entity_forward', entity: 'UNODC' });
    expect(nextStep({ ...base, status: 'routed', matchStatuses: ['forwarded', 'approved'] })).toMatchObject({ actor: 'provider', step: 'provider_answer' });
    expect(nextStep({ ...base, status: 'routed', matchStatuses: ['declined'] })).toMatchObject({ actor: 'entity', step: 'entity_find' });
    expect(nextStep({ ...base, status: 'accepted' })).toMatchObject({ actor: 'provider', step: 'start_delivery' });
    expect(nextStep({ ...base, status: 'in_delivery' })).toMatchObject({ actor: 'member_state', step: 'state_feedback' });
    expect(nextStep({ ...base, status: 'completed' })).toMatchObject({ actor: null, step: 'done' });
    expect(nextStep({ ...base, status: 'rejected', duplicateOf: 'x' }).step).toBe('merged');
    expect(nextStep({ ...base, status: 'rejected' }).step).toBe('closed');
  });
});
