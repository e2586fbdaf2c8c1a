/**
 * The federation profile: a follower applies followed key changes and key compromises
 * (spec/federation.md §5, REQ-FED-018, REQ-FED-019): after a party's key change its records verify
 * with the new key and no longer with the old one, and a compromise disqualifies the records signed
 * with the compromised key that the follower logged at or after `compromised_at`.
 */
import { createKeyCompromise, signKeyChange, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import { craftJws } from '../../jws-craft.ts';
import { newKeyPair, type PeerParty, type SuitePeer } from '../../peer/peer.ts';
import { caughtUp, decide, follow, withPeer } from './support.ts';

/** Appends a key change of `party` to a new key and returns `party` as its new key signs for it. */
async function changeKey(peer: SuitePeer, party: PeerParty, issuedAt: string) {
  const next = await newKeyPair();
  const change = await signKeyChange({
    iss: party.kid,
    oldSigner: party.signer,
    newSigner: next.signer,
    newKey: next.publicJwk,
    issued_at: issuedAt,
  });
  // Records name the party id in `iss` and are signed by the new key.
  const signer = { ...party, signer: next.signer };
  return { index: peer.append(change.jws), next, signer };
}

function refusalsOf(status: { refusals?: unknown }): Map<unknown, unknown> {
  const list = Array.isArray(status.refusals)
    ? (status.refusals as Array<{ index?: unknown; reason?: unknown }>)
    : [];
  return new Map(list.map((r) => [r?.index, r?.reason]));
}

export const federationKeyCases: Case[] = defineCases([
  {
    id: 'federation-key-change-followed',
    requirements: ['REQ-FED-018', 'REQ-FED-011', 'REQ-FED-013'],
    refuses: ['REQ-FED-018'],
    level: 'MUST',
    profile: 'federation',
    title:
      "after a followed key change the party's records verify with the new key; a record signed with the old key is refused as unknown-key",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const beforeWork = ctx.workId('before-change');
        const before = await peer.record(member, { ids: [beforeWork] });
        const { signer } = await changeKey(peer, member, peer.time(-60));
        const newWork = ctx.workId('new-key');
        const signedNew = await peer.record(signer, { ids: [newWork] });
        const oldWork = ctx.workId('old-key');
        const signedOld = await peer.record(member, { ids: [oldWork] });
        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);
        equal(status.state, 'following', 'state after the key change');
        const refused = refusalsOf(status);
        check(
          !refused.has(signedNew.index),
          `the record signed with the new key (entry ${signedNew.index}) was refused: ${JSON.stringify(status.refusals)} (REQ-FED-018)`,
        );
        equal(
          refused.get(signedOld.index),
          'unknown-key',
          `the refusal of the record signed with the old key after the change (entry ${signedOld.index}) (REQ-FED-018, REQ-FED-013)`,
        );
        const d = await decide(ctx, newWork);
        equal(
          [d.decision, d.records],
          ['allow', [signedNew.id]],
          'decision for the record signed with the new key',
        );
        equal(
          [(await decide(ctx, beforeWork)).decision],
          ['allow'],
          `decision for the record ${before.id} signed before the change (REQ-KEY-005)`,
        );
        const old = await decide(ctx, oldWork);
        equal(
          [old.decision, old.records],
          ['deny', []],
          'decision for the record signed with the old key after the change',
        );
        await ctx.expectNotStored(`/v1/records/${signedOld.id}`);
      }),
  },
  {
    id: 'federation-key-compromise-followed',
    requirements: ['REQ-FED-019', 'REQ-FED-018', 'REQ-FED-035'],
    refuses: ['REQ-FED-019'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a followed key compromise disqualifies the records signed with the key that the follower logged at or after compromised_at; earlier ones count',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const earlyWork = ctx.workId('logged-before');
        await peer.record(member, { ids: [earlyWork] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        equal((await decide(ctx, earlyWork)).decision, 'allow', 'decision before the compromise');
        // The follower logged that record before compromised_at; what follows, after it.
        await new Promise((done) => setTimeout(done, 1_100));
        const compromisedAt = peer.time(0);
        const stolenWork = ctx.workId('stolen');
        const stolen = await peer.record(member, { ids: [stolenWork], issued_at: peer.time(-300) });
        const { signer, next } = await changeKey(peer, member, compromisedAt);
        // Three compromises a follower must refuse, signed with the current key (crafted: the
        // library refuses to sign a compromised_at after issued_at).
        const badCompromise = async (key: string, at: string, issuedAt: string) =>
          peer.append(
            await craftJws({
              header: { alg: 'Ed25519', kid: signer.signer.kid, typ: 'kyodaku-key-compromise+jws' },
              payload: {
                kind: 'key-compromise',
                v: 1,
                iss: member.kid,
                key,
                compromised_at: at,
                issued_at: issuedAt,
              },
              signer: signer.signer,
            }),
          );
        const stranger = await newKeyPair();
        const bad = {
          current: await badCompromise(next.kid, compromisedAt, compromisedAt),
          foreign: await badCompromise(stranger.kid, compromisedAt, compromisedAt),
          future: await badCompromise(member.kid, peer.time(30), compromisedAt),
        };
        const compromise = await signObject(
          'key-compromise',
          createKeyCompromise({
            iss: member.kid,
            key: member.kid,
            compromised_at: compromisedAt,
            issued_at: compromisedAt,
          }),
          signer.signer,
        );
        const declared = peer.append(compromise.jws);
        const status = await caughtUp(ctx, peer);
        const refused = refusalsOf(status);
        equal(
          [refused.get(bad.current), refused.get(bad.foreign), refused.get(bad.future)],
          ['conflict', 'not-found', 'schema-violation'],
          `the refusals of compromises of the current key (entry ${bad.current}), of a key the party never held (entry ${bad.foreign}) and with compromised_at after issued_at (entry ${bad.future}) (REQ-FED-019)`,
        );
        check(
          !refusalsOf(status).has(declared),
          `the key compromise (entry ${declared}) was refused: ${JSON.stringify(status.refusals)} (REQ-FED-019)`,
        );
        const d = await decide(ctx, stolenWork);
        equal(
          [d.decision, d.records],
          ['deny', []],
          `decision for the record ${stolen.id} signed with the compromised key and logged after compromised_at (REQ-FED-019)`,
        );
        equal(
          (await decide(ctx, earlyWork)).decision,
          'allow',
          'decision for the record logged before compromised_at (REQ-FED-019, REQ-FED-035)',
        );
        const view = await ctx.recordView(stolen.id);
        equal(
          [view.status, (view as { compromised_by?: unknown }).compromised_by],
          ['disqualified', compromise.id],
          'status and compromised_by of the followed record signed with the compromised key (http-api.md §3.2)',
        );
      }),
  },
]);
