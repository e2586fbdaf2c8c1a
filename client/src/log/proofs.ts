/**
 * Proof checks against verified checkpoints (spec/log.md §6.3): the tree size and root always come
 * from a checkpoint the caller verified, never from the proof response (REQ-LOG-018).
 */

import { fromBase64, latin1Bytes, toBase64 } from '../platform.ts';
import { type Checkpoint, LogVerificationError } from './checkpoint.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';

/** A tree head taken from a verified checkpoint (or from a receipt checked against one). */
export type TreeHeadOf = Pick<Checkpoint, 'size' | 'rootHash'>;

/** The leaf hash of a log entry given as its compact JWS (or bytes). */
export function leafHashOfEntry(entry: string | Uint8Array): Uint8Array {
  return leafHash(typeof entry === 'string' ? latin1Bytes(entry) : entry);
}

/** Decodes the base64 hashes of a proof response; refuses anything but canonical 32-byte hashes. */
export function decodeProof(proof: unknown): Uint8Array[] {
  if (!Array.isArray(proof) || proof.length > 64) {
    throw new LogVerificationError('ERR_PROOF_INVALID', 'proof: not a list of at most 64 hashes');
  }
  return proof.map((h) => {
    const bytes = typeof h === 'string' ? fromBase64(h) : undefined;
    if (bytes === undefined || bytes.length !== 32 || toBase64(bytes) !== h) {
      throw new LogVerificationError(
        'ERR_PROOF_INVALID',
        'proof: a hash is not canonical base64 of 32 bytes',
      );
    }
    return bytes;
  });
}

/** Throws ERR_PROOF_INVALID unless the leaf is at `index` in the tree of the verified checkpoint. */
export function verifyEntryInclusion(
  entry: { leafHash: Uint8Array; index: number },
  proof: readonly Uint8Array[],
  tree: TreeHeadOf,
): void {
  if (!verifyInclusion(entry.leafHash, entry.index, tree.size, proof, tree.rootHash)) {
    throw new LogVerificationError(
      'ERR_PROOF_INVALID',
      `inclusion proof of index ${entry.index} does not verify against the tree of size ${tree.size}`,
    );
  }
}

/** Throws ERR_LOG_FORK unless `newer` extends `older` (both from verified checkpoints). */
export function verifyTreeConsistency(
  older: TreeHeadOf,
  newer: TreeHeadOf,
  proof: readonly Uint8Array[],
): void {
  if (!verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash)) {
    throw new LogVerificationError(
      'ERR_LOG_FORK',
      `the tree of size ${newer.size} is not consistent with the tree of size ${older.size}: the log was rewritten`,
    );
  }
}
