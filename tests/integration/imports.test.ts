import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');

describe('bulk imports over HTTP: IATI XML, offerings CSV, CTED needs CSV', () => {
  let t: TestApp;
  let c: Cast;
  /** The example donor of the IATI fixture, with its IATI organisation identifier on record. */
  let donor = '';
  let donorId = '';
  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    const prov = await t.call({ method: 'POST', url: '/v1/providers', key: c.admin, payload: { name: 'Counter-Terrorism Capacity Fund', kind: 'international_org', iatiOrgRef: 'XM-EXAMPLE-CTF' } });
    donorId = prov.body.id;
    donor = await t.key({ role: 'provider', providerId: donorId });
  });
  afterAll(async () => { await t?.close(); });

  it('imports a real-looking IATI 2.03 file: countries, regions, sectors → areas, dates, status, budget', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: donor, headers: { 'content-type': 'application/xml' }, payload: fixture('iati/activities.xml') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ created: 4, updated: 0 });
    const list = (await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: donor })).body.items;
    const byRef = new Map(list.map((o: { externalRef: string }) => [o.externalRef, o]));
    const sahel: any = byRef.get('XM-EXAMPLE-CTF-2024-001');
    expect(sahel.eligibility.countries.sort()).toEqual(['BFA', 'MLI', 'NER']);
    expect(sahel.thematicAreas).toEqual(expect.arrayContaining(['legal_framework']));
    expect(sahel.availableFrom).toBe('2024-02-15T00:00:00.000Z');
    expect(sahel.availableUntil).toBe('2026-12-31T00:00:00.000Z');
    expect(sahel.status).toBe('open');
    expect(sahel.source).toBe('iati');
    const closed: any = byRef.get('XM-EXAMPLE-CTF-2023-014');
    expect(closed.status).toBe('closed');
    expect(closed.eligibility.regions).toEqual(['202']);
    expect(closed.thematicAreas).toContain('terrorist_financing');
    const westAsia: any = byRef.get('XM-EXAMPLE-CTF-2022-003');
    expect(westAsia.eligibility.regions).toEqual(['145']);
    const central: any = byRef.get('XM-EXAMPLE-CTF-2025-007');
    expect(central.eligibility.countries.sort()).toEqual(['GTM', 'HND']);
    expect(central.thematicAreas).toContain('customs');
  });

  it('re-importing the same IATI file updates instead of duplicating', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: donor, headers: { 'content-type': 'application/xml' }, payload: fixture('iati/activities.xml') });
    expect(res.body).toMatchObject({ created: 0, updated: 4 });
  });

  it('refuses under a provider key a file another organisation reports, and lets an admin import it', async () => {
    // Norway's key, the example donor's file: refused, with every activity's reporter named.
    const refused = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: c.providerA, headers: { 'content-type': 'application/xml' }, payload: fixture('iati/activities.xml') });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('foreign_reporting_org');
    expect(refused.body.error.details).toHaveLength(4);
    expect(refused.body.error.details[0]).toMatchObject({ path: 'rows.1.reporting-org', message: expect.stringContaining('XM-EXAMPLE-CTF') });
    expect((await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerA })).body.items).toHaveLength(0);
    // A provider whose own identifier is on record is refused a file of another identifier too.
    const other = await t.call({ method: 'POST', url: '/v1/providers', key: c.admin, payload: { name: 'Another donor', kind: 'member_state', iatiOrgRef: 'XM-DAC-99' } });
    const otherKey = await t.key({ role: 'provider', providerId: other.body.id });
    const again = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: otherKey, headers: { 'content-type': 'application/xml' }, payload: fixture('iati/activities.xml') });
    expect(again.status).toBe(403);
    expect(again.body.error.message).toContain('XM-DAC-99');
    // An admin may import it on the provider's behalf.
    const admin = await t.call({ method: 'POST', url: `/v1/offerings/iati?providerId=${c.providerAId}`, key: c.admin, headers: { 'content-type': 'application/xml' }, payload: fixture('iati/activities.xml') });
    expect(admin.status, JSON.stringify(admin.body)).toBe(201);
    expect(admin.body.created).toBe(4);
  });

  it('weighs DAC sectors as evidence beside the text: maritime and chemical security filed under 15210 are not "rule of law"', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity xml:lang="en" default-currency="USD">
  <iati-identifier>XM-EXAMPLE-CTF-2025-099</iati-identifier>
  <reporting-org ref="XM-EXAMPLE-CTF" type="10"><narrative>Counter-Terrorism Capacity Fund</narrative></reporting-org>
  <title><narrative>Port facility security and chemical security</narrative></title>
  <description type="1"><narrative>Training for port facility security officers on the ISPS Code, ship and port security assessments and maritime security plans, with chemical security and the safe management of toxic chemicals at ports against terrorist misuse.</narrative></description>
  <activity-status code="2"/>
  <sector vocabulary="1" code="15210"/>
</iati-activity></iati-activities>`;
    const res = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: donor, headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const o = (await t.call({ method: 'GET', url: `/v1/offerings/${res.body.ids[0]}`, key: donor })).body;
    expect(o.thematicAreas).toContain('maritime_security');
    expect(o.thematicAreas).not.toContain('rule_of_law');
    expect(o.thematicAreasInferred).toBe(true);
  });

  it('rejects non-IATI, malformed and entity-expansion XML with a clear 400', async () => {
    for (const f of ['iati/not-iati.xml', 'iati/malformed.xml', 'iati/entity-expansion.xml', 'iati/version-1.xml']) {
      const res = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: c.providerB, headers: { 'content-type': 'application/xml' }, payload: fixture(f) });
      expect(res.status, f).toBe(400);
      expect(res.body.error.message.length, f).toBeGreaterThan(5);
    }
  });

  it('imports offerings from CSV; a file with bad rows imports nothing and lists each problem', async () => {
    const ok = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerB, headers: { 'content-type': 'text/csv' }, payload: fixture('csv/offerings.csv') });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.created + ok.body.updated).toBeGreaterThan(0);
    const before = (await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerB })).body.items.length;
    const bad = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerB, headers: { 'content-type': 'text/csv' }, payload: fixture('csv/offerings-bad.csv') });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.length).toBeGreaterThan(0);
    for (const d of bad.body.error.details) expect(d.path).toMatch(/^rows\.\d+/);
    expect((await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerB })).body.items.length).toBe(before);
  });

  it('imports CTED\'s needs matrix; re-importing the same file updates rather than duplicates', async () => {
    const first = await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: fixture('csv/needs.csv') });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.created).toBe(6);
    const again = await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: fixture('csv/needs.csv') });
    expect(again.body).toMatchObject({ created: 0, unchanged: 6 });
    const edited = fixture('csv/needs.csv').replace(',high,terrorist_financing,2024-05-14', ',low,terrorist_financing,2024-05-14');
    const third = await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: edited });
    expect(third.body).toMatchObject({ created: 0, updated: 1, unchanged: 5 });
    const needs = (await t.call({ method: 'GET', url: '/v1/needs?limit=500', key: c.cted })).body.items;
    expect(needs).toHaveLength(6);
    const jor = needs.find((n: { memberState: string }) => n.memberState === 'JOR');
    expect(jor.thematicAreas.length).toBeGreaterThan(0);
    expect((await t.call({ method: 'POST', url: '/v1/needs/import', key: c.stateA, headers: { 'content-type': 'text/csv' }, payload: fixture('csv/needs.csv') })).status).toBe(403);
  });
});
