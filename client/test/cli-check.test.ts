/** `kyodaku check`: exit codes, human and JSON output, and --file streaming through the batch API. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { closedPortUrl, type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let allowId: string;
let conditionalId: string;

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-check-'));
  const party = await attestedParty(server);
  allowId = (
    await party.publish({
      work: { type: 'work', ids: ['url:https://open.example.org/*'] },
      purposes: { all: 'allow', 'generate.style': 'deny' },
    })
  ).id;
  conditionalId = (
    await party.publish({
      work: { type: 'character', ids: ['isbn:9784088725093'], titles: { ja: '孫悟空' } },
      purposes: { train: 'conditional', 'generate.character': 'deny' },
      conditions: {
        compensation: { model: 'per-use', currency: 'JPY', amount: '50' },
        attribution: { required: true },
      },
    })
  ).id;
});
afterAll(() => server?.stop());

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

describe('kyodaku check', () => {
  it('Should exit 0 on allow, naming the record', async () => {
    const result = await kyodaku(
      'check',
      'url:https://open.example.org/datasets/1',
      '--purpose',
      'train.genai',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^ALLOW {2}train\.genai {2}url:https:\/\/open\.example\.org\/datasets\/1\n/,
    );
    expect(result.stdout).toContain(allowId);
  });

  it('Should exit 1 on deny, saying why (no record: deny by default)', async () => {
    const result = await kyodaku('check', 'url:https://nobody.example/x', '--purpose', 'train.genai');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('DENY');
    expect(result.stdout).toContain('deny by default');
    const json = await kyodaku('check', 'url:https://nobody.example/x', '--purpose', 'train.genai', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ decision: 'deny', reasons: ['no-record'], records: [] });
  });

  it('Should exit 2 on conditional and print the terms', async () => {
    const result = await kyodaku('check', 'isbn:978-4-08-872509-3', '--purpose', 'train.genai');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('CONDITIONAL');
    expect(result.stdout).toContain('compensation per-use 50 JPY; attribution required');
    const json = JSON.parse(
      (await kyodaku('check', 'isbn:9784088725093', '--purpose', 'train', '--json')).stdout,
    );
    expect(json).toMatchObject({
      decision: 'conditional',
      conditions: [{ record: conditionalId, conditions: { compensation: { amount: '50' } } }],
      leaves: { 'train.genai': { decision: 'conditional' } },
    });
  });

  it('Should exit 3 with one error line and the problem type on any error', async () => {
    const invalid = await kyodaku('check', 'not-an-identifier', '--purpose', 'train.genai');
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:invalid-identifier\)\n$/);
    const purpose = await kyodaku('check', 'isbn:9784088725093', '--purpose', 'train.everything', '--json');
    expect(purpose.code).toBe(3);
    expect(JSON.parse(purpose.stdout)).toMatchObject({
      type: 'urn:kyodaku:problem:unknown-purpose',
      status: 400,
    });
    const down = await runCli([
      'check',
      'isbn:9784088725093',
      '--purpose',
      'train',
      '--node',
      await closedPortUrl(),
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/\(urn:kyodaku:problem:network-error\)\n$/);
    const usage = await kyodaku('check', 'isbn:9784088725093');
    expect(usage.code).toBe(3);
    const unknownOption = await kyodaku('check', '--bogus', '--json');
    expect(unknownOption.code).toBe(3);
    expect(JSON.parse(unknownOption.stdout)).toMatchObject({
      type: 'urn:kyodaku:problem:invalid-request',
      detail: "unknown option '--bogus'",
    });
  });

  it('Should stream a text file of thousands of ids through the batch API, with JSONL results and counts', {
    timeout: 60_000,
  }, async () => {
    const lines = ['# crawl 2026-01', ''];
    for (let i = 0; i < 4000; i++) lines.push(`url:https://site${i % 7}.example/page/${i}`);
    lines.push(
      'url:https://open.example.org/a',
      'isbn:978-4-08-872509-3',
      'garbage',
      `url:https://x.example/${'a'.repeat(3000)}`,
    );
    writeFileSync(join(cwd, 'ids.txt'), `${lines.join('\r\n')}\n`);
    const result = await kyodaku(
      'check',
      '--file',
      'ids.txt',
      '--purpose',
      'train.genai',
      '--batch-size',
      '700',
    );
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4004);
    expect(out[0]).toMatchObject({
      line: 3,
      id: 'url:https://site0.example/page/0',
      purpose: 'train.genai',
      decision: 'deny',
    });
    expect(out[4000]).toMatchObject({ line: 4003, decision: 'allow', records: [allowId] });
    expect(out[4001]).toMatchObject({ id: 'isbn:978-4-08-872509-3', decision: 'conditional' });
    expect(out[4002]).toMatchObject({
      id: 'garbage',
      error: { type: 'urn:kyodaku:problem:invalid-identifier' },
    });
    expect(out[4003]).toMatchObject({
      line: 4006,
      error: { type: 'urn:kyodaku:problem:invalid-identifier' },
    });
    expect(result.stderr).toMatch(
      /checked 4004 items, 4004 results at \S+Z: 1 allow, 4000 deny, 1 conditional, 2 invalid/,
    );
  });

  it('Should stream a JSONL file for several purposes into --out and print the summary as JSON', {
    timeout: 60_000,
  }, async () => {
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++)
      lines.push(JSON.stringify({ id: `sha256:${i.toString(16).padStart(64, '0')}` }));
    lines.push(
      JSON.stringify({ id: 'url:https://open.example.org/b' }),
      '{not json',
      JSON.stringify({ url: 'x' }),
    );
    writeFileSync(join(cwd, 'ids.jsonl'), `${lines.join('\n')}\n`);
    const result = await kyodaku(
      'check',
      '--file',
      'ids.jsonl',
      '--purpose',
      'train.genai',
      '--purpose',
      'generate.style',
      '--out',
      'results.jsonl',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      items: 2503,
      results: 5006,
      allow: 1,
      deny: 5001,
      conditional: 0,
      invalid: 4,
    });
    const out = readFileSync(join(cwd, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(5006);
    expect(out.slice(5000, 5002).map((r) => [r.purpose, r.decision])).toEqual([
      ['train.genai', 'allow'],
      ['generate.style', 'deny'],
    ]);
    expect(out[5002]).toMatchObject({ line: 2502, error: { type: 'urn:kyodaku:problem:malformed-json' } });
  });

  it('Should stop quietly when the reader of its output goes away (| head)', async () => {
    writeFileSync(
      join(cwd, 'many.txt'),
      Array.from({ length: 20_000 }, (_, i) => `url:https://pipe.example/${i}`).join('\n'),
    );
    const child = spawn(process.execPath, [CLI_BIN, 'check', '--file', 'many.txt', '--purpose', 'train'], {
      cwd,
      env: { ...process.env, KYODAKU_NODE: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Like `head -1`: read the first chunk, then close the pipe.
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|error/i);
    expect(code).toBe(0);
  });

  it('Should exit 3 when the file cannot be read', async () => {
    const result = await kyodaku('check', '--file', 'missing.txt', '--purpose', 'train.genai');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'error: cannot read missing.txt: ENOENT (urn:kyodaku:problem:invalid-request)\n',
    );
  });
});
