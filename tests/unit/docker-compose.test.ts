import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KNOWN_DEFAULT_SECRETS } from '../../src/config.js';

interface Service { environment?: Record<string, string>; ports?: string[] }
const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('requires ADMIN_API_KEY and SESSION_SECRET (compose refuses to start without them) and ships no default for either', () => {
    for (const name of ['api', 'worker']) {
      const env = compose.services[name]!.environment!;
      expect(env.ADMIN_API_KEY, name).toMatch(/^\$\{ADMIN_API_KEY:\?.+\}$/);
      expect(env.SESSION_SECRET, name).toMatch(/^\$\{SESSION_SECRET:\?.+\}$/);
    }
    for (const secret of KNOWN_DEFAULT_SECRETS) expect(text).not.toContain(secret);
  });

  it('publishes every port on loopback unless ONEDOOR_BIND says otherwise', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(published.length).toBeGreaterThan(0);
    for (const [name, port] of published) expect(port, name).toMatch(/^(127\.0\.0\.1|\$\{ONEDOOR_BIND:-127\.0\.0\.1\}):\d+:\d+$/);
    expect(compose.services.api!.ports).toEqual(['${ONEDOOR_BIND:-127.0.0.1}:3000:3000']);
  });
});
