import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { castOf, fiuOffering, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';
import { docxWith, makeZip, multipart, zeros } from '../helpers/zip.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/attachments/${name}`, import.meta.url));
const LIMITS = { ATTACHMENT_MAX_BYTES: String(256 * 1024), ATTACHMENT_MAX_INFLATED_BYTES: String(4 * 1024 * 1024), ATTACHMENT_MAX_ZIP_ENTRIES: '50', ATTACHMENTS_PER_OFFERING: '2' };

function upload(t: TestApp, key: string, url: string, files: { name: string; data: Buffer; type?: string }[], fields: Record<string, string> = { purpose: 'request_letter' }) {
  const { payload, headers } = multipart(fields, files);
  return t.call({ method: 'POST', url, key, payload, headers });
}

describe('documents stored in PostgreSQL', () => {
  let t: TestApp;
  let c: Cast;
  let id: string;
  const attach = (files: { name: string; data: Buffer; type?: string }[], fields?: Record<string, string>) => upload(t, c.stateA, `/v1/requests/${id}/attachments`, files, fields);
  const reason = (res: { body: { error?: { details?: { message: string }[] } } }) => res.body.error?.details?.[0]?.message.split(':')[0];

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1', ...LIMITS } });
    c = await castOf(t);
    await t.startWorkers();
    ({ id } = await routedRequestWithProviders(t, c));
  });
  afterAll(async () => { await t?.close(); });

  it('accepts the seven kinds, each read from its content, and serves them as downloads that never run', async () => {
    const kinds: [string, string][] = [
      ['letter-fr.pdf', 'pdf'], ['draft-law-en.docx', 'docx'], ['assessment-en.odt', 'odt'], ['participants.xlsx', 'xlsx'],
      ['participants.csv', 'csv'], ['letter-scan.png', 'png'], ['letter-scan.jpg', 'jpeg'],
    ];
    for (const [name, kind] of kinds) {
      // The browser's Content-Type is never trusted.
      const res = await attach([{ name, data: fixture(name), type: 'text/html' }]);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.items[0]).toMatchObject({ kind, filename: name, sizeBytes: fixture(name).length, ownerType: 'request', requestId: id, uploadedBy: { party: 'state:SEN', role: 'member_state' } });
    }
    const list = (await t.call({ method: 'GET', url: `/v1/requests/${id}/attachments`, key: c.stateA })).body.items;
    const pdf = list.find((a: { kind: string }) => a.kind === 'pdf');
    const dl = await t.app.inject({ method: 'GET', url: pdf.href, headers: { authorization: `Bearer ${c.stateA}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(fixture('letter-fr.pdf'))).toBe(true);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toBe('attachment; filename=letter-fr.pdf');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    // A name in another script keeps its letters (RFC 8187) and an ASCII fallback; a path is cut off.
    const named = await attach([{ name: '../../رسالة رسمية.pdf', data: fixture('letter-fr.pdf') }]);
    expect(named.body.items[0].filename).toBe('رسالة رسمية.pdf');
    const dl2 = await t.app.inject({ method: 'GET', url: named.body.items[0].href, headers: { authorization: `Bearer ${c.stateA}` } });
    expect(dl2.headers['content-disposition']).toBe(`attachment; filename="????? ?????.pdf"; filename*=UTF-8''${encodeURIComponent('رسالة رسمية.pdf')}`);
  });

  it('refuses a lying extension, a web page renamed .pdf, an oversize file, zip bombs, macros and unknown kinds, each with its reason', async () => {
    const png = await attach([{ name: 'letter.pdf', data: fixture('letter-scan.png'), type: 'application/pdf' }]);
    expect(png.status).toBe(400);
    expect(png.body.error.code).toBe('attachment_refused');
    expect(reason(png)).toBe('extension_mismatch');
    expect(png.body.error.message).toBe('"letter.pdf" is named .pdf but its content is a PNG image; rename it to .png or attach the right file.');

    const html = await attach([{ name: 'lettre-officielle.pdf', data: fixture('page.html'), type: 'application/pdf' }]);
    expect(html.status).toBe(400);
    expect(reason(html)).toBe('html_content');
    expect(html.body.error.message).toContain('is a web page (HTML or other markup), not a PDF document');

    const big = await attach([{ name: 'big.pdf', data: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300 * 1024, 0x41)]) }]);
    expect(big.status).toBe(413);
    expect(reason(big)).toBe('too_large');
    expect(big.body.error.message).toBe('"big.pdf" is larger than 0.3 MiB, the most a document may be.');

    // An honest bomb: 32 MiB of zeros in a few dozen KiB, declared as such.
    const bomb = await attach([{ name: 'draft.docx', data: docxWith(zeros(32 * 1024 * 1024)) }]);
    expect(bomb.status).toBe(400);
    expect(reason(bomb)).toBe('zip_bomb');
    expect(bomb.body.error.message).toContain('declared sizes');
    // A lying one: declares 100 bytes, inflates to 8 MiB (caught while streaming).
    const liar = await attach([{ name: 'draft.docx', data: docxWith(zeros(8 * 1024 * 1024), 100) }]);
    expect(liar.status).toBe(400);
    expect(reason(liar)).toBe('zip_bomb');
    expect(liar.body.error.message).toContain('does not match what it declares');
    // Many small entries (the limit is 50 here).
    const many = makeZip(Array.from({ length: 80 }, (_, n) => ({ name: `word/part${n}.xml`, data: Buffer.from('<x/>') })));
    const crowd = await attach([{ name: 'draft.docx', data: many }]);
    expect(reason(crowd)).toBe('zip_too_many_entries');

    const macros = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>') },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') }, { name: 'word/vbaProject.bin', data: Buffer.from('VBA') },
    ]);
    expect(reason(await attach([{ name: 'draft.docx', data: macros }]))).toBe('office_macros');
    expect(reason(await attach([{ name: 'tool.exe', data: Buffer.from('MZ\x90\x00') }]))).toBe('extension_not_allowed');
    expect(reason(await attach([{ name: 'notes.pdf', data: Buffer.from([0, 1, 2, 3, 255, 254]) }]))).toBe('unknown_content');
    expect(reason(await attach([{ name: 'sheet.xlsx', data: makeZip([{ name: 'hello.txt', data: Buffer.from('hi') }]) }]))).toBe('unknown_content');
    expect(reason(await attach([{ name: 'empty.pdf', data: Buffer.alloc(0) }]))).toBe('empty');
    // Nothing refused was stored.
    const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from attachments where filename in ('letter.pdf', 'lettre-officielle.pdf', 'big.pdf', 'draft.docx', 'tool.exe')`, []);
    expect(n).toBe(0);
  });

  it('says why the same uploads are refused in the web forms, in the person\'s language, with the upload script and without it', async () => {
    const web = await webSession(t, c.stateA);
    const refused: [{ name: string; data: Buffer; type?: string }, string][] = [
      [{ name: 'letter.pdf', data: fixture('letter-scan.png'), type: 'application/pdf' }, '« letter.pdf » porte l’extension .pdf mais son contenu est d’un autre type (PNG). Renommez-le ou joignez le bon fichier.'],
      [{ name: 'lettre-officielle.pdf', data: fixture('page.html'), type: 'application/pdf' }, '« lettre-officielle.pdf » est une page web, pas un document. OneDoor n’accepte pas les pages web, quel que soit leur nom.'],
      [{ name: 'big.pdf', data: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300 * 1024, 0x41)]) }, '« big.pdf » dépasse 0.3 MiB, la taille maximale d’un document.'],
      [{ name: 'draft.docx', data: docxWith(zeros(32 * 1024 * 1024)) }, 'Le document deviendrait bien plus volumineux une fois ouvert (au-delà de 4 MiB) ; il ressemble à une bombe ZIP et a été refusé.'],
    ];
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await web.get(`/requests/${id}`)).html)![1]!;
    for (const [file, sentence] of refused) {
      // The upload script: a JSON answer it shows under the form.
      const body = multipart({ purpose: 'request_letter' }, [file]);
      const res = await web.postRaw(`/requests/${id}/attachments`, body.payload, body.headers['content-type']!, 'fr');
      expect(res.status, file.name).toBeGreaterThanOrEqual(400);
      expect(res.status, file.name).toBeLessThan(500);
      expect(res.body.error.message).toBe(sentence);
      // No script: the form goes back to the request page, which says the same.
      const plain = multipart({ _csrf: csrf, purpose: 'request_letter' }, [file]);
      const sent = await t.app.inject({ method: 'POST', url: `/requests/${id}/attachments`, headers: { ...plain.headers, cookie: `${web.cookie}; od_lang=fr` }, payload: plain.payload });
      expect(sent.statusCode, file.name).toBe(303);
      const back = await web.get(String(sent.headers.location).replace(/#.*$/, ''), 'fr');
      expect(back.html).toContain(`<div class="error-summary" role="alert"><p>${sentence}</p></div>`);
    }
    // A made-up reason in the URL says only the general sentence, with no value it was not given.
    const forged = await web.get(`/requests/${id}?talkError=file&refused=evil&r_name=x&r_actual=<b>`, 'fr');
    expect(forged.html).toContain('Le contenu de « x » n’est pas un document PDF, DOCX, ODT, XLSX, CSV, PNG ou JPEG.');
    expect(forged.html).not.toContain('<b>');
  });

  it('refuses uploads that are not multipart, or that carry no file, with a clear error', async () => {
    const json = await t.call({ method: 'POST', url: `/v1/requests/${id}/attachments`, key: c.stateA, payload: { purpose: 'request_letter' } });
    expect(json.status).toBe(400);
    expect(json.body.error.details).toContainEqual(expect.objectContaining({ path: 'file' }));
    const nofile = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, []);
    expect(nofile.status).toBe(400);
    const badPurpose = await attach([{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }], { purpose: 'selfie' });
    expect(badPurpose.status).toBe(400);
  });

  it('lets whoever may read what a document belongs to read it, and nobody else', async () => {
    const form = (fields: Record<string, string>, files: { name: string; data: Buffer }[]) => multipart(fields, files);
    const internal = form({ visibility: 'internal', body: 'CTED assessment summary for UNODC only.', purpose: 'assessment_summary' }, [{ name: 'assessment-en.odt', data: fixture('assessment-en.odt') }]);
    const posted = await t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key: c.cted, ...internal });
    expect(posted.status).toBe(201);
    const doc = posted.body.attachments[0];
    expect(doc).toMatchObject({ ownerType: 'message', kind: 'odt', purpose: 'assessment_summary', messageId: posted.body.id });
    const get = (key: string) => t.call({ method: 'GET', url: doc.href, key });
    expect((await get(c.unodc)).status).toBe(200);
    expect((await get(c.stateA)).status).toBe(404);
    expect((await get(c.providerA)).status).toBe(404);
    expect((await t.call({ method: 'GET', url: `/v1/attachments/${doc.id}`, key: c.stateA })).status).toBe(404);
    const forState = (await t.call({ method: 'GET', url: `/v1/requests/${id}/attachments`, key: c.stateA })).body.items;
    expect(forState.map((a: { id: string }) => a.id)).not.toContain(doc.id);
    // The request's own documents: whoever may see the request.
    const letter = forState.find((a: { kind: string }) => a.kind === 'pdf');
    expect((await get(c.cted)).status).toBe(200);
    expect((await t.call({ method: 'GET', url: letter.href, key: c.providerA })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: letter.href, key: c.stateB })).status).toBe(404);
    // A provider attaches to a message, not to the request itself; only the state says "use for matching".
    expect((await upload(t, c.providerA, `/v1/requests/${id}/attachments`, [{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }])).status).toBe(403);
    expect((await upload(t, c.cted, `/v1/requests/${id}/attachments`, [{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }], { purpose: 'assessment_summary', useForMatching: 'true' })).status).toBe(403);
  });

  it('takes a provider\'s programme sheet on its own offering, up to the offering\'s limit', async () => {
    const o = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, title: 'Programme with a sheet' } })).body.id;
    const sheet = [{ name: 'draft-law-en.docx', data: fixture('draft-law-en.docx') }];
    expect((await upload(t, c.providerB, `/v1/offerings/${o}/attachments`, sheet, { purpose: 'programme_sheet' })).status).toBe(404);
    const ok = await upload(t, c.providerA, `/v1/offerings/${o}/attachments`, sheet, { purpose: 'programme_sheet' });
    expect(ok.status).toBe(201);
    expect(ok.body.items[0]).toMatchObject({ ownerType: 'offering', offeringId: o, purpose: 'programme_sheet', uploadedBy: { party: `provider:${c.providerAId}` } });
    expect((await t.call({ method: 'GET', url: `/v1/offerings/${o}/attachments`, key: c.stateA })).body.items).toHaveLength(1);
    const over = await upload(t, c.providerA, `/v1/offerings/${o}/attachments`, [...sheet, ...sheet], { purpose: 'programme_sheet' });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe('An offering may have at most 2 documents; it has 1.');
  });
});

