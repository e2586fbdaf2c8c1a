/** `kyodaku prompt-check` (spec/generation.md): exit codes, human and JSON output, --file JSONL. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let narutoRecord: string;

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-prompt-check-'));
  const party = await attestedParty(server);
  narutoRecord = (
    await party.publish({
      work: {
        type: 'character',
        ids: ['kyodaku:cli.example/char/naruto'],
        titles: { ja: 'ナルト', en: 'Naruto' },
      },
      purposes: { 'generate.character': 'deny', 'generate.style': 'allow' },
    })
  ).id;
  await party.publish({
    work: { type: 'character', ids: ['kyodaku:cli.example/char/aoi'], titles: { ja: '葵' } },
    purposes: { generate: 'conditional' },
    conditions: { attribution: { required: true } },
  });
});
afterAll(() => server?.stop());

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

describe('kyodaku prompt-check', () => {
  it('Should exit 1 on a prompt naming a denied character, saying where and why', async () => {
    const result = await kyodaku('prompt-check', 'なるとの絵を描いて', '--purpose', 'generate.character');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^DENY {2}prompt check\n/);
    expect(result.stdout).toContain('"なると"  [0, 3)');
    expect(result.stdout).toContain('denied by a record');
    expect(result.stdout).toContain(narutoRecord);
  });

  it('Should exit 2 on conditional and 0 when nothing registered is named', async () => {
    expect((await kyodaku('prompt-check', '葵の花')).code).toBe(2);
    const none = await kyodaku('prompt-check', 'a', 'cat', 'on', 'a', 'sofa');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('none: the node knows no name in this text');
  });

  it('Should print the answer as JSON with --json', async () => {
    const result = await kyodaku('--json', 'prompt-check', 'Naruto', '--purpose', 'generate.style');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { decision: string; matches: Array<{ text: string }> };
    expect([answer.decision, answer.matches.map((m) => m.text)]).toEqual(['allow', ['Naruto']]);
  });

  it('Should check a JSONL file line by line, in order, with an error line for a refused prompt', async () => {
    const file = join(cwd, 'prompts.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'p1', text: 'ナルトとサスケ' }),
        JSON.stringify('葵'),
        '',
        'not json',
        JSON.stringify({ id: 'p4', text: 'x'.repeat(16_385) }),
        JSON.stringify({ id: 'p5', text: 'a quiet lake' }),
      ].join('\n'),
    );
    const outFile = join(cwd, 'checks.jsonl');
    const result = await kyodaku(
      'prompt-check',
      '--file',
      file,
      '--out',
      outFile,
      '--purpose',
      'generate.character',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('checked 5 prompts');
    expect(result.stdout).toContain('1 allow, 1 deny, 1 conditional, 2 errors');
    const lines = readFileSync(outFile, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { line: number; id?: string; decision?: string; error?: { type: string } },
      );
    expect(lines.map((l) => [l.line, l.id, l.decision ?? l.error?.type])).toEqual([
      [1, 'p1', 'deny'],
      [2, undefined, 'conditional'],
      [4, undefined, 'urn:kyodaku:problem:malformed-json'],
      [5, 'p4', 'urn:kyodaku:problem:payload-too-large'],
      [6, 'p5', 'allow'],
    ]);
  });

  it('Should refuse a usage without a prompt', async () => {
    const result = await kyodaku('prompt-check');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('give the prompt to check, or --file');
  });
});
