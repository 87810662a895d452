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
