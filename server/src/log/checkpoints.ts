/**
 * Signed checkpoints of the node's log (spec/log.md §5): signs the tree head as a C2SP signed note
 * with the node key, at most every `intervalMs` after appends and at once when a client needs a
 * checkpoint of the current tree; stores every note before serving it. Never signs a smaller size,
 * nor the same size with another root, nor a tree inconsistent with the last one (REQ-LOG-013).
 */
import {
  formatCheckpointBody,
  KyodakuError,
  signCheckpoint,
  toTimestamp,
  verifyConsistency,
} from '@kyodaku/client';
import { desc, lte } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { logCheckpoints } from '../db/schema.ts';
import { statementOf, type Writer } from '../db/writer.ts';
import type { LogTree } from './tree.ts';

export interface SignedCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
}

/** Why the last checkpoint could not be signed or stored (Checkpointer.lastError). */
export interface CheckpointError {
  /** When it failed last (RFC 3339). */
  at: string;
  /** When the failures in a row began. */
  since: string;
  message: string;
  /** The log's size it tried to sign, and the size of the latest checkpoint it did sign. */
  size: number;
  signedSize: number;
}

/** Longest wait of a process that is not the sequencer for a checkpoint covering its tree. */
const COVER_WAIT_MS = 3000;

/** Longest wait between tries after a failed signing. */
const RETRY_MAX_MS = 60_000;

/** The node refuses to start or to sign: its stored log contradicts what it signed. */
export class LogIntegrityError extends Error {
  override name = 'LogIntegrityError';
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/**
 * Whether a node that signed `previous` may sign `next` (REQ-LOG-013): a larger size, or the same
 * size and root (nothing new to sign). Throws LogIntegrityError otherwise.
 */
export function assertMaySign(
  previous: { size: number; root: Uint8Array } | undefined,
  next: { size: number; root: Uint8Array },
): void {
  if (previous === undefined) return;
  if (next.size < previous.size) {
    throw new LogIntegrityError(`log: refusing to sign size ${next.size} after size ${previous.size}`);
  }
  if (next.size === previous.size && !equalBytes(next.root, previous.root)) {
    throw new LogIntegrityError(`log: refusing to sign a second root for size ${next.size}`);
  }
}

/** The origin line of the last checkpoint the node signed, if it signed any. */
export async function lastCheckpointOrigin(db: Db): Promise<string | undefined> {
  const [row] = await db
    .select({ note: logCheckpoints.note })
    .from(logCheckpoints)
    .orderBy(desc(logCheckpoints.size))
    .limit(1);
  return row?.note.slice(0, row.note.indexOf('\n'));
}

export class Checkpointer {
  readonly #db: Db;
  readonly #writer: Writer;
  readonly #tree: LogTree;
  readonly #origin: string;
  readonly #seed: Uint8Array;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #latest: SignedCheckpoint | undefined;
  /** The check of the stored log against the last signed checkpoint, once started. */
  #verified: Promise<void> | undefined;
  /** When the latest checkpoint was signed (ms), the last signing failure, the oldest unsigned append. */
  #signedAt: number | undefined;
  #unsignedSince: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** Failed scheduled signings in a row (the wait before the next try doubles with each). */
  #failures = 0;
  #lastError: CheckpointError | undefined;
  #closed = false;
  /** Called with every checkpoint this process signs and stores (tiles/tile-writer.ts mirrors it). */
  onSigned: ((checkpoint: SignedCheckpoint) => void) | undefined;
  /** Many processes on one database: only the lease's holder signs (cluster/sequencer-lease.ts). */
  readonly #lease: { readonly held: boolean } | undefined;

  constructor(options: {
    db: Db;
    /** Where the signed checkpoints are written (the store's writer: one writing connection). */
    writer: Writer;
    tree: LogTree;
    origin: string;
    /** The node key's 32-byte Ed25519 seed. */
    seed: Uint8Array;
    now: () => number;
    intervalMs?: number;
    /**
     * When processes share the database: whether this one may sign now. The others adopt the
     * checkpoints the holder stored (see #adoptStored).
     */
    lease?: { readonly held: boolean };
  }) {
    this.#lease = options.lease;
    this.#db = options.db;
    this.#writer = options.writer;
    this.#tree = options.tree;
    this.#origin = options.origin;
    this.#seed = options.seed;
    this.#now = options.now;
    this.#intervalMs = options.intervalMs ?? 250;
  }

