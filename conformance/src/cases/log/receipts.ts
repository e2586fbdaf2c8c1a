/** The log profile: decision receipts (spec/log.md §7, http-api.md §9.1). */
import {
  leafHashOfEntry,
  receiptQueryHash,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal } from '../../expect.ts';
import { CaseFailure } from '../../outcome.ts';
import { fetchCheckpoint, proofOf, unb64 } from './support.ts';

async function verified(ctx: Context, jws: unknown, nonce: string, query: unknown) {
  check(typeof jws === 'string', 'the answer has no "receipt" member (REQ-API-077)');
  try {
    return await verifyReceipt(jws, ctx.suite.wellKnown.node.key, { nonce, query });
  } catch (error) {
    throw new CaseFailure(
      `the receipt does not verify: ${(error as Error).message} (REQ-RECEIPT-001, REQ-RECEIPT-002)`,
    );
  }
}

/**
 * The receipt of an answer is in the node's log where `receipt_log` says: its leaf hash, and an
 * inclusion proof at that index against the next signed checkpoint (REQ-RECEIPT-004, REQ-API-077).
 */
async function checkLogged(ctx: Context, body: { receipt?: unknown; receipt_log?: unknown }) {
  const ref = body.receipt_log as { index?: unknown; leaf_hash?: unknown } | undefined;
  const index = ref?.index;
  check(typeof index === 'number', 'the answer has no receipt_log.index (REQ-API-077)');
  const leaf = leafHashOfEntry(body.receipt as string);
  equal(
    ref?.leaf_hash,
    Buffer.from(leaf).toString('base64'),
    'receipt_log.leaf_hash (the leaf hash of the receipt)',
  );
  const cp = await fetchCheckpoint(ctx);
  check(index < cp.size, `the receipt entry ${index} is not in the next checkpoint (REQ-RECEIPT-004)`);
  const own = await ctx.http.get(`/v1/log/proof/inclusion?index=${index}&size=${cp.size}`);
  check(
    verifyInclusion(leaf, index, cp.size, proofOf(own.json, 'inclusion proof'), cp.rootHash),
    'the receipt is not in the log at receipt_log.index (REQ-RECEIPT-004)',
  );
}

export const logReceiptCases: Case[] = defineCases([
  {
    id: 'log-receipt-single',
    requirements: [
      'REQ-API-077',
      'REQ-RECEIPT-001',
      'REQ-RECEIPT-002',
      'REQ-RECEIPT-003',
      'REQ-RECEIPT-004',
      'REQ-RECEIPT-005',
    ],
    level: 'MUST',
    profile: 'log',
    title:
      'a decision with a receipt: signed by the node, refs in the evaluated tree, the receipt itself in the log',
    async run(ctx) {
      const party = await ctx.sharedParty('log-publisher');
      const id = ctx.workId('receipt');
      const record = await ctx.publishRecord(party, {
        work: { type: 'work', ids: [id] },
        purposes: { train: 'allow' },
      });
      const nonce = ctx.nonce();
      const res = await ctx.http.get(
        `/v1/decision?id=${encodeURIComponent(id)}&purpose=train.genai&receipt=1&nonce=${nonce}`,
      );
      check(res.status === 200, `decision with a receipt: status ${res.status}`);
      const body = res.json as { decision?: unknown; receipt?: unknown; receipt_log?: { index?: unknown } };
      const receipt = await verified(ctx, body.receipt, nonce, { ids: [id], purpose: 'train.genai' });
      const p = receipt.payload;
      equal(p.results.length, 1, 'number of receipt results');
      equal(p.results[0]!.decision, body.decision, 'the receipt decision is the answered one');
      const ref = p.results[0]!.refs.find(
        (r) => r.leaf_hash === Buffer.from(leafHashOfEntry(record.jws)).toString('base64'),
      );
      check(ref !== undefined, 'the receipt does not name the record it used (REQ-RECEIPT-002)');
      const tree = p.evaluated_at.find((t) => t.origin === ref.origin);
      check(tree !== undefined, `no evaluated_at for origin ${ref.origin}`);
      const cp = await fetchCheckpoint(ctx);
      check(tree.size <= cp.size, 'the evaluated tree is larger than the signed log');
      const evaluatedRoot = unb64(tree.root);
      if (tree.size < cp.size) {
        const cons = await ctx.http.get(`/v1/log/proof/consistency?from=${tree.size}&to=${cp.size}`);
        check(
          verifyConsistency(
            tree.size,
            cp.size,
            proofOf(cons.json, 'consistency proof'),
            evaluatedRoot,
            cp.rootHash,
          ),
          'the evaluated tree is not a prefix of the signed log (REQ-RECEIPT-005)',
        );
      } else {
        equal(tree.root, Buffer.from(cp.rootHash).toString('base64'), 'evaluated root vs checkpoint root');
      }
      const inc = await ctx.http.get(`/v1/log/proof/inclusion?index=${ref.index}&size=${tree.size}`);
      check(
        verifyInclusion(
          unb64(ref.leaf_hash),
          ref.index,
          tree.size,
          proofOf(inc.json, 'inclusion proof'),
          evaluatedRoot,
        ),
        `ref ${ref.index} is not in the evaluated tree (REQ-RECEIPT-003)`,
      );
      await checkLogged(ctx, body);
    },
  },
  {
    id: 'log-receipt-batch',
    requirements: ['REQ-API-077', 'REQ-RECEIPT-002', 'REQ-RECEIPT-004'],
    level: 'MUST',
    profile: 'log',
    title:
      'a batch with a receipt: one result per pair, query_hash of the body without "receipt", the receipt itself in the log',
    async run(ctx) {
      const query = { ids: [ctx.workId('b1'), ctx.workId('b2')], purposes: ['train.genai', 'search'] };
      const nonce = ctx.nonce();
      const res = await ctx.postJson('/v1/decisions', { ...query, receipt: { nonce } });
      check(res.status === 200, `batch with a receipt: status ${res.status}`);
      const receipt = await verified(ctx, (res.json as { receipt?: unknown }).receipt, nonce, query);
      equal(receipt.payload.results.length, 4, 'number of receipt results');
      equal(receipt.payload.query_hash, receiptQueryHash(query), 'query_hash');
      await checkLogged(ctx, res.json as { receipt?: unknown; receipt_log?: unknown });
    },
  },
  {
    id: 'log-receipt-bad-nonce',
    requirements: ['REQ-API-077', 'REQ-API-078'],
    refuses: ['REQ-API-077', 'REQ-API-078'],
    level: 'MUST',
    profile: 'log',
    title: 'a receipt request without a valid nonce is 400 invalid-request; no receipt without asking',
    async run(ctx) {
      const id = ctx.workId('nonce');
      for (const path of [
        `/v1/decision?id=${encodeURIComponent(id)}&purpose=train&receipt=1`,
        `/v1/decision?id=${encodeURIComponent(id)}&purpose=train&receipt=1&nonce=short`,
      ]) {
        const res = await ctx.http.get(path);
        check(res.status === 400, `GET ${path}: expected 400, got ${res.status}`);
        equal((res.json as { type?: unknown }).type, 'urn:kyodaku:problem:invalid-request', 'problem type');
      }
      const plain = await ctx.http.get(`/v1/decision?id=${encodeURIComponent(id)}&purpose=train`);
      check(plain.status === 200, `plain decision: ${plain.status}`);
      check(
        (plain.json as { receipt?: unknown }).receipt === undefined,
        'a receipt came without being asked for (REQ-API-078)',
      );
    },
  },
]);
