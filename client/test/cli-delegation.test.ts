/** `kyodaku delegation create|revoke|list` with the real binary against a real node process. */
import { describe, expect, it } from 'vitest';
import { cliSession } from './helpers/cli-session.ts';

const session = cliSession('kyodaku-cli-delegation-');
const { kyodaku, json } = session;

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
