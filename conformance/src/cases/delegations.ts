/** Delegations (kyodaku.md §6.6, REQ-DECIDE-013; http-api.md §3.7). */
import { createDelegation, createDelegationRevocation, schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestParty } from '../context.ts';
import { equal, expectJson, expectProblem } from '../expect.ts';
import { craftJws } from '../jws-craft.ts';

function delegation(principal: TestParty, agent: string, issuedAt: string) {
  return signObject(
    'delegation',
    createDelegation({ iss: principal.kid, agent, issued_at: issuedAt }),
    principal.signer,
  );
}

function revocation(by: TestParty, delegationId: string, ctx: Context) {
  return signObject(
    'delegation-revocation',
    createDelegationRevocation({ iss: by.kid, delegation: delegationId, issued_at: ctx.time(-1) }),
    by.signer,
  );
}

export const delegationCases: Case[] = defineCases([
  {
    id: 'core-delegation-decides-as-principal',
    requirements: ['REQ-DECIDE-013', 'REQ-DEL-002', 'REQ-API-092', 'REQ-API-093'],
    level: 'MUST',
    profile: 'core',
    title:
      "while a performer's delegation to its agency is in force, their records on one voice are one party's will (the newest decides, not disputed); before it was logged and after its revocation they dispute",
    async run(ctx) {
      const performer = await ctx.party('performer');
      const agency = await ctx.party('agency');
      const voice = ctx.workId('voice');
      await ctx.publishRecord(performer, {
        work: { type: 'voice', ids: [voice] },
        purposes: { 'generate.voice': 'deny' },
        issued_at: ctx.time(-120),
      });
      const byAgency = await ctx.publishRecord(agency, {
        work: { type: 'voice', ids: [voice] },
        purposes: { 'generate.voice': 'allow' },
        issued_at: ctx.time(-60),
      });
      const disputed = await ctx.decision(voice, 'generate.voice');
      equal([disputed.decision, disputed.disputed], ['deny', true], 'decision before the delegation');
      const before = ctx.time(0);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // Dated an hour ago: it counts only from when the node logged it (REQ-DEL-002).
      const d = await delegation(performer, agency.kid, ctx.time(-3600));
      const view = expectJson(
        await ctx.post('/v1/delegations', d.jws),
        201,
        schemas.DelegationView,
        'POST /v1/delegations',
      );
      equal(view.id, d.id, 'id of the delegation view');
      const delegated = await ctx.decision(voice, 'generate.voice');
      equal(
        [delegated.decision, delegated.disputed, delegated.records],
        ['allow', false, [byAgency.id]],
        "decision while the agency acts for the performer (the agency's newer record decides)",
      );
      const earlier = await ctx.decision(voice, 'generate.voice', before);
      equal(
        [earlier.decision, earlier.disputed],
        ['deny', true],
        'decision for a time before the node logged the delegation',
      );
      const r = await revocation(performer, d.id, ctx);
      expectJson(
        await ctx.post('/v1/delegation-revocations', r.jws),
        201,
        schemas.DelegationRevocationView,
        'revoking',
      );
      const revoked = expectJson(
        await ctx.http.get(`/v1/delegations/${d.id}`),
        200,
        schemas.DelegationView,
        'GET',
      );
      equal(revoked.revoked_by, r.id, 'revoked_by of the revoked delegation');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const after = await ctx.decision(voice, 'generate.voice');
      equal([after.decision, after.disputed], ['deny', true], 'decision after the revocation took effect');
    },
  },
  {
    id: 'core-delegation-refusals',
    requirements: ['REQ-DEL-001', 'REQ-API-092'],
    refuses: ['REQ-DEL-001', 'REQ-API-092'],
    level: 'MUST',
    profile: 'core',
    title:
      'a delegation to an unknown party is 404, to itself or ending before it starts 400, dated far ahead 400; a revocation of a delegation not held or not its own is 404, twice 409; nothing stored',
    async run(ctx) {
      const performer = await ctx.party('performer');
      const agency = await ctx.party('agency');
      const stranger = await ctx.newKey();
      const unknown = await delegation(performer, stranger.kid, ctx.time(-10));
      expectProblem(await ctx.post('/v1/delegations', unknown.jws), 'not-found');
      await ctx.expectNotStored(`/v1/delegations/${unknown.id}`);
      const craft = (payload: Record<string, unknown>) =>
        craftJws({
          header: { alg: 'Ed25519', kid: performer.kid, typ: 'kyodaku-delegation+jws' },
          payload: { kind: 'delegation', v: 1, iss: performer.kid, issued_at: ctx.time(-10), ...payload },
          signer: performer.signer,
        });
      expectProblem(
        await ctx.post('/v1/delegations', await craft({ agent: performer.kid })),
        'schema-violation',
      );
      expectProblem(
        await ctx.post('/v1/delegations', await craft({ agent: agency.kid, valid_until: ctx.time(-20) })),
        'schema-violation',
      );
      const ahead = await delegation(performer, agency.kid, ctx.time(3600));
      expectProblem(await ctx.post('/v1/delegations', ahead.jws), 'schema-violation');
      await ctx.expectNotStored(`/v1/delegations/${ahead.id}`);

      const notHeld = await revocation(performer, 'c'.repeat(64), ctx);
      expectProblem(await ctx.post('/v1/delegation-revocations', notHeld.jws), 'not-found');
      const good = await delegation(performer, agency.kid, ctx.time(-5));
      expectJson(
        await ctx.post('/v1/delegations', good.jws),
        201,
        schemas.DelegationView,
        'POST /v1/delegations',
      );
      const byAgent = await revocation(agency, good.id, ctx);
      expectProblem(await ctx.post('/v1/delegation-revocations', byAgent.jws), 'not-found');
      const first = await revocation(performer, good.id, ctx);
      expectJson(
        await ctx.post('/v1/delegation-revocations', first.jws),
        201,
        schemas.DelegationRevocationView,
        'revoking',
      );
      const again = await signObject(
        'delegation-revocation',
        createDelegationRevocation({
          iss: performer.kid,
          delegation: good.id,
          issued_at: ctx.time(-2),
          reason: 'again',
        }),
        performer.signer,
      );
      expectProblem(await ctx.post('/v1/delegation-revocations', again.jws), 'conflict');
      await ctx.expectNotStored(`/v1/delegation-revocations/${again.id}`);
    },
  },
]);
