/**
 * `kyodaku snapshot pull|show` and `kyodaku check --offline` against a reference node process: the
 * snapshot is verified and kept; negatives are denied locally, positives confirmed by the node with
 * verified receipts; a tampered filter file is refused.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliSession } from './helpers/cli-session.ts';
import { publishSnapshotRecords } from './helpers/parties.ts';

const session = cliSession('kyodaku-snapshot-');
const { kyodaku } = session;

beforeAll(() => publishSnapshotRecords(session.server, 'isbn:9784063842760'));

describe('kyodaku snapshot and check --offline', () => {
  it('Should pull a verified snapshot and describe it', async () => {
    const pulled = await kyodaku('snapshot', 'pull', '--dir', 'snap');
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toMatch(/train +1 ids, 1 patterns/);
    // One file per distinct content: the four groups nothing allows share the empty filter's file.
    expect(readdirSync(join(session.cwd, 'snap', 'filters'))).toHaveLength(2);
    const shown = await kyodaku('snapshot', 'show', '--dir', 'snap', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ kind: 'snapshot', filter: 'binary-fuse16' });
  });

  it('Should deny a negative locally and confirm a positive with the node', async () => {
    await kyodaku('snapshot', 'pull', '--dir', 'snap');
    const negative = await kyodaku(
      'check',
      'url:https://nobody.example/x',
      '--purpose',
      'train.genai',
      '--offline',
      '--snapshot',
      'snap',
      '--json',
    );
    expect(negative.code).toBe(1);
    expect(JSON.parse(negative.stdout)).toMatchObject({ decision: 'deny', source: 'snapshot' });
    const positive = await kyodaku(
      'check',
      'isbn:978-4-08-872509-3',
      '--purpose',
      'train.genai',
      '--offline',
      '--snapshot',
      'snap',
    );
    expect(positive.code).toBe(0);
    expect(positive.stdout).toContain('ALLOW');
    expect(positive.stdout).toContain('confirmed by the node (receipt verified)');
  });

  it('Should stream a file: negatives local, positives confirmed under verified receipts', async () => {
    await kyodaku('snapshot', 'pull', '--dir', 'snap');
    const lines = [
      'url:https://open.example.org/datasets/1',
      'isbn:9784088725093',
      'isbn:9784063842760',
      'not an identifier',
      ...Array.from({ length: 500 }, (_, i) => `url:https://nobody.example/${i}`),
    ];
    writeFileSync(join(session.cwd, 'ids.txt'), `${lines.join('\n')}\n`);
    const result = await kyodaku(
      'check',
      '--offline',
      '--snapshot',
      'snap',
      '--file',
      'ids.txt',
      '--purpose',
      'train.genai',
      '--out',
      'out.jsonl',
      '--receipts',
      'receipts.jsonl',
      '--json',
      '--batch-size',
      '100',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ items: 503, invalid: 1, confirmed: 2, allow: 2, receipts: 1 });
    // isbn:9784063842760 is denied by its record: not in the filter (negative) unless by chance.
    expect(summary.negative).toBeGreaterThanOrEqual(500);
    const results = readFileSync(join(session.cwd, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results).toHaveLength(504);
    expect(results[0]).toMatchObject({ line: 1, decision: 'allow', source: 'node' });
    expect(results[3]).toMatchObject({ line: 4, error: { type: 'urn:kyodaku:problem:invalid-identifier' } });
    expect(results[10]).toMatchObject({ decision: 'deny', source: 'snapshot' });
    const receipts = readFileSync(join(session.cwd, 'receipts.jsonl'), 'utf8').trim().split('\n');
    expect(receipts).toHaveLength(1);
  });

  it('Should refuse a snapshot whose filter file was changed on disk (exit 2)', async () => {
    await kyodaku('snapshot', 'pull', '--dir', 'tampered');
    const dir = join(session.cwd, 'tampered', 'filters');
    const name = readdirSync(dir)[0]!;
    const bytes = readFileSync(join(dir, name));
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(join(dir, name), bytes);
    const shown = await kyodaku('snapshot', 'show', '--dir', 'tampered');
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain('ERR_SNAPSHOT_INVALID');
  });
});