describe('the matcher reads a state\'s letter when asked', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
  });
  afterAll(async () => { await t?.close(); });

  it('extracts the text of the PDF letter in a job, matches the request again with it, and says the match came from the attachment', async () => {
    const offering = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).body.id;
    await t.drain();
    // The request says almost nothing itself; its letter says what is needed.
    const id = (await t.call({
      method: 'POST', url: '/v1/requests', key: c.stateA,
      payload: { title: 'Demande officielle d\'assistance technique', description: 'Le Gouvernement sollicite l\'appui des Nations Unies, comme exposé dans la lettre officielle jointe.', language: 'fr' },
    })).body.id;
    await t.drain();
    const before = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    expect(before.matches.find((m: { offeringId: string }) => m.offeringId === offering)).toBeUndefined();

    const up = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'lettre.pdf', data: fixture('letter-fr.pdf') }], { purpose: 'request_letter', useForMatching: 'true' });
    expect(up.status).toBe(201);
    expect(up.body.items[0]).toMatchObject({ useForMatching: true, extraction: { status: 'pending' } });
    await t.drain();
    const doc = (await t.call({ method: 'GET', url: `/v1/attachments/${up.body.items[0].id}`, key: c.stateA })).body;
    expect(doc.extraction.status).toBe('done');
    const [{ text }] = await t.db.query<{ text: string }>('select extracted_text as text from attachments where id = $1', [doc.id]);
    expect(text).toContain('déclarations de soupçon');
    expect(text).toContain('financement du terrorisme');

    const after = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    const m = after.matches.find((x: { offeringId: string }) => x.offeringId === offering);
    expect(m, JSON.stringify(after.matches)).toBeDefined();
    expect(m.explanation.attachment).toEqual({ attachmentIds: [doc.id], names: ['lettre.pdf'], scoreWithout: null });
    expect(m.explanation.notes).toContain('from_attachment');

    // The state changes its mind: matched again without the letter, the proposal drops.
    const off = await t.call({ method: 'PUT', url: `/v1/attachments/${doc.id}/matching`, key: c.stateA, payload: { useForMatching: false } });
    expect(off.status).toBe(200);
    await t.drain();
    const without = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    expect(without.matches.find((x: { offeringId: string; status: string }) => x.offeringId === offering && x.status === 'proposed')).toBeUndefined();
    expect((await t.call({ method: 'PUT', url: `/v1/attachments/${doc.id}/matching`, key: c.cted, payload: { useForMatching: true } })).status).toBe(403);
  });

  it('extracts the text of a DOCX too, and marks a document it cannot read as failed without retrying', async () => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'Draft law review', description: 'Please review our draft law on the financing of terrorism.' } })).body.id;
    await t.drain();
    const good = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'draft-law-en.docx', data: fixture('draft-law-en.docx') }], { purpose: 'draft_law' });
    // A PDF header and nothing a PDF reader can use.
    const broken = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'broken.pdf', data: Buffer.from('%PDF-1.7\nnot really a pdf\n%%EOF') }], { purpose: 'assessment' });
    expect([good.status, broken.status]).toEqual([201, 201]);
    await t.drain();
    const [docx] = await t.db.query<{ status: string; text: string }>('select extraction_status as status, extracted_text as text from attachments where id = $1', [good.body.items[0].id]);
    expect(docx.status).toBe('done');
    expect(docx.text).toContain('Targeted financial sanctions');
    const [pdf] = await t.db.query<{ status: string; error: string }>('select extraction_status as status, extraction_error as error from attachments where id = $1', [broken.body.items[0].id]);
    expect(pdf.status).toBe('failed');
    expect(pdf.error).toBeTruthy();
    const dead = await t.db.query('select 1 from dead_letters', []);
    expect(dead).toHaveLength(0);
  });
});

