/** `kyodaku verify`: offline verification of signed records with the issuer's public key. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParty, createRecord } from '../src/builders.ts';
import { signObject } from '../src/jws.ts';
import { signKeyChange } from '../src/key-change.ts';
import { generateKeyPair, importSigner, type Signer } from '../src/keys.ts';
import { toTimestamp } from '../src/time.ts';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let cwd: string;
let goodRecord: string;
let goodParty: string;
let kid: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-verify-'));
  const keys = await generateKeyPair();
  kid = keys.kid;
  const signer = await importSigner(keys.privateJwk);
  writeFileSync(join(cwd, 'issuer.pub'), JSON.stringify(keys.publicJwk));
  goodRecord = (
    await signObject(
      'record',
      createRecord({
        iss: keys.kid,
        work: { type: 'work', ids: ['doi:10.1000/182'] },
        purposes: { all: 'deny' },
      }),
      signer,
    )
  ).jws;
  goodParty = (
    await signObject(
      'party',
      createParty({ key: keys.publicJwk, role: 'rights-holder', names: { en: 'X' } }),
      signer,
    )
  ).jws;
});

/** A record of party `iss` signed by `signer` (its first key or one it rotated to). */
function recordBy(iss: string, signer: Signer, id: string) {
  return signObject(
    'record',
    createRecord({
      iss,
      work: { type: 'work', ids: [id] },
      purposes: { all: 'deny' },
      issued_at: toTimestamp(Date.now() - 30_000),
    }),
    signer,
  );
}

function verify(...args: string[]) {
  return runCli(['verify', ...args], { cwd });
}

/** The JWS with its payload replaced by other bytes, the signature kept. */
function withPayload(jws: string, payload: string): string {
  const [header, , signature] = jws.split('.');
  return `${header}.${base64url.encode(payload)}.${signature}`;
}

