/**
 * `kyodaku filter`: a dataset manifest in JSONL, CSV, TSV and Parquet (several identifiers per item:
 * URL and sha256) is reduced to the items the purpose allows, with a summary; checked against a
 * pulled snapshot, positives confirmed by a reference node process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitRow } from '../src/cli/manifest-items.ts';
import { cliSession } from './helpers/cli-session.ts';
import { publishSnapshotRecords } from './helpers/parties.ts';

const SHA_OPEN = 'a'.repeat(64);
const SHA_DENIED = 'b'.repeat(64);
const session = cliSession('kyodaku-filter-');

beforeAll(async () => {
  await publishSnapshotRecords(session.server, `sha256:${SHA_DENIED}`);
  const pulled = await session.kyodaku('snapshot', 'pull', '--dir', 'snap');
  expect(pulled.code).toBe(0);
});

/** Runs kyodaku against the pulled snapshot. */
function kyodaku(...args: string[]) {
  return session.kyodaku(...args, '--snapshot', 'snap');
}

const ROWS = [
  { url: 'https://open.example.org/a.jpg', sha256: SHA_OPEN, title: 'open, kept' },
  { url: 'https://open.example.org/b.jpg', sha256: SHA_DENIED, title: 'denied by its hash' },
  { url: 'https://nobody.example/c.jpg', sha256: SHA_OPEN.replace(/a/g, 'c'), title: 'no record' },
];

describe('kyodaku filter', () => {
  it('Should keep the JSONL items the purpose allows and write a summary', async () => {
    const lines = [
      ...ROWS.map((r) => JSON.stringify(r)),
      JSON.stringify({ ids: ['isbn:978-4-08-872509-3'], title: 'isbn' }),
      JSON.stringify({ title: 'names nothing' }),
      'not json',
    ];
    writeFileSync(join(session.cwd, 'crawl.jsonl'), `${lines.join('\n')}\n`);
    const result = await kyodaku(
      'filter',
      'crawl.jsonl',
      '--purpose',
      'train.genai',
      '--out',
      'allowed.jsonl',
      '--summary',
      'summary.json',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('kept 2 of 6 items');
    const kept = readFileSync(join(session.cwd, 'allowed.jsonl'), 'utf8').trim().split('\n');
    expect(kept).toEqual([lines[0], lines[3]]);
    const summary = JSON.parse(readFileSync(join(session.cwd, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ items: 6, kept: 2, left_out: 4, unnamed: 2, receipts: 1 });
    expect(summary.denied_locally).toBeGreaterThanOrEqual(1);
  });

  it('Should filter CSV and TSV with a header, quoted fields and chosen id fields', async () => {
    const csv = ['image,hash,title', ...ROWS.map((r) => `${r.url},${r.sha256},"${r.title} ""quoted"""`)];
    writeFileSync(join(session.cwd, 'images.csv'), `${csv.join('\n')}\n`);
    const result = await kyodaku(
      'filter',
      'images.csv',
      '--purpose',
      'train',
      '--id-field',
      'image',
      '--id-field',
      'hash',
      '--out',
      'kept.csv',
    );
    expect(result.code).toBe(0);
    expect(readFileSync(join(session.cwd, 'kept.csv'), 'utf8')).toBe(`${csv[0]}\n${csv[1]}\n`);
    const tsv = ['url\tsha256', ...ROWS.map((r) => `${r.url}\t${r.sha256}`)];
    writeFileSync(join(session.cwd, 'images.tsv'), `${tsv.join('\n')}\n`);
    const fromTsv = await kyodaku('filter', 'images.tsv', '--purpose', 'train.genai');
    expect(fromTsv.code).toBe(0);
    expect(fromTsv.stdout).toBe(`${tsv[0]}\n${tsv[1]}\n`);
  });

  it('Should read Parquet with hyparquet and write the kept rows as JSONL', async () => {
    parquetWriteFile({
      filename: join(session.cwd, 'images.parquet'),
      columnData: [
        { name: 'url', data: ROWS.map((r) => r.url), type: 'STRING' },
        { name: 'sha256', data: ROWS.map((r) => r.sha256), type: 'STRING' },
        { name: 'width', data: [640, 800, 1024], type: 'INT32' },
      ],
    });
    const result = await kyodaku(
      'filter',
      'images.parquet',
      '--purpose',
      'train.genai',
      '--out',
      'kept.jsonl',
      '--chunk',
      '2',
    );
    expect(result.code).toBe(0);
    const kept = readFileSync(join(session.cwd, 'kept.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(kept).toEqual([{ url: ROWS[0]!.url, sha256: SHA_OPEN, width: 640 }]);
  });

  it('splits CSV rows as RFC 4180 does within a line', () => {
    expect(splitRow('a,"b,c","say ""hi""",', ',')).toEqual(['a', 'b,c', 'say "hi"', '']);
    expect(splitRow('"open', ',')).toBeUndefined();
    expect(splitRow('x\t"y"\tz', '\t')).toEqual(['x', 'y', 'z']);
  });
});
