import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../src/web/context.js';

/** Where a browser on https://onedoor.example goes with this Location. */
const landsOn = (location: string) => new URL(location, 'https://onedoor.example/requests/abc');

// Every spelling found by the attack run (issue 11, item 6), and the usual others.
const HOSTILE = [
  '/.//evil.example', '/..//evil.example', '/%2e%2e//evil.example', '/%2E%2E//evil.example', '/.%2e//evil.example',
  '/a/../..//evil.example', '/a/b/../../..//evil.example', '//evil.example', '///evil.example', '/\\evil.example',
  '\\/evil.example', '/\\/evil.example', 'https://evil.example/', 'javascript:alert(1)', '/%2f%2fevil.example',
  '/%5cevil.example', '/%5C%5Cevil.example', '/\t/evil.example', '/\n/evil.example', '/%09/evil.example', ' //evil.example',
  'evil.example', '', '/\u2215\u2215evil.example',
];

describe('safeNext', () => {
  it.each(HOSTILE)('never leaves the origin for %j', (v) => {
    const out = safeNext(v);
    expect(out.startsWith('/')).toBe(true);
    expect(out).not.toMatch(/^\/[/\\]/);
    expect(landsOn(out).origin).toBe('https://onedoor.example');
  });

  it('keeps ordinary local paths and their query as they are', () => {
    expect(safeNext('/requests/4856876c-0000-4000-8000-000000000000')).toBe('/requests/4856876c-0000-4000-8000-000000000000');
    expect(safeNext('/directory?q=financial%20intelligence&region=202')).toBe('/directory?q=financial%20intelligence&region=202');
    expect(safeNext('/')).toBe('/');
  });

  it('resolves dot segments and collapses slashes to a local path rather than passing them through', () => {
    expect(safeNext('/.//evil.example')).toBe('/evil.example');
    expect(safeNext('/a/../..//evil.example')).toBe('/evil.example');
    expect(safeNext('/requests//new')).toBe('/requests/new');
  });

  it('answers the fallback for what is not a local path, and drops a parameter when asked', () => {
    expect(safeNext('https://evil.example/', '')).toBe('');
    expect(safeNext(undefined, '/x')).toBe('/x');
    expect(safeNext(['/a'], '/x')).toBe('/x');
    expect(safeNext('/a'.repeat(300), '/x')).toBe('/x');
    expect(safeNext('/directory?lang=fr&q=fiu', '/', 'lang')).toBe('/directory?q=fiu');
  });
});
