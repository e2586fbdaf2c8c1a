/**
 * Accepting a peer's checkpoint (spec/federation.md §5 steps 1 and 2, §6.2): verified with the
 * pinned key, consistent with the kept one; otherwise the peer is inconsistent, with the evidence
 * an operator and any third party can check (REQ-FED-043).
 */
import {
  type Checkpoint,
  KyodakuError,
  LogVerificationError,
  type NoteVerifier,
  verifyCheckpoint,
  verifyConsistency,
} from '@kyodaku/client';
import type { PeerClient } from './peer-client.ts';

/** What stopped a peer (spec/federation.md §6.2). */
export type InconsistencyReason =
  | 'invalid-checkpoint'
  | 'smaller-checkpoint'
  | 'forked-checkpoint'
  | 'inconsistent-checkpoint'
  | 'entries-not-covered';

/** The `evidence` member of a stopped peer's status (REQ-FED-043). */
export interface Evidence {
  reason: InconsistencyReason;
  detail: string;
  /** The note of the checkpoint kept before, as signed; null when none was kept. */
  kept: string | null;
  /** The note of the checkpoint that revealed the inconsistency, as the peer served it. */
  offending: string;
  at: string;
}

export class PeerInconsistentError extends Error {
  override name = 'PeerInconsistentError';
  readonly reason: InconsistencyReason;
  readonly kept: string | null;
  readonly offending: string;

  constructor(
    reason: InconsistencyReason,
    message: string,
    notes: { kept: string | null; offending: string },
  ) {
    super(message);
    this.reason = reason;
    this.kept = notes.kept;
    this.offending = notes.offending;
  }

  evidence(at: string): Evidence {
    return { reason: this.reason, detail: this.message, kept: this.kept, offending: this.offending, at };
  }
}

/** A checkpoint the follower kept, with its note exactly as it was signed. */
export interface KeptCheckpoint {
  checkpoint: Checkpoint;
  note: string;
}

/**
 * Steps 1 and 2 of spec/federation.md §5: verifies a peer's checkpoint note with the pinned key and
 * the peer's origin, and its consistency with the kept checkpoint. Throws PeerInconsistentError
 * (with the evidence) when it does not verify or is not consistent; a proof that cannot be fetched
 * throws the fetch's error.
 */
export async function acceptCheckpoint(
  note: string,
  verifier: NoteVerifier,
  kept: KeptCheckpoint | undefined,
  consistency: (from: number, to: number) => Promise<Uint8Array[]>,
): Promise<Checkpoint> {
  const notes = { kept: kept?.note ?? null, offending: note };
  let checkpoint: Checkpoint;
  try {
    checkpoint = verifyCheckpoint(note, verifier);
  } catch (error) {
    if (error instanceof LogVerificationError) {
      throw new PeerInconsistentError(
        'invalid-checkpoint',
        `the peer's checkpoint does not verify: ${error.message}`,
        notes,
      );
    }
    throw error;
  }
  if (kept === undefined) return checkpoint;
  const k = kept.checkpoint;
  if (checkpoint.size < k.size) {
    throw new PeerInconsistentError(
      'smaller-checkpoint',
      `the peer's checkpoint shrank from ${k.size} to ${checkpoint.size}`,
      notes,
    );
  }
  if (checkpoint.size === k.size) {
    if (!verifyConsistency(k.size, k.size, [], k.rootHash, checkpoint.rootHash)) {
      throw new PeerInconsistentError(
        'forked-checkpoint',
        `two checkpoints of size ${k.size} with different roots`,
        notes,
      );
    }
  } else if (k.size > 0) {
    const proof = await consistency(k.size, checkpoint.size);
    if (!verifyConsistency(k.size, checkpoint.size, proof, k.rootHash, checkpoint.rootHash)) {
      throw new PeerInconsistentError(
        'inconsistent-checkpoint',
        `the peer's log of size ${checkpoint.size} is not consistent with its earlier size ${k.size}`,
        notes,
      );
    }
  }
  return checkpoint;
}

/**
 * The current checkpoint note of a peer an operator pinned anew (REQ-FED-054): it must verify under
 * the new pin and be consistent with the kept checkpoint; otherwise 409 (inconsistent) or 400 (the
 * peer does not answer).
 */
export async function repinnedCheckpoint(
  client: PeerClient,
  verifier: NoteVerifier,
  kept: KeptCheckpoint | undefined,
): Promise<string> {
  try {
    const note = await client.checkpoint();
    await acceptCheckpoint(note, verifier, kept, (from, to) => client.consistency(from, to));
    return note;
  } catch (error) {
    if (error instanceof PeerInconsistentError) {
      throw new KyodakuError(
        'ERR_CONFLICT',
        `the peer does not prove that its log extends the kept checkpoint: ${error.message}`,
      );
    }
    throw new KyodakuError('ERR_INVALID_REQUEST', `the peer does not answer: ${(error as Error).message}`);
  }
}

/** The stored evidence of a peer (JSON; a plain string from before REQ-FED-043 is read as notes). */
export function parseEvidence(text: string | null): Evidence | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Evidence;
    if (value !== null && typeof value === 'object' && typeof value.reason === 'string') return value;
  } catch {
    // an earlier format: the kept and the offending note joined by a separator line
  }
  const [first, second] = text.split('\n---\n');
  return {
    reason: 'inconsistent-checkpoint',
    detail: 'stopped before evidence was recorded with its reason',
    kept: second === undefined ? null : (first ?? null),
    offending: second ?? first ?? '',
    at: '',
  };
}
