/**
 * The federation profile: a peer whose log is not what it signed (spec/federation.md §5, §6.2). A
 * rewritten, shrunk or wrongly signed log makes the target stop following the peer, keeping both
 * checkpoints in the status member `evidence` (REQ-FED-043) and what it verified before; entries the
 * feed serves outside the signed log never count; a feed page with a gap backs off, never stops.
 */
import { randomBytes } from 'node:crypto';
import { type Case, defineCases } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal } from '../../expect.ts';
import type { SuitePeer } from '../../peer/peer.ts';
import {
  caughtUp,
  decide,
  decisionBecomes,
  eventually,
  follow,
  followedWithRecord,
  type PeerStatus,
  peerStatus,
  stopped,
  withPeer,
} from './support.ts';

/** The body of the checkpoint of `size` the peer signed (its note starts with it). */
const bodyOf = (peer: SuitePeer, size: number) => `${peer.origin}\n${size}\n${peer.signed.get(size)}\n`;

/**
 * The status keeps the evidence in `evidence` (REQ-FED-043): the reason code, the kept note (or null
 * when none was kept) and the offending note as served.
 */
export function checkEvidence(
  status: PeerStatus,
  peer: SuitePeer,
  want: { reason: string; kept: number | null; offending: number },
) {
  const e = status.evidence;
  check(
    e !== null && typeof e === 'object',
    `the status of a stopped peer has no "evidence" object (REQ-FED-043): ${JSON.stringify(e)}`,
  );
  equal(e.reason, want.reason, 'evidence.reason (REQ-FED-043, federation.md §6.2)');
  check(typeof e.detail === 'string', 'evidence.detail is not a string (REQ-FED-043)');
  check(typeof e.at === 'string' && e.at !== '', 'evidence.at is not a timestamp (REQ-FED-043)');
  if (want.kept === null) {
    equal(e.kept, null, 'evidence.kept of a peer stopped before any checkpoint was kept (REQ-FED-043)');
  } else {
    check(
      typeof e.kept === 'string' && e.kept.startsWith(bodyOf(peer, want.kept)),
      `evidence.kept is not the kept checkpoint of size ${want.kept} (REQ-FED-022, REQ-FED-043)`,
    );
  }
  check(
    typeof e.offending === 'string' && e.offending.startsWith(bodyOf(peer, want.offending)),
    `evidence.offending is not the offending checkpoint of size ${want.offending} (REQ-FED-022, REQ-FED-043)`,
  );
}

async function keptWhatWasVerified(ctx: Context, work: string, newWorks: string[]) {
  equal(
    (await decide(ctx, work)).decision,
    'allow',
    'decision for a record verified before the peer became inconsistent (REQ-FED-022: keep serving it)',
  );
  for (const w of newWorks) {
    equal((await decide(ctx, w)).decision, 'deny', `decision for ${w}, only in the inconsistent log`);
  }
}

