/**
 * The federation profile: the administrative requests `unfollow` and `resume` on peers
 * (spec/federation.md §7.2, §7.3). An unfollowed peer is not polled any more, its objects keep
 * counting and a later `follow` goes on from the cursor; a stopped peer is followed again only by a
 * `resume` that re-pins its key and only when the peer proves that its log extends the kept
 * checkpoint.
 */
import { type Case, defineCases } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal, expectProblem } from '../../expect.ts';
import { newKeyPair, type SuitePeer } from '../../peer/peer.ts';
import { checkEvidence } from './inconsistent.ts';
import {
  caughtUp,
  decide,
  decisionBecomes,
  eventually,
  followedWithRecord,
  followRequest,
  type PeerStatus,
  peerRequest,
  peerStatus,
  postFollow,
  postResume,
  stopped,
  unfollow,
  withPeer,
} from './support.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** The `after` of a feed request path (-1 without it). */
const afterOf = (path: string) => Number(new URL(path, 'http://x').searchParams.get('after') ?? '-1');

/**
 * Waits for two more checkpoint reads of a caught-up peer and returns the time between them: how
 * often the target polls it (bounded by the wait budget; REQ-FED-020 asks for at most 60 s).
 */
async function pollInterval(ctx: Context, peer: SuitePeer): Promise<number> {
  const from = peer.log.length;
  const reads = await eventually(`the target to poll ${peer.origin} twice`, async () => {
    await peerStatus(ctx, peer.origin);
    const r = peer.logSince(from, '/v1/log/checkpoint');
    return r.length >= 2 ? r : undefined;
  });
  return reads[1]!.at - reads[0]!.at;
}

/** No request reached the peer since `mark` of its log (REQ-FED-051). */
function checkSilent(peer: SuitePeer, mark: number, when: string) {
  const sent = peer.logSince(mark).map((r) => r.path);
  check(
    sent.length === 0,
    `the target sent ${sent.length} requests to the peer after unfollowing it, ${when} (REQ-FED-051): ${sent.slice(0, 3).join(', ')}`,
  );
}

/** Every feed read since `from` starts after `cursor`: following went on from the cursor. */
function checkReadsFrom(peer: SuitePeer, from: number, cursor: number, req: string) {
  for (const r of peer.logSince(from, '/v1/log/entries')) {
    check(
      afterOf(r.path) >= cursor,
      `the target read ${r.path} after following again, not from its cursor ${cursor} (${req})`,
    );
  }
}

async function stateIs(ctx: Context, peer: SuitePeer, state: string, req: string): Promise<PeerStatus> {
  const s = await peerStatus(ctx, peer.origin);
  check(s !== undefined, `GET /v1/peers does not list ${peer.origin} (${req})`);
  equal(s.state, state, `state of ${peer.origin} (${req})`);
  return s;
}

