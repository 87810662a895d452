import { describe, expect, it } from 'vitest';
import { ConfigError, describeMode, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('./data');
    expect(describeMode(c)).toEqual({ db: 'pglite', queue: 'in-process' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('uses PostgreSQL and BullMQ when both URLs are set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(describeMode(c)).toEqual({ db: 'postgres', queue: 'bullmq' });
  });

  it('treats empty strings as unset', () => {
    expect(describeMode(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }))).toEqual({ db: 'pglite', queue: 'in-process' });
  });

  it('lists every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short', PORT: 'eighty', REDIS_URL: 'not a url' });
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DATABASE_URL: must be a URL starting with postgres:\/\//);
    expect(problems).toMatch(/ADMIN_API_KEY: must be at least 24 characters/);
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/REDIS_URL/);
    expect((err as ConfigError).problems).toHaveLength(4);
  });
});

describe('security settings', () => {
  const problemsOf = (env: Record<string, string>) => {
    try { loadConfig(env); return []; } catch (e) { return (e as ConfigError).problems; }
  };

  it('refuses the admin key, session secret and metrics token that were published as examples', () => {
    const problems = problemsOf({
      ADMIN_API_KEY: 'change-me-to-a-long-random-admin-key', SESSION_SECRET: 'change-me-to-a-long-random-session-secret', METRICS_TOKEN: 'changeme-changeme-changeme-changeme',
    });
    expect(problems).toHaveLength(3);
    for (const p of problems) expect(p).toMatch(/^(ADMIN_API_KEY|SESSION_SECRET|METRICS_TOKEN): is a published example value/);
    expect(problemsOf({ ADMIN_API_KEY: 'Qm9uam91ciBsZSBtb25kZSBlbnRpZXIgIQ' })).toEqual([]);
  });

  it('trusts no proxy by default, and takes a hop count or a list of addresses, CIDRs and range names', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,loopback, fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.0.2.7', 'loopback', 'fd00::/8']);
  });

  it('refuses TRUST_PROXY=true (every client could name its own address) and what is not an address', () => {
    expect(problemsOf({ TRUST_PROXY: 'true' })[0]).toMatch(/^TRUST_PROXY: give a hop count/);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/8, the-load-balancer' })[0]).toMatch(/^TRUST_PROXY: not an address, CIDR or range name: the-load-balancer/);
  });

  it('has stricter defaults for key lookups and sensitive routes than for ordinary requests', () => {
    const c = loadConfig({});
    expect(c.RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(c.RATE_LIMIT_KEY_LOOKUPS_PER_MINUTE).toBe(60);
    expect(c.RATE_LIMIT_SENSITIVE_PER_MINUTE).toBe(20);
    expect(c.METRICS_TOKEN).toBeUndefined();
  });
});
