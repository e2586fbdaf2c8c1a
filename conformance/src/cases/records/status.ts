/**
 * A record's status over time (kyodaku.md §6.3): superseded by a newer record of its issuer,
 * expired, and not yet valid.
 */
import { type Case, defineCases } from '../../case.ts';
import { equal, expectProblem } from '../../expect.ts';
import { expectUntouched, publishAllowAll } from './support.ts';

export const recordStatusCases: Case[] = defineCases([
  {
    id: 'core-record-supersede',
    requirements: ['REQ-RECORD-003', 'REQ-DECIDE-003', 'REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title:
      'a superseding record replaces the old one: old status superseded (still served), the decision follows the new',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const old = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-300),
      });
      const next = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
        supersedes: old.id,
        issued_at: ctx.time(-200),
      });
      const oldView = await ctx.recordView(old.id);
      equal(
        [oldView.status, oldView.superseded_by, oldView.jws],
        ['superseded', next.id, old.jws],
        'the superseded record',
      );
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.records], ['deny', [next.id]], 'decision after supersede');
    },
  },
  {
    id: 'core-record-supersede-foreign',
    requirements: ['REQ-RECORD-003', 'REQ-API-033'],
    refuses: ['REQ-RECORD-003', 'REQ-API-033'],
    level: 'MUST',
    profile: 'core',
    title: "superseding another issuer's record is 403 forbidden and changes nothing",
    async run(ctx) {
      const owner = await ctx.party();
      const attacker = await ctx.party();
      const work = ctx.workId();
      const victim = await ctx.publishRecord(owner, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
      });
      const hostile = await ctx.signRecord(attacker, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        supersedes: victim.id,
      });
      expectProblem(await ctx.post('/v1/records', hostile.jws), 'forbidden');
      await ctx.expectNotStored(`/v1/records/${hostile.id}`);
      await expectUntouched(ctx, victim.id, work, 'train.genai', 'deny');
    },
  },
  {
    id: 'core-record-supersede-unknown-or-done',
    requirements: ['REQ-API-033'],
    refuses: ['REQ-API-033'],
    level: 'MUST',
    profile: 'core',
    title:
      'superseding an unknown record is 404; superseding an already superseded or revoked record is 409 conflict',
    async run(ctx) {
      const p = await ctx.party();
      const unknown = await ctx.signRecord(p, { supersedes: 'cd'.repeat(32) });
      expectProblem(await ctx.post('/v1/records', unknown.jws), 'not-found');
      const a = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      await ctx.publishRecord(p, { supersedes: a.id, issued_at: ctx.time(-250) });
      const twice = await ctx.signRecord(p, { supersedes: a.id, issued_at: ctx.time(-200) });
      expectProblem(await ctx.post('/v1/records', twice.jws), 'conflict');
      const b = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      await ctx.revokeRecord(p, b.id);
      const afterRevoke = await ctx.signRecord(p, { supersedes: b.id, issued_at: ctx.time(-30) });
      expectProblem(await ctx.post('/v1/records', afterRevoke.jws), 'conflict');
    },
  },
  {
    id: 'core-record-expired',
    requirements: ['REQ-DECIDE-003', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record whose valid_until has passed is expired and does not count',
    async run(ctx) {
      const { work, record: r } = await publishAllowAll(ctx, await ctx.party(), {
        issued_at: ctx.time(-7200),
        valid_from: ctx.time(-7200),
        valid_until: ctx.time(-3600),
      });
      equal((await ctx.recordView(r.id)).status, 'expired', 'status');
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.reasons], ['deny', ['no-record']], 'decision');
    },
  },
  {
    id: 'core-record-valid-until-future',
    requirements: ['REQ-DECIDE-003'],
    level: 'MUST',
    profile: 'core',
    title: 'a record counts before its valid_until and not at or after it',
    async run(ctx) {
      const until = ctx.time(3600);
      const { work } = await publishAllowAll(ctx, await ctx.party(), { valid_until: until });
      equal(
        (await ctx.decision(work, 'search', ctx.time(1800))).decision,
        'allow',
        'decision before valid_until',
      );
      equal((await ctx.decision(work, 'search', until)).decision, 'deny', 'decision at valid_until');
    },
  },
  {
    id: 'core-record-pending',
    requirements: ['REQ-DECIDE-003', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record before its valid_from is pending and does not count; it counts from valid_from',
    async run(ctx) {
      const from = ctx.time(3600);
      const { work, record: r } = await publishAllowAll(ctx, await ctx.party(), { valid_from: from });
      equal((await ctx.recordView(r.id)).status, 'pending', 'status');
      equal((await ctx.decision(work, 'search')).decision, 'deny', 'decision now');
      equal((await ctx.decision(work, 'search', from)).decision, 'allow', 'decision at valid_from');
    },
  },
]);