describe('documents in an S3-compatible object store (s3rver, a real S3 HTTP server in this process)', () => {
  let t: TestApp;
  let c: Cast;
  let server: S3rver;
  let dir: string;
  let endpoint: string;
  let s3: S3Client;
  const Bucket = 'onedoor-test-docs';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onedoor-s3-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true });
    const addr = (await server.run()) as AddressInfo;
    endpoint = `http://127.0.0.1:${addr.port}`;
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await s3.send(new CreateBucketCommand({ Bucket }));
    t = await buildTestApp({ env: { S3_BUCKET: Bucket, S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_PREFIX: 'od/' } });
    c = await castOf(t);
    await t.startWorkers();
  });
  afterAll(async () => {
    await t?.close();
    s3?.destroy();
    await server?.close().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the bytes to the bucket, not the database, reads them back, and extracts text from there', async () => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'FIU support', description: 'Support for our financial intelligence unit, see the letter.' } })).body.id;
    const up = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }]);
    expect(up.status).toBe(201);
    const doc = up.body.items[0];
    const obj = await s3.send(new GetObjectCommand({ Bucket, Key: `od/${doc.id}` }));
    expect(Buffer.from(await obj.Body!.transformToByteArray()).equals(fixture('letter-fr.pdf'))).toBe(true);
    expect(obj.ContentType).toBe('application/pdf');
    expect(await t.db.query('select 1 from attachment_blobs', [])).toHaveLength(0);
    expect((await t.db.query<{ storage: string }>('select storage from attachments where id = $1', [doc.id]))[0].storage).toBe('s3');
    const dl = await t.app.inject({ method: 'GET', url: doc.href, headers: { authorization: `Bearer ${c.stateA}` } });
    expect(dl.rawPayload.equals(fixture('letter-fr.pdf'))).toBe(true);
    await t.drain();
    expect((await t.call({ method: 'GET', url: `/v1/attachments/${doc.id}`, key: c.stateA })).body.extraction.status).toBe('done');
  });

  it('answers 503 and keeps no record when the store is down, and removes the objects of a write that failed', async () => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'Border control', description: 'Training of customs officers at land borders.' } })).body.id;
    // A message whose answer-to is not in this request fails inside the transaction, after the object is written.
    const bad = multipart({ visibility: 'shared', body: 'See the attached letter.', answers: '00000000-0000-4000-8000-000000000000' }, [{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }]);
    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key: c.stateA, ...bad })).status).toBe(404);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'od/' }));
    expect(listed.KeyCount).toBe(1); // the previous test's letter only

    await server.close();
    const down = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'letter-fr.pdf', data: fixture('letter-fr.pdf') }]);
    expect(down.status).toBe(503);
    expect(down.body.error.message).toBe('The document store is not reachable; nothing was saved. Try again shortly.');
    expect(await t.db.query('select 1 from attachments where request_id = $1', [id])).toHaveLength(0);
  });
});

describe('documents on the embedded database (PGlite)', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp({ db: 'pglite' }); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('stores and serves the bytes, and searches messages', async () => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'FIU support', description: 'Support for our financial intelligence unit, see the letter.' } })).body.id;
    const up = await upload(t, c.stateA, `/v1/requests/${id}/attachments`, [{ name: 'letter-scan.jpg', data: fixture('letter-scan.jpg') }]);
    expect(up.status).toBe(201);
    const dl = await t.app.inject({ method: 'GET', url: up.body.items[0].href, headers: { authorization: `Bearer ${c.stateA}` } });
    expect(dl.rawPayload.equals(fixture('letter-scan.jpg'))).toBe(true);
    expect(dl.headers['content-type']).toBe('image/jpeg');
    await t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key: c.cted, payload: { visibility: 'internal', body: 'Les analystes demandent des formations.' } });
    const found = await t.call({ method: 'GET', url: '/v1/messages/search?q=formation%20analyste', key: c.cted });
    expect(found.body.items).toHaveLength(1);
  });
});
