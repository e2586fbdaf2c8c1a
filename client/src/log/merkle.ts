/**
 * RFC 9162 (RFC 6962) Merkle tree hashing with SHA-256 (spec/log.md): leaf and node hashes, tree
 * heads, and inclusion and consistency proofs, generated and verified. Pure: no storage, no I/O.
 *
 * Sizes and indexes are safe integers (below 2^53). Verification never throws: any malformed,
 * mistyped or out-of-range argument makes it return false. Generation trusts its caller and throws a
 * RangeError for arguments that name no proof.
 */
import { sha256 } from '../platform.ts';

/** Bytes in a SHA-256 hash, and in every leaf, node and root hash. */
export const HASH_SIZE = 32;

/** The longest proof a tree of at most 2^53 - 1 leaves has, plus the seed of a consistency proof. */
const MAX_PROOF_LENGTH = 64;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256();

/** A leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, entry);
}

/** 0x01 || left || right of two hashes, rewritten for each node hash (hashing is synchronous). */
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);

/**
 * An interior node hash: SHA-256(0x01 || left || right). Two hashes are copied into one reused
 * buffer (a log's start-up recomputes millions of nodes); other lengths are concatenated.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return sha256(NODE_PREFIX, left, right);
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/** The leaf hash at an index of the log. */
export type LeafHashReader = (index: number) => Uint8Array;

/**
 * Stored hashes of complete subtrees, or undefined when not stored. The subtree at `level` and
 * `index` covers the leaves [index * 2^level, (index + 1) * 2^level); level 0 is the leaves.
 */
export type SubtreeHashReader = (level: number, index: number) => Uint8Array | undefined;

/** A range of leaves [start, end). */
export interface LeafRange {
  start: number;
  end: number;
}

const half = (n: number) => Math.floor(n / 2);
const isOdd = (n: number) => n % 2 === 1;

/** The largest power of two smaller than n (n >= 2): where RFC 9162 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function log2IfPowerOfTwo(n: number): number | undefined {
  let level = 0;
  while (n > 1 && !isOdd(n)) {
    n = half(n);
    level++;
  }
  return n === 1 ? level : undefined;
}

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a safe non-negative integer`);
}

/**
 * The hash of the complete subtree at `level` and `index`, from stored subtree hashes where
 * available and from the leaf hashes otherwise (2^level leaf reads at worst).
 */
export function subtreeHash(
  readLeaf: LeafHashReader,
  level: number,
  index: number,
  stored?: SubtreeHashReader,
): Uint8Array {
  if (level === 0) return readLeaf(index);
  const cached = stored?.(level, index);
  if (cached !== undefined) return cached;
  return nodeHash(
    subtreeHash(readLeaf, level - 1, 2 * index, stored),
    subtreeHash(readLeaf, level - 1, 2 * index + 1, stored),
  );
}

/** MTH(D[start:end]) of RFC 9162 §2.1.1 over the log's leaves; the empty range hashes to EMPTY_ROOT. */
export function rangeHash(
  readLeaf: LeafHashReader,
  start: number,
  end: number,
  stored?: SubtreeHashReader,
): Uint8Array {
  assertSize('start', start);
  assertSize('end', end);
  if (end < start) throw new RangeError('end must not be below start');
  return rangeHashUnchecked(readLeaf, start, end, stored);
}

function rangeHashUnchecked(
  readLeaf: LeafHashReader,
  start: number,
  end: number,
  stored: SubtreeHashReader | undefined,
): Uint8Array {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  const level = log2IfPowerOfTwo(n);
  if (level !== undefined && start % n === 0) return subtreeHash(readLeaf, level, start / n, stored);
  const k = splitPoint(n);
  return nodeHash(
    rangeHashUnchecked(readLeaf, start, start + k, stored),
    rangeHashUnchecked(readLeaf, start + k, end, stored),
  );
}

/**
 * The ranges whose hashes form the inclusion proof of leaf `index` in the tree of `size` leaves,
 * bottom first: PATH(m, D[n]) of RFC 9162 §2.1.3.1. Lets a store fetch what a proof needs at once.
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  assertSize('size', size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError('index must be an integer in [0, size)');
  }
  const ranges: LeafRange[] = [];
  const path = (start: number, end: number): void => {
    if (end - start <= 1) return;
    const mid = start + splitPoint(end - start);
    if (index < mid) {
      path(start, mid);
      ranges.push({ start: mid, end });
    } else {
      path(mid, end);
      ranges.push({ start, end: mid });
    }
  };
  path(0, size);
  return ranges;
}

/**
 * The ranges whose hashes form the consistency proof from size1 to size2, in order: PROOF(m, D[n])
 * of RFC 9162 §2.1.4.1. Empty when size1 equals size2; a proof from the empty tree does not exist.
 */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  assertSize('size1', size1);
  assertSize('size2', size2);
  if (size1 === 0 || size1 > size2) throw new RangeError('a consistency proof needs 0 < size1 <= size2');
  const ranges: LeafRange[] = [];
  const subproof = (start: number, end: number, complete: boolean): void => {
    if (size1 === end) {
      if (!complete) ranges.push({ start, end });
      return;
    }
    const mid = start + splitPoint(end - start);
    if (size1 <= mid) {
      subproof(start, mid, complete);
      ranges.push({ start: mid, end });
    } else {
      subproof(mid, end, false);
      ranges.push({ start, end: mid });
    }
  };
  subproof(0, size2, true);
  return ranges;
}

