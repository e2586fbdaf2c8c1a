/**
 * Decision receipts (spec/log.md §7): the query hash, and offline verification of a receipt
 * against the node's key (REQ-RECEIPT-001..003, 005).
 */
import { KyodakuError } from '../errors.ts';
import { canonicalJson } from '../jcs.ts';
import { type SignedObject, verifyObject } from '../jws.ts';
import { keyIdOf, type PublicJwk } from '../keys.ts';
import { sha256HexOfText } from '../platform.ts';
import { LogVerificationError } from './checkpoint.ts';

/** `query_hash`: lowercase hex SHA-256 of the JCS form of the query (spec/http-api.md "Receipts"). */
export function receiptQueryHash(query: unknown): string {
  return sha256HexOfText(canonicalJson(query));
}

export interface ReceiptExpectation {
  /** The nonce the client sent. */
  nonce?: string;
  /** The query the client sent (its hash must be `query_hash`). */
  query?: unknown;
}

/**
 * Verifies a receipt offline: a `kyodaku-receipt+jws` signed by `nodeKey` whose `node` is that key's
 * id, every ref below the size of its origin's evaluated tree, and (when given) the client's nonce
 * and query. Throws KyodakuError for the signed object, LogVerificationError ERR_RECEIPT_MISMATCH
 * for the rest.
 */
export async function verifyReceipt(
  jws: string,
  nodeKey: PublicJwk,
  expected: ReceiptExpectation = {},
): Promise<SignedObject<'receipt'>> {
  const nodeId = await keyIdOf(nodeKey);
  const receipt = await verifyObject(jws, 'receipt', (kid, payload) => {
    if (kid !== nodeId || payload.node !== nodeId) {
      throw new KyodakuError('ERR_JWS_KID', `the receipt is not signed by node ${nodeId}`);
    }
    return nodeKey;
  });
  const mismatch = (why: string) => new LogVerificationError('ERR_RECEIPT_MISMATCH', `receipt: ${why}`);
  const p = receipt.payload;
  if (expected.nonce !== undefined && p.nonce !== expected.nonce) throw mismatch('nonce is not the one sent');
  if (expected.query !== undefined && p.query_hash !== receiptQueryHash(expected.query)) {
    throw mismatch('query_hash is not the hash of the query sent');
  }
  const trees = new Map<string, number>();
  for (const t of p.evaluated_at) {
    if (trees.has(t.origin)) throw mismatch(`two evaluated trees for origin ${t.origin}`);
    trees.set(t.origin, t.size);
  }
  for (const result of p.results) {
    for (const ref of result.refs) {
      const size = trees.get(ref.origin);
      if (size === undefined) throw mismatch(`no evaluated tree for origin ${ref.origin}`);
      if (ref.index >= size) throw mismatch(`ref index ${ref.index} is not below the evaluated size ${size}`);
    }
  }
  return receipt;
}
