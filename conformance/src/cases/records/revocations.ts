/**
 * Record revocations (http-api.md §3.3): by the issuer only, once, never of a superseded record,
 * and never dated ahead (nor is a party update).
 */
import { schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectJson, expectProblem } from '../../expect.ts';
import { expectUntouched, publishAllowAll, signRevocation } from './support.ts';

export const recordRevocationCases: Case[] = defineCases([
  {
    id: 'core-revoke',
    requirements: ['REQ-RECORD-004', 'REQ-DECIDE-003', 'REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title: 'a revoked record is kept with status revoked and no longer counts',
    async run(ctx) {
      const p = await ctx.party();
      const { work, record: r } = await publishAllowAll(ctx, p);
      equal((await ctx.decision(work, 'search')).decision, 'allow', 'decision before revocation');
      const rev = await ctx.revokeRecord(p, r.id);
      const view = await ctx.recordView(r.id);
      equal([view.status, view.revoked_by, view.jws], ['revoked', rev.id, r.jws], 'the revoked record');
      check(view.revoked_at !== undefined, 'revoked_at missing');
      expectJson(
        await ctx.http.get(`/v1/revocations/${rev.id}`),
        200,
        schemas.RevocationView,
        'GET the revocation',
      );
      const d = await ctx.decision(work, 'search');
      equal([d.decision, d.reasons], ['deny', ['no-record']], 'decision after revocation');
    },
  },
  {
    id: 'core-revoke-foreign',
    requirements: ['REQ-RECORD-004', 'REQ-API-040'],
    refuses: ['REQ-RECORD-004', 'REQ-API-040'],
    level: 'MUST',
    profile: 'core',
    title: "revoking another issuer's record is 403 forbidden (also with a forged iss)",
    async run(ctx) {
      const owner = await ctx.party();
      const attacker = await ctx.party();
      const { work, record: r } = await publishAllowAll(ctx, owner);
      const own = await signRevocation(ctx, attacker.kid, r.id, attacker.signer);
      expectProblem(await ctx.post('/v1/revocations', own.jws), 'forbidden');
      const forged = await signRevocation(ctx, owner.kid, r.id, attacker.signer);
      const res = await ctx.post('/v1/revocations', forged.jws);
      expectProblem(res, 'forbidden', 'unknown-key');
      await expectUntouched(ctx, r.id, work, 'search', 'allow');
    },
  },
  {
    id: 'core-revoke-unknown-or-twice',
    requirements: ['REQ-API-041'],
    refuses: ['REQ-API-041'],
    level: 'MUST',
    profile: 'core',
    title: 'revoking an unknown record is 404; revoking a revoked record is 409 conflict',
    async run(ctx) {
      const p = await ctx.party();
      const unknown = await signRevocation(ctx, p.kid, 'ef'.repeat(32), p.signer);
      expectProblem(await ctx.post('/v1/revocations', unknown.jws), 'not-found');
      const r = await ctx.publishRecord(p);
      await ctx.revokeRecord(p, r.id, ctx.time(-60));
      const again = await signRevocation(ctx, p.kid, r.id, p.signer);
      expectProblem(await ctx.post('/v1/revocations', again.jws), 'conflict');
    },
  },
  {
    id: 'core-revoke-future-dated',
    requirements: ['REQ-API-014'],
    refuses: ['REQ-API-014'],
    level: 'MUST',
    profile: 'core',
    title:
      'a revocation dated more than 300 s ahead is 400 schema-violation and changes nothing; one dated now is taken',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const r = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
      });
      for (const at of [ctx.time(900), '9999-12-31T23:59:59Z']) {
        const revocation = await signObject(
          'revocation',
          { kind: 'revocation', v: 1, iss: p.kid, record: r.id, issued_at: at },
          p.signer,
        );
        expectProblem(await ctx.post('/v1/revocations', revocation.jws), 'schema-violation');
        await ctx.expectNotStored(`/v1/revocations/${revocation.id}`);
      }
      await expectUntouched(ctx, r.id, work, 'train.genai', 'allow');
      await ctx.revokeRecord(p, r.id, ctx.time(-30));
    },
  },
  {
    id: 'core-party-update-future-dated',
    requirements: ['REQ-API-014'],
    refuses: ['REQ-API-014'],
    level: 'MUST',
    profile: 'core',
    title: 'a party update dated more than 300 s ahead is 400 schema-violation; an update dated now is taken',
    async run(ctx) {
      const p = await ctx.party();
      const far = await signObject('party', { ...p.party, issued_at: ctx.time(900) }, p.signer);
      expectProblem(await ctx.post('/v1/parties', far.jws), 'schema-violation');
      const now = await signObject('party', { ...p.party, issued_at: ctx.time(-10) }, p.signer);
      expectJson(await ctx.post('/v1/parties', now.jws), 201, schemas.PartyView, 'a party update dated now');
    },
  },
  {
    id: 'core-revoke-superseded',
    requirements: ['REQ-API-041'],
    refuses: ['REQ-API-041'],
    level: 'MUST',
    profile: 'core',
    title: 'revoking a superseded record is 409 conflict; its issuer revokes the superseding record',
    async run(ctx) {
      const p = await ctx.party();
      const first = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      const second = await ctx.publishRecord(p, {
        work: first.view.record.work,
        supersedes: first.id,
        issued_at: ctx.time(-120),
      });
      const ofSuperseded = await signRevocation(ctx, p.kid, first.id, p.signer);
      expectProblem(await ctx.post('/v1/revocations', ofSuperseded.jws), 'conflict');
      await ctx.expectNotStored(`/v1/revocations/${ofSuperseded.id}`);
      await ctx.revokeRecord(p, second.id, ctx.time(-30));
    },
  },
]);
