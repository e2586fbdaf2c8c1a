/** The `usage` profile's refusals of citations (spec/usage.md §4, REQ-USAGE-010 to REQ-USAGE-012). */
import { schemas, type UsageItem } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { declare, expectDeclarations, holderRecord } from './usage-fixtures.ts';

/** A citation the node must refuse, with the reason it must give. */
const REFUSED_CITATIONS: Array<{
  id: string;
  title: string;
  reason: string;
  item(ctx: Context): Promise<UsageItem>;
}> = [
  {
    id: 'usage-citation-denying',
    title: 'an item citing a record that denies the purpose is refused (422 invalid-citation, denying)',
    reason: 'denying',
    async item(ctx) {
      const { work, record } = await holderRecord(ctx, { all: 'deny' });
      return { ids: [work], purpose: 'train.genai', records: [record.id] };
    },
  },
  {
    id: 'usage-citation-revoked',
    title: 'an item citing a revoked record is refused (422 invalid-citation, revoked)',
    reason: 'revoked',
    async item(ctx) {
      const { holder, work, record } = await holderRecord(ctx, { all: 'allow' });
      await ctx.revokeRecord(holder, record.id, ctx.time(-30));
      return { ids: [work], purpose: 'train.genai', records: [record.id] };
    },
  },
  {
    id: 'usage-citation-unknown',
    title: 'an item citing a record the node does not hold is refused (422 invalid-citation, unknown)',
    reason: 'unknown',
    async item(ctx) {
      return { ids: [ctx.workId('usage')], purpose: 'train.genai', records: ['0'.repeat(64)] };
    },
  },
  {
    id: 'usage-citation-unrelated',
    title: 'an item citing a record of another work is refused (422 invalid-citation, unrelated)',
    reason: 'unrelated',
    async item(ctx) {
      const { record } = await holderRecord(ctx, { all: 'allow' });
      return { ids: [ctx.workId('usage')], purpose: 'train.genai', records: [record.id] };
    },
  },
];

export const usageCitationCases: Case[] = defineCases([
  ...REFUSED_CITATIONS.map(
    (c): Case => ({
      id: c.id,
      requirements: ['REQ-USAGE-010', 'REQ-USAGE-012'],
      refuses: ['REQ-USAGE-012'],
      level: 'MUST',
      profile: 'usage',
      title: c.title,
      async run(ctx) {
        const item = await c.item(ctx);
        const dev = await ctx.party('ai-developer');
        const res = await declare(ctx, dev, [item]);
        expectProblem(res, 'invalid-citation');
        const citations = (res.json as { citations?: Array<{ item?: unknown; reason?: unknown }> }).citations;
        check(Array.isArray(citations) && citations.length > 0, 'the problem lists the failed citations');
        equal(citations[0]!.item, 0, 'the failed item');
        equal(citations[0]!.reason, c.reason, 'the reason');
        await expectDeclarations(ctx, dev.kid, 0);
      },
    }),
  ),
  {
    id: 'usage-citation-uncited-decider',
    requirements: ['REQ-USAGE-010', 'REQ-USAGE-012'],
    refuses: ['REQ-USAGE-012'],
    level: 'MUST',
    profile: 'usage',
    title:
      'an item that leaves out a deciding record of another holder is refused (uncited); citing both is accepted',
    async run(ctx) {
      const a = await holderRecord(ctx, { all: 'allow' });
      const other = await ctx.party();
      const b = await ctx.publishRecord(other, {
        work: { type: 'work', ids: [a.work] },
        purposes: { all: 'allow' },
      });
      const dev = await ctx.party('ai-developer');
      const res = await declare(ctx, dev, [{ ids: [a.work], purpose: 'tdm', records: [a.record.id] }]);
      expectProblem(res, 'invalid-citation');
      await expectDeclarations(ctx, dev.kid, 0);
      const both = await declare(ctx, dev, [{ ids: [a.work], purpose: 'tdm', records: [a.record.id, b.id] }]);
      expectJson(both, 201, schemas.DeclarationView, 'citing every deciding record');
    },
  },
  {
    id: 'usage-citation-unknown-receipt',
    requirements: ['REQ-USAGE-011', 'REQ-USAGE-012'],
    refuses: ['REQ-USAGE-012'],
    level: 'MUST',
    profile: 'usage',
    title: 'an item citing a receipt the node does not hold is refused (422 invalid-citation)',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { all: 'allow' });
      const dev = await ctx.party('ai-developer');
      const res = await declare(ctx, dev, [
        { ids: [work], purpose: 'tdm', records: [record.id], receipts: ['f'.repeat(64)] },
      ]);
      expectProblem(res, 'invalid-citation');
      await expectDeclarations(ctx, dev.kid, 0);
    },
  },
]);