export const federationInconsistentCases: Case[] = defineCases([
  {
    id: 'federation-inconsistent-rewritten-log',
    requirements: ['REQ-FED-022', 'REQ-FED-043', 'REQ-FED-010', 'REQ-FED-013'],
    refuses: ['REQ-FED-022', 'REQ-FED-010', 'REQ-FED-013'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a peer that rewrites an entry is stopped (stopped-inconsistent) with both checkpoints as evidence; what was verified stays',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work, record, status: before } = await followedWithRecord(ctx, peer);
        equal(before.evidence, null, 'evidence of a peer never stopped (REQ-FED-043)');
        const keptSize = peer.entries.length;
        const rewrittenWork = ctx.workId('rewritten');
        const laterWork = ctx.workId('later');
        const rewritten = await peer.signRecord(member, { ids: [rewrittenWork] });
        const later = await peer.signRecord(member, { ids: [laterWork] });
        // Rewrite and grow in one step, so the target never sees a re-signed size keptSize.
        peer.entries[record.index] = rewritten.jws;
        peer.append(later.jws);
        const status = await stopped(ctx, peer, 'a rewritten log');
        checkEvidence(status, peer, {
          reason: 'inconsistent-checkpoint',
          kept: keptSize,
          offending: peer.entries.length,
        });
        equal(status.cursor, keptSize - 1, 'cursor of the stopped peer');
        await keptWhatWasVerified(ctx, work, [rewrittenWork, laterWork]);
      }),
  },
  {
    id: 'federation-inconsistent-shrunk-checkpoint',
    requirements: ['REQ-FED-022', 'REQ-FED-043'],
    refuses: ['REQ-FED-022'],
    level: 'MUST',
    profile: 'federation',
    title: 'a peer that signs a checkpoint smaller than the kept one is stopped, keeping both notes',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work } = await followedWithRecord(ctx, peer);
        const keptSize = peer.entries.length;
        const laterWork = ctx.workId('later');
        const later = await peer.signRecord(member, { ids: [laterWork] });
        // Grow and shrink the signed size in one step, so the target never keeps a larger checkpoint.
        peer.append(later.jws);
        peer.checkpointSize = keptSize - 1;
        const status = await stopped(ctx, peer, 'a smaller checkpoint');
        checkEvidence(status, peer, {
          reason: 'smaller-checkpoint',
          kept: keptSize,
          offending: keptSize - 1,
        });
        await keptWhatWasVerified(ctx, work, [laterWork]);
      }),
  },
  {
    id: 'federation-inconsistent-bad-checkpoint-signature',
    requirements: ['REQ-FED-022', 'REQ-FED-043', 'REQ-FED-010'],
    refuses: ['REQ-FED-022', 'REQ-FED-010'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a checkpoint that does not verify under the pinned node key stops the follower; nothing it covers counts',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work } = await followedWithRecord(ctx, peer);
        const keptSize = peer.entries.length;
        const laterWork = ctx.workId('later');
        await peer.record(member, { ids: [laterWork] });
        peer.checkpointSeed = new Uint8Array(randomBytes(32));
        const status = await stopped(ctx, peer, 'a checkpoint signed by another key');
        checkEvidence(status, peer, {
          reason: 'invalid-checkpoint',
          kept: keptSize,
          offending: peer.entries.length,
        });
        await keptWhatWasVerified(ctx, work, [laterWork]);
      }),
  },
  {
    id: 'federation-feed-substituted-entry',
    requirements: ['REQ-FED-005', 'REQ-FED-010', 'REQ-FED-022', 'REQ-FED-043'],
    refuses: ['REQ-FED-005', 'REQ-FED-010', 'REQ-FED-022'],
    level: 'MUST',
    profile: 'federation',
    title:
      'an entry the feed serves in place of the logged one (validly signed, attested issuer) never counts; the peer is stopped',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const logged = await peer.record(member, { ids: [ctx.workId('logged')] });
        const servedWork = ctx.workId('served');
        peer.feedOverride.set(logged.index, (await peer.signRecord(member, { ids: [servedWork] })).jws);
        await follow(ctx, peer);
        const status = await stopped(ctx, peer, 'entries not covered by the signed checkpoint');
        checkEvidence(status, peer, {
          reason: 'entries-not-covered',
          kept: null,
          offending: peer.entries.length,
        });
        equal((await decide(ctx, servedWork)).decision, 'deny', 'decision for the substituted entry');
      }),
  },
  {
    id: 'federation-feed-beyond-checkpoint',
    requirements: ['REQ-FED-005', 'REQ-FED-010'],
    refuses: ['REQ-FED-005', 'REQ-FED-010'],
    level: 'MUST',
    profile: 'federation',
    title: 'an entry the feed serves beyond the signed checkpoint counts only once a checkpoint covers it',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const work = ctx.workId('uncovered');
        await peer.record(member, { ids: [work] });
        peer.checkpointSize = peer.entries.length - 1;
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        // Give the follower a moment more: nothing beyond the checkpoint may count.
        await new Promise((done) => setTimeout(done, 500));
        equal((await decide(ctx, work)).decision, 'deny', 'decision for an entry no checkpoint covers');
        peer.checkpointSize = undefined;
        await decisionBecomes(ctx, work, 'allow', 'the checkpoint now covers the entry');
      }),
  },
  {
    id: 'federation-feed-not-contiguous',
    requirements: ['REQ-FED-005', 'REQ-FED-023'],
    refuses: ['REQ-FED-005', 'REQ-FED-023'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a feed page with a gap is not taken and does not stop the peer: the target backs off, reads it again and goes on once the gap is gone',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const skipped = await peer.record(member, { ids: [ctx.workId('skipped')] });
        const work = ctx.workId('after-gap');
        await peer.record(member, { ids: [work] });
        peer.feedSkip.add(skipped.index);
        await follow(ctx, peer);
        const feedReads = () => peer.requests.filter((p) => p.startsWith('/v1/log/entries')).length;
        const gapped = await eventually(
          'the target to read the gapped feed twice and report it',
          async () => {
            const s = await peerStatus(ctx, peer.origin);
            check(
              s?.state !== 'stopped-inconsistent',
              `the target stopped following a peer whose feed has a gap (REQ-FED-023): ${JSON.stringify(s?.evidence)}`,
            );
            return feedReads() >= 2 && s?.state === 'backing-off' ? s : undefined;
          },
        );
        check(
          typeof gapped.last_error === 'string' && gapped.last_error !== '',
          'the status of a peer whose feed has a gap has no last_error (REQ-FED-023)',
        );
        check(
          typeof gapped.cursor === 'number' && gapped.cursor < skipped.index,
          `the cursor ${String(gapped.cursor)} moved past the gap at ${skipped.index} (REQ-FED-005, REQ-FED-023)`,
        );
        equal((await decide(ctx, work)).decision, 'deny', 'decision for an entry served after a gap');
        // The feed is whole again: the target reads the page again and goes on (REQ-FED-023).
        peer.feedSkip.clear();
        await decisionBecomes(ctx, work, 'allow', 'the feed no longer has a gap (REQ-FED-023)');
        const after = await caughtUp(ctx, peer);
        equal(after.evidence, null, 'evidence of a peer that was never stopped (REQ-FED-043)');
      }),
  },
]);
