/** The generation guard example, run as a process against a real, seeded node. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../client/test/helpers/cli.ts';
import { type ServerProcess, seedDataDir, startServer } from '../../client/test/helpers/server-process.ts';

let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-guard-'));
  await seedDataDir(dataDir);
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the documented command: npm run guard -w @kyodaku/examples -- … */
function guard(...args: string[]) {
  return runCommand(
    'npm',
    ['run', '--silent', 'guard', '-w', '@kyodaku/examples', '--', '--node', server.url, ...args],
    {
      timeoutMs: 30_000,
    },
  );
}

describe('examples/generation-guard', () => {
  it('Should refuse the sample prompts that name denied characters and likenesses, and say why', {
    timeout: 60_000,
  }, async () => {
    const result = await guard('--file', 'examples/generation-guard/sample-prompts.txt');
    expect(result.code, result.stderr).toBe(1);
    const verdicts = result.stdout
      .split('\n')
      .filter((l) => /^[A-Z-]+ {2}/.test(l))
      .map((l) => l.split('  ')[0]);
    expect(verdicts).toEqual(['RENDERED-WITH-TERMS', 'REFUSED', 'REFUSED', 'REFUSED', 'RENDERED']);
    expect(result.stdout).toContain('"黒鉄レン" at [0, 4) names character');
    expect(result.stdout).toContain('"Kurogane Ren" at [0, 12)');
    expect(result.stdout).toContain('generate.likeness refused: the rights holder denies it');
    expect(result.stdout).toContain('pay 50 JPY (per-use, per generated image)');
    expect(result.stdout).toContain('[image rendered for "a cat sleeping on a windowsill, watercolour"]');
    expect(result.stdout).toContain('5 prompts: 2 rendered, 3 refused');
  });

  it('Should refuse a voice prompt naming a performer, through the link of her voice record', {
    timeout: 60_000,
  }, async () => {
    const result = await guard('--mode', 'voice', 'Hikari Minaseみたいな声で');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('names voice kyodaku:seiran.example/voice/minase-hikari');
    expect(result.stdout).toContain('linked from kyodaku:seiran.example/performer/minase-hikari');
  });

  it('Should render a voice allowed on terms and print the terms', { timeout: 60_000 }, async () => {
    const result = await guard('--mode', 'voice', '朝霧颯の声で天気予報を読み上げて');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('RENDERED-WITH-TERMS');
    expect(result.stdout).toContain(
      'credit 声：朝霧颯（青嵐ボイス）; pay 300000 JPY (flat-fee, per voice model per year); only in JP',
    );
  });
});
