import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../db/schema/index.js';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession, type WebSession } from '../helpers/web-session.js';

const TF = 'terrorist_financing';

describe('exports of the lists: CSV and XLSX, readable names in the reader\'s language, the page\'s filters and visibility', () => {
  let t: TestApp;
  let c: Cast;
  let cted: WebSession;
  let ids: { senOpen: string; senRestricted: string; ken: string; formula: string };

  /** GET a download under a session (raw bytes: an XLSX is binary). */
  const download = async (s: WebSession, url: string, lang = 'en') => {
    const res = await t.app.inject({ method: 'GET', url, headers: { cookie: `${s.cookie}; od_lang=${lang}` } });
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, text: res.body };
  };
  const csvRows = (text: string) => parse(text, { bom: true, relax_column_count: false }) as string[][];
  const readXlsx = async (bytes: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows: string[][] = [];
    ws.eachRow((row) => { rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))); });
    return { ws, rows };
  };

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    const file = async (key: string, body: Record<string, unknown>) => {
      const r = await t.call({ method: 'POST', url: '/v1/requests', key, payload: { ...fiuRequest, thematicAreas: [TF], ...body } });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return r.body.id as string;
    };
    ids = {
      senOpen: await file(c.stateA, { title: 'Senegal FIU training', confidentiality: 'public' }),
      senRestricted: await file(c.stateA, { title: 'Senegal restricted request', confidentiality: 'restricted', urgency: 'low' }),
      ken: await file(c.stateB, { title: 'Kenya FIU training' }),
      formula: await file(c.stateA, { title: '=HYPERLINK("http://evil.example","click")' }),
    };
    // The restricted one reached UNODC: UNODC may see it, ICAO may not.
    await t.db.db.update(requests).set({ status: 'routed', routedEntity: 'UNODC', routedAt: new Date() }).where(eq(requests.id, ids.senRestricted));
    cted = await webSession(t, c.cted);
  });
  afterAll(async () => { await t?.close(); });

  it('CSV in French: a code and its French name side by side, every request for CTED, formulas neutralised', async () => {
    const res = await download(cted, '/export/requests?format=csv', 'fr');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/csv');
    expect(String(res.headers['content-disposition'])).toMatch(/attachment; filename="onedoor-requests-\d{4}-\d{2}-\d{2}\.csv"/);
    const [head, ...rows] = csvRows(res.text);
    expect(head).toEqual(expect.arrayContaining(['Titre', 'Identifiant', 'État Membre (code)']));
    const col = (name: string) => head!.indexOf(name);
    const sen = rows.find((r) => r[col('Identifiant')] === ids.senOpen)!;
    expect(sen[col('État Membre (code)')]).toBe('SEN');
    expect(sen[col('État Membre')]).toBe('Sénégal');
    expect(sen[col('Statut')]).toBe('Déposée');
    expect(sen[col('Domaines thématiques (code)')]).toBe(TF);
    expect(sen[col('Domaines thématiques')]).toBe('Lutte contre le financement du terrorisme');
    expect(col('État Membre')).toBe(col('État Membre (code)') + 1);
    const f = rows.find((r) => r[col('Identifiant')] === ids.formula)!;
    expect(f[col('Titre')]).toBe('\'=HYPERLINK("http://evil.example","click")');
  });

  it('XLSX in Arabic, read back with exceljs: Arabic headers and names, right-to-left sheet, the picked columns only', async () => {
    const res = await download(cted, '/export/requests?format=xlsx&columns=title&columns=memberState&columns=status', 'ar');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('spreadsheetml');
    const { ws, rows } = await readXlsx(res.bytes);
    expect(ws.views[0]?.rightToLeft).toBe(true);
    expect(rows[0]).toEqual(['العنوان', 'الدولة العضو (الرمز)', 'الدولة العضو', 'الحالة (الرمز)', 'الحالة']);
    const ken = rows.find((r) => r[0] === 'Kenya FIU training')!;
    expect(ken.slice(1, 4)).toEqual(['KEN', 'كينيا', 'submitted']);
    expect(rows).toHaveLength(1 + Object.keys(ids).length);
  });

  it('keeps the page\'s filters: urgency and the stage tabs', async () => {
    const low = csvRows((await download(cted, '/export/requests?format=csv&urgency=low&columns=id')).text);
    expect(low.slice(1).map((r) => r[0])).toEqual([ids.senRestricted]);
    const routed = csvRows((await download(cted, '/export/requests?format=csv&stage=routed&columns=id')).text);
    expect(routed.slice(1).map((r) => r[0])).toEqual([ids.senRestricted]);
  });

  it('each reader gets the rows of its own list: another state and another entity never see the restricted request', async () => {
    const idsOf = async (key: string) => csvRows((await download(await webSession(t, key), '/export/requests?format=csv&columns=id')).text).slice(1).map((r) => r[0]);
    expect((await idsOf(c.stateB)).sort()).toEqual([ids.ken]);
    expect((await idsOf(c.stateA)).sort()).toEqual([ids.senOpen, ids.senRestricted, ids.formula].sort());
    expect(await idsOf(c.unodc)).toEqual([ids.senRestricted]);
    expect(await idsOf(c.icao)).toEqual([]);
    // A provider has no requests list, so no export of it; an unknown list is a 404.
    const provider = await webSession(t, c.providerA);
    expect((await download(provider, '/export/requests?format=csv')).status).toBe(403);
    expect((await download(cted, '/export/nothing?format=csv')).status).toBe(404);
  });

  it('every list page offers the export with its filters, and each list exports', async () => {
    const page = await cted.get('/requests?urgency=high&stage=waiting');
    expect(page.html).toContain('action="/export/requests"');
    expect(page.html).toContain('<input type="hidden" name="urgency" value="high">');
    expect(page.html).toContain('<input type="hidden" name="stage" value="waiting">');
    for (const [url, list] of [['/review', 'review'], ['/triage', 'triage'], ['/needs', 'needs'], ['/analytics', 'unmatchedNeeds']] as const) {
      expect((await cted.get(url)).html, url).toContain(`action="/export/${list}"`);
      const res = await download(cted, `/export/${list}?format=csv`, 'es');
      expect(res.status, `${list}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(csvRows(res.text)[0]!.length).toBeGreaterThan(3);
    }
    const provider = await webSession(t, c.providerA);
    for (const [url, list] of [['/offerings', 'offerings'], ['/inbox', 'inbox']] as const) {
      expect((await provider.get(url)).html, url).toContain(`action="/export/${list}"`);
      expect((await download(provider, `/export/${list}?format=xlsx`, 'zh')).status).toBe(200);
    }
  });
});
