import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const registration = { organisationName: 'Lines Fund', kind: 'ngo', contactName: 'Lines Person', contactEmail: 'lines@example.org', country: 'NOR', website: 'https://lines.example.org' };

/**
 * Anyone may register a provider, and the registration mails its invitation to the address given,
 * with the organisation's and the contact's names in it. Names with line breaks wrote lines of the
 * sender's choosing into that mail (a fake "Bcc:" or a "visit this link" paragraph under OneDoor's
 * name); a name is one line.
 */
describe('attack: line breaks in the names a public registration mails out', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  const mails = async () => (await t.db.query<{ n: number }>(`select count(*)::int as n from mail_messages`, []))[0]!.n;

  it.each([
    ['organisationName', 'Evil Org\r\nBcc: victim@evil.example'], ['organisationName', 'Evil Org\n\nYour account is locked: visit https://evil.example'],
    ['contactName', 'Mallory\rX-Injected: 1'], ['contactName', 'Mallory\u2028Next line'], ['organisationName', 'Evil\u0085Org'], ['contactName', 'Mallory\tTab'],
  ])('refuses a %s with a line break or control character (%j), and mails nothing', async (field, value) => {
    const before = await mails();
    const res = await t.call({ method: 'POST', url: '/v1/provider-registrations', payload: { ...registration, contactEmail: `x${before}@example.org`, [field]: value } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([field]);
    expect(await mails()).toBe(before);
  });

  it('still registers names in any script, with inner spaces and punctuation', async () => {
    const before = await mails();
    const res = await t.call({ method: 'POST', url: '/v1/provider-registrations', payload: { ...registration, organisationName: 'Fondation « Ligne » — 安全基金 / مؤسسة', contactName: "Zoë O'Brien-Ng" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await mails()).toBe(before + 1);
  });
});
