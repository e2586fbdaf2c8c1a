/**
 * Citations of followed records (spec/usage.md REQ-USAGE-025): a node that follows a peer accepts a
 * declaration citing the peer's record with its origin, names the origin in the label, refuses the
 * citation without it (`foreign`), and revokes the label when the peer revokes the record. Needs the
 * `federation` profile too: the suite serves the peer.
 */
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { eventually, followedWithRecord, withPeer } from './federation/support.ts';
import { declare, expectDeclarations } from './usage-fixtures.ts';

export const usageFollowedCases: Case[] = defineCases([
  {
    id: 'usage-citation-followed',
    requirements: ['REQ-USAGE-025', 'REQ-USAGE-010', 'REQ-USAGE-012', 'REQ-USAGE-022'],
    refuses: ['REQ-USAGE-012'],
    level: 'MUST',
    profile: 'usage',
    title:
      "a followed record is cited with its origin (the label names it), without it is 422 foreign, and the peer's revocation revokes the label",
    async run(ctx) {
      if (!ctx.suite.wellKnown.profiles.includes('federation'))
        ctx.skip('the node does not follow peers (no federation profile)');
      await withPeer(ctx, async (peer) => {
        const { member, work, record } = await followedWithRecord(ctx, peer);
        const dev = await ctx.party('ai-developer');
        const item = { ids: [work], purpose: 'train.genai', records: [record.id] };
        const refused = await declare(ctx, dev, [item]);
        expectProblem(refused, 'invalid-citation');
        equal(
          (refused.json as { citations?: unknown }).citations,
          [{ item: 0, record: record.id, reason: 'foreign' }],
          'the failed citation (REQ-USAGE-012)',
        );
        await expectDeclarations(ctx, dev.kid, 0);
        const declared = expectJson(
          await declare(ctx, dev, [{ ...item, origins: { [record.id]: peer.origin } }]),
          201,
          schemas.DeclarationView,
          'a declaration citing the followed record with its origin',
        );
        check(declared.label !== undefined, 'the declaration has a label');
        const label = async () =>
          expectJson(await ctx.http.get(`/v1/labels/${declared.label}`), 200, schemas.LabelView, 'the label');
        equal((await label()).label.scope.origins, [peer.origin], 'scope.origins of the label');
        await peer.revoke(member, record.id);
        await eventually("the label to be revoked after the peer's revocation", async () => {
          const view = await label();
          return view.status === 'revoked' ? view : undefined;
        });
      });
    },
  },
]);
