/**
 * The node's Merkle log over `objects` (spec/log.md): the in-memory tree head (a MerkleTreeBuilder
 * of the committed entries) and reads of the stored complete-subtree hashes (`log_hashes`) for
 * proofs, tiles and roots of earlier sizes. Appends are prepared here and committed by the store in
 * the transaction that inserts the objects.
 */
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleTreeBuilder,
  rangeHash,
  type SubtreeHashReader,
} from '@kyodaku/client';
import { sql } from 'drizzle-orm';
import { isPostgres } from '../db/dialect.ts';
import type { Db } from '../db/open.ts';
import { recomputeRootInThread } from './root-thread.ts';

export interface LogHashRow {
  level: number;
  idx: number;
  hash: Buffer;
}

/** An append in preparation: the rows to insert with the objects, and the tree to adopt after commit. */
export interface PreparedAppend {
  rows: LogHashRow[];
  leafHashes: Uint8Array[];
  commit(): void;
}

const key = (level: number, idx: number) => `${level}/${idx}`;
const DUMMY = new Uint8Array(32);

/** The log's leaf hash of an accepted object's compact JWS. */
export function leafHashOfJws(jws: string): Uint8Array {
  return leafHash(Buffer.from(jws, 'latin1'));
}

/** Reads stored hashes by (level, idx), many at once. */
async function readHashes(
  db: Db,
  keys: ReadonlyArray<readonly [number, number]>,
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  const unique = [...new Map(keys.map(([l, i]) => [key(l, i), [l, i] as const])).values()];
  for (let i = 0; i < unique.length; i += 300) {
    const chunk = unique.slice(i, i + 300);
    const rows = await db.all<{ level: number; idx: number; hash: ArrayBuffer }>(
      sql`SELECT level, idx, hash FROM log_hashes WHERE (level, idx) IN (VALUES ${sql.join(
        chunk.map(([l, x]) => sql`(CAST(${l} AS INTEGER), CAST(${x} AS INTEGER))`),
        sql`, `,
      )})`,
    );
    for (const row of rows) found.set(key(Number(row.level), Number(row.idx)), new Uint8Array(row.hash));
  }
  return found;
}

/** Subtree hashes of this level and above are kept in memory (32 bytes each, about n/32 in all). */
export const CACHED_LEVEL = 6;

/** Hashes of the levels >= CACHED_LEVEL, each level one growing buffer of 32-byte hashes. */
class UpperLevels {
  readonly #levels: Array<{ buf: Buffer; count: number }> = [];

  get(level: number, idx: number): Uint8Array | undefined {
    const l = this.#levels[level];
    if (l === undefined || idx >= l.count) return undefined;
    return l.buf.subarray(idx * 32, idx * 32 + 32);
  }

  count(level: number): number {
    return this.#levels[level]?.count ?? 0;
  }

  /** Appends the hash of (level, idx); idx must be the level's next index. */
  push(level: number, idx: number, hash: Uint8Array): void {
    let l = this.#levels[level];
    if (l === undefined) {
      l = { buf: Buffer.alloc(32 * 64), count: 0 };
      this.#levels[level] = l;
    }
    if (idx !== l.count) throw new Error(`log: cached level ${level} expected index ${l.count}, got ${idx}`);
    if (l.buf.length < 32 * (idx + 1)) {
      const grown = Buffer.alloc(l.buf.length * 2);
      l.buf.copy(grown);
      l.buf = grown;
    }
    l.buf.set(hash, idx * 32);
    l.count++;
  }
}

/**
 * Runs a pure Merkle computation over stored hashes in two passes: the first records which stored
 * hashes below CACHED_LEVEL it reads (every complete subtree is stored), the second computes with
 * them and the cached upper levels.
 */
async function overStored<T>(
  db: Db,
  upper: UpperLevels,
  compute: (readLeaf: (i: number) => Uint8Array, stored: SubtreeHashReader) => T,
): Promise<T> {
  const wanted: Array<[number, number]> = [];
  compute(
    (i) => {
      wanted.push([0, i]);
      return DUMMY;
    },
    (level, idx) => {
      if (level < CACHED_LEVEL || upper.get(level, idx) === undefined) wanted.push([level, idx]);
      return DUMMY;
    },
  );
  const hashes = await readHashes(db, wanted);
  const read = (level: number, idx: number) => {
    const h = hashes.get(key(level, idx)) ?? upper.get(level, idx);
    if (h === undefined) throw new Error(`log: stored hash ${key(level, idx)} is missing`);
    return h;
  };
  return compute((i) => read(0, i), read);
}

/** The complete subtrees (level, idx) that make up a tree of `size` leaves, largest first. */
function peakKeys(size: number): Array<[number, number]> {
  const keys: Array<[number, number]> = [];
  let start = 0;
  for (let level = 53; level >= 0; level--) {
    const width = 2 ** level;
    if (size - start >= width) {
      keys.push([level, start / width]);
      start += width;
    }
  }
  return keys;
}

export class LogTree {
  readonly #db: Db;
  #builder = new MerkleTreeBuilder();
  #upper = new UpperLevels();

  constructor(db: Db) {
    this.#db = db;
  }

  /** Number of committed entries. */
  get size(): number {
    return this.#builder.size;
  }

  /** Root hash of the committed tree. */
  root(): Uint8Array {
    return this.#builder.root();
  }

