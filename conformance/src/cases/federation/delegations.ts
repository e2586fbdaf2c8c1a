/**
 * The federation profile: a follower decides with followed delegations (spec/federation.md
 * REQ-FED-024, kyodaku.md REQ-DECIDE-013): a performer's delegation to its agency, served by the
 * suite's peer, makes their records on one voice one party's will on the target too, and only the
 * performer's revocation ends it.
 */
import { createDelegation, createDelegationRevocation, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { equal } from '../../expect.ts';
import type { PeerParty, SuitePeer } from '../../peer/peer.ts';
import { caughtUp, decide, eventually, follow, withPeer } from './support.ts';

async function revocationBy(peer: SuitePeer, by: PeerParty, delegation: string) {
  const signed = await signObject(
    'delegation-revocation',
    createDelegationRevocation({ iss: by.kid, delegation, issued_at: peer.time(-1) }),
    by.signer,
  );
  return peer.append(signed.jws);
}

export const federationDelegationCases: Case[] = defineCases([
  {
    id: 'federation-delegation-followed',
    requirements: ['REQ-FED-024', 'REQ-DECIDE-013', 'REQ-DEL-002'],
    level: 'MUST',
    profile: 'federation',
    title:
      "a followed delegation makes a performer's and its agency's records on one voice one party's will; the agency's own revocation changes nothing, the performer's ends it",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const performer = await peer.party('performer');
        const agency = await peer.party('agency');
        const voice = ctx.workId('followed-voice');
        await peer.record(performer, {
          ids: [voice],
          purposes: { 'generate.voice': 'deny' },
          issued_at: peer.time(-200),
        });
        const byAgency = await peer.record(agency, {
          ids: [voice],
          purposes: { 'generate.voice': 'allow' },
          issued_at: peer.time(-100),
        });
        const delegation = await signObject(
          'delegation',
          createDelegation({ iss: performer.kid, agent: agency.kid, issued_at: peer.time(-50) }),
          performer.signer,
        );
        peer.append(delegation.jws);
        await revocationBy(peer, agency, delegation.id);
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const d = await decide(ctx, voice, 'generate.voice');
        equal(
          [d.decision, d.disputed, d.records],
          ['allow', false, [byAgency.id]],
          "decision while the followed delegation is in force (the agency's revocation of the performer's delegation does not count)",
        );
        await revocationBy(peer, performer, delegation.id);
        await eventually('the followed revocation of the delegation to count', async () => {
          const after = await decide(ctx, voice, 'generate.voice');
          return after.disputed ? after : undefined;
        });
      }),
  },
]);
