import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseNeedsCsv, toCsv } from '../../../src/modules/imports/csv.parser.js';

describe('toCsv', () => {
  it('writes a header row and CRLF-terminated records in column order', () => {
    expect(toCsv([{ b: 2, a: 'x', extra: 'ignored' }, { a: 'y' }], ['a', 'b'])).toBe('a,b\r\nx,2\r\ny,\r\n');
    expect(toCsv([], ['a', 'b'])).toBe('a,b\r\n');
  });

  it('quotes per RFC 4180: commas, quotes, line breaks, surrounding spaces', () => {
    const csv = toCsv([{ v: 'a, b' }, { v: 'say "hi"' }, { v: 'two\nlines' }, { v: 'cr\rlf' }, { v: ' padded ' }, { v: 'plain' }], ['v']);
    expect(csv).toBe('v\r\n"a, b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rlf"\r\n" padded "\r\nplain\r\n');
  });

  it('neutralises cells that a spreadsheet would run as a formula', () => {
    const cells = ['=SUM(A1:A9)', '+33 1 23', '-2+3', '@cmd', '\tx', '\rx', '＝1+1', '=HYPERLINK("http://x","y")'];
    const csv = toCsv(cells.map((v) => ({ v })), ['v']);
    expect(csv).toBe([
      'v', "'=SUM(A1:A9)", "'+33 1 23", "'-2+3", "'@cmd", "'\tx", '"\'\rx"', "'＝1+1", '"\'=HYPERLINK(""http://x"",""y"")"', '',
    ].join('\r\n'));
  });

  it('leaves numbers alone, even negative ones, and safe text that merely contains = or -', () => {
    expect(toCsv([{ n: -5, s: 'a=b', t: 'x-1' }], ['n', 's', 't'])).toBe('n,s,t\r\n-5,a=b,x-1\r\n');
  });

  it('writes empty, boolean, date, list and object values', () => {
    const row = { n: null, u: undefined, t: true, f: false, d: new Date('2025-01-02T03:04:05Z'), l: ['en', 'fr'], o: { a: 1 }, inf: Infinity };
    expect(toCsv([row], Object.keys(row))).toBe('n,u,t,f,d,l,o,inf\r\n,,true,false,2025-01-02T03:04:05.000Z,en;fr,"{""a"":1}",\r\n');
  });

  it('neutralises a formula inside a list and in the header', () => {
    expect(toCsv([{ '=h': ['=x', 'y'] }], ['=h'])).toBe("'=h\r\n'=x;y\r\n");
  });

  it('round-trips through a CSV parser, and exported needs import back unchanged', () => {
    const rows = [
      { memberState: 'KEN', description: 'Multi-line,\n"quoted" need — تحديث 更新', priority: 'high', identifiedAt: '2024-05-14', source: ' CTED ', needId: 'N-1' },
      { memberState: 'MLI', description: 'Plain need text here.', priority: 'low', identifiedAt: null, source: undefined, needId: 'N-2' },
    ];
    const columns = ['memberState', 'description', 'priority', 'identifiedAt', 'source', 'needId'];
    const csv = toCsv(rows, columns);
    expect(parse(csv)).toEqual([columns, ['KEN', 'Multi-line,\n"quoted" need — تحديث 更新', 'high', '2024-05-14', ' CTED ', 'N-1'], ['MLI', 'Plain need text here.', 'low', '', '', 'N-2']]);
    const back = parseNeedsCsv(csv);
    expect(back.errors).toEqual([]);
    expect(back.items.map((i) => i.value)).toEqual([
      { memberState: 'KEN', description: 'Multi-line,\n"quoted" need — تحديث 更新', priority: 'high', identifiedAt: '2024-05-14', source: 'CTED', externalKey: 'N-1' },
      { memberState: 'MLI', description: 'Plain need text here.', priority: 'low', externalKey: 'N-2' },
    ]);
  });
});