export const federationPeerAdminCases: Case[] = defineCases([
  {
    id: 'federation-unfollow',
    requirements: ['REQ-FED-050', 'REQ-FED-051', 'REQ-FED-052', 'REQ-FED-053', 'REQ-FED-015'],
    refuses: ['REQ-FED-050', 'REQ-FED-051', 'REQ-FED-053'],
    level: 'MUST',
    profile: 'federation',
    title:
      'unfollow: 200 state unfollowed, no request to the peer afterwards, its objects keep counting and it stays listed; 404 unknown, 409 again; follow again goes on from the cursor',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work, record, status: before } = await followedWithRecord(ctx, peer);
        const interval = await pollInterval(ctx, peer);

        const stranger = await newKeyPair();
        expectProblem(
          await postFollow(
            ctx,
            await peerRequest(ctx, { action: 'unfollow', url: peer.url }, { signer: stranger.signer }),
          ),
          'unauthorized',
        );
        expectProblem(
          await postFollow(
            ctx,
            await peerRequest(ctx, { action: 'unfollow', url: `${peer.url}-not-followed` }),
          ),
          'not-found',
        );
        await stateIs(ctx, peer, 'following', 'REQ-FED-050: a refused request changes nothing');

        const answer = await unfollow(ctx, peer);
        equal(answer.cursor, before.cursor, 'cursor in the answer to unfollow (REQ-FED-051: keep it)');
        const mark = peer.log.length;
        const laterWork = ctx.workId('later');
        await peer.record(member, { ids: [laterWork] });
        // At least three polling intervals, at least 1 s, at most 5 s.
        await sleep(Math.min(Math.max(3 * interval, 1000), 5000));
        checkSilent(peer, mark, 'while it was left alone');

        const d = await decide(ctx, work);
        equal(
          [d.decision, d.records],
          ['allow', [record.id]],
          'decision for a record of the unfollowed peer (REQ-FED-052)',
        );
        equal(
          d.origins?.[record.id],
          peer.origin,
          'origin of the record of the unfollowed peer (REQ-FED-052)',
        );
        equal(
          (await decide(ctx, laterWork)).decision,
          'deny',
          'decision for a record logged after unfollowing',
        );
        const status = await stateIs(ctx, peer, 'unfollowed', 'REQ-FED-052');
        checkSilent(peer, mark, 'while its status was read');
        equal(status.cursor, before.cursor, 'cursor of the unfollowed peer (REQ-FED-051, REQ-FED-052)');
        check(
          status.checkpoint !== null,
          'the unfollowed peer has no kept checkpoint in its status (REQ-FED-052)',
        );
        const wk = (await ctx.http.get('/.well-known/kyodaku')).json as {
          federation?: { follows?: Array<{ origin?: unknown; state?: unknown }> };
        };
        equal(
          wk.federation?.follows?.find((f) => f.origin === peer.origin)?.state,
          'unfollowed',
          'federation.follows[].state of the unfollowed peer (REQ-FED-052)',
        );
        expectProblem(
          await postFollow(ctx, await peerRequest(ctx, { action: 'unfollow', url: peer.url })),
          'conflict',
        );
        // Following again pinning another key: refused (REQ-FED-053).
        expectProblem(
          await postFollow(ctx, await followRequest(ctx, peer.url, stranger.kid)),
          'invalid-request',
        );
        await stateIs(ctx, peer, 'unfollowed', 'REQ-FED-050: a refused request changes nothing');
        checkSilent(peer, mark, 'until it was followed again');

        const again = await postFollow(ctx, await followRequest(ctx, peer.url, peer.node.kid));
        check(
          again.status === 200,
          `follow of an unfollowed peer: expected 200, got ${again.status} ${again.text.slice(0, 200)} (REQ-FED-053)`,
        );
        check(
          (again.json as PeerStatus)?.state !== 'unfollowed',
          'the answer to follow names the peer still unfollowed (REQ-FED-053)',
        );
        await decisionBecomes(ctx, laterWork, 'allow', 'the peer is followed again (REQ-FED-053)');
        await caughtUp(ctx, peer);
        checkReadsFrom(peer, mark, before.cursor as number, 'REQ-FED-053');
        const works = (await ctx.http.get(`/v1/works/${encodeURIComponent(work)}`)).json as {
          records?: Array<{ id?: unknown }>;
        };
        equal(
          (works.records ?? []).map((r) => r.id),
          [record.id],
          'records of the work after following again (REQ-FED-015, REQ-FED-053: no second copy)',
        );
        await unfollow(ctx, peer);
      }),
  },
  {
    id: 'federation-resume-consistent',
    requirements: ['REQ-FED-054', 'REQ-FED-055', 'REQ-FED-051', 'REQ-FED-050', 'REQ-FED-043'],
    refuses: ['REQ-FED-055', 'REQ-FED-050', 'REQ-FED-051'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a stopped peer is not restarted by follow (409) nor unfollowed (409); resume pinning another key is 400, while the peer is still inconsistent 409, once it extends the kept checkpoint 200 from the cursor',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, status: before } = await followedWithRecord(ctx, peer);
        const keptSize = peer.entries.length;
        // A replica that serves an old checkpoint: smaller than the one the target kept.
        const laterWork = ctx.workId('later');
        const later = await peer.signRecord(member, { ids: [laterWork] });
        // Grow and shrink the signed size in one step, so the target never keeps a larger checkpoint.
        peer.append(later.jws);
        peer.checkpointSize = keptSize - 1;
        const stop = await stopped(ctx, peer, 'a smaller checkpoint');
        checkEvidence(stop, peer, { reason: 'smaller-checkpoint', kept: keptSize, offending: keptSize - 1 });

        expectProblem(await postFollow(ctx, await followRequest(ctx, peer.url, peer.node.kid)), 'conflict');
        expectProblem(
          await postFollow(ctx, await peerRequest(ctx, { action: 'unfollow', url: peer.url })),
          'conflict',
        );
        expectProblem(
          await postFollow(
            ctx,
            await peerRequest(ctx, {
              action: 'resume',
              url: `${peer.url}-not-followed`,
              node_key: peer.node.kid,
            }),
          ),
          'not-found',
        );
        const stranger = await newKeyPair();
        expectProblem(await postResume(ctx, peer, stranger.kid), 'invalid-request');
        // The peer still serves the smaller checkpoint: it proves nothing.
        expectProblem(await postResume(ctx, peer), 'conflict');
        const still = await stateIs(ctx, peer, 'stopped-inconsistent', 'REQ-FED-054, REQ-FED-055');
        equal(still.evidence, stop.evidence, 'evidence after a refused resume (REQ-FED-054: unchanged)');
        equal((await decide(ctx, laterWork)).decision, 'deny', 'decision for a record of a stopped peer');

        // The replica is fixed: the peer's checkpoint extends the kept one again.
        peer.checkpointSize = undefined;
        const mark = peer.log.length;
        const res = await postResume(ctx, peer);
        check(
          res.status === 200,
          `resume of a peer whose log extends the kept checkpoint: expected 200, got ${res.status} ${res.text.slice(0, 200)} (REQ-FED-054)`,
        );
        const resumed = res.json as PeerStatus;
        check(
          resumed?.state !== 'stopped-inconsistent',
          'the answer to resume names the peer still stopped (REQ-FED-054)',
        );
        equal(
          resumed.cursor,
          before.cursor,
          'cursor in the answer to resume (REQ-FED-054: from the kept cursor)',
        );
        equal(resumed.evidence, stop.evidence, 'evidence after resume (REQ-FED-043: it stays)');
        await decisionBecomes(ctx, laterWork, 'allow', 'the peer was resumed (REQ-FED-054)');
        await caughtUp(ctx, peer);
        checkReadsFrom(peer, mark, before.cursor as number, 'REQ-FED-054');
        expectProblem(await postResume(ctx, peer), 'conflict');
        await unfollow(ctx, peer);
      }),
  },
  {
    id: 'federation-resume-rewritten-refused',
    requirements: ['REQ-FED-054', 'REQ-FED-055', 'REQ-FED-022'],
    refuses: ['REQ-FED-054', 'REQ-FED-055', 'REQ-FED-022'],
    level: 'MUST',
    profile: 'federation',
    title:
      'resume of a peer whose log is still rewritten is refused with 409: it stays stopped, with what it verified before and nothing of the rewritten history',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work, record } = await followedWithRecord(ctx, peer);
        const rewrittenWork = ctx.workId('rewritten');
        const laterWork = ctx.workId('later');
        const rewritten = await peer.signRecord(member, { ids: [rewrittenWork] });
        const later = await peer.signRecord(member, { ids: [laterWork] });
        peer.entries[record.index] = rewritten.jws;
        peer.append(later.jws);
        const stop = await stopped(ctx, peer, 'a rewritten log');
        expectProblem(await postResume(ctx, peer), 'conflict');
        // Given time, a resumed follower would take the rewritten history; a refused one does not.
        await sleep(1000);
        const status = await stateIs(ctx, peer, 'stopped-inconsistent', 'REQ-FED-054');
        equal(status.evidence, stop.evidence, 'evidence after a refused resume (REQ-FED-054)');
        equal(status.cursor, stop.cursor, 'cursor after a refused resume (REQ-FED-055)');
        equal(
          (await decide(ctx, work)).decision,
          'allow',
          'decision for a record verified before (REQ-FED-022)',
        );
        for (const w of [rewrittenWork, laterWork]) {
          equal(
            (await decide(ctx, w)).decision,
            'deny',
            `decision for ${w}, only in the rewritten log (REQ-FED-055)`,
          );
        }
      }),
  },
  {
    id: 'federation-resume-repin',
    requirements: ['REQ-FED-054', 'REQ-FED-011', 'REQ-FED-043'],
    level: 'MUST',
    profile: 'federation',
    title:
      "a peer that rotated its node key is stopped (invalid-checkpoint); resume pinning the old key is 400, the new key 200; from then on only the new key's attestations count",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const { member, work, status: before } = await followedWithRecord(ctx, peer);
        const keptSize = peer.entries.length;
        const oldNode = peer.node;
        // While the log is written, checkpoints stay as the target kept them (old key, kept size);
        // then the rotated ones appear in one step.
        peer.checkpointSize = keptSize;
        peer.checkpointSeed = new Uint8Array(Buffer.from(oldNode.privateJwk.d, 'base64url'));
        await peer.rotateNodeKey();
        // After the rotation: a record of the member attested under the old key, a member attested by
        // the new key, and one attested by the old key (after the cursor: not under the new pin).
        const sameWork = ctx.workId('same-member');
        await peer.record(member, { ids: [sameWork] });
        const fresh = await peer.party();
        const freshWork = ctx.workId('new-key');
        await peer.record(fresh, { ids: [freshWork] });
        const stale = await peer.newParty();
        peer.append(stale.partyJws);
        const staleAttestation = await peer.attest(stale, { signer: oldNode });
        const staleWork = ctx.workId('old-key');
        await peer.record(stale, { ids: [staleWork] });
        peer.checkpointSize = undefined;
        peer.checkpointSeed = undefined;

        const stop = await stopped(ctx, peer, 'checkpoints signed by a key that is not the pinned one');
        checkEvidence(stop, peer, {
          reason: 'invalid-checkpoint',
          kept: keptSize,
          offending: peer.entries.length,
        });
        expectProblem(await postResume(ctx, peer, oldNode.kid), 'invalid-request');
        await stateIs(ctx, peer, 'stopped-inconsistent', 'REQ-FED-054');

        const res = await postResume(ctx, peer, peer.node.kid);
        check(
          res.status === 200,
          `resume pinning the peer's new node key: expected 200, got ${res.status} ${res.text.slice(0, 200)} (REQ-FED-054)`,
        );
        equal(
          (res.json as PeerStatus)?.node_key,
          peer.node.kid,
          'node_key in the answer to resume (REQ-FED-054)',
        );
        equal(
          (res.json as PeerStatus)?.cursor,
          before.cursor,
          'cursor in the answer to resume (REQ-FED-054)',
        );
        await decisionBecomes(ctx, freshWork, 'allow', "a member attested by the peer's new node key");
        const status = await caughtUp(ctx, peer);
        equal(
          (await decide(ctx, work)).decision,
          'allow',
          'decision for a record verified under the earlier pin',
        );
        equal(
          (await decide(ctx, sameWork)).decision,
          'allow',
          'decision for a new record of a member attested under the earlier pin (REQ-FED-054: it stays)',
        );
        equal(
          (await decide(ctx, staleWork)).decision,
          'deny',
          'decision for a record whose issuer was attested by the old key after the re-pin (REQ-FED-011)',
        );
        check(
          (status.refusals ?? []).some((r) => r.index === staleAttestation.index),
          `the attestation by the old key after the re-pin (entry ${staleAttestation.index}) is not reported as refused (REQ-FED-011, REQ-FED-013)`,
        );
        const wk = (await ctx.http.get('/.well-known/kyodaku')).json as {
          federation?: { follows?: Array<{ origin?: unknown; node_key?: unknown }> };
        };
        equal(
          wk.federation?.follows?.find((f) => f.origin === peer.origin)?.node_key,
          peer.node.kid,
          'federation.follows[].node_key after the re-pin (REQ-FED-001, REQ-FED-054)',
        );
        await unfollow(ctx, peer);
      }),
  },
]);
