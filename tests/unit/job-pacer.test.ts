import { describe, expect, it } from 'vitest';
import { createJobPacer } from '../../src/job-pacer.js';

/** A clock the test moves: sleeping advances it, as time passes while a job waits. */
function fakeClock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => { t += ms; },
    sleep: async (ms: number) => { slept.push(ms); t += ms; },
    slept,
  };
}

describe('job pacer (embedded default)', () => {
  it('lets jobs run freely while the API is idle', async () => {
    const c = fakeClock();
    const p = createJobPacer({ share: 0.3, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 10; i++) { await p.turn(); c.advance(40); p.done(); }
    expect(c.slept).toEqual([]);
  });

  it('keeps jobs to their share of the time while requests arrive', async () => {
    const c = fakeClock();
    const p = createJobPacer({ share: 0.3, busyForMs: 250, burstMs: 50, now: c.now, sleep: c.sleep });
    const start = c.now();
    let jobTime = 0;
    for (let i = 0; i < 50; i++) {
      p.mark(); // the API is in use throughout
      await p.turn();
      c.advance(20); jobTime += 20;
      p.done();
      p.mark();
    }
    const wall = c.now() - start;
    // 30% of the time, plus the burst banked at the start and the last job (whose debt nobody waits for).
    expect(jobTime / wall).toBeLessThanOrEqual(0.3 + (50 + 20) / wall + 1e-9);
    expect(jobTime / wall).toBeGreaterThan(0.25);
  });

  it('counts the API busy while a request waits unanswered, however long ago it arrived', async () => {
    const c = fakeClock();
    const p = createJobPacer({ share: 0.3, busyForMs: 250, burstMs: 50, now: c.now, sleep: c.sleep });
    // Every connection is waiting (for the database, behind the jobs): no request arrives for seconds.
    for (let i = 0; i < 20; i++) p.mark();
    const start = c.now();
    let jobTime = 0;
    for (let i = 0; i < 50; i++) { await p.turn(); c.advance(40); jobTime += 40; p.done(); }
    const wall = c.now() - start;
    expect(wall).toBeGreaterThan(1000); // long after the last arrival
    expect(jobTime / wall).toBeLessThanOrEqual(0.3 + (50 + 40) / wall + 1e-9);
    // Once they are answered and the API stays quiet, jobs run freely again.
    for (let i = 0; i < 20; i++) p.answered();
    c.advance(300);
    const slept = c.slept.length;
    for (let i = 0; i < 10; i++) { await p.turn(); c.advance(40); p.done(); }
    expect(c.slept.length).toBe(slept);
  });

  it('charges jobs that overlap as they go, though they never all end at once', async () => {
    const c = fakeClock();
    const p = createJobPacer({ share: 0.5, burstMs: 10, now: c.now, sleep: c.sleep });
    p.mark();
    await p.turn(); await p.turn(); // two at a time (EMBEDDED_CONCURRENCY=2)
    c.advance(100);
    p.done(); // one ends, the other runs on
    await p.turn(); // the next job owes the 100 ms already: 10 banked, 50 earned meanwhile, 40 to earn back at share 0.5
    expect(c.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(80);
  });

  it('paces long jobs between their chunks, and counts overlapping jobs once', async () => {
    const c = fakeClock();
    const p = createJobPacer({ share: 0.5, burstMs: 10, now: c.now, sleep: c.sleep });
    p.mark();
    await p.turn();
    await p.turn(); // a second job overlapping the first
    for (let i = 0; i < 10; i++) { c.advance(10); p.mark(); await p.pause(); }
    p.done();
    expect(c.slept).toEqual([]); // the first job's pauses do not wait while another job runs with it
    for (let i = 0; i < 10; i++) { c.advance(10); p.mark(); await p.pause(); }
    p.done();
    expect(c.slept.length).toBeGreaterThan(0);
    const waited = c.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(100); // at share 0.5, 200 ms of work costs at least as much waiting, less the burst
  });
});
