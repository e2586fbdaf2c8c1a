/** `kyodaku record import`: a catalogue of JWS and record-draft lines through the bulk publication API. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, createRevocation, type RecordInput } from '../src/builders.ts';
import { signObject } from '../src/jws.ts';
import type { KyodakuNode } from '../src/node-client.ts';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { closedPortUrl, type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let party: Awaited<ReturnType<typeof attestedParty>>;
let node: KyodakuNode;

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-import-'));
  party = await attestedParty(server);
  node = party.node;
  writeFileSync(join(cwd, 'me.key'), JSON.stringify(party.privateJwk), { mode: 0o600 });
});
afterAll(() => server?.stop());

function kyodaku(args: string[], input?: string) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url }, ...(input !== undefined && { input }) });
}

/** A record of the test party for one work, signed in the test (a JWS line). */
function signed(id: string, purposes: RecordInput['purposes'] = { all: 'deny' }) {
  const record = createRecord({ iss: party.kid, work: { type: 'work', ids: [id] }, purposes });
  return signObject('record', record, party.signer);
}

/** A record draft line, as `record create --from` takes it in JSON. */
function draft(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

interface LineResult {
  line: number;
  status: number;
  id?: string;
  kind?: string;
  problem?: { type: string; detail?: string };
}

function jsonLines(stdout: string) {
  const values = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const { summary } = values.pop() as { summary: Record<string, number | string> };
  return { results: values as unknown as LineResult[], summary };
}

describe('kyodaku record import', () => {
  it('Should publish JWS and draft lines, report each refused line with its problem type and exit 1', {
    timeout: 30_000,
  }, async () => {
    const first = await signed('doi:10.5555/mixed-1');
    const second = await signed('doi:10.5555/mixed-2');
    const revocation = await signObject(
      'revocation',
      createRevocation({ iss: party.kid, record: first.id, reason: 'test' }),
      party.signer,
    );
    const lines = [
      first.jws,
      draft({
        work: { ids: ['isbn:978-4-08-872509-3'], titles: { ja: '孫悟空' } },
        purposes: { train: 'deny' },
      }),
      '',
      // In the batch after the record it revokes, sent once that batch is answered.
      revocation.jws,
      second.jws,
      draft({ work: { ids: ['not an identifier'] }, purposes: { train: 'deny' } }),
      second.jws,
      'not-a-jws',
      draft({ work: { ids: ['doi:10.5555/no-purposes'] } }),
      '{"work": ',
      draft({ work: { ids: ['doi:10.5555/mixed-3'] }, purposes: { 'train.everything': 'deny' } }),
      draft({
        work: { type: 'voice', ids: ['doi:10.5555/mixed-4'] },
        purposes: { 'generate.voice': 'allow' },
      }),
    ];
    writeFileSync(join(cwd, 'mixed.jsonl'), `${lines.join('\n')}\n`);
    const result = await kyodaku([
      'record',
      'import',
      'mixed.jsonl',
      '--key',
      'me.key',
      '--batch-size',
      '2',
      '--concurrency',
      '4',
    ]);
    expect(result.code, result.stderr).toBe(1);
    const refused = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ', 3).join(' '));
    // Lines 5 and 7 are the same record in two batches in flight together: either one is the
    // duplicate (the node orders entries within one request only).
    const duplicate = refused.findIndex((line) => line.endsWith('duplicate-object'));
    expect([
      'line 5: urn:kyodaku:problem:duplicate-object',
      'line 7: urn:kyodaku:problem:duplicate-object',
    ]).toContain(refused[duplicate]);
    refused.splice(duplicate, 1);
    expect(refused).toEqual([
      'line 6: urn:kyodaku:problem:invalid-identifier',
      'line 8: urn:kyodaku:problem:malformed-jws',
      'line 9: urn:kyodaku:problem:invalid-request',
      'line 10: urn:kyodaku:problem:malformed-json',
      'line 11: urn:kyodaku:problem:schema-violation',
    ]);
    expect(result.stdout).toContain('line 9: urn:kyodaku:problem:invalid-request a record needs a purpose');
    expect(result.stderr).toMatch(
      /imported 11 objects in [\d.]+ s \(\d+ objects\/s\): 5 accepted, 5 refused, 1 duplicate;/,
    );
    expect((await node.getRecord(first.id)).status).toBe('revoked');
    expect((await node.getRecord(second.id)).status).toBe('current');
    const goku = await node.decide({ ids: 'isbn:9784088725093', purpose: 'train.genai' });
    expect(goku).toMatchObject({ decision: 'deny', reasons: ['denied'] });
  });

  it('Should import a clean catalogue with exit 0, whose records the node serves and decides on; a re-run with --skip-duplicates exits 0', {
    timeout: 30_000,
  }, async () => {
    const jws = await signed('url:https://clean.example/*', { all: 'allow' });
    const lines = [
      draft({
        work: { type: 'character', ids: ['doi:10.5555/clean-1'], titles: { en: 'Clean One' } },
        purposes: { train: 'deny', 'generate.character': 'conditional' },
        conditions: { compensation: { model: 'per-use', currency: 'JPY', amount: 50 } },
        valid_until: '2099-01-01T00:00:00Z',
      }),
      jws.jws,
      draft({ work: { ids: ['doi:10.5555/clean-2'] }, purposes: { 'input.index': 'allow' } }),
    ];
    writeFileSync(join(cwd, 'clean.jsonl'), `${lines.join('\n')}\n`);
    const args = ['record', 'import', 'clean.jsonl', '--key', 'me.key', '--json'];
    const result = await kyodaku(args);
    expect(result.code, result.stderr).toBe(0);
    const { results, summary } = jsonLines(result.stdout);
    expect(results.map((r) => [r.line, r.status, r.kind])).toEqual([
      [1, 201, 'record'],
      [2, 201, 'record'],
      [3, 201, 'record'],
    ]);
    expect(results[1]!.id).toBe(jws.id);
    expect(summary).toMatchObject({ objects: 3, accepted: 3, refused: 0, duplicates: 0 });

    const view = await node.getRecord(results[0]!.id!);
    expect(view.status).toBe('current');
    expect(view.record).toMatchObject({
      iss: party.kid,
      issued_at: summary.issued_at,
      work: { type: 'character', ids: ['doi:10.5555/clean-1'] },
      conditions: { compensation: { amount: '50' } },
    });
    expect((await node.decide({ ids: 'doi:10.5555/clean-1', purpose: 'generate.character' })).decision).toBe(
      'conditional',
    );
    expect((await node.decide({ ids: 'doi:10.5555/clean-2', purpose: 'input.index' })).decision).toBe(
      'allow',
    );
    expect((await node.decide({ ids: 'url:https://clean.example/a', purpose: 'train' })).decision).toBe(
      'allow',
    );

    // Again with the first run's issued_at: the same objects, which the node already holds.
    const again = [...args, '--issued-at', String(summary.issued_at)];
    const refused = await kyodaku(again);
    expect(refused.code).toBe(1);
    expect(jsonLines(refused.stdout).results.map((r) => [r.status, r.id])).toEqual(
      results.map((r) => [409, r.id]),
    );
    const skipped = await kyodaku([...again, '--skip-duplicates']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(jsonLines(skipped.stdout).summary).toMatchObject({ accepted: 0, refused: 0, duplicates: 3 });
    expect(skipped.stderr).toContain('0 accepted, 0 refused, 3 duplicates (already published)');
  });

  it('Should read the catalogue from stdin', { timeout: 30_000 }, async () => {
    const record = await signed('doi:10.5555/stdin');
    const result = await kyodaku(['record', 'import', '-'], `\n${record.jws}\r\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/imported 1 objects .*: 1 accepted, 0 refused, 0 duplicates\n$/);
    expect((await node.getRecord(record.id)).status).toBe('current');
  });

  it('Should stream thousands of lines in several batches and answer them in input order', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      lines.push(
        draft({ work: { ids: [`doi:10.5555/bulk-${i}`] }, purposes: { train: i % 2 ? 'allow' : 'deny' } }),
      );
    }
    lines[1234] = draft({ work: { ids: ['bogus'] }, purposes: { train: 'deny' } });
    writeFileSync(join(cwd, 'bulk.jsonl'), `${lines.join('\n')}\n`);
    const started = Date.now();
    const result = await kyodaku([
      'record',
      'import',
      'bulk.jsonl',
      '--key',
      'me.key',
      '--batch-size',
      '700',
      '--concurrency',
      '3',
      '--json',
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code, result.stderr).toBe(1);
    const { results, summary } = jsonLines(result.stdout);
    expect(results.map((r) => r.line)).toEqual(lines.map((_, i) => i + 1));
    expect(results.filter((r) => r.status !== 201)).toEqual([
      expect.objectContaining({
        line: 1235,
        status: 400,
        problem: expect.objectContaining({ type: 'urn:kyodaku:problem:invalid-identifier' }),
      }),
    ]);
    expect(summary).toMatchObject({ objects: 3000, accepted: 2999, refused: 1, duplicates: 0 });
    expect((await node.getRecord(results[2999]!.id!)).record.work.ids).toEqual(['doi:10.5555/bulk-2999']);
    expect((await node.decide({ ids: 'doi:10.5555/bulk-2001', purpose: 'train.genai' })).decision).toBe(
      'allow',
    );
  });

  it('Should exit 2 on a usage error and 3 when the node cannot be reached', {
    timeout: 30_000,
  }, async () => {
    writeFileSync(
      join(cwd, 'draft.jsonl'),
      `${draft({ work: { ids: ['doi:10.5555/x'] }, purposes: { all: 'deny' } })}\n`,
    );
    const noKey = await kyodaku(['record', 'import', 'draft.jsonl']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('error: line 1 is a record draft: give --key FILE to sign it');
    const missing = await kyodaku(['record', 'import', 'missing.jsonl', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ type: 'urn:kyodaku:problem:invalid-request' });
    expect((await kyodaku(['record', 'import', 'draft.jsonl', '--batch-size', '5000'])).code).toBe(2);
    expect((await kyodaku(['record', 'import', 'draft.jsonl', '--bogus'])).code).toBe(2);
    const down = await runCli(['record', 'import', 'draft.jsonl', '--node', await closedPortUrl()], { cwd });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/\(urn:kyodaku:problem:network-error\)\n$/);
  });
});
