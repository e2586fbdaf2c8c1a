/**
 * The federation profile: a follower verifies every followed object (spec/federation.md §5): forged
 * objects are refused and reported, entries it does not use are skipped, and a revoked attestation
 * stops its party's records from counting.
 */
import { randomBytes } from 'node:crypto';
import { createRevocation, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import { craftJws, splitJws } from '../../jws-craft.ts';
import { newKeyPair } from '../../peer/peer.ts';
import { caughtUp, decide, decisionBecomes, follow, withPeer } from './support.ts';

export const federationForgedCases: Case[] = defineCases([
  {
    id: 'federation-forged-objects-refused',
    requirements: ['REQ-FED-011', 'REQ-FED-012', 'REQ-FED-013', 'REQ-FED-014', 'REQ-FED-040'],
    refuses: ['REQ-FED-011', 'REQ-FED-012', 'REQ-FED-013'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a bad signature, an unattested issuer, an attestation by another key or naming another node are refused and reported; unused entries are skipped',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const okWork = ctx.workId('ok');
        const ok = await peer.record(member, { ids: [okWork] });
        const forgedWorks: string[] = [];
        const forgedIds: string[] = [];
        const expectRefused: number[] = [];
        // A record whose signature is another record's.
        const badSigWork = ctx.workId('bad-sig');
        const badSig = await peer.signRecord(member, { ids: [badSigWork] });
        const donor = await peer.signRecord(member, { ids: [ctx.workId('donor')] });
        const [h, p] = splitJws(badSig.jws);
        expectRefused.push(peer.append(`${h}.${p}.${splitJws(donor.jws)[2]}`));
        forgedWorks.push(badSigWork);
        forgedIds.push(badSig.id);
        // A party nobody trusted attested, with records around attestations that must not count.
        const stranger = await peer.newParty();
        peer.append(stranger.partyJws);
        const unattested = async () => {
          const work = ctx.workId('unattested');
          const r = await peer.record(stranger, { ids: [work] });
          forgedWorks.push(work);
          forgedIds.push(r.id);
          expectRefused.push(r.index);
        };
        await unattested();
        const rogue = await newKeyPair();
        expectRefused.push((await peer.attest(stranger, { signer: rogue })).index);
        expectRefused.push((await peer.attest(stranger, { node: rogue.kid })).index);
        await unattested();
        // Entries a follower does not use: the peer's admin request (attesting the stranger, signed by
        // an admin key the target does not know), a receipt, and an unknown kind.
        peer.append(
          await craftJws({
            header: { alg: 'Ed25519', kid: peer.admin.kid, typ: 'kyodaku-admin+jws' },
            payload: {
              kind: 'admin',
              v: 1,
              action: 'attest',
              party: stranger.kid,
              issued_at: ctx.time(-200),
              nonce: ctx.nonce(),
            },
            signer: peer.admin.signer,
          }),
        );
        peer.append(
          await craftJws({
            header: { alg: 'Ed25519', kid: peer.node.kid, typ: 'kyodaku-receipt+jws' },
            payload: { kind: 'receipt', v: 1, nonce: ctx.nonce(), note: 'not a real receipt' },
            signer: peer.node.signer,
          }),
        );
        peer.append(
          await craftJws({
            header: { alg: 'Ed25519', kid: peer.node.kid, typ: 'kyodaku-future-thing+jws' },
            payload: { kind: 'future-thing', v: 1, data: randomBytes(8).toString('hex') },
            signer: peer.node.signer,
          }),
        );
        await unattested();
        // A party object whose signature does not verify.
        const broken = await peer.newParty();
        const [ph, pp, ps] = splitJws(broken.partyJws);
        expectRefused.push(peer.append(`${ph}.${pp}.${ps[0] === 'A' ? 'B' : 'A'}${ps.slice(1)}`));
        // And life goes on: a valid record after all of them.
        const lastWork = ctx.workId('after');
        const last = await peer.record(member, { ids: [lastWork] });

        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);
        equal(status.state, 'following', 'state after refusals (REQ-FED-013: go on with the next entry)');
        equal(
          status.cursor,
          peer.entries.length - 1,
          'cursor: every entry counted, used or not (REQ-FED-014)',
        );
        const refused = new Map(
          (status.refusals ?? []).map((r) => [r.index, r.reason] as [unknown, unknown]),
        );
        for (const index of expectRefused) {
          check(
            refused.has(index),
            `entry ${index} was not reported as refused in GET /v1/peers (REQ-FED-013); refusals: ${JSON.stringify(status.refusals)}`,
          );
          check(
            typeof refused.get(index) === 'string' && (refused.get(index) as string).length > 0,
            `the refusal of entry ${index} has no reason (REQ-FED-013)`,
          );
        }
        for (const work of forgedWorks) {
          const d = await decide(ctx, work);
          equal(
            [d.decision, d.records],
            ['deny', []],
            `decision for ${work}, named only by a refused record`,
          );
        }
        for (const id of forgedIds) await ctx.expectNotStored(`/v1/records/${id}`);
        for (const [work, id] of [
          [okWork, ok.id],
          [lastWork, last.id],
        ] as const) {
          const d = await decide(ctx, work);
          equal(
            [d.decision, d.records],
            ['allow', [id]],
            `decision for a valid record of the peer (${work})`,
          );
        }
      }),
  },
  {
    id: 'federation-attestation-revoked',
    requirements: ['REQ-FED-012', 'REQ-FED-011'],
    level: 'MUST',
    profile: 'federation',
    title: "a followed record stops counting once the peer revokes its issuer's attestation",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await peer.party();
        const work = ctx.workId('attestation');
        await peer.record(party, { ids: [work] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        equal((await decide(ctx, work)).decision, 'allow', 'decision while the attestation is in force');
        await peer.revokeAttestation(party.attestation.id);
        await decisionBecomes(ctx, work, 'deny', "the peer's attestation revocation");
      }),
  },
  {
    id: 'federation-future-dated-refused',
    requirements: ['REQ-FED-017', 'REQ-FED-013'],
    refuses: ['REQ-FED-017', 'REQ-FED-013'],
    level: 'MUST',
    profile: 'federation',
    title:
      'a followed revocation and record dated more than 300 s ahead are refused as schema-violation; the record stays allowed',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const work = ctx.workId('kept');
        const ok = await peer.record(member, { ids: [work] });
        const far = '9999-12-31T23:59:59Z';
        const revocation = await signObject(
          'revocation',
          createRevocation({ iss: member.kid, record: ok.id, issued_at: far }),
          member.signer,
        );
        const refusedRevocation = peer.append(revocation.jws);
        const futureWork = ctx.workId('future');
        const future = await peer.record(member, { ids: [futureWork], issued_at: ctx.time(900) });
        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);
        const reasons = new Map(
          (status.refusals ?? []).map((r) => [r.index, r.reason] as [unknown, unknown]),
        );
        equal(reasons.get(refusedRevocation), 'schema-violation', 'the refusal of the revocation dated 9999');
        equal(reasons.get(future.index), 'schema-violation', 'the refusal of the record dated 900 s ahead');
        equal(
          (await decide(ctx, work)).decision,
          'allow',
          'decision for the record the refused revocation named',
        );
        equal((await decide(ctx, futureWork)).decision, 'deny', 'decision for the refused record');
      }),
  },
]);
