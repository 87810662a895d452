import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made ZIP: its bytes, or a deflate stream with the sizes it claims. */
export interface ZipEntry {
  name: string;
  data?: Buffer;
  /** Store instead of deflate (ODT's `mimetype` must be stored). */
  store?: boolean;
  /** Deflated bytes given directly (a bomb), with the real inflated size and CRC. */
  deflated?: { bytes: Buffer; size: number; crc: number };
  /** A lie to write in the headers instead of the real inflated size. */
  declaredSize?: number;
}

/**
 * Writes a ZIP archive by hand (local headers, data, central directory, end record), so tests can
 * make archives that lie about their sizes or hold many entries, as attackers make them.
 */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = e.data ?? Buffer.alloc(0);
    const method = e.deflated ? 8 : e.store ? 0 : 8;
    const body = e.deflated ? e.deflated.bytes : e.store ? raw : deflateRawSync(raw);
    const size = e.declaredSize ?? (e.deflated ? e.deflated.size : raw.length);
    const crc = e.deflated ? e.deflated.crc : crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8); central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** `size` zero bytes, deflated (about a thousand to one): the payload of a zip bomb. */
export function zeros(size: number): { bytes: Buffer; size: number; crc: number } {
  const data = Buffer.alloc(size);
  return { bytes: deflateRawSync(data, { level: 9 }), size, crc: crc32(data) };
}

const CT = (main: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`;

/** A DOCX-shaped archive (its [Content_Types].xml and word/document.xml) with the document given. */
export function docxWith(document: ZipEntry['deflated'] | Buffer, declaredSize?: number): Buffer {
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from(CT('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml')) },
    Buffer.isBuffer(document) ? { name: 'word/document.xml', data: document, declaredSize } : { name: 'word/document.xml', deflated: document, declaredSize },
  ]);
}

/** A multipart/form-data body as a browser sends it: fields, then files (name, bytes, declared type). */
export function multipart(fields: Record<string, string>, files: { field?: string; name: string; data: Buffer; type?: string }[] = []): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----onedoor${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
