/**
 * The federation profile: the parties a node follows are found like its own (spec/federation.md
 * REQ-FED-036, http-api.md REQ-API-102): by name, and by id, each view naming its origin.
 */
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectJson } from '../../expect.ts';
import { caughtUp, follow, withPeer } from './support.ts';

export const federationFollowedPartyCases: Case[] = defineCases([
  {
    id: 'federation-followed-party-search',
    requirements: ['REQ-FED-036', 'REQ-API-102'],
    level: 'MUST',
    profile: 'federation',
    title: "a followed party is found by name and served by id, with its registration's origin",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await peer.party('performer');
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const name = party.party.names.en!;
        const found = expectJson(
          await ctx.http.get(`/v1/parties?name=${encodeURIComponent(name)}&limit=100`),
          200,
          schemas.PartyList,
          'GET /v1/parties?name=',
        );
        const view = found.parties.find((p) => p.party_id === party.kid);
        check(view !== undefined, `the followed party ${party.kid} is not among the parties named "${name}"`);
        const origin = (view as { origin?: { origin?: string; node?: string } }).origin;
        equal([origin?.origin, origin?.node], [peer.origin, peer.node.kid], 'origin and node of the view');
        const byId = expectJson(
          await ctx.http.get(`/v1/parties/${party.kid}`),
          200,
          schemas.PartyView,
          'GET /v1/parties/{id} of a followed party',
        );
        equal([byId.party_id, byId.party.names], [party.kid, party.party.names], 'the followed registration');
      }),
  },
]);