  /** For readiness and metrics (ops/): how current the signed checkpoint is, and why not. */
  status(): {
    signedAt: number | undefined;
    lastError: CheckpointError | undefined;
    unsignedSince: number | undefined;
  } {
    return { signedAt: this.#signedAt, lastError: this.#lastError, unsignedSince: this.#unsignedSince };
  }

  /** The latest signed checkpoint (after load()). */
  get latest(): SignedCheckpoint | undefined {
    return this.#latest;
  }

  /**
   * The last failure to sign or store a checkpoint, until a checkpoint is signed again (for a health
   * endpoint: while it is set, the log has entries no checkpoint covers).
   */
  get lastError(): CheckpointError | undefined {
    return this.#lastError;
  }

  /**
   * Starts (once) the check that the stored log recomputes to the last signed checkpoint; `load`
   * awaits it. The node starts it before loading its decision index, so that the hashing (in a
   * worker thread, log/root-thread.ts) runs meanwhile.
   */
  verifyStored(): Promise<void> {
    this.#verified ??= this.#verifyStored();
    return this.#verified;
  }

  async #verifyStored(): Promise<void> {
    // Where processes share the log, the sequencer may have signed past what this one loaded.
    const [row] = await this.#db
      .select()
      .from(logCheckpoints)
      .where(this.#lease === undefined ? undefined : lte(logCheckpoints.size, this.#tree.size))
      .orderBy(desc(logCheckpoints.size))
      .limit(1);
    if (row !== undefined) {
      const size = Number(row.size);
      const root = new Uint8Array(row.root);
      if (size > this.#tree.size) {
        throw new LogIntegrityError(
          `log: the last signed checkpoint has size ${size} but the database holds ${this.#tree.size} entries; refusing to start`,
        );
      }
      const recomputed = await this.#tree.recomputeRoot(size);
      if (!equalBytes(recomputed, root) || !equalBytes(await this.#tree.rootAt(size), root)) {
        throw new LogIntegrityError(
          `log: the stored log does not recompute to the root of the last signed checkpoint (size ${size}); refusing to start`,
        );
      }
      this.#latest = { size, root, note: row.note };
      this.#signedAt = Date.parse(row.signedAt);
    }
  }

  /**
   * Reads the last signed checkpoint and checks that the stored log recomputes to it; throws
   * LogIntegrityError when it does not (the node must not start and sign a fork). Signs a first
   * checkpoint if there is none or the log grew.
   */
  async load(): Promise<SignedCheckpoint | undefined> {
    await this.verifyStored();
    if (this.#lease !== undefined && !this.#lease.held) return this.#latest;
    return this.sign();
  }

  /**
   * Schedules a checkpoint of the grown tree within the interval (called after appends). A failed
   * signing is logged, kept in `lastError` and tried again after a wait that doubles up to
   * RETRY_MAX_MS, so the log's last entries get a checkpoint once the fault (a full or read-only
   * database) is gone, even if nothing is appended meanwhile.
   */
  schedule(): void {
    this.#unsignedSince ??= this.#now();
    if (this.#timer !== undefined) return;
    const wait = Math.min(this.#intervalMs * 2 ** this.#failures, RETRY_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.sign().then(
        () => {
          this.#failures = 0;
        },
        () => {
          this.#failures = Math.min(this.#failures + 1, 16);
          if (this.#closed) return;
          this.schedule();
          if (this.#failures > 1) {
            console.error(
              `kyodaku-server: signing a checkpoint failed ${this.#failures} times in a row: ${this.#lastError?.message}; trying again in ${Math.round(Math.min(this.#intervalMs * 2 ** this.#failures, RETRY_MAX_MS) / 1000)} s`,
            );
          }
        },
      );
    }, wait);
    this.#timer.unref();
  }

  /** A checkpoint of the current tree: the latest one if the tree did not grow, else a new one. */
  sign(): Promise<SignedCheckpoint> {
    const run = this.#queue.then(() => this.#signNow());
    this.#queue = run.catch(() => undefined);
    run.then(
      () => {
        this.#lastError = undefined;
      },
      (error: unknown) => this.#failed(error),
    );
    return run;
  }

  #failed(error: unknown): void {
    if (this.#closed) return;
    const message = error instanceof Error ? error.message : String(error);
    const first = this.#lastError === undefined;
    this.#lastError = {
      at: toTimestamp(this.#now()),
      message,
      size: this.#tree.size,
      signedSize: this.#latest?.size ?? 0,
      since: this.#lastError?.since ?? toTimestamp(this.#now()),
    };
    // The first failure in a row with its cause; the retries of schedule() report the rest.
    if (first) console.error('kyodaku-server: signing a checkpoint failed:', error);
  }

  async #signNow(): Promise<SignedCheckpoint> {
    if (this.#lease !== undefined) {
      // Never sign below what the sequencer before stored; a process behind the stored log waits
      // for its follower to catch up.
      const storedMax = await this.#adoptStored();
      if (!this.#lease.held || storedMax > this.#tree.size) return this.#awaitCovering();
    }
    const previous = this.#latest;
    const startedAt = this.#now();
    const size = this.#tree.size;
    const root = this.#tree.root();
    assertMaySign(previous, { size, root });
    if (previous !== undefined && previous.size === size) {
      this.#unsignedSince = undefined;
      return previous;
    }
    if (previous !== undefined && previous.size > 0) {
      const proof = await this.#tree.consistencyProof(previous.size, size);
      if (!verifyConsistency(previous.size, size, proof, previous.root, root)) {
        throw new LogIntegrityError(`log: the tree of size ${size} does not extend the last checkpoint`);
      }
    }
    const body = formatCheckpointBody({ origin: this.#origin, size, rootHash: root });
    const note = signCheckpoint(body, { name: this.#origin, privateKey: this.#seed });
    await this.#writer.batch([
      statementOf(
        this.#db.insert(logCheckpoints).values({
          size,
          root: Buffer.from(root),
          note,
          signedAt: toTimestamp(this.#now()),
        }),
      ),
    ]);
    this.#latest = { size, root, note };
    this.#signedAt = this.#now();
    this.onSigned?.(this.#latest);
    // Entries appended while this one was signed wait for the next.
    this.#unsignedSince = this.#tree.size > size ? startedAt : undefined;
    return this.#latest;
  }

  /**
   * Not the sequencer: adopts the newest checkpoint the sequencer stored that this process's tree
   * reaches (the log follower calls it after catching up). The sequencer signs on its own schedule.
   */
  refresh(): Promise<unknown> {
    if (this.#lease === undefined || this.#lease.held) return Promise.resolve();
    const run = this.#queue.then(() => this.#adoptStored());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Adopts the newest checkpoint stored (by the lease's holder) that this process's tree reaches,
   * after checking that the tree has its root at that size; returns the largest size stored.
   */
  async #adoptStored(): Promise<number> {
    const size = this.#tree.size;
    const [row] = await this.#db
      .select()
      .from(logCheckpoints)
      .where(lte(logCheckpoints.size, size))
      .orderBy(desc(logCheckpoints.size))
      .limit(1);
    if (row !== undefined && row.size > (this.#latest?.size ?? -1)) {
      const root = new Uint8Array(row.root);
      if (!equalBytes(await this.#tree.rootAt(row.size), root)) {
        throw new LogIntegrityError(`log: the stored checkpoint of size ${row.size} is not this log's`);
      }
      this.#latest = { size: row.size, root, note: row.note };
      this.#signedAt = Date.parse(row.signedAt);
      // As after signing: entries past it wait for the sequencer's next checkpoint from now on.
      this.#unsignedSince = row.size >= this.#tree.size ? undefined : this.#now();
    }
    const [max] = await this.#db
      .select({ size: logCheckpoints.size })
      .from(logCheckpoints)
      .orderBy(desc(logCheckpoints.size))
      .limit(1);
    return max?.size ?? 0;
  }

  /**
   * Not the sequencer: the latest stored checkpoint, once one covers this process's tree (its own
   * acknowledged appends included: read-your-writes, docs/operations.md §7), waiting at most
   * COVER_WAIT_MS for the sequencer to sign it; after that the newest there is.
   */
  async #awaitCovering(): Promise<SignedCheckpoint> {
    const until = Date.now() + COVER_WAIT_MS;
    while ((this.#latest?.size ?? -1) < this.#tree.size && Date.now() < until && !this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await this.#adoptStored();
    }
    if (this.#latest === undefined) {
      throw new KyodakuError('ERR_STORAGE', 'the log has no signed checkpoint yet', {
        detail: { retryAfter: 1 },
      });
    }
    return this.#latest;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