describe('kyodaku verify', () => {
  it('Should verify a good record and a party offline, with the issuer key from a file', async () => {
    writeFileSync(join(cwd, 'good.jws'), `${goodRecord}\n\n${goodParty}\n`);
    const result = await verify('good.jws', '--issuer-key', 'issuer.pub');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok {4}line 1 {2}record [0-9a-f]{64} {2}by /);
    expect(result.stdout).toMatch(/ok {4}line 3 {2}party /);
    expect(result.stdout).toContain('2 valid, 0 invalid');
    const json = await verify('good.jws', '--issuer-key', 'issuer.pub', '--json');
    const first = JSON.parse(json.stdout.split('\n')[0]!);
    expect(first).toMatchObject({
      line: 1,
      valid: true,
      kind: 'record',
      issuer: kid,
      payload: { purposes: { all: 'deny' } },
    });
  });

  it('Should reject tampered, non-canonical and unsigned-for objects, one line each, exit 1', async () => {
    const payload = JSON.parse(Buffer.from(goodRecord.split('.')[1]!, 'base64url').toString('utf8'));
    const tampered = withPayload(goodRecord, JSON.stringify({ ...payload, purposes: { all: 'allow' } }));
    const spaced = withPayload(goodRecord, JSON.stringify(payload, null, 1));
    const stranger = await generateKeyPair();
    const otherKey = (
      await signObject(
        'record',
        createRecord({
          iss: stranger.kid,
          work: { type: 'work', ids: ['doi:10.1000/182'] },
          purposes: { all: 'allow' },
        }),
        await importSigner(stranger.privateJwk),
      )
    ).jws;
    // A flipped character inside the signature (not the last one, whose low bits must stay zero).
    const flipped = goodRecord.at(-10) === 'A' ? 'B' : 'A';
    writeFileSync(
      join(cwd, 'bad.jws'),
      [
        goodRecord,
        tampered,
        spaced,
        otherKey,
        `${goodRecord.slice(0, -10)}${flipped}${goodRecord.slice(-9)}`,
        'not.a.jws',
      ].join('\n'),
    );
    const result = await verify('bad.jws', '--issuer-key', 'issuer.pub', '--json');
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => (l.valid ? 'ok' : l.error.type.replace('urn:kyodaku:problem:', '')))).toEqual([
      'ok',
      'invalid-signature',
      'non-canonical-json',
      'unknown-key',
      'invalid-signature',
      'malformed-jws',
    ]);
    const human = await verify('bad.jws', '--issuer-key', 'issuer.pub');
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(
      'FAIL  line 2  signature does not verify (urn:kyodaku:problem:invalid-signature)',
    );
    expect(human.stdout).toContain('1 valid, 5 invalid');
  });

  it('Should say which key is missing when none is given', async () => {
    writeFileSync(join(cwd, 'one.jws'), goodRecord);
    const result = await verify('one.jws');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`no key for issuer ${kid}: give --issuer-key FILE (or --fetch-keys)`);
  });

  it('Should verify records signed after a rotation with the key change read earlier in the file', async () => {
    const first = await generateKeyPair();
    const firstSigner = await importSigner(first.privateJwk);
    const next = await generateKeyPair();
    const nextSigner = await importSigner(next.privateJwk);
    writeFileSync(join(cwd, 'first.pub'), JSON.stringify(first.publicJwk));
    const change = await signKeyChange({
      iss: first.kid,
      oldSigner: firstSigner,
      newSigner: nextSigner,
      newKey: next.publicJwk,
    });
    const after = await recordBy(first.kid, nextSigner, 'doi:10.1000/rotated');
    writeFileSync(join(cwd, 'rotated.jws'), `${change.jws}\n${after.jws}\n`);
    const result = await verify('rotated.jws', '--issuer-key', 'first.pub');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`key-change ${change.id}  by ${first.kid}`);
    expect(result.stdout).toContain(`record ${after.id}  by ${first.kid}`);

    // Without the key change the new key is not known to be the party's.
    writeFileSync(join(cwd, 'unbound.jws'), `${after.jws}\n`);
    const unbound = await verify('unbound.jws', '--issuer-key', 'first.pub');
    expect(unbound.code).toBe(1);
    expect(unbound.stdout).toContain(`kid ${next.kid} is not a key of issuer ${first.kid} known here`);

    // A key change whose proof is not by the new key binds nothing.
    const strangerKeys = await generateKeyPair();
    const stranger = await importSigner(strangerKeys.privateJwk);
    const forged = await signKeyChange({
      iss: first.kid,
      oldSigner: firstSigner,
      newSigner: stranger,
      newKey: strangerKeys.publicJwk,
    });
    const byStranger = await recordBy(first.kid, stranger, 'doi:10.1000/stolen');
    const tampered = JSON.parse(Buffer.from(forged.jws.split('.')[1]!, 'base64url').toString('utf8'));
    tampered.new_key = next.publicJwk;
    const resigned = await signObject('key-change', tampered, firstSigner);
    writeFileSync(join(cwd, 'forged.jws'), `${resigned.jws}\n${byStranger.jws}\n`);
    const refused = await verify('forged.jws', '--issuer-key', 'first.pub');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/FAIL {2}line 1 .*key proof/);
    expect(refused.stdout).toMatch(/FAIL {2}line 2 /);
  });

  describe('with --fetch-keys', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(() => server?.stop());

    it("Should look the issuer's key up at the node", async () => {
      const party = await attestedParty(server);
      const published = await party.publish({
        work: { type: 'work', ids: ['doi:10.1000/555'] },
        purposes: { all: 'deny' },
      });
      writeFileSync(join(cwd, 'fetched.jws'), published.jws);
      const result = await runCli(['verify', 'fetched.jws', '--fetch-keys', '--node', server.url], { cwd });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`record ${published.id}  by ${party.kid}`);
    });

    it('Should look up a key the party rotated to at the node', async () => {
      const party = await attestedParty(server);
      const next = await generateKeyPair();
      const nextSigner = await importSigner(next.privateJwk);
      await party.node.changeKey(
        await signKeyChange({
          iss: party.kid,
          oldSigner: party.signer,
          newSigner: nextSigner,
          newKey: next.publicJwk,
        }),
      );
      const after = await recordBy(party.kid, nextSigner, 'doi:10.1000/after-rotation');
      await party.node.publishRecord(after);
      writeFileSync(join(cwd, 'rotated-fetched.jws'), after.jws);
      const result = await runCli(['verify', 'rotated-fetched.jws', '--fetch-keys', '--node', server.url], {
        cwd,
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`record ${after.id}  by ${party.kid}`);
    });
  });
});
