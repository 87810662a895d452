import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config.js';

const made = new Map<string, string>();

/**
 * The secret that signs CSRF tokens and seals queued mail links: SESSION_SECRET when set (required in
 * production, src/config.ts); in tests one random value per process; otherwise (the embedded default)
 * DATA_DIR/session-secret, generated once with mode 0600, so a restart keeps the sign-in page's forms
 * and the links of mail still waiting to be sent.
 */
export function resolveSessionSecret(config: Pick<Config, 'SESSION_SECRET' | 'NODE_ENV' | 'DATA_DIR'>): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const key = config.NODE_ENV === 'test' ? 'test' : config.DATA_DIR;
  const hit = made.get(key);
  if (hit) return hit;
  let secret: string;
  if (config.NODE_ENV === 'test') secret = randomBytes(32).toString('base64url');
  else {
    const file = join(config.DATA_DIR, 'session-secret');
    try { secret = readFileSync(file, 'utf8').trim(); } catch { secret = ''; }
    if (secret.length < 32) {
      mkdirSync(config.DATA_DIR, { recursive: true });
      secret = randomBytes(32).toString('base64url');
      // 'wx': two processes starting at once do not overwrite each other's secret; the loser reads the winner's.
      try { writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }); } catch { secret = readFileSync(file, 'utf8').trim(); }
      chmodSync(file, 0o600);
    }
  }
  made.set(key, secret);
  return secret;
}
