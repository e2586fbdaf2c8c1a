/**
 * REQ-FED-018: a followed object is verified with the key bound to its issuer just before its own
 * position, also when the page is verified a second time (its commit failed after the key change
 * was noted) and when a mirror logged the same change at another index.
 */
import {
  createAttestation,
  createRecord,
  generateKeyPair,
  importSigner,
  type PublicJwk,
  type SignedObject,
  signKeyChange,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { describe, expect, it } from 'vitest';
import { signedParty } from '../../../client/test/helpers/parties.ts';
import { FollowedKeys } from '../../src/federation/followed-keys.ts';
import {
  type PeerKey,
  type TrustView,
  type VerifiedPage,
  verifyPage,
} from '../../src/federation/verify-page.ts';

async function peerKey(): Promise<PeerKey & { signer: Awaited<ReturnType<typeof importSigner>> }> {
  const keys = await generateKeyPair();
  return { kid: keys.kid, jwk: keys.publicJwk, signer: await importSigner(keys.privateJwk) };
}

/** A party, its attestation by `peer`, and a key change with records signed before and after it. */
async function rotation(peer: Awaited<ReturnType<typeof peerKey>>) {
  const { keys, signer, party } = await signedParty({ issuedAt: toTimestamp(Date.now() - 120_000) });
  const next = await generateKeyPair();
  const nextSigner = await importSigner(next.privateJwk);
  const record = async (id: string, by: typeof signer) =>
    (
      await signObject(
        'record',
        createRecord({
          iss: keys.kid,
          work: { type: 'work', ids: [id] },
          purposes: { 'train.genai': 'allow' },
          issued_at: toTimestamp(Date.now() - 30_000),
        }),
        by,
      )
    ).jws;
  const attestation = await signObject(
    'attestation',
    await createAttestation({
      node: peer.kid,
      party: party.payload,
      issued_at: toTimestamp(Date.now() - 60_000),
    }),
    peer.signer,
  );
  const change = await signKeyChange({
    iss: keys.kid,
    oldSigner: signer,
    newSigner: nextSigner,
    newKey: next.publicJwk,
    issued_at: toTimestamp(Date.now() - 10_000),
  });
  return {
    party: party.jws,
    attestation: attestation.jws,
    before: await record('kyodaku:rotation/before', signer),
    change: change.jws,
    after: await record('kyodaku:rotation/after', nextSigner),
    oldAfter: await record('kyodaku:rotation/old-after', signer),
  };
}

/** A trust view as FollowedState keeps it: parties and roles of noted pages, their key changes. */
function trustOf(keys: FollowedKeys): TrustView & { note(page: VerifiedPage, node: string): void } {
  const parties = new Map<string, PublicJwk>();
  const roles = new Map<string, string>();
  return {
    partyKey: (id) => parties.get(id),
    attestedRole: (id) => roles.get(id),
    recordIssuer: () => undefined,
    changedKey: (id, at) => keys.keyAt(id, at),
    note(page, node) {
      for (const o of page.accepted) {
        if (o.kind === 'party') parties.set(o.party, (o.object as SignedObject<'party'>).payload.key);
        if (o.kind === 'attestation')
          roles.set(o.party, (o.object as SignedObject<'attestation'>).payload.role);
        if (o.kind === 'key-change' && o.subject !== null) {
          keys.note(o.party, o.object as SignedObject<'key-change'>, o.subject, { node, index: o.index });
        }
      }
    },
  };
}

const entries = (jws: string[], from = 0) => jws.map((j, i) => ({ index: from + i, jws: j }));
const outcome = (page: VerifiedPage) => ({
  accepted: page.accepted.map((o) => o.index),
  refused: page.refusals.map((r) => [r.index, r.reason]),
});

describe('followed key changes by log position (REQ-FED-018)', () => {
  it('verifies a page again after its key change was noted with the same outcome', async () => {
    const peer = await peerKey();
    const r = await rotation(peer);
    const keys = new FollowedKeys();
    const trust = trustOf(keys);
    const page = entries([r.party, r.attestation, r.before, r.change, r.after, r.oldAfter]);
    const first = await verifyPage(page, peer, trust, Date.now());
    expect(outcome(first)).toEqual({ accepted: [0, 1, 2, 3, 4], refused: [[5, 'unknown-key']] });
    trust.note(first, peer.kid);
    // The commit failed: the follower verifies the same page again.
    const again = await verifyPage(page, peer, trust, Date.now());
    expect(outcome(again)).toEqual(outcome(first));
    // A later page is verified with the new key.
    const later = await verifyPage(entries([r.after, r.oldAfter], 6), peer, trust, Date.now());
    expect(outcome(later)).toEqual({ accepted: [6], refused: [[7, 'unknown-key']] });
  });

  it('verifies a mirror that logged the change later with the key bound at its own positions', async () => {
    const origin = await peerKey();
    const mirror = await peerKey();
    const r = await rotation(origin);
    const keys = new FollowedKeys();
    const trust = trustOf(keys);
    trust.note(
      await verifyPage(entries([r.party, r.attestation, r.change]), origin, trust, Date.now()),
      origin.kid,
    );
    // The mirror logged the record signed with the old key before its copy of the change.
    const page = await verifyPage(entries([r.before, r.change, r.after], 10), mirror, trust, Date.now());
    expect(outcome(page)).toEqual({ accepted: [10, 11, 12], refused: [] });
    trust.note(page, mirror.kid);
    const party = JSON.parse(Buffer.from(r.party.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(keys.keyAt(party, { node: mirror.kid, index: 13 })?.former).toHaveLength(1);
    expect(keys.keyAt(party, { node: mirror.kid, index: 11 })).toBeUndefined();
    // After its copy, the old key no longer signs on the mirror either.
    const after = await verifyPage(entries([r.oldAfter], 13), mirror, trust, Date.now());
    expect(outcome(after)).toEqual({ accepted: [], refused: [[13, 'unknown-key']] });
  });
});
