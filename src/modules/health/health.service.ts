import { Gauge, type Registry } from 'prom-client';
import { withTimeout, type DatabaseHandle } from '../../../db/client.js';
import type { Config } from '../../config.js';
import type { ConsumerStatus, QueueDriver } from '../../queue/queue.driver.js';
import type { DeadLetterSpool } from '../events/dead-letters.service.js';

type Up = 'ok' | 'down';

/** The liveness answer of the contract (`GET /health`), with what it can tell about the work. */
export interface Liveness {
  status: 'ok' | 'degraded';
  db: Up;
  queue: Up;
  mode: { db: string; queue: string };
  /** Consumer processes alive (null when the queue cannot be asked). */
  workers: { alive: number | null };
  outbox: { unrelayed: number | null; oldestSeconds: number | null };
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  /** The names of the failing checks, most fundamental first. */
  failing: ('db' | 'queue' | 'workers' | 'outbox')[];
  checks: {
    db: { status: Up };
    queue: { status: Up };
    workers: { status: 'ok' | 'none' | 'unknown'; alive: number | null; consumers: ConsumerStatus['consumers'] };
    outbox: { status: 'ok' | 'lagging' | 'unknown'; unrelayed: number | null; oldestSeconds: number | null; maxLagSeconds: number };
    /** Informative: requests waiting for their first match (the sweeper re-enqueues them after strandedAfterSeconds). */
    matching: { waiting: number | null; oldestSeconds: number | null; strandedAfterSeconds: number };
    /** Informative: dead letters kept (in any process) until the database takes them. */
    deadLetters: { unstored: number };
  };
}

const OUTBOX_SQL = `select count(*)::int as n, extract(epoch from (now() - min(created_at)))::float8 as oldest from outbox where published_at is null`;
const WAITING_SQL = `select count(*)::int as n, extract(epoch from (now() - min(updated_at)))::float8 as oldest from requests where status in ('submitted', 'matched')`;

/**
 * What `/health`, `/health/ready` and the reliability gauges of `/metrics` say, in one place. Every
 * probe has a bounded wait, so the checks answer even while the database or Redis hangs.
 */
export function createHealthService(deps: {
  db: DatabaseHandle; queue: QueueDriver; spool: Pick<DeadLetterSpool, 'unstored'>;
  config: Pick<Config, 'OUTBOX_MAX_LAG_S' | 'STRANDED_AFTER_S'>;
}) {
  const up = (p: Promise<unknown>): Promise<Up> => p.then(() => 'ok' as const, () => 'down' as const);
  const counted = async (text: string) => {
    const rows = await withTimeout(deps.db.query<{ n: number; oldest: number | null }>(text, []), 1500, 'health query').catch(() => null);
    const r = rows?.[0];
    return r ? { n: Number(r.n), oldest: r.oldest === null ? 0 : Math.max(0, Math.round(Number(r.oldest))) } : null;
  };
  const consumers = () => withTimeout(deps.queue.consumers(), 1000, 'consumer heartbeats').catch(() => null);

  async function liveness(): Promise<Liveness> {
    const [db, queue, workers, outbox] = await Promise.all([
      up(deps.db.ping(1500)), up(deps.queue.ping(1000)), consumers(), counted(OUTBOX_SQL),
    ]);
    return {
      status: db === 'ok' && queue === 'ok' ? 'ok' : 'degraded', db, queue,
      mode: { db: deps.db.kind, queue: deps.queue.kind },
      workers: { alive: workers?.alive ?? null },
      outbox: { unrelayed: outbox?.n ?? null, oldestSeconds: outbox ? outbox.oldest : null },
    };
  }

  async function readiness(): Promise<Readiness> {
    const [db, queue, workers, outbox, waiting, unstored] = await Promise.all([
      up(deps.db.ping(1500)), up(deps.queue.ping(1000)), consumers(), counted(OUTBOX_SQL), counted(WAITING_SQL),
      withTimeout(deps.spool.unstored(), 1000, 'dead letters kept').catch(() => 0),
    ]);
    const maxLag = deps.config.OUTBOX_MAX_LAG_S;
    const workersStatus = workers === null ? 'unknown' : workers.alive > 0 ? 'ok' : 'none';
    const outboxStatus = outbox === null ? 'unknown' : outbox.oldest > maxLag ? 'lagging' : 'ok';
    const failing: Readiness['failing'] = [];
    if (db !== 'ok') failing.push('db');
    if (queue !== 'ok') failing.push('queue');
    if (workersStatus !== 'ok') failing.push('workers');
    if (outboxStatus !== 'ok') failing.push('outbox');
    return {
      status: failing.length ? 'not_ready' : 'ready',
      failing,
      checks: {
        db: { status: db },
        queue: { status: queue },
        workers: { status: workersStatus, alive: workers?.alive ?? null, consumers: workers?.consumers ?? [] },
        outbox: { status: outboxStatus, unrelayed: outbox?.n ?? null, oldestSeconds: outbox ? outbox.oldest : null, maxLagSeconds: maxLag },
        matching: { waiting: waiting?.n ?? null, oldestSeconds: waiting ? waiting.oldest : null, strandedAfterSeconds: deps.config.STRANDED_AFTER_S },
        deadLetters: { unstored },
      },
    };
  }

  /** The reliability gauges, read at each scrape: one readiness pass feeds them all. */
  function registerMetrics(registry: Registry) {
    let last: Promise<Readiness> | undefined;
    // One readiness pass per scrape, however many gauges ask.
    const read = () => (last ??= readiness().finally(() => setImmediate(() => { last = undefined; })));
    const gauge = (name: string, help: string, value: (r: Readiness) => number | null) => new Gauge({
      name, help, registers: [registry],
      async collect() { const v = value(await read()); if (v !== null) this.set(v); },
    });
    gauge('onedoor_ready', '1 when /health/ready answers 200, else 0', (r) => (r.status === 'ready' ? 1 : 0));
    gauge('onedoor_workers_alive', 'Consumer processes whose heartbeat has not expired', (r) => r.checks.workers.alive);
    // The number of unrelayed events is onedoor_outbox_backlog (operations.routes.ts).
    gauge('onedoor_outbox_oldest_unrelayed_seconds', 'Age of the oldest event not yet relayed to the queue (0 when none)', (r) => r.checks.outbox.oldestSeconds);
    gauge('onedoor_requests_waiting_for_match', 'Requests in submitted or matched', (r) => r.checks.matching.waiting);
    gauge('onedoor_requests_waiting_oldest_seconds', 'Age of the oldest request waiting for its first match (0 when none)', (r) => r.checks.matching.oldestSeconds);
    gauge('onedoor_dead_letters_unstored', 'Dead letters kept until the database takes them', (r) => r.checks.deadLetters.unstored);
  }

  return { liveness, readiness, registerMetrics };
}
export type HealthService = ReturnType<typeof createHealthService>;
