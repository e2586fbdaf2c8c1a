/** `kyodaku delegation create|revoke|list` with the real binary against a real node process. */
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
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-cli-delegation-'));
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

async function register(file: string, role: string, name: string): Promise<string> {
  const { kid } = await json<{ kid: string }>('keygen', file);
  const registered = await kyodaku(
    'party',
    'register',
    '--key',
    file,
    '--role',
    role,
    '--name',
    `en=${name}`,
  );
  expect(registered.code, registered.stderr).toBe(0);
  return kid;
}

describe('kyodaku delegation', () => {
  it('Should delegate to an agency, list it for both parties, revoke it once, and refuse an unknown agent', {
    timeout: 90_000,
  }, async () => {
    const performer = await register('performer.key', 'performer', 'Minase Hikari');
    const agency = await register('agency.key', 'agency', 'Aoba Voice Agency');

    const created = await json<{ id: string; delegation: { iss: string; agent: string } }>(
      'delegation',
      'create',
      '--key',
      'performer.key',
      '--agent',
      agency,
      '--until',
      '2099-01-01',
    );
    expect(created.delegation).toMatchObject({ iss: performer, agent: agency });

    for (const party of [performer, agency]) {
      const list = await kyodaku('delegation', 'list', party);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(`delegation ${created.id}`);
      expect(list.stdout).toContain(agency);
    }

    const revoked = await kyodaku(
      'delegation',
      'revoke',
      created.id,
      '--key',
      'performer.key',
      '--reason',
      'contract ended',
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`delegation revoked ${created.id}`);
    const twice = await kyodaku('delegation', 'revoke', created.id, '--key', 'performer.key');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('urn:kyodaku:problem:conflict');

    const { kid: stranger } = await json<{ kid: string }>('keygen', 'stranger.key');
    const unknown = await kyodaku('delegation', 'create', '--key', 'performer.key', '--agent', stranger);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('urn:kyodaku:problem:not-found');

    const help = await kyodaku('delegation', 'create', '--help');
    expect(help.stdout).toContain('--agent <party-id>');
  });
});
