/** Catalogue files of the bulk import: CSV fields as RFC 4180 has them, JSONL drafts, refusals per line. */
import { describe, expect, it } from 'vitest';
import { csvRows, parseCatalogue, parseCsv, parseJsonl } from '../src/catalogue.ts';

const ISS = 'A'.repeat(43);

describe('csvRows', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and blank lines', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\n1,,3\n';
    expect(csvRows(text)).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, cells: ['1', '', '3'] },
    ]);
  });

  it('reads a last row without a line break', () => {
    expect(csvRows('a,b\n1,2')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]);
  });
});

describe('parseCsv', () => {
  it('builds a record per row: ids split on |, titles, one column per purpose, empty cells unset', () => {
    const [row] = parseCsv(
      'type,ids,title_ja,title_en,train,search\nvoice,url:https://a.example/v| isbn:978-4-08-872509-3 ,声,Voice,deny,\n',
      ISS,
    );
    expect(row).toMatchObject({
      line: 2,
      payload: {
        iss: ISS,
        work: {
          type: 'voice',
          ids: ['url:https://a.example/v', 'isbn:9784088725093'],
          titles: { ja: '声', en: 'Voice' },
        },
        purposes: { train: 'deny' },
      },
    });
  });

  it('refuses a row the schema refuses, naming its line, and a file without the needed columns', () => {
    const rows = parseCsv(
      'type,ids,all\nwork,url:https://a.example/1,deny\nstatue,url:https://a.example/2,deny\n',
      ISS,
    );
    expect(rows[0]).toHaveProperty('payload');
    expect(rows[1]).toMatchObject({ line: 3, error: expect.stringContaining('type') });
    expect(parseCsv('ids,all\nurl:https://a.example/1,deny\n', ISS)).toEqual([
      { line: 1, error: 'no "type" column' },
    ]);
  });
});

describe('parseJsonl', () => {
  it('takes drafts and compact JWS lines, skips blank lines and refuses the rest with their line numbers', () => {
    const draft = { work: { type: 'work', ids: ['url:https://a.example/1'] }, purposes: { all: 'deny' } };
    const lines = parseJsonl(
      [
        JSON.stringify(draft),
        '',
        'eyJh.eyJi.c2ln',
        '{"work": 1',
        JSON.stringify({ ...draft, iss: 'x' }),
      ].join('\n'),
      ISS,
    );
    expect(lines.map((l) => [l.line, Object.keys(l).find((k) => k !== 'line')])).toEqual([
      [1, 'payload'],
      [3, 'jws'],
      [4, 'error'],
      [5, 'error'],
    ]);
    expect(lines[3]).toEqual({ line: 5, error: 'unknown member "iss"' });
  });

  it('is chosen for any name but .csv', () => {
    expect(parseCatalogue('c.CSV', 'type,ids\n', ISS)).toEqual([]);
    expect(parseCatalogue('c.jsonl', 'nonsense', ISS)).toEqual([
      { line: 1, error: 'not JSON and not a compact JWS' },
    ]);
  });
});
