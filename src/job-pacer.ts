/**
 * Paces the jobs of the embedded default, which runs them on the same thread (and, with PGlite, the
 * same database connection) as the HTTP API. While people are using the API, jobs may take at most
 * `share` of the time (a token bucket: time accrues at `share` per millisecond, a job spends what it
 * runs, and waits when it has overspent); with no HTTP request for a moment, jobs run freely. Long
 * jobs call pause() between chunks, so a re-match of thousands of requests is paced too, not only the
 * gaps between jobs. BullMQ workers are separate processes and are not paced.
 */
export interface JobPacer {
  /** An HTTP request arrived (the API is in use until it is answered, and busyForMs after). */
  mark(): void;
  /** An HTTP request was answered (every mark() has one). */
  answered(): void;
  /** Before a job (or a chunk of one) runs: waits while jobs have used more than their share. */
  turn(): Promise<void>;
  /** After it ran: what it took. */
  done(): void;
  /** Between chunks of a long job: accounts the chunk, lets HTTP work run, waits if over budget. */
  pause(): Promise<void>;
}

export interface PacerOptions {
  /** Share of the time jobs may take while the API is busy, in (0, 1]. */
  share: number;
  /** How long after the last HTTP request the API counts as busy. */
  busyForMs?: number;
  /** Most time jobs may bank while idle, spent in a burst when the API gets busy. */
  burstMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => { const t = setTimeout(resolve, ms); t.unref?.(); });
/** Lets the event loop run what waits (HTTP requests, timers) before going on: a break in a long synchronous stretch. */
export const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * For a loop of synchronous work on the API's thread (the rows of a bulk upload, a few milliseconds
 * each): a break for the event loop after every `every` items, so others are answered meanwhile.
 */
export function breakEvery(i: number, every = 10): Promise<void> | undefined {
  return i % every === every - 1 ? nextTick() : undefined;
}

export function createJobPacer(opts: PacerOptions): JobPacer {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? defaultSleep;
  const share = Math.min(1, Math.max(0.01, opts.share));
  const busyFor = opts.busyForMs ?? 250;
  const burst = opts.burstMs ?? 50;
  let lastHttp = -Infinity;
  // Requests not yet answered: while any waits (for the database, behind a job's statement), the API is
  // busy however long ago it arrived. Counting arrivals alone let jobs run freely exactly when every
  // connection was stuck waiting for them, so none arrived: filing starved while matching.
  let inFlight = 0;
  let budget = burst;
  let refilledAt = now();
  // Jobs running now (they may overlap while one waits for I/O): time is spent while at least one runs.
  let active = 0;
  let runningSince: number | null = null;

  const busy = () => inFlight > 0 || now() - lastHttp < busyFor;
  const refill = () => {
    const t = now();
    budget = busy() ? Math.min(burst, budget + (t - refilledAt) * share) : burst;
    refilledAt = t;
  };
  // Charges the time jobs ran since the last charge. Charged as it goes, not only when the last running
  // job ends: with two at a time, one starting before the other ends, that moment never came and jobs
  // ran unpaced.
  const spend = () => {
    if (runningSince === null) return;
    const t = now();
    budget -= t - runningSince;
    runningSince = active > 0 ? t : null;
  };
  const wait = async () => {
    refill();
    while (budget < 0 && busy()) {
      await sleep(Math.min(100, Math.ceil(-budget / share)));
      refill();
    }
  };

  return {
    mark() { lastHttp = now(); inFlight++; },
    answered() { if (inFlight > 0) inFlight--; lastHttp = now(); },
    async turn() {
      spend();
      await wait();
      if (active++ === 0) runningSince = now();
    },
    done() {
      if (active === 0) return;
      spend();
      if (--active === 0) runningSince = null;
      refill();
    },
    async pause() {
      if (active > 1) { spend(); await nextTick(); return; }
      spend();
      runningSince = null;
      await nextTick();
      await wait();
      if (active > 0) runningSince = now();
    },
  };
}

/** No pacing (separate worker processes). */
export const UNPACED: JobPacer = { mark() {}, answered() {}, async turn() {}, done() {}, pause: nextTick };
