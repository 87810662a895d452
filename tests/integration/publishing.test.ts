import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, providers, requests } from '../../db/schema/index.js';
import { parseIatiActivities } from '../../src/modules/imports/iati.parser.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

const TF = 'terrorist_financing';
const NORWAY = 'NO-BRC-971277882';
/** The official IATI 2.03 activity schema shipped in the repository (db/reference/iati/PROVENANCE.md). */
const SCHEMA = fileURLToPath(new URL('../../db/reference/iati/iati-activities-schema.xsd', import.meta.url));
const who = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ keyId: null, role, memberState: null, providerId: null, entity: null, label: role, userId: null, organisationId: null, memberRole: null, ...extra } as Principal);

/** xmllint's verdict on a file: well-formed (and, with a schema, valid). */
function xmllint(xml: string, schema?: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-iati-'));
  try {
    const file = join(dir, 'activities.xml');
    writeFileSync(file, xml);
    try {
      return { ok: true, out: execFileSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (err) { return { ok: false, out: String((err as { stderr?: string }).stderr ?? err) }; }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe('publishing the brokered assistance as IATI 2.03, with both sides\' consent', () => {
  let t: TestApp;
  let c: Cast;
  let offeringId: string;
  const req: Record<string, string> = {};
  const match: Record<string, string> = {};
  const cted = who('cted');

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    await t.db.db.update(providers).set({ iatiOrgRef: NORWAY }).where(eq(providers.id, c.providerAId));
    offeringId = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: {
      ...fiuOffering, thematicAreas: [TF], availableFrom: '2027-01-01', availableUntil: '2027-12-31', budget: { amount: 12_500_050, currency: 'USD' },
    } })).body.id;
    for (const [k, conf, status] of [['delivered', 'public', 'completed'], ['accepted', 'task_force', 'accepted'], ['noConsent', 'public', 'accepted'], ['restricted', 'restricted', 'completed'], ['proposed', 'public', 'in_review']] as const) {
      const r = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: `Senegal ${k}`, thematicAreas: [TF], confidentiality: conf } });
      req[k] = r.body.id;
      await t.db.db.update(requests).set({ status, firstCompletedAt: status === 'completed' ? new Date('2027-06-30T00:00:00Z') : null }).where(eq(requests.id, r.body.id));
      const [m] = await t.db.db.insert(matches).values({ requestId: r.body.id, offeringId, providerId: c.providerAId, rank: 1, score: 0.8, explanation: {}, status: k === 'proposed' ? 'proposed' : 'accepted', decidedAt: new Date('2027-02-01T00:00:00Z') }).returning({ id: matches.id });
      match[k] = m!.id;
    }
  });
  afterAll(async () => { await t?.close(); });

  it('publishes nothing until the state and the provider consent, then only the accepted and delivered matches of consenting requests', async () => {
    expect(await t.services.publishing.iatiFile(cted)).toBeNull();
    const state = who('member_state', { memberState: 'SEN' });
    for (const k of ['delivered', 'accepted', 'restricted', 'proposed']) await t.services.publishing.setRequestConsent(state, req[k]!, true);
    // The state's consent alone publishes nothing: the provider has not consented.
    expect(await t.services.publishing.iatiFile(cted)).toBeNull();
    await t.services.publishing.setProviderConsent(who('provider', { providerId: c.providerAId }), true);
    const xml = (await t.services.publishing.iatiFile(cted))!;
    const ids = [...xml.matchAll(/<iati-identifier>([^<]+)<\/iati-identifier>/g)].map((x) => x[1]);
    expect(ids.sort()).toEqual([`${NORWAY}-${match.delivered}`, `${NORWAY}-${match.accepted}`].sort());
    expect(xml).not.toContain(match.restricted);
    expect(xml).not.toContain('Senegal ');
    // Another state may not consent for Senegal's request; providers and states do not download the file.
    await expect(t.services.publishing.setRequestConsent(who('member_state', { memberState: 'KEN' }), req.noConsent!, true)).rejects.toThrow();
    await expect(t.services.publishing.iatiFile(who('provider', { providerId: c.providerAId }))).rejects.toThrow();
  });

  it('writes provider, recipient country, DAC sector, dates, budget and status, valid against the IATI 2.03 schema', async () => {
    const xml = (await t.services.publishing.iatiFile(cted))!;
    expect(xml).toMatch(/<iati-activities version="2.03" generated-datetime="[^"]+">/);
    expect(xml).toContain(`<reporting-org ref="${NORWAY}" type="10">`);
    expect(xml).toContain('<participating-org ref="NO-BRC-971277882" role="1" type="10">');
    expect(xml).toContain('<recipient-country code="SN" percentage="100"/');
    const dac = (await t.services.reference.get()).areaByCode.get(TF)!.dacCodes[0];
    expect(xml).toContain(`<sector vocabulary="1" code="${dac}" percentage="100.00"/`);
    expect(xml).toContain('<activity-status code="4"/');
    expect(xml).toContain('<activity-status code="2"/');
    expect(xml).toContain('<activity-date type="4" iso-date="2027-06-30"/');
    expect(xml).toContain('<value currency="USD" value-date="2027-01-01">125000.50</value>');
    const lint = xmllint(xml, SCHEMA);
    expect(lint.ok, lint.out).toBe(true);
    // The check can fail: the same file without its required activity-status does not validate.
    const broken = xmllint(xml.replace(/<activity-status code="\d"\/>/g, ''), SCHEMA);
    expect(broken.ok).toBe(false);
    expect(broken.out).toContain('activity-status');
  });

  it('round-trips through the IATI import: the same titles, countries, areas, dates and budgets come back', async () => {
    const xml = (await t.services.publishing.iatiFile(cted))!;
    const ref = await t.services.reference.get();
    const parsed = parseIatiActivities(xml, { dacToArea: ref.dacToArea, iso2ToIso3: ref.iso2ToIso3, m49Regions: ref.regionCodes });
    expect(parsed.errors).toEqual([]);
    expect(parsed.reportingOrgs.every((o) => o.ref === NORWAY)).toBe(true);
    expect(parsed.items).toHaveLength(2);
    for (const { value, sectorAreas } of parsed.items) {
      expect(value.title).toBe(fiuOffering.title);
      expect(value.description).toBe(fiuOffering.description);
      expect(value.eligibility?.countries).toEqual(['SEN']);
      expect(sectorAreas).toEqual([TF]);
      expect(value.budget).toEqual({ amount: 12_500_050, currency: 'USD' });
      expect(value.availableFrom).toBe('2027-02-01');
    }
    // And through the provider's own import: its reporting-org is the provider's, so the file is accepted under its key.
    const res = await t.call({ method: 'POST', url: '/v1/offerings/iati', key: c.providerA, headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect(res.body.created).toBe(2);
  });

  it('CTED downloads the file from the web; the state and the provider give their consent on their pages', async () => {
    const s = await webSession(t, c.cted);
    const r = await t.app.inject({ method: 'GET', url: '/publishing/iati.xml', headers: { cookie: s.cookie } });
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['content-type'])).toContain('application/xml');
    expect(r.body).toContain('<iati-activities version="2.03"');
    const provider = await webSession(t, c.providerA);
    expect((await provider.get('/publishing/iati.xml')).status).toBe(403);
    const state = await webSession(t, c.stateA);
    expect((await state.get(`/requests/${req.noConsent}`)).html).toContain(`action="/requests/${req.noConsent}/publish-consent"`);
    expect((await state.post(`/requests/${req.noConsent}/publish-consent`, { consent: 'yes' })).status).toBe(303);
    const [row] = await t.db.db.select({ c: requests.consentToPublish }).from(requests).where(eq(requests.id, req.noConsent!));
    expect(row!.c).toBe(true);
    expect((await provider.get('/offerings')).html).toContain('action="/offerings/publish-consent"');
    expect((await provider.post('/offerings/publish-consent', { consent: 'no' })).status).toBe(303);
    expect(await t.services.publishing.iatiFile(cted)).toBeNull();
  });
});
