/** Party registration (http-api.md §3.1, kyodaku.md §5.2, §6.1). */
import { createParty, keyIdOf, objectIdOf, schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { equal, expectJson, expectLocation, expectProblem } from '../expect.ts';
import { b64, craftJws, identityPoint, nonCanonicalPoint } from '../jws-craft.ts';

const PARTY_TYP = 'kyodaku-party+jws';

/** R = identity, S = 0: verifies for every message under the identity key (cofactored or not). */
function identitySignature(): Uint8Array {
  const signature = new Uint8Array(64);
  signature.set(identityPoint(), 0);
  return signature;
}

/**
 * A party whose key `x` is not an acceptable Ed25519 public key is refused with one of `problems`
 * and not stored. Signed with `signature` (64 zero bytes unless given), not by a private key.
 */
const BAD_KEYS: {
  id: string;
  requirements: string[];
  title: string;
  name: string;
  x: Uint8Array;
  signature?: Uint8Array;
  problems: string[];
}[] = [
  {
    id: 'core-party-small-order-key',
    requirements: ['REQ-SIG-014', 'REQ-API-020', 'REQ-SIG-007'],
    title: 'a party whose key is a small-order point (with a signature that verifies under it) is refused',
    name: 'Small order',
    x: identityPoint(),
    signature: identitySignature(),
    problems: ['invalid-key'],
  },
  {
    id: 'core-party-non-canonical-key',
    requirements: ['REQ-SIG-014', 'REQ-API-020'],
    title: 'a party whose key is a non-canonical point encoding (y = p + 1) is refused',
    name: 'Non-canonical',
    x: nonCanonicalPoint(),
    problems: ['invalid-key'],
  },
  {
    id: 'core-party-short-key',
    requirements: ['REQ-SIG-014', 'REQ-API-020'],
    title: 'a party whose key is not 32 bytes is refused',
    name: 'Short',
    x: new Uint8Array(31).fill(7),
    // the schema (check 10) or the key check (check 11) may catch it first
    problems: ['invalid-key', 'schema-violation'],
  },
];

export const partyCases: Case[] = defineCases([
  {
    id: 'core-party-register',
    requirements: ['REQ-API-013', 'REQ-SIG-011', 'REQ-OBJ-003'],
    level: 'MUST',
    profile: 'core',
    title: 'a self-signed party registers with 201, a Location and its PartyView; GET serves it',
    async run(ctx) {
      const party = await ctx.newParty('performer');
      const res = await ctx.post('/v1/parties', party.partyJws);
      const view = expectJson(res, 201, schemas.PartyView, 'POST /v1/parties');
      equal(view.party_id, party.kid, 'party_id');
      equal(view.id, await objectIdOf(party.partyJws), 'id (SHA-256 of the JWS)');
      equal(view.jws, party.partyJws, 'jws');
      equal(view.status, 'unattested', 'status before attestation');
      expectLocation(res, `/v1/parties/${party.kid}`);
      const got = expectJson(
        await ctx.http.get(`/v1/parties/${party.kid}`),
        200,
        schemas.PartyView,
        'GET the party',
      );
      equal(got.party_id, party.kid, 'party_id of GET');
    },
  },
  {
    id: 'core-party-unknown',
    requirements: ['REQ-ERR-004'],
    level: 'MUST',
    profile: 'core',
    title: 'GET of an unknown party is 404 not-found',
    async run(ctx) {
      const key = await ctx.newKey();
      expectProblem(await ctx.http.get(`/v1/parties/${key.kid}`), 'not-found');
    },
  },
  ...BAD_KEYS.map(
    ({ id, requirements, title, name, x, signature, problems }): Case => ({
      id,
      requirements,
      refuses: requirements,
      level: 'MUST',
      profile: 'core',
      title,
      async run(ctx) {
        const key = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: b64(x) };
        const kid = await keyIdOf(key);
        const payload = {
          ...createParty({
            key: (await ctx.newKey()).publicJwk,
            role: 'rights-holder',
            names: { en: name },
            issued_at: ctx.time(-60),
          }),
          key,
        };
        const jws = await craftJws({
          header: { alg: 'Ed25519', kid, typ: PARTY_TYP },
          payload,
          signature: signature ?? new Uint8Array(64),
        });
        expectProblem(await ctx.post('/v1/parties', jws), ...problems);
        await ctx.expectNotStored(`/v1/parties/${kid}`);
      },
    }),
  ),
  {
    id: 'core-party-kid-not-its-key',
    requirements: ['REQ-OBJ-003', 'REQ-API-021', 'REQ-SIG-003'],
    refuses: ['REQ-OBJ-003', 'REQ-API-021', 'REQ-SIG-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'a party signed by (and naming in kid) a key other than the one it carries is refused as unknown-key',
    async run(ctx) {
      const victim = await ctx.newParty();
      const attacker = await ctx.newKey();
      const jws = await craftJws({
        header: { alg: 'Ed25519', kid: attacker.kid, typ: PARTY_TYP },
        payload: victim.party,
        signer: attacker.signer,
      });
      expectProblem(await ctx.post('/v1/parties', jws), 'unknown-key');
      await ctx.expectNotStored(`/v1/parties/${victim.kid}`);
      await ctx.expectNotStored(`/v1/parties/${attacker.kid}`);
    },
  },
  {
    id: 'core-party-wrong-typ',
    requirements: ['REQ-SIG-004', 'REQ-API-011'],
    refuses: ['REQ-SIG-004', 'REQ-API-011'],
    level: 'MUST',
    profile: 'core',
    title: 'a party object sent with the record typ is refused as type-mismatch',
    async run(ctx) {
      const p = await ctx.newParty();
      const jws = await craftJws({
        header: { alg: 'Ed25519', kid: p.kid, typ: 'kyodaku-record+jws' },
        payload: p.party,
        signer: p.signer,
      });
      expectProblem(await ctx.post('/v1/parties', jws), 'type-mismatch');
      await ctx.expectNotStored(`/v1/parties/${p.kid}`);
    },
  },
  {
    id: 'core-party-duplicate',
    requirements: ['REQ-API-012'],
    refuses: ['REQ-API-012'],
    level: 'MUST',
    profile: 'core',
    title: 'registering the same party JWS twice is 409 duplicate-object naming the existing id',
    async run(ctx) {
      const p = await ctx.newParty();
      expectJson(await ctx.post('/v1/parties', p.partyJws), 201, schemas.PartyView, 'first registration');
      const res = await ctx.post('/v1/parties', p.partyJws);
      expectProblem(res, 'duplicate-object');
      equal((res.json as { id?: unknown }).id, await objectIdOf(p.partyJws), 'problem member id');
    },
  },
  {
    id: 'core-party-update',
    requirements: ['REQ-API-022'],
    refuses: ['REQ-API-022'],
    level: 'MUST',
    profile: 'core',
    title: 'a later registration updates the party; one not later than the current is 409 conflict',
    async run(ctx) {
      const p = await ctx.newParty('rights-holder', ctx.time(-600));
      expectJson(await ctx.post('/v1/parties', p.partyJws), 201, schemas.PartyView, 'first registration');
      const newer = await signObject(
        'party',
        { ...p.party, names: { en: 'Renamed' }, issued_at: ctx.time(-300) },
        p.signer,
      );
      const view = expectJson(
        await ctx.post('/v1/parties', newer.jws),
        201,
        schemas.PartyView,
        'a later registration',
      );
      equal(view.party.names, { en: 'Renamed' }, 'names after update');
      const current = expectJson(
        await ctx.http.get(`/v1/parties/${p.kid}`),
        200,
        schemas.PartyView,
        'GET the party',
      );
      equal(current.id, newer.id, 'the current registration');
      const older = await signObject(
        'party',
        { ...p.party, names: { en: 'Stale' }, issued_at: ctx.time(-450) },
        p.signer,
      );
      expectProblem(await ctx.post('/v1/parties', older.jws), 'conflict');
      const same = await signObject(
        'party',
        { ...p.party, names: { en: 'Same time' }, issued_at: newer.payload.issued_at },
        p.signer,
      );
      expectProblem(await ctx.post('/v1/parties', same.jws), 'conflict');
    },
  },
]);
