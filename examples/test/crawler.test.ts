/** The crawler example, run as a process against a real, seeded node. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../client/test/helpers/cli.ts';
import { type ServerProcess, seedDataDir, startServer } from '../../client/test/helpers/server-process.ts';

let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-crawler-'));
  await seedDataDir(dataDir);
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the documented command: npm run crawler -w @kyodaku/examples -- … */
function crawler(...args: string[]) {
  return runCommand('npm', ['run', '--silent', 'crawler', '-w', '@kyodaku/examples', '--', ...args], {
    timeoutMs: 30_000,
  });
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('examples/crawler', () => {
  it('Should deny generative training of everything in the sample (opt-in), and say which lines are not ids', {
    timeout: 60_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'kyodaku-crawl-out-'));
    const result = await crawler(
      '--node',
      server.url,
      '--input',
      'examples/crawler/sample-urls.txt',
      '--out',
      out,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/train\.genai at \S+: 0 allowed, 0 conditional, 13 denied, 1 invalid/);
    expect(lines(join(out, 'allowed.txt'))).toEqual([]);
    expect(lines(join(out, 'denied.txt'))).toContain('https://seikai.example/hoshi-no-umi/vol1/chapter-1');
    expect(lines(join(out, 'invalid.txt'))).toEqual(['ftp://files.example/dump.tar']);
  });

  it('Should sort by purpose: allowed lines for train.nongen, terms for input.index', {
    timeout: 60_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'kyodaku-crawl-out-'));
    const nongen = await crawler(
      '--node',
      server.url,
      '--input',
      'examples/crawler/sample-urls.txt',
      '--purpose',
      'train.nongen',
      '--out',
      out,
    );
    expect(nongen.code, nongen.stderr).toBe(0);
    expect(lines(join(out, 'allowed.txt'))).toEqual([
      'https://gekko.example/anime/hoshi-no-umi/',
      'https://gekko.example/anime/hoshi-no-umi/episodes/01',
      'https://gekko.example/anime/hoshi-no-umi/staff',
    ]);

    const index = await crawler(
      '--node',
      server.url,
      '--input',
      'examples/crawler/sample-urls.txt',
      '--purpose',
      'input.index',
      '--out',
      out,
    );
    expect(index.code, index.stderr).toBe(0);
    const conditional = lines(join(out, 'conditional.jsonl')).map((l) => JSON.parse(l));
    expect(conditional).toHaveLength(8);
    expect(conditional[0]).toMatchObject({
      input: 'https://seikai.example/hoshi-no-umi/',
      id: 'url:https://seikai.example/hoshi-no-umi/',
      conditions: [{ conditions: { compensation: { model: 'per-use', currency: 'JPY', amount: '2' } } }],
    });
    expect(lines(join(out, 'allowed.txt'))).toEqual([]);
  });

  it('Should fail with one line when the node cannot be reached', async () => {
    const result = await crawler(
      '--node',
      'http://127.0.0.1:9',
      '--input',
      'examples/crawler/sample-urls.txt',
      '--out',
      tmpdir(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/crawl-check: .+ \(ERR_NETWORK\)/);
  });
});
