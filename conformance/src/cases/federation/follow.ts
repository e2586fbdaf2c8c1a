/**
 * The federation profile: following a peer by administrative request (spec/federation.md §3, §7):
 * the request is verified like every admin request, the peer's metadata is checked against the
 * pinned key, and the followed peer is listed in the metadata and in GET /v1/peers.
 */
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectProblem } from '../../expect.ts';
import { newKeyPair } from '../../peer/peer.ts';
import { follow, followRequest, peerStatus, postFollow, withPeer, withPeers } from './support.ts';

export const federationFollowCases: Case[] = defineCases([
  {
    id: 'federation-follow-admin-request',
    requirements: ['REQ-FED-041', 'REQ-FED-042', 'REQ-FED-001', 'REQ-FED-002'],
    refuses: ['REQ-FED-002'],
    level: 'MUST',
    profile: 'federation',
    title:
      'follow is an admin request (401 other key or stale, 400 other action, 409 replay); 201 new peer, 200 again; listed in follows',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const stranger = await newKeyPair();
        const notAdmin = await followRequest(ctx, peer.url, peer.node.kid, { signer: stranger.signer });
        expectProblem(await postFollow(ctx, notAdmin), 'unauthorized');
        const stale = await followRequest(ctx, peer.url, peer.node.kid, { issuedAt: ctx.time(-3600) });
        expectProblem(await postFollow(ctx, stale), 'unauthorized');
        const party = await ctx.party('rights-holder', { attest: false });
        const otherAction = await followRequest(ctx, peer.url, party.kid, { action: 'attest' });
        expectProblem(await postFollow(ctx, otherAction), 'invalid-request');
        // Pinning a key that is not the peer's node key (REQ-FED-002).
        const wrongPin = await followRequest(ctx, peer.url, stranger.kid);
        expectProblem(await postFollow(ctx, wrongPin), 'invalid-request');
        check(
          (await peerStatus(ctx, peer.origin)) === undefined,
          'a refused follow request left the peer in GET /v1/peers (REQ-FED-041)',
        );

        const request = await followRequest(ctx, peer.url, peer.node.kid);
        const res = await postFollow(ctx, request);
        check(
          res.status === 201,
          `follow: expected 201, got ${res.status} ${res.text.slice(0, 200)} (REQ-FED-041)`,
        );
        const created = res.json as { origin?: unknown; node_key?: unknown; state?: unknown };
        equal(created.origin, peer.origin, 'origin of the new peer status');
        equal(created.node_key, peer.node.kid, 'node_key of the new peer status');
        check(typeof created.state === 'string', 'the new peer status has no state (REQ-FED-040)');
        expectProblem(await postFollow(ctx, request), 'duplicate-object');

        // Following the same URL with the same key again answers the existing status; the peer
        // stays followed (REQ-FED-042: following persists; restarts cannot be observed from here).
        const again = await postFollow(ctx, await followRequest(ctx, peer.url, peer.node.kid));
        check(again.status === 200, `following again: expected 200, got ${again.status} (REQ-FED-041)`);
        equal((again.json as { origin?: unknown }).origin, peer.origin, 'origin of the existing status');

        const wk = (await ctx.http.get('/.well-known/kyodaku')).json as {
          federation?: { follows?: Array<Record<string, unknown>> };
        };
        const listed = wk.federation?.follows?.find((f) => f.origin === peer.origin);
        check(listed !== undefined, `federation.follows does not list ${peer.origin} (REQ-FED-001)`);
        equal(listed.node_key, peer.node.kid, 'follows[].node_key');
        check(
          typeof listed.url === 'string' && typeof listed.state === 'string',
          'follows[] has no url or state',
        );
      }),
  },
  {
    id: 'federation-follow-refuses-bad-peer',
    requirements: ['REQ-FED-002', 'REQ-FED-041'],
    refuses: ['REQ-FED-002', 'REQ-FED-041'],
    level: 'MUST',
    profile: 'federation',
    title:
      "400 for a peer that cannot be reached, whose node.id is not its key's thumbprint, or whose origin is the target's or another peer's",
    run: (ctx) =>
      withPeers(ctx, 3, async (first, liar, twin) => {
        // Unreachable: a closed port.
        const closedUrl = liar.url.replace(/:\d+\//, ':9/');
        expectProblem(
          await postFollow(ctx, await followRequest(ctx, closedUrl, liar.node.kid)),
          'invalid-request',
        );
        // node.id that is not the thumbprint of node.key, pinned as claimed.
        const other = await newKeyPair();
        liar.lie = { nodeId: other.kid };
        expectProblem(
          await postFollow(ctx, await followRequest(ctx, liar.url, other.kid)),
          'invalid-request',
        );
        // The target's own origin.
        liar.lie = { origin: ctx.suite.wellKnown.node.origin };
        expectProblem(
          await postFollow(ctx, await followRequest(ctx, liar.url, liar.node.kid)),
          'invalid-request',
        );
        // The origin of a peer already followed.
        await follow(ctx, first);
        twin.lie = { origin: first.origin };
        expectProblem(
          await postFollow(ctx, await followRequest(ctx, twin.url, twin.node.kid)),
          'invalid-request',
        );
        for (const p of [liar, twin]) {
          const listed = ((await ctx.http.get('/v1/peers')).json as { peers?: Array<{ url?: unknown }> })
            .peers;
          check(
            !listed?.some((s) => s.url === p.url),
            `a refused peer ${p.url} is listed in GET /v1/peers (REQ-FED-041)`,
          );
        }
      }),
  },
]);
