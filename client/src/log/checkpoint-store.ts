/**
 * Keeping the last checkpoint per origin (spec/log.md REQ-LOG-019/020): a newer checkpoint is
 * accepted only with a consistency proof from the kept one; a smaller one or another root for the
 * same size is refused. Trust on first use for an origin never seen.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type Checkpoint, LogVerificationError, type NoteVerifier, verifyCheckpoint } from './checkpoint.ts';
import { verifyTreeConsistency } from './proofs.ts';

export interface KeptCheckpoint {
  origin: string;
  size: number;
  /** base64 root hash */
  root: string;
  /** The signed note, kept as evidence. */
  note: string;
}

export interface CheckpointStore {
  get(origin: string): Promise<KeptCheckpoint | undefined>;
  put(checkpoint: KeptCheckpoint): Promise<void>;
}

export class MemoryCheckpointStore implements CheckpointStore {
  readonly #kept = new Map<string, KeptCheckpoint>();
  async get(origin: string) {
    return this.#kept.get(origin);
  }
  async put(checkpoint: KeptCheckpoint) {
    this.#kept.set(checkpoint.origin, checkpoint);
  }
}

/** A JSON file `{ "checkpoints": { origin: KeptCheckpoint } }`, replaced atomically on write. */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}

  #read(): Record<string, KeptCheckpoint> {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as {
        checkpoints?: Record<string, KeptCheckpoint>;
      };
      return data.checkpoints ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  async get(origin: string) {
    return this.#read()[origin];
  }

  async put(checkpoint: KeptCheckpoint) {
    const all = { ...this.#read(), [checkpoint.origin]: checkpoint };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ checkpoints: all }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

export type AcceptStatus = 'first' | 'same' | 'newer';

export interface Accepted {
  status: AcceptStatus;
  checkpoint: Checkpoint;
  previous?: KeptCheckpoint;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Verifies a checkpoint note and accepts it into the store: first of its origin (kept), same as the
 * kept one, or newer and proven consistent with `consistency(from, to)` (kept). Throws
 * LogVerificationError: a bad note, ERR_LOG_ROLLBACK for a smaller size, ERR_LOG_FORK for another
 * root of the same size or a proof that fails.
 */
export async function acceptCheckpoint(
  store: CheckpointStore,
  note: string,
  verifier: NoteVerifier,
  consistency: (from: number, to: number) => Promise<Uint8Array[]>,
): Promise<Accepted> {
  const checkpoint = verifyCheckpoint(note, verifier);
  const kept = await store.get(checkpoint.origin);
  const record = { origin: checkpoint.origin, size: checkpoint.size, root: b64(checkpoint.rootHash), note };
  if (kept === undefined) {
    await store.put(record);
    return { status: 'first', checkpoint };
  }
  const keptHead = { size: kept.size, rootHash: new Uint8Array(Buffer.from(kept.root, 'base64')) };
  if (checkpoint.size < kept.size) {
    throw new LogVerificationError(
      'ERR_LOG_ROLLBACK',
      `checkpoint of size ${checkpoint.size} is smaller than the kept one (${kept.size})`,
    );
  }
  if (checkpoint.size === kept.size) {
    if (record.root !== kept.root) {
      throw new LogVerificationError(
        'ERR_LOG_FORK',
        `two roots signed for size ${kept.size}: the log was rewritten`,
      );
    }
    return { status: 'same', checkpoint, previous: kept };
  }
  if (kept.size > 0)
    verifyTreeConsistency(keptHead, checkpoint, await consistency(kept.size, checkpoint.size));
  await store.put(record);
  return { status: 'newer', checkpoint, previous: kept };
}