  /** Restores the tree head from the stored hashes: the log has `size` entries. */
  async restore(size: number): Promise<void> {
    const keys = peakKeys(size);
    const hashes = await readHashes(this.#db, keys);
    const peaks = keys.map(([l, i]) => {
      const h = hashes.get(key(l, i));
      if (h === undefined) throw new Error(`log: stored hash ${key(l, i)} of the tree head is missing`);
      return h;
    });
    this.#builder = MerkleTreeBuilder.restore(size, peaks);
    const upper = new UpperLevels();
    const rows = await this.#db.all<{ level: number; idx: number; hash: ArrayBuffer }>(
      sql`SELECT level, idx, hash FROM log_hashes WHERE level >= ${CACHED_LEVEL} ORDER BY level, idx`,
    );
    for (const row of rows) upper.push(Number(row.level), Number(row.idx), new Uint8Array(row.hash));
    for (let level = CACHED_LEVEL; 2 ** level <= size; level++) {
      if (upper.count(level) !== Math.floor(size / 2 ** level)) {
        throw new Error(`log: level ${level} has ${upper.count(level)} stored hashes for ${size} entries`);
      }
    }
    this.#upper = upper;
  }

  /** Number of stored leaf hashes (level 0). */
  async storedLeaves(): Promise<number> {
    const [row] = await this.#db.all<{ n: number | null }>(
      sql`SELECT max(idx) AS n FROM log_hashes WHERE level = 0`,
    );
    return row?.n == null ? 0 : Number(row.n) + 1;
  }

  /**
   * Prepares appending entries (compact JWS strings) to the committed tree: the hash rows to insert
   * in the same transaction, and `commit()` to call once that transaction has committed.
   */
  prepare(entries: readonly string[]): PreparedAppend {
    const base = this.#builder;
    const rows: LogHashRow[] = [];
    const next = MerkleTreeBuilder.restore(base.size, base.peaks, {
      onSubtree: (level, idx, hash) => rows.push({ level, idx, hash: Buffer.from(hash) }),
    });
    const leafHashes: Uint8Array[] = [];
    for (const jws of entries) {
      const leaf = leafHashOfJws(jws);
      leafHashes.push(leaf);
      rows.push({ level: 0, idx: next.append(leaf), hash: Buffer.from(leaf) });
    }
    return {
      rows,
      leafHashes,
      commit: () => {
        if (this.#builder !== base) throw new Error('log: concurrent appends');
        this.#builder = MerkleTreeBuilder.restore(next.size, next.peaks);
        for (const row of rows) if (row.level >= CACHED_LEVEL) this.#upper.push(row.level, row.idx, row.hash);
      },
    };
  }

  /** The stored leaf hash at an index. */
  async leafHash(index: number): Promise<Uint8Array | undefined> {
    return (await readHashes(this.#db, [[0, index]])).get(key(0, index));
  }

  /**
   * MTH of the first `size` entries recomputed from the stored leaf hashes alone (O(size)): what
   * the node checks against its last signed checkpoint at start-up.
   */
  recomputeRoot(size: number): Promise<Uint8Array> {
    return recomputeRootInThread(this.#leafPages(size));
  }

  /** The stored leaf hashes of the first `size` entries, concatenated, a page at a time. */
  async *#leafPages(size: number): AsyncGenerator<Uint8Array> {
    const page = 50_000;
    for (let start = 0; start < size; start += page) {
      const count = Math.min(page, size - start);
      // One row per page (the hashes in hex, concatenated): the client's cost is per row.
      const [row] = await this.#db.all<{ hex: string | null }>(
        isPostgres(this.#db)
          ? sql`SELECT string_agg(encode(hash, 'hex'), '' ORDER BY idx) AS hex FROM log_hashes
              WHERE level = 0 AND idx >= ${start} AND idx < ${start + count}`
          : sql`SELECT group_concat(h, '') AS hex FROM (SELECT hex(hash) AS h FROM log_hashes
              WHERE level = 0 AND idx >= ${start} AND idx < ${start + count} ORDER BY idx)`,
      );
      const hashes = Buffer.from(row?.hex ?? '', 'hex');
      if (hashes.length !== count * 32)
        throw new Error(`log: leaf hashes missing in [${start}, ${start + count})`);
      yield new Uint8Array(hashes); // a buffer of its own, to transfer (Buffer.from may share a pool)
    }
  }

  /** MTH of the first `size` committed entries. */
  rootAt(size: number): Promise<Uint8Array> {
    if (size === this.size) return Promise.resolve(this.root());
    return overStored(this.#db, this.#upper, (readLeaf, stored) => rangeHash(readLeaf, 0, size, stored));
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return overStored(this.#db, this.#upper, (readLeaf, stored) =>
      inclusionProof(readLeaf, index, size, stored),
    );
  }

  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return overStored(this.#db, this.#upper, (readLeaf, stored) =>
      consistencyProof(readLeaf, from, to, stored),
    );
  }

  /** `count` stored hashes of one level from `start` (a tile's contents), concatenated. */
  async hashesOfLevel(level: number, start: number, count: number): Promise<Buffer> {
    const rows = await this.#db.all<{ hash: ArrayBuffer }>(
      sql`SELECT hash FROM log_hashes WHERE level = ${level} AND idx >= ${start} AND idx < ${start + count} ORDER BY idx`,
    );
    if (rows.length !== count)
      throw new Error(`log: level ${level} lacks hashes in [${start}, ${start + count})`);
    return Buffer.concat(rows.map((r) => new Uint8Array(r.hash)));
  }
}
