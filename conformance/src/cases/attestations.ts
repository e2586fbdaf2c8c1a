/** Administrative requests and attestations (http-api.md §3.4, kyodaku.md §6.2). */
import { importPublicKey, objectIdOf, schemas } from '@kyodaku/client';
import { compactVerify } from 'jose';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectLocation, expectProblem } from '../expect.ts';
import { splitJws } from '../jws-craft.ts';

export const attestationCases: Case[] = defineCases([
  {
    id: 'core-attest-signed-by-node',
    requirements: ['REQ-API-052', 'REQ-OBJ-004', 'REQ-API-003', 'REQ-API-013', 'REQ-CONF-001'],
    level: 'MUST',
    profile: 'core',
    title:
      'attest: the node signs, with its node key, an attestation of the party key in the registered role',
    async run(ctx) {
      const p = await ctx.newParty('agency');
      expectJson(await ctx.post('/v1/parties', p.partyJws), 201, schemas.PartyView, 'register');
      const res = await ctx.post(
        '/v1/attestations',
        await ctx.adminRequest({ action: 'attest', party: p.kid }),
      );
      const view = expectJson(res, 201, schemas.AttestationView, 'POST /v1/attestations');
      const { attestation } = view;
      equal(attestation.node, ctx.suite.wellKnown.node.id, 'attestation.node');
      equal(attestation.party, p.kid, 'attestation.party');
      equal(attestation.key, p.kid, 'attestation.key');
      equal(attestation.role, 'agency', 'attestation.role (the registered role)');
      equal(view.id, await objectIdOf(view.jws), 'id is the SHA-256 of the attestation JWS');
      const header = JSON.parse(Buffer.from(splitJws(view.jws)[0], 'base64url').toString('utf8'));
      equal(
        header,
        { alg: 'Ed25519', kid: ctx.suite.wellKnown.node.id, typ: 'kyodaku-attestation+jws' },
        'attestation header',
      );
      try {
        await compactVerify(view.jws, await importPublicKey(ctx.suite.wellKnown.node.key), {
          algorithms: ['Ed25519', 'EdDSA'],
        });
      } catch (error) {
        check(false, `the attestation does not verify under node.key: ${(error as Error).message}`);
      }
      expectLocation(res, `/v1/attestations/${view.id}`);
      expectJson(
        await ctx.http.get(`/v1/attestations/${view.id}`),
        200,
        schemas.AttestationView,
        'GET the attestation',
      );
      const party = expectJson(
        await ctx.http.get(`/v1/parties/${p.kid}`),
        200,
        schemas.PartyView,
        'GET the party',
      );
      equal(party.status, 'attested', 'party status after attestation');
      check(
        party.attestations.some((a) => a.id === view.id),
        'the PartyView does not list the attestation',
      );
    },
  },
  {
    id: 'core-attest-role',
    requirements: ['REQ-API-052'],
    level: 'MUST',
    profile: 'core',
    title: 'attest with a role: the attestation carries the requested role',
    async run(ctx) {
      const p = await ctx.party('rights-holder', { attest: false });
      const view = await ctx.attest(p.kid, { role: 'performer' });
      equal(view.attestation.role, 'performer', 'attestation.role');
    },
  },
  {
    id: 'core-attest-unknown-party',
    requirements: ['REQ-API-052'],
    refuses: ['REQ-API-052'],
    level: 'MUST',
    profile: 'core',
    title: 'attesting an unregistered party is 404 not-found',
    async run(ctx) {
      const key = await ctx.newKey();
      expectProblem(
        await ctx.post('/v1/attestations', await ctx.adminRequest({ action: 'attest', party: key.kid })),
        'not-found',
      );
    },
  },
  {
    id: 'core-admin-not-admin-key',
    requirements: ['REQ-API-050'],
    refuses: ['REQ-API-050'],
    level: 'MUST',
    profile: 'core',
    title: 'an admin request signed by another key is 401 unauthorized (a party cannot attest itself)',
    async run(ctx) {
      const p = await ctx.party('rights-holder', { attest: false });
      const jws = await ctx.adminRequest({ action: 'attest', party: p.kid }, { signer: p.signer });
      expectProblem(await ctx.post('/v1/attestations', jws), 'unauthorized');
      const party = expectJson(
        await ctx.http.get(`/v1/parties/${p.kid}`),
        200,
        schemas.PartyView,
        'GET the party',
      );
      equal(party.attestations.length, 0, 'attestations after a refused request');
    },
  },
  {
    id: 'core-admin-bad-signature',
    requirements: ['REQ-API-050', 'REQ-SIG-007'],
    refuses: ['REQ-API-050', 'REQ-SIG-007'],
    level: 'MUST',
    profile: 'core',
    title: "an admin request with the admin key's kid but another key's signature is 400 invalid-signature",
    async run(ctx) {
      const p = await ctx.party('rights-holder', { attest: false });
      const other = await ctx.newKey();
      const jws = await ctx.adminRequest(
        { action: 'attest', party: p.kid },
        { signer: { kid: ctx.admin.kid, privateKey: other.signer.privateKey } },
      );
      expectProblem(await ctx.post('/v1/attestations', jws), 'invalid-signature');
    },
  },
  {
    id: 'core-admin-stale',
    requirements: ['REQ-API-051'],
    refuses: ['REQ-API-051'],
    level: 'MUST',
    profile: 'core',
    title: 'an admin request issued more than 300 s before (or after) the node clock is 401 unauthorized',
    async run(ctx) {
      const p = await ctx.party('rights-holder', { attest: false });
      for (const offset of [-900, 900]) {
        const jws = await ctx.adminRequest(
          { action: 'attest', party: p.kid },
          { issuedAt: ctx.time(offset) },
        );
        expectProblem(await ctx.post('/v1/attestations', jws), 'unauthorized');
      }
    },
  },
  {
    id: 'core-admin-replay',
    requirements: ['REQ-API-051', 'REQ-API-012'],
    refuses: ['REQ-API-051', 'REQ-API-012'],
    level: 'MUST',
    profile: 'core',
    title: 'an admin request executed once is refused when replayed: 409 duplicate-object',
    async run(ctx) {
      const p = await ctx.party('rights-holder', { attest: false });
      const jws = await ctx.adminRequest({ action: 'attest', party: p.kid });
      expectJson(await ctx.post('/v1/attestations', jws), 201, schemas.AttestationView, 'first request');
      expectProblem(await ctx.post('/v1/attestations', jws), 'duplicate-object');
    },
  },
  {
    id: 'core-admin-wrong-action',
    requirements: ['REQ-API-054'],
    refuses: ['REQ-API-054'],
    level: 'MUST',
    profile: 'core',
    title: "an admin request whose action is not the endpoint's is 400 invalid-request",
    async run(ctx) {
      const p = await ctx.party();
      const attest = await ctx.adminRequest({ action: 'attest', party: p.kid });
      expectProblem(await ctx.post('/v1/attestations/revocations', attest), 'invalid-request');
      const revoke = await ctx.adminRequest({ action: 'revoke-attestation', attestation: p.attestationId! });
      expectProblem(await ctx.post('/v1/attestations', revoke), 'invalid-request');
    },
  },
  {
    id: 'core-admin-wrong-typ',
    requirements: ['REQ-SIG-004', 'REQ-API-011'],
    refuses: ['REQ-SIG-004', 'REQ-API-011'],
    level: 'MUST',
    profile: 'core',
    title: 'a party object posted to the attestation endpoint is refused as type-mismatch',
    async run(ctx) {
      const p = await ctx.newParty();
      expectProblem(await ctx.post('/v1/attestations', p.partyJws), 'type-mismatch');
    },
  },
  {
    id: 'core-attest-revoke',
    requirements: ['REQ-API-053', 'REQ-OBJ-004'],
    refuses: ['REQ-API-053'],
    level: 'MUST',
    profile: 'core',
    title: 'revoke-attestation: the node signs a revocation; unknown is 404, twice is 409 conflict',
    async run(ctx) {
      const p = await ctx.party();
      const view = await ctx.revokeAttestation(p.attestationId!);
      equal(view.revocation.attestation, p.attestationId, 'revocation.attestation');
      equal(view.revocation.node, ctx.suite.wellKnown.node.id, 'revocation.node');
      try {
        await compactVerify(view.jws, await importPublicKey(ctx.suite.wellKnown.node.key), {
          algorithms: ['Ed25519', 'EdDSA'],
        });
      } catch (error) {
        check(
          false,
          `the attestation revocation does not verify under node.key: ${(error as Error).message}`,
        );
      }
      expectJson(
        await ctx.http.get(`/v1/attestations/revocations/${view.id}`),
        200,
        schemas.AttestationRevocationView,
        'GET the revocation',
      );
      const att = expectJson(
        await ctx.http.get(`/v1/attestations/${p.attestationId}`),
        200,
        schemas.AttestationView,
        'GET the attestation',
      );
      equal(att.revoked, true, 'attestation.revoked');
      const again = await ctx.adminRequest({ action: 'revoke-attestation', attestation: p.attestationId! });
      expectProblem(await ctx.post('/v1/attestations/revocations', again), 'conflict');
      const unknown = await ctx.adminRequest({ action: 'revoke-attestation', attestation: 'ab'.repeat(32) });
      expectProblem(await ctx.post('/v1/attestations/revocations', unknown), 'not-found');
    },
  },
  {
    id: 'core-attest-revoked-stops-records',
    requirements: ['REQ-API-053', 'REQ-API-031', 'REQ-DECIDE-002'],
    refuses: ['REQ-API-053', 'REQ-API-031'],
    level: 'MUST',
    profile: 'core',
    title:
      'after its attestation is revoked, a party publishes nothing (403 unattested-key) and its records stop counting; it can still revoke',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const record = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
      });
      equal((await ctx.decision(work, 'train.genai')).decision, 'allow', 'decision before the revocation');
      await ctx.revokeAttestation(p.attestationId!);
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.reasons], ['deny', ['no-record']], 'decision after the attestation revocation');
      const next = await ctx.signRecord(p, { purposes: { train: 'allow' } });
      expectProblem(await ctx.post('/v1/records', next.jws), 'unattested-key');
      await ctx.expectNotStored(`/v1/records/${next.id}`);
      await ctx.revokeRecord(p, record.id);
    },
  },
  {
    id: 'core-attest-expiry',
    requirements: ['REQ-DECIDE-002'],
    level: 'MUST',
    profile: 'core',
    title: 'a record counts while the attestation is in force and not after it expires',
    async run(ctx) {
      const p = await ctx.party('rights-holder', { expiresAt: ctx.time(3600) });
      const work = ctx.workId();
      await ctx.publishRecord(p, { work: { type: 'work', ids: [work] }, purposes: { train: 'allow' } });
      equal(
        (await ctx.decision(work, 'train.genai', ctx.time(1800))).decision,
        'allow',
        'decision while attested',
      );
      const d = await ctx.decision(work, 'train.genai', ctx.time(7200));
      equal(d.decision, 'deny', 'decision after the attestation expired');
    },
  },
  {
    id: 'core-attest-not-yet',
    requirements: ['REQ-DECIDE-002', 'REQ-DECIDE-003'],
    level: 'MUST',
    profile: 'core',
    title: 'a record does not count at a time before its issuer was attested (a past `at`)',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-7200),
      });
      equal((await ctx.decision(work, 'train.genai')).decision, 'allow', 'decision now');
      const d = await ctx.decision(work, 'train.genai', ctx.time(-3600));
      equal(d.decision, 'deny', 'decision an hour ago, before the attestation');
    },
  },
]);
