/** The rights holder's flow with the real `kyodaku` binary against a real node process. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSession } from './helpers/cli-session.ts';

const session = cliSession('kyodaku-cli-');
const { kyodaku, json } = session;

describe('kyodaku: rights holder flow', () => {
  it('Should register, get attested, create, publish, show, supersede and revoke a record', {
    timeout: 90_000,
  }, async () => {
    const { kid } = await json<{ kid: string }>('keygen', 'me.key');

    // Register: unattested until a node operator attests the key.
    const registered = await kyodaku(
      'party',
      'register',
      '--key',
      'me.key',
      '--role',
      'rights-holder',
      '--name',
      'ja=許諾出版',
      '--name',
      'en=Kyodaku Books',
      '--email',
      'rights@example.jp',
    );
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stdout).toContain(`party ${kid}  unattested`);

    // Publishing before attestation is refused with the node's problem type.
    writeFileSync(
      join(session.cwd, 'early.yaml'),
      'work: { ids: ["doi:10.5555/early"] }\npurposes: { all: allow }\n',
    );
    const early = await kyodaku('record', 'create', '--from', 'early.yaml', '--key', 'me.key', '--publish');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:unattested-key\)\n$/);

    const attested = await json<{ id: string; attestation: { party: string; role: string } }>(
      'attest',
      kid,
      '--admin-key',
      session.server.adminKeyPath,
    );
    expect(attested.attestation).toMatchObject({ party: kid, role: 'rights-holder' });
    expect((await json<{ status: string }>('party', 'show', kid)).status).toBe('attested');

    // Create from flags, signed into a file; publish it.
    const created = await kyodaku(
      'record',
      'create',
      '--key',
      'me.key',
      '--type',
      'character',
      '--id',
      'isbn:978-4-08-872509-3',
      '--title',
      'ja=孫悟空',
      '--title',
      'en=Son Goku',
      '--purpose',
      'train=deny',
      '--purpose',
      'generate.character=conditional',
      '--compensation',
      'per-use:JPY:50',
      '--attribution',
      'required',
      '--valid-until',
      '2099-01-01',
      '-o',
      'goku.jws',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(readFileSync(join(session.cwd, 'goku.jws'), 'utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const published = await json<{ id: string; status: string; record: Record<string, unknown> }>(
      'record',
      'publish',
      'goku.jws',
    );
    expect(published.status).toBe('current');
    expect(published.record).toMatchObject({
      iss: kid,
      work: { type: 'character', ids: ['isbn:9784088725093'], titles: { ja: '孫悟空', en: 'Son Goku' } },
      purposes: { train: 'deny', 'generate.character': 'conditional' },
      conditions: {
        compensation: { model: 'per-use', currency: 'JPY', amount: '50' },
        attribution: { required: true },
      },
      valid_until: '2099-01-01T00:00:00Z',
    });

    const shown = await kyodaku('record', 'show', published.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`record ${published.id}  current`);
    expect(shown.stdout).toContain('compensation per-use 50 JPY; attribution required');

    // Publishing the same JWS again: one line with the problem type, exit 1; --json gives the problem.
    const again = await kyodaku('record', 'publish', 'goku.jws');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:duplicate-object\)\n$/);
    const againJson = await kyodaku('record', 'publish', 'goku.jws', '--json');
    expect(JSON.parse(againJson.stdout)).toMatchObject({
      type: 'urn:kyodaku:problem:duplicate-object',
      status: 409,
      id: published.id,
    });

    const conditional = await kyodaku('check', 'isbn:978-4-08-872509-3', '--purpose', 'generate.character');
    expect(conditional.code).toBe(2);

    // Supersede from the old record, changing one purpose.
    const superseding = await json<{
      id: string;
      record: { supersedes: string; purposes: Record<string, string> };
    }>('record', 'supersede', published.id, '--key', 'me.key', '--purpose', 'generate.character=allow');
    expect(superseding.record.supersedes).toBe(published.id);
    expect(superseding.record.purposes).toEqual({ train: 'deny', 'generate.character': 'allow' });
    expect(
      await json<{ status: string; superseded_by: string }>('record', 'show', published.id),
    ).toMatchObject({
      status: 'superseded',
      superseded_by: superseding.id,
    });
    expect((await kyodaku('check', 'isbn:9784088725093', '--purpose', 'generate.character')).code).toBe(0);

    // A YAML record file, drafted without a key, then signed and published in one go.
    writeFileSync(
      join(session.cwd, 'voice.yaml'),
      [
        'work:',
        '  type: voice',
        '  ids: [ "isrc:JP-K01-26-00001" ]',
        '  titles: { ja: 声 }',
        'purposes:',
        '  generate.voice: conditional',
        '  train: deny',
        'conditions:',
        '  compensation: { model: flat-fee, currency: JPY, amount: 100000 }',
        '',
      ].join('\n'),
    );
    const draft = await kyodaku('record', 'create', '--from', 'voice.yaml', '-o', 'voice.draft.json');
    expect(draft.code, draft.stderr).toBe(0);
    const draftJson = JSON.parse(readFileSync(join(session.cwd, 'voice.draft.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(draftJson).toMatchObject({ work: { ids: ['isrc:JPK012600001'] } });
    expect(draftJson).not.toHaveProperty('iss');
    const voice = await json<{ id: string; record: { conditions: unknown } }>(
      'record',
      'create',
      '--from',
      'voice.draft.json',
      '--key',
      'me.key',
      '--publish',
    );
    expect(voice.record.conditions).toEqual({
      compensation: { model: 'flat-fee', currency: 'JPY', amount: '100000' },
    });

    const listed = await json<Array<{ id: string }>>('record', 'list', '--key', 'me.key');
    expect(listed.map((r) => r.id)).toEqual([published.id, superseding.id, voice.id]);

    // Revoke: the record stops counting.
    const revoked = await json<{ id: string; revocation: { record: string; reason: string } }>(
      'record',
      'revoke',
      superseding.id,
      '--key',
      'me.key',
      '--reason',
      'licence ended',
    );
    expect(revoked.revocation).toMatchObject({ record: superseding.id, reason: 'licence ended' });
    expect((await json<{ status: string }>('record', 'show', superseding.id)).status).toBe('revoked');
    const after = await kyodaku('check', 'isbn:9784088725093', '--purpose', 'generate.character', '--json');
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ decision: 'deny', reasons: ['no-record'] });

    // The operator revokes the attestation: new records are refused.
    const revokedAttestation = await kyodaku(
      'attest',
      '--revoke',
      attested.id,
      '--admin-key',
      session.server.adminKeyPath,
      '--reason',
      'test',
    );
    expect(revokedAttestation.code, revokedAttestation.stderr).toBe(0);
    const refused = await kyodaku('record', 'create', '--from', 'early.yaml', '--key', 'me.key', '--publish');
    expect(refused.stderr).toContain('(urn:kyodaku:problem:unattested-key)');
  });

  it('Should refuse bad flags with one clear error line before contacting the node', async () => {
    const bad = await kyodaku('record', 'create', '--id', 'isbn:9784088725093', '--purpose', 'train=maybe');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'error: --purpose train= takes allow, conditional, deny (urn:kyodaku:problem:invalid-request)\n',
    );
    const badId = await kyodaku('record', 'create', '--id', 'isbn:123', '--purpose', 'train=deny');
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:invalid-identifier\)\n$/);
  });
});
