/**
 * Decision receipts (spec/log.md §7, spec/http-api.md "Receipts"): on request, the node signs what
 * it answered (query hash, nonce, per-item results with log refs to the records used, the signed
 * tree it evaluated), appends the receipt to its log and returns it with the answer. Runs after the
 * decision handlers, so a query without a receipt never comes here.
 */
import {
  KyodakuError,
  type Receipt,
  receiptQueryHash,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import type { Context, MiddlewareHandler } from 'hono';
import { crawlerOf } from '../crawler-identity/middleware.ts';
import type { NodeContext } from '../node-context.ts';
import type { StoredObject } from '../objects/job.ts';
import { logRefOf } from '../objects/views.ts';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Asked before a receipt is signed and appended: a response (429, the client is over its receipt
 * budget: spec/log.md REQ-RECEIPT-006) refuses the receipt, and nothing is appended.
 */
export type ReceiptGate = (c: Context) => Response | undefined;

interface DecisionLike {
  decision?: Receipt['results'][number]['decision'];
  records?: string[];
  error?: { type: string };
}

function validNonce(nonce: unknown): string {
  if (!schemas.ReceiptNonce.safeParse(nonce).success) {
    throw new KyodakuError(
      'ERR_INVALID_REQUEST',
      'a receipt needs a nonce of 16 to 128 base64url characters',
    );
  }
  return nonce as string;
}

/**
 * Appends a receipt the node signed (REQ-RECEIPT-004); an identical receipt (same query, nonce and
 * second) is the one already appended.
 */
async function appendReceipt(
  node: NodeContext,
  receipt: { id: string; jws: string },
  receivedAt: string,
): Promise<StoredObject> {
  const [stored] = await node.objects.publish({
    id: receipt.id,
    existingIsAnswer: true,
    plan: () => ({ objects: [{ id: receipt.id, kind: 'receipt', jws: receipt.jws, receivedAt }] }),
  });
  return stored!;
}

/**
 * Signs a receipt of what the node answered, appends it to the log and answers with it (also the
 * prompt checks of the generation profile, spec/generation.md REQ-GEN-010).
 */
export async function issueReceipt(
  node: NodeContext,
  c: Context,
  nonce: string,
  query: unknown,
  at: string,
  items: Array<{ ids: string[]; purpose: string } & DecisionLike>,
  answer: Record<string, unknown>,
): Promise<Response> {
  const recordIds = [...new Set(items.flatMap((i) => i.records ?? []))];
  const refs = new Map<string, Receipt['results'][number]['refs'][number]>();
  for (const { object } of await node.records.recordsWithObjects(recordIds)) {
    refs.set(object.id, { origin: node.origin, ...logRefOf(object) });
  }
  // On a mirror, followed records by their origin and index, with their origins' checkpoints
  // (spec/federation.md REQ-FED-034).
  const unknown = recordIds.filter((id) => !refs.has(id));
  const followed = unknown.length > 0 ? await node.federation?.receiptRefs(unknown) : undefined;
  for (const [id, ref] of followed?.refs ?? []) refs.set(id, ref);
  // A checkpoint of the tree the records were read from (signed now if the tree grew).
  const head = await node.log.checkpoints.sign();
  const payload: Receipt = {
    kind: 'receipt',
    v: 1,
    node: node.node.kid,
    issued_at: toTimestamp(node.now()),
    query_hash: receiptQueryHash(query),
    nonce,
    at,
    results: items.map((i) => ({
      ids: i.ids,
      purpose: i.purpose as Receipt['results'][number]['purpose'],
      ...(i.error !== undefined ? { error: i.error.type } : { decision: i.decision! }),
      refs: (i.records ?? []).map((id) => {
        const ref = refs.get(id);
        if (ref === undefined) throw new Error(`receipt: record ${id} has no log entry`);
        return ref;
      }),
    })),
    evaluated_at: [
      { origin: node.origin, size: head.size, root: base64(head.root) },
      ...(followed?.evaluated ?? []),
    ],
  };
  const crawler = crawlerOf(c);
  if (crawler !== undefined) payload.crawler = crawler;
  const receipt = await signObject('receipt', payload, node.node.signer);
  if (receipt.jws.length > schemas.LIMITS.maxJwsBytes) {
    throw new KyodakuError(
      'ERR_TOO_LARGE',
      `the receipt would be over ${schemas.LIMITS.maxJwsBytes} bytes; ask for receipts of smaller batches`,
    );
  }
  const stored = await appendReceipt(node, receipt, payload.issued_at);
  return c.json({ ...answer, receipt: receipt.jws, receipt_log: logRefOf(stored) }, 200, {
    'cache-control': 'no-store',
  });
}

/** After GET /v1/decision: a receipt when the query asks for one (`receipt=1&nonce=…`). */
export function singleReceipt(node: NodeContext, gate?: ReceiptGate): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.req.url.includes('receipt=') || c.res.status !== 200) return;
    const query = c.req.queries();
    if (query.receipt?.length !== 1 || query.receipt[0] !== '1') {
      throw new KyodakuError('ERR_INVALID_REQUEST', 'receipt must be 1');
    }
    const nonce = validNonce(query.nonce?.length === 1 ? query.nonce[0] : undefined);
    const refused = gate?.(c);
    if (refused !== undefined) {
      c.res = refused;
      return;
    }
    const answer = (await c.res.json()) as { ids: string[]; purpose: string; at: string } & DecisionLike;
    const hashed = {
      ids: query.id ?? [],
      purpose: query.purpose?.[0],
      ...(query.at !== undefined && { at: query.at[0] }),
    };
    c.res = await issueReceipt(node, c, nonce, hashed, answer.at, [answer], { ...answer });
  };
}

/** After POST /v1/decisions: a receipt when the body asks for one (`"receipt": {"nonce": …}`). */
export function batchReceipt(node: NodeContext, gate?: ReceiptGate): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'POST' || c.res.status !== 200) return;
    const text = await c.req.text();
    if (!text.includes('"receipt"')) return;
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body.receipt === undefined) return;
    const { receipt, ...query } = body;
    const parsed = schemas.BatchDecisionRequest.shape.receipt.safeParse(receipt);
    if (!parsed.success || parsed.data === undefined) validNonce(undefined);
    const refused = gate?.(c);
    if (refused !== undefined) {
      c.res = refused;
      return;
    }
    const answer = (await c.res.json()) as {
      at: string;
      results: Array<{ id: string; purpose: string } & DecisionLike>;
    };
    const items = answer.results.map((r) => ({ ...r, ids: [r.id] }));
    c.res = await issueReceipt(node, c, parsed.data!.nonce, query, answer.at, items, { ...answer });
  };
}
