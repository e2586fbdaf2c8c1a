/**
 * The federation profile: a mirror answers over its own and followed records with each record's
 * origin (spec/federation.md §5, §6.3, §6.4). The suite's peer holds parties its node key attested
 * and their records; the target follows it and the cases check decisions, views and status. Their
 * receipts and leaf hashes are checked in mirror-proofs.ts.
 */
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import {
  caughtUp,
  checkKeptCheckpoint,
  decide,
  decisionBecomes,
  follow,
  withPeer,
  workRecords,
} from './support.ts';

/** The RecordView of a followed record names its origin, the peer's node key and the index. */
function checkOrigin(view: unknown, origin: string, node: string, index: number, where: string) {
  const o = (view as { origin?: unknown } | undefined)?.origin;
  check(o !== undefined, `${where}: the view of a followed record has no "origin" (REQ-FED-033)`);
  equal(o, { origin, node, index }, `${where}: origin`);
}

export const federationMirrorCases: Case[] = defineCases([
  {
    id: 'federation-mirror-backdated',
    requirements: ['REQ-FED-035', 'REQ-DECIDE-010', 'REQ-DECIDE-011', 'REQ-FED-030'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a followed record counts from when the mirror logged it; a backdated followed revocation does not change an answer for a time before that',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const work = ctx.workId('followed-backdated');
        // Issued two minutes ago; the mirror logs it only when it reads the peer's log.
        const record = await peer.record(member, { ids: [work] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const logged = (await ctx.recordView(record.id)).received_at;
        const before = ctx.time(-60);
        check(before < logged, `the mirror logged the followed record at ${logged}, not after ${before}`);
        const early = await ctx.decision(work, 'train.genai', before);
        equal(
          [early.decision, early.records],
          ['deny', []],
          'decision for a time before the mirror logged the followed record (issued, and attested, earlier)',
        );
        equal((await ctx.decision(work, 'train.genai', logged)).decision, 'allow', 'decision at T');
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await peer.revoke(member, record.id, peer.time(-110));
        await decisionBecomes(ctx, work, 'deny', 'the followed revocation');
        equal(
          (await ctx.decision(work, 'train.genai', logged)).decision,
          'allow',
          'decision at T after a followed revocation backdated before T',
        );
      }),
  },
  {
    id: 'federation-mirror-backdated-attestation-revocation',
    requirements: ['REQ-DECIDE-012', 'REQ-DECIDE-002', 'REQ-FED-035'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a followed attestation revocation backdated before a decided time does not change the answer for that time',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const work = ctx.workId('followed-attestation');
        const record = await peer.record(member, { ids: [work] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const logged = (await ctx.recordView(record.id)).received_at;
        equal((await ctx.decision(work, 'train.genai', logged)).decision, 'allow', 'decision at T');
        await new Promise((resolve) => setTimeout(resolve, 1100));
        // The peer's node revokes the attestation, dated before T: the mirror logs it after T.
        await peer.revokeAttestation(member.attestation.id, peer.time(-110));
        await decisionBecomes(ctx, work, 'deny', 'the followed attestation revocation');
        equal(
          (await ctx.decision(work, 'train.genai', logged)).decision,
          'allow',
          'decision at T after a followed attestation revocation backdated before T',
        );
      }),
  },
  {
    id: 'federation-mirror-answers-with-origin',
    requirements: [
      'REQ-FED-010',
      'REQ-FED-011',
      'REQ-FED-012',
      'REQ-FED-015',
      'REQ-FED-016',
      'REQ-FED-021',
      'REQ-FED-030',
      'REQ-FED-032',
      'REQ-FED-033',
      'REQ-FED-040',
    ],
    level: 'MUST',
    profile: 'federation',
    title:
      "the target answers for the peer's records with their origin (decisions, leaves, record and work views) and shows the peer's status",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        // Short pages: the follower must cope with pages smaller than it asked for.
        peer.feedPageMax = 2;
        const party = await peer.party();
        const work = ctx.workId('followed');
        const record = await peer.record(party, { ids: [work], purposes: { train: 'allow' } });
        const otherWork = ctx.workId('followed');
        const other = await peer.record(party, { ids: [otherWork], purposes: { all: 'deny' } });
        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);

        const d = await decide(ctx, work, 'train.genai');
        equal(d.decision, 'allow', `decision for the followed record's work (REQ-FED-030)`);
        equal(d.records, [record.id], 'records of the decision');
        equal(d.origins, { [record.id]: peer.origin }, 'origins of the decision (REQ-FED-032)');
        const group = await decide(ctx, work, 'train');
        const leaves = Object.values((group.leaves ?? {}) as Record<string, { records?: string[] }>);
        const named = new Set([...group.records, ...leaves.flatMap((l) => l.records ?? [])]);
        for (const id of named) {
          equal(group.origins?.[id], peer.origin, `origins[${id}] of a group decision (leaves, REQ-FED-032)`);
        }
        check(named.has(record.id), 'the group decision does not name the followed record');

        const viewRes = await ctx.http.get(`/v1/records/${record.id}`);
        check(
          viewRes.status === 200,
          `GET /v1/records/{id} of a followed record: expected 200, got ${viewRes.status} (REQ-FED-033)`,
        );
        checkOrigin(viewRes.json, peer.origin, peer.node.kid, record.index, 'GET /v1/records/{id}');
        equal((viewRes.json as { status?: unknown }).status, 'current', 'status of the followed record');
        const works = await workRecords(ctx, work);
        equal(works.length, 1, `records of GET /v1/works/${work} (REQ-FED-015: stored once)`);
        checkOrigin(works[0], peer.origin, peer.node.kid, record.index, 'GET /v1/works/{identifier}');
        const denied = await decide(ctx, otherWork, 'train.genai');
        equal([denied.decision, denied.records], ['deny', [other.id]], 'a followed deny record counts');

        // Status (REQ-FED-040): state, cursor, kept checkpoint, lag, last error, refusals.
        equal(status.state, 'following', 'state of a peer that was caught up with');
        equal(status.cursor, peer.entries.length - 1, 'cursor (the last index processed)');
        checkKeptCheckpoint(status, peer);
        equal(status.lag, 0, 'lag of a caught-up peer');
        check('last_error' in status, 'the peer status has no last_error (REQ-FED-040)');
        check(Array.isArray(status.refusals), 'the peer status has no refusals list (REQ-FED-040)');
        equal(status.refusals.length, 0, 'refusals of a peer that served only valid objects');

        // Bounded pages: every feed request asks for at most 1,000 entries (REQ-FED-021) and starts
        // where the verified prefix ends (REQ-FED-005).
        for (const path of peer.requests.filter((p) => p.startsWith('/v1/log/entries'))) {
          const limit = Number(new URL(`http://x${path}`).searchParams.get('limit') ?? '100');
          check(limit >= 1 && limit <= 1000, `the target asked the feed for limit=${limit} (REQ-FED-021)`);
        }
      }),
  },
  {
    id: 'federation-mirror-follows-revocation',
    requirements: ['REQ-FED-030', 'REQ-FED-033'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a revocation and a superseding record published on the peer after the target caught up take effect on the target',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await peer.party();
        const revoked = ctx.workId('revoked');
        const superseded = ctx.workId('superseded');
        const r = await peer.record(party, { ids: [revoked], purposes: { train: 'allow' } });
        const s = await peer.record(party, { ids: [superseded], purposes: { train: 'allow' } });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        equal((await decide(ctx, revoked)).decision, 'allow', 'decision before the revocation');
        await peer.revoke(party, r.id);
        const s2 = await peer.record(party, {
          ids: [superseded],
          purposes: { train: 'deny' },
          supersedes: s.id,
          issued_at: peer.time(-30),
        });
        const after = await decisionBecomes(ctx, revoked, 'deny', 'a revocation on the peer');
        equal(after.reasons, ['no-record'], 'reasons once the only record is revoked');
        const sup = await decisionBecomes(ctx, superseded, 'deny', 'a superseding record on the peer');
        equal(sup.records, [s2.id], 'the superseding record replaces the superseded one');
        const view = await ctx.recordView(r.id);
        equal(view.status, 'revoked', 'status of a followed record revoked on its origin');
        equal((await ctx.recordView(s.id)).status, 'superseded', 'status of a followed superseded record');
      }),
  },
  {
    id: 'federation-mirror-local-record-revoked-by-peer',
    requirements: ['REQ-FED-030'],
    level: 'MUST',
    profile: 'federation',
    title:
      "a revocation of the target's own record, signed by its issuer and followed from a peer, takes effect in decisions and views",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await ctx.party();
        const work = ctx.workId('local');
        const local = await ctx.publishRecord(party, { work: { type: 'work', ids: [work] } });
        equal((await decide(ctx, work)).decision, 'allow', 'decision before the followed revocation');
        await peer.revoke(party, local.id);
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const d = await decisionBecomes(ctx, work, 'deny', "the issuer's revocation followed from a peer");
        equal(d.reasons, ['no-record'], 'reasons');
        const view = await ctx.recordView(local.id);
        equal(view.status, 'revoked', "status of the target's own record revoked by a followed revocation");
      }),
  },
  {
    id: 'federation-mirror-dispute-across-origins',
    requirements: ['REQ-FED-030', 'REQ-FED-032'],
    level: 'MUST',
    profile: 'federation',
    title:
      'records of different issuers from the peer and the target are a dispute; the most restrictive wins',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const work = ctx.workId('disputed');
        const mine = await ctx.publishRecord(await ctx.party(), {
          work: { type: 'work', ids: [work] },
          purposes: { train: 'deny' },
        });
        const theirs = await peer.record(await peer.party(), { ids: [work], purposes: { train: 'allow' } });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const d = await decide(ctx, work);
        equal(d.decision, 'deny', 'the most restrictive answer of a cross-origin dispute');
        equal(d.disputed, true, 'disputed');
        equal(
          d.origins,
          { [mine.id]: ctx.suite.wellKnown.node.origin, [theirs.id]: peer.origin },
          'origins: the own record with the own origin, the followed one with the peer origin (REQ-FED-032)',
        );
      }),
  },
  {
    id: 'federation-mirror-same-object-once',
    requirements: ['REQ-FED-031', 'REQ-FED-015'],
    level: 'MUST',
    profile: 'federation',
    title: 'a record held from two origins, or logged twice by a peer, counts once',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await ctx.party();
        const both = ctx.workId('both');
        const local = await ctx.publishRecord(party, { work: { type: 'work', ids: [both] } });
        // The peer holds the same party, attests it with its own node key and logs the same record.
        peer.append(party.partyJws);
        await peer.attest(party);
        peer.append(local.jws);
        const twice = ctx.workId('twice');
        const p = await peer.party();
        const r = await peer.record(p, { ids: [twice] });
        peer.append(r.jws);
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        for (const [work, id] of [
          [both, local.id],
          [twice, r.id],
        ] as const) {
          const d = await decide(ctx, work);
          equal(d.records, [id], `records of the decision for ${work} (the object counts once)`);
          equal(d.disputed, false, 'disputed');
          equal(
            (await workRecords(ctx, work)).map((x) => x.id),
            [id],
            `records of GET /v1/works/${work}`,
          );
        }
      }),
  },
]);
