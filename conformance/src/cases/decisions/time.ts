/**
 * Decisions at a time (`at`, http-api.md §5.1): what was in force then, and records backdated
 * before the node logged them.
 */
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import { expectMembers, publishForNewWork } from './support.ts';

export const timeDecisionCases: Case[] = defineCases([
  {
    id: 'core-decide-at',
    requirements: ['REQ-QUERY-003', 'REQ-DECIDE-003'],
    level: 'MUST',
    profile: 'core',
    title: '`at` given is answered as given; a record issued later than `at` does not count',
    async run(ctx) {
      const { work } = await publishForNewWork(ctx, {
        purposes: { train: 'allow' },
        issued_at: ctx.time(-30),
        valid_from: ctx.time(-30),
      });
      const at = ctx.time(600);
      const d = await ctx.decision(work, 'train.genai', at);
      equal([d.at, d.decision], [at, 'allow'], 'decision at a later time');
    },
  },
  {
    id: 'core-decide-backdated',
    requirements: ['REQ-DECIDE-010', 'REQ-DECIDE-011', 'REQ-DECIDE-003', 'REQ-QUERY-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'a backdated revocation, superseding record or record does not change the answer for a time before the node logged it',
    async run(ctx) {
      const p = await ctx.party();
      const revoked = ctx.workId();
      const superseded = ctx.workId();
      const late = ctx.workId();
      const r = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [revoked] },
        purposes: { train: 'allow' },
      });
      const s = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [superseded] },
        purposes: { train: 'allow' },
      });
      // Both counted from when the node logged them; at that time the issuer was attested.
      const at = s.view.received_at > r.view.received_at ? s.view.received_at : r.view.received_at;
      equal((await ctx.decision(revoked, 'train.genai', at)).decision, 'allow', 'decision at T');
      equal((await ctx.decision(superseded, 'train.genai', at)).decision, 'allow', 'decision at T');
      equal((await ctx.decision(late, 'train.genai', at)).decision, 'deny', 'decision at T, no record');
      // The node's clock has reached T; a second later, whatever it logs is logged after T.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // Issued (so they say) two minutes before T: before the record they revoke or supersede was logged.
      await ctx.revokeRecord(p, r.id, ctx.time(-110));
      const successor = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [superseded] },
        purposes: { train: 'deny' },
        supersedes: s.id,
        issued_at: ctx.time(-110),
      });
      const backdated = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [late] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-110),
      });
      check(
        backdated.view.received_at > at && successor.view.received_at > at,
        `objects published after T were logged at ${backdated.view.received_at}, not after T = ${at}`,
      );
      const again = await ctx.decision(revoked, 'train.genai', at);
      equal([again.decision, again.records], ['allow', [r.id]], 'decision at T after a backdated revocation');
      const kept = await ctx.decision(superseded, 'train.genai', at);
      equal([kept.decision, kept.records], ['allow', [s.id]], 'decision at T after a backdated successor');
      expectMembers(
        await ctx.decision(late, 'train.genai', at),
        { decision: 'deny', reasons: ['no-record'], records: [] },
        'decision at T after a backdated record was logged',
      );
      equal((await ctx.decision(revoked, 'train.genai')).decision, 'deny', 'decision now, revoked');
      equal((await ctx.decision(superseded, 'train.genai')).decision, 'deny', 'decision now, superseded');
      equal((await ctx.decision(late, 'train.genai')).decision, 'allow', 'decision now, backdated record');
    },
  },
]);
