/**
 * The federation profile: polling and back-off (spec/federation.md §6.1, REQ-FED-020, a SHOULD: a
 * failure is a WARNING unless --strict). The suite's peer answers some requests with 503; the case
 * reads the times at which the target asked again.
 */
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import { CaseFailure } from '../../outcome.ts';
import type { SuitePeer } from '../../peer/peer.ts';
import {
  caughtUp,
  decide,
  decisionBecomes,
  eventually,
  follow,
  unfollow,
  waitBudgetMs,
  withPeer,
} from './support.ts';

/** Fails the next `n` requests and returns the times of those and of the first request after them. */
async function failBurst(peer: SuitePeer, n: number, what: string): Promise<number[]> {
  const mark = peer.log.length;
  peer.failNext = n;
  const burst = await eventually(
    `the target to ask the peer ${n + 1} times (${n} answered 503; ${what})`,
    async () => {
      const r = peer.logSince(mark);
      return r.length >= n + 1 ? r.slice(0, n + 1) : undefined;
    },
  );
  for (const [i, r] of burst.entries()) {
    const failed = i < n;
    check(failed === (r.status === 503), `request ${i + 1} of the burst: ${r.path} answered ${r.status}`);
  }
  return burst.map((r) => r.at);
}

const gapsOf = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

export const federationPollingCases: Case[] = defineCases([
  {
    id: 'federation-follow-backoff',
    requirements: ['REQ-FED-020'],
    level: 'SHOULD',
    profile: 'federation',
    title:
      'the target asks a failing peer again at growing intervals, goes on once it answers, and backs off afresh after a success',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        await peer.record(member, { ids: [ctx.workId('before')] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);

        // Three failed answers, with a new record logged meanwhile. (How often a caught-up peer is
        // polled is federation-poll-interval's.)
        const laterWork = ctx.workId('later');
        const later = await peer.signRecord(member, { ids: [laterWork] });
        peer.append(later.jws);
        const times = await failBurst(peer, 3, 'REQ-FED-020');
        const gaps = gapsOf(times);
        for (let i = 1; i < gaps.length; i++) {
          check(
            gaps[i]! >= 0.9 * gaps[i - 1]!,
            `the target asked a failing peer again sooner than before: waits of ${gaps.join(', ')} ms (REQ-FED-020: back off exponentially)`,
          );
        }
        check(
          gaps.at(-1)! >= 2 * gaps[0]!,
          `the waits between the target's requests to a failing peer did not grow: ${gaps.join(', ')} ms (REQ-FED-020: back off exponentially)`,
        );

        // It goes on once the peer answers again.
        await decisionBecomes(ctx, laterWork, 'allow', 'the peer answers again (REQ-FED-020)');
        const status = await caughtUp(ctx, peer);
        equal(status.state, 'following', 'state once the peer answers again');

        // After a success the back-off starts afresh: the first wait of a new burst is short again.
        const again = gapsOf(await failBurst(peer, 2, 'REQ-FED-020: resetting on success'));
        if (!(again[0]! < 0.75 * gaps.at(-1)!)) {
          throw new CaseFailure(
            `after a success the target waited ${again[0]} ms before asking a failing peer again, as long as the last back-off (${gaps.at(-1)} ms): the back-off was not reset (REQ-FED-020)`,
          );
        }
        await caughtUp(ctx, peer);
        await unfollow(ctx, peer);
      }),
  },
]);

/** How soon a record published on a followed peer counts on the target (REQ-FED-020). */
export const federationPollIntervalCases: Case[] = defineCases([
  {
    id: 'federation-poll-interval',
    requirements: ['REQ-FED-020'],
    level: 'SHOULD',
    profile: 'federation',
    title: 'a record published on a followed peer counts on the target within about 60 seconds',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await peer.party();
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const work = ctx.workId('polled');
        await peer.record(party, { ids: [work] });
        await eventually(
          'a new record on the peer to count (polling at most every 60 s)',
          async () => ((await decide(ctx, work)).decision === 'allow' ? true : undefined),
          Math.min(waitBudgetMs(), 65_000),
        );
      }),
  },
]);
