/**
 * The federation profile: a mirror's proofs for followed records (spec/federation.md §6.4): receipts
 * that name a followed record by its origin and index with a checkpoint the peer signed, and the
 * leaf hashes that place it in the peer's log.
 */
import { inclusionProof, leafHashOfEntry, verifyInclusion, verifyReceipt } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal } from '../../expect.ts';
import { CaseFailure } from '../../outcome.ts';
import { caughtUp, follow, withPeer, workRecords } from './support.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export const federationMirrorProofCases: Case[] = defineCases([
  {
    id: 'federation-mirror-receipt',
    requirements: ['REQ-FED-034'],
    level: 'MUST',
    profile: 'federation',
    title:
      "a mirror's receipt names a followed record by its origin and index, and evaluated_at a checkpoint the peer signed",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        if (!ctx.suite.wellKnown.profiles.includes('log'))
          ctx.skip('the target does not list the log profile');
        const work = ctx.workId('receipt');
        const record = await peer.record(await peer.party(), { ids: [work] });
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const nonce = ctx.nonce();
        const res = await ctx.http.get(
          `/v1/decision?id=${encodeURIComponent(work)}&purpose=train.genai&receipt=1&nonce=${nonce}`,
        );
        check(res.status === 200, `a decision with a receipt: ${res.status}`);
        const jws = (res.json as { receipt?: unknown }).receipt;
        check(typeof jws === 'string', 'the answer has no receipt (REQ-API-077)');
        let receipt: Awaited<ReturnType<typeof verifyReceipt>>;
        try {
          receipt = await verifyReceipt(jws, ctx.suite.wellKnown.node.key, {
            nonce,
            query: { ids: [work], purpose: 'train.genai' },
          });
        } catch (error) {
          throw new CaseFailure(`the receipt does not verify: ${(error as Error).message}`);
        }
        const refs = receipt.payload.results[0]?.refs ?? [];
        const ref = refs.find((x) => x.leaf_hash === b64(leafHashOfEntry(record.jws)));
        check(ref !== undefined, 'the receipt does not name the followed record (REQ-FED-034)');
        equal(
          { origin: ref.origin, index: ref.index },
          { origin: peer.origin, index: record.index },
          'the ref',
        );
        const tree = receipt.payload.evaluated_at.find((t) => t.origin === peer.origin);
        check(tree !== undefined, `evaluated_at does not list the peer origin ${peer.origin} (REQ-FED-034)`);
        equal(
          tree.root,
          peer.signed.get(tree.size),
          `evaluated_at of ${peer.origin}: a checkpoint the peer signed`,
        );
        const proof = inclusionProof(peer.leaf, ref.index, tree.size);
        check(
          verifyInclusion(
            leafHashOfEntry(record.jws),
            ref.index,
            tree.size,
            proof,
            Buffer.from(tree.root, 'base64'),
          ),
          'the followed record is not in the evaluated tree of its origin',
        );
      }),
  },
  {
    id: 'federation-mirror-leaf-hashes',
    requirements: ['REQ-LOG-021', 'REQ-API-072', 'REQ-FED-033', 'REQ-FED-034'],
    level: 'MUST',
    profile: 'federation',
    title:
      "the leaf hashes a mirror names for followed records (views, works, receipt refs) are those of the origin's entries, recomputed by the suite",
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const party = await peer.party();
        const work = ctx.workId('leaf');
        // Records at several indexes, with other entries between them.
        const records = [];
        for (let i = 0; i < 3; i++) {
          records.push(
            await peer.record(party, {
              ids: [work],
              purposes: { train: 'allow' },
              issued_at: peer.time(-300 + i),
            }),
          );
          await peer.party();
        }
        await follow(ctx, peer);
        await caughtUp(ctx, peer);
        const leafOf = (index: number) => b64(leafHashOfEntry(peer.entries[index]!));
        const checkView = (view: unknown, where: string) => {
          const v = view as {
            id?: unknown;
            jws?: unknown;
            log?: { leaf_hash?: unknown };
            origin?: { index?: unknown };
          };
          const index = v.origin?.index;
          check(
            typeof index === 'number',
            `${where}: the view of a followed record names no origin index (REQ-FED-033)`,
          );
          check(
            v.jws === peer.entries[index],
            `${where}: the entry at origin index ${index} is not the record (REQ-LOG-021)`,
          );
          equal(
            v.log?.leaf_hash,
            leafOf(index),
            `${where}: log.leaf_hash, recomputed from the origin's entry ${index} (REQ-LOG-021, REQ-API-072)`,
          );
        };
        for (const r of records) {
          const res = await ctx.http.get(`/v1/records/${r.id}`);
          check(res.status === 200, `GET /v1/records/${r.id}: ${res.status}`);
          checkView(res.json, `GET /v1/records/${r.id}`);
        }
        for (const view of await workRecords(ctx, work)) checkView(view, `GET /v1/works/${work}`);
        if (!ctx.suite.wellKnown.profiles.includes('log')) return;
        const nonce = ctx.nonce();
        const res = await ctx.http.get(
          `/v1/decision?id=${encodeURIComponent(work)}&purpose=train.genai&receipt=1&nonce=${nonce}`,
        );
        check(res.status === 200, `a decision with a receipt: ${res.status}`);
        let receipt: Awaited<ReturnType<typeof verifyReceipt>>;
        try {
          receipt = await verifyReceipt(
            (res.json as { receipt?: string }).receipt ?? '',
            ctx.suite.wellKnown.node.key,
            {
              nonce,
              query: { ids: [work], purpose: 'train.genai' },
            },
          );
        } catch (error) {
          throw new CaseFailure(`the receipt does not verify: ${(error as Error).message}`);
        }
        const refs = receipt.payload.results.flatMap((r) => r.refs);
        check(refs.length > 0, 'the receipt names no record (REQ-FED-034)');
        for (const ref of refs) {
          equal(ref.origin, peer.origin, 'origin of a receipt ref');
          equal(
            ref.leaf_hash,
            leafOf(ref.index),
            `leaf_hash of the receipt ref at index ${ref.index} (REQ-LOG-021)`,
          );
        }
      }),
  },
]);
