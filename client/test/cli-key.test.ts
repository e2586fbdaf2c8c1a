/** `kyodaku key rotate|compromised|show` with the real binary against a real node process. */
import { describe, expect, it } from 'vitest';
import { cliSession } from './helpers/cli-session.ts';

const session = cliSession('kyodaku-cli-key-');
const { kyodaku, json } = session;

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