/** The inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(
  readLeaf: LeafHashReader,
  index: number,
  size: number,
  stored?: SubtreeHashReader,
): Uint8Array[] {
  return inclusionProofRanges(index, size).map((r) => rangeHashUnchecked(readLeaf, r.start, r.end, stored));
}

/** The consistency proof between the trees of the first size1 and size2 leaves. */
export function consistencyProof(
  readLeaf: LeafHashReader,
  size1: number,
  size2: number,
  stored?: SubtreeHashReader,
): Uint8Array[] {
  return consistencyProofRanges(size1, size2).map((r) =>
    rangeHashUnchecked(readLeaf, r.start, r.end, stored),
  );
}

/** Called for every complete subtree (level >= 1) a builder finishes, e.g. to store its hash. */
export type SubtreeListener = (level: number, index: number, hash: Uint8Array) => void;

/**
 * An append-only tree head in O(log n) memory: the hashes of the complete subtrees that make up the
 * tree (a compact range over [0, size)), largest first.
 */
export class MerkleTreeBuilder {
  #size = 0;
  readonly #peaks: Uint8Array[] = [];
  readonly #onSubtree: SubtreeListener | undefined;

  constructor(options?: { onSubtree?: SubtreeListener }) {
    this.#onSubtree = options?.onSubtree;
  }

  /** Resumes a tree from its size and `peaks` (as a builder of that size returned them). */
  static restore(size: number, peaks: readonly Uint8Array[], options?: { onSubtree?: SubtreeListener }) {
    assertSize('size', size);
    let expected = 0;
    for (let n = size; n > 0; n = half(n)) if (isOdd(n)) expected++;
    if (peaks.length !== expected) throw new RangeError(`a tree of ${size} leaves has ${expected} peaks`);
    for (const peak of peaks) assertHash(peak);
    const builder = new MerkleTreeBuilder(options);
    builder.#size = size;
    builder.#peaks.push(...peaks.map((p) => p.slice()));
    return builder;
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the complete subtree hashes, largest (leftmost) first. */
  get peaks(): Uint8Array[] {
    return this.#peaks.map((p) => p.slice());
  }

  /** Appends a leaf hash and returns its index. */
  append(leaf: Uint8Array): number {
    assertHash(leaf);
    const index = this.#size;
    if (index >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let hash: Uint8Array = leaf.slice();
    let level = 0;
    for (let n = index; isOdd(n); n = half(n)) {
      hash = nodeHash(this.#peaks.pop()!, hash);
      level++;
      this.#onSubtree?.(level, half(n), hash);
    }
    this.#peaks.push(hash);
    this.#size = index + 1;
    return index;
  }

  /** MTH of the leaves appended so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    let root = this.#peaks.at(-1);
    if (root === undefined) return EMPTY_ROOT;
    for (let i = this.#peaks.length - 2; i >= 0; i--) root = nodeHash(this.#peaks[i]!, root);
    return root;
  }
}

function assertHash(h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new RangeError('a hash is 32 bytes');
}

/** MTH over a list of leaf hashes. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const builder = new MerkleTreeBuilder();
  for (const h of hashes) builder.append(h);
  return builder.root();
}

const isHash = (x: unknown): x is Uint8Array => x instanceof Uint8Array && x.length === HASH_SIZE;
const isSize = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isProof = (x: unknown): x is Uint8Array[] =>
  Array.isArray(x) && x.length <= MAX_PROOF_LENGTH && x.every(isHash);

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Whether `proof` proves that `leaf` is at `index` in the tree of `size` leaves with root `root`:
 * the algorithm of RFC 9162 §2.1.3.2.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(leaf) || !isHash(root) || !isSize(index) || !isSize(size) || !isProof(proof)) return false;
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * Whether `proof` proves that the tree of size2 leaves with root2 extends the tree of size1 leaves
 * with root1: the algorithm of RFC 9162 §2.1.4.2 for 0 < size1 < size2. Equal sizes need an empty
 * proof and equal roots; a proof from the empty tree (size1 = 0 < size2) is never valid.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isSize(size1) || !isSize(size2) || !isHash(root1) || !isHash(root2) || !isProof(proof)) return false;
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0 || proof.length === 0) return false;
  const path = log2IfPowerOfTwo(size1) === undefined ? proof : [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}
