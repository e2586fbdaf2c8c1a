/** `kyodaku key rotate|compromised|show` with the real binary against a real node process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-cli-key-'));
});
afterAll(() => server?.stop());

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const result = await kyodaku(...args, '--json');
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('kyodaku key', () => {
  it('Should rotate a party key, refuse the old key, and declare the old key compromised', {
    timeout: 90_000,
  }, async () => {
    const { kid: party } = await json<{ kid: string }>('keygen', 'old.key');
    const { kid: newKid } = await json<{ kid: string }>('keygen', 'new.key');
    const registered = await kyodaku(
      'party',
      'register',
      '--key',
      'old.key',
      '--role',
      'rights-holder',
      '--name',
      'en=Rotating Books',
    );
    expect(registered.code, registered.stderr).toBe(0);

    const rotated = await kyodaku('key', 'rotate', '--key', 'old.key', '--new-key', 'new.key');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(newKid);

    // The old key no longer signs for the party.
    const again = await kyodaku('key', 'rotate', '--key', 'old.key', '--new-key', 'new.key');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('urn:kyodaku:problem:unknown-key');

    const declared = await json<{ key_compromise: { key: string; compromised_at: string } }>(
      'key',
      'compromised',
      '--key',
      'new.key',
      '--compromised',
      party,
      '--since',
      '2026-01-01',
    );
    expect(declared.key_compromise).toMatchObject({ key: party, compromised_at: '2026-01-01T00:00:00Z' });

    const shown = await kyodaku('key', 'show', party);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`current key ${newKid}`);
    expect(shown.stdout).toContain('compromised since 2026-01-01T00:00:00Z');
  });
});
