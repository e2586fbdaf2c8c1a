/**
 * RFC 6962 / RFC 9162 Merkle trees: the published transparency-dev vectors
 * (spec/vectors/published/transparency-dev-merkle), proofs generated for every tree up to 64
 * leaves checked against a literal transcription of the RFC's definitions, hostile arguments, and
 * spec/vectors/merkle-tree.json.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorFile } from '../../spec/scripts/lib/vector-file.ts';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleTreeBuilder,
  nodeHash,
  rangeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../src/log/merkle.ts';
import { PUBLISHED_VECTORS, SPEC_VECTORS } from './helpers/vectors.ts';

const PUBLISHED = new URL('transparency-dev-merkle/', PUBLISHED_VECTORS);
const MERKLE_TREE_VECTORS = new URL('merkle-tree.json', SPEC_VECTORS);

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// ---- RFC 9162 §2.1, transcribed literally (an oracle independent of the code under test) ----

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
/** MTH over leaf *entries* D[n]. */
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256();
  if (d.length === 1) return sha256(Uint8Array.of(0), d[0]!);
  const k = split(d.length);
  return sha256(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

// ---- the published vectors ----

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function published<T>(folder: string): Array<[string, T]> {
  const dir = new URL(`${folder}/`, PUBLISHED);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [`${folder}/${f}`, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as T]);
}

/**
 * Cases where this implementation is stricter than the Go reference, on purpose: the reference
 * compares roots of any length when sizes are equal; REQ-LOG-017 accepts only 32-byte hashes.
 */
const STRICTER_THAN_REFERENCE = new Set([
  'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json',
]);

/** The leaf entries of the RFC 6962 reference tree the published vectors are built on. */
const REFERENCE_ENTRIES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const REFERENCE_LEAVES = REFERENCE_ENTRIES.map(leafHash);

describe('transparency-dev/merkle published vectors', () => {
  const inclusion = published<InclusionCase>('inclusion');
  const consistency = published<ConsistencyCase>('consistency');

  it('are all present', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
  });

  it.each(inclusion)('inclusion %s', (_name, v) => {
    const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  it.each(consistency)('consistency %s', (name, v) => {
    const ok = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    expect(ok).toBe(!v.wantErr && !STRICTER_THAN_REFERENCE.has(name));
  });

  it('equal sizes with equal 32-byte roots and an empty proof are consistent', () => {
    expect(verifyConsistency(1, 1, [], REFERENCE_LEAVES[0]!, REFERENCE_LEAVES[0]!)).toBe(true);
  });

  it('the reference tree gives the leaf hashes, roots and proofs of every happy path', () => {
    const rootOf = (n: number) => rootFromLeafHashes(REFERENCE_LEAVES.slice(0, n));
    const read = (i: number) => REFERENCE_LEAVES[i]!;
    const happy = (name: string) => !name.includes('additional') && name.endsWith('happy-path.json');
    let checked = 0;
    for (const [name, v] of inclusion.filter(([n]) => happy(n))) {
      expect(hex(REFERENCE_LEAVES[v.leafIdx]!), name).toBe(hex(b64(v.leafHash)));
      expect(hex(rootOf(v.treeSize)), name).toBe(hex(b64(v.root)));
      expect(inclusionProof(read, v.leafIdx, v.treeSize).map(hex), name).toEqual(
        (v.proof ?? []).map(hexOf64),
      );
      checked++;
    }
    for (const [name, v] of consistency.filter(([n]) => happy(n))) {
      expect(hex(rootOf(v.size1)), name).toBe(hex(b64(v.root1)));
      expect(hex(rootOf(v.size2)), name).toBe(hex(b64(v.root2)));
      expect(consistencyProof(read, v.size1, v.size2).map(hex), name).toEqual((v.proof ?? []).map(hexOf64));
      checked++;
    }
    expect(checked).toBe(10);
  });
});

function hexOf64(s: string): string {
  return hex(b64(s));
}

// ---- generated proofs for every tree up to 64 leaves ----

const N = 64;
const ENTRIES = Array.from({ length: N }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
const LEAVES = ENTRIES.map(leafHash);
const readLeaf = (i: number) => LEAVES[i]!;
const ROOTS = Array.from({ length: N + 1 }, (_, n) => mth(ENTRIES.slice(0, n)));

/** Stored subtree hashes, as a store fed by MerkleTreeBuilder's listener holds them. */
function storedSubtrees(): (level: number, index: number) => Uint8Array | undefined {
  const stored = new Map<string, Uint8Array>();
  const builder = new MerkleTreeBuilder({ onSubtree: (l, i, h) => stored.set(`${l}/${i}`, h) });
  for (const leaf of LEAVES) builder.append(leaf);
  return (level, index) => stored.get(`${level}/${index}`);
}

describe('hashing', () => {
  it('leaf and node hashes are domain-separated SHA-256', () => {
    expect(hex(leafHash(ENTRIES[3]!))).toBe(hex(sha256(Uint8Array.of(0), ENTRIES[3]!)));
    expect(hex(nodeHash(LEAVES[0]!, LEAVES[1]!))).toBe(hex(sha256(Uint8Array.of(1), LEAVES[0]!, LEAVES[1]!)));
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('tree heads match MTH for every size up to 64', () => {
    for (let n = 0; n <= N; n++)
      expect(hex(rootFromLeafHashes(LEAVES.slice(0, n))), `n=${n}`).toBe(hex(ROOTS[n]!));
  });

  it('hashes any range of leaves, with or without stored subtrees', () => {
    const stored = storedSubtrees();
    for (let start = 0; start <= 20; start++) {
      for (let end = start; end <= 40; end++) {
        const want = hex(mth(ENTRIES.slice(start, end)));
        expect(hex(rangeHash(readLeaf, start, end)), `[${start}, ${end})`).toBe(want);
        expect(hex(rangeHash(readLeaf, start, end, stored)), `[${start}, ${end}) stored`).toBe(want);
      }
    }
    expect(() => rangeHash(readLeaf, 5, 4)).toThrow(RangeError);
  });
});

describe('MerkleTreeBuilder', () => {
  it('reports each complete subtree once with its position', () => {
    const seen: string[] = [];
    const builder = new MerkleTreeBuilder({ onSubtree: (l, i, h) => seen.push(`${l}/${i}/${hex(h)}`) });
    for (const leaf of LEAVES.slice(0, 8)) builder.append(leaf);
    const expected = [
      [1, 0],
      [1, 1],
      [2, 0],
      [1, 2],
      [1, 3],
      [2, 1],
      [3, 0],
    ].map(([l, i]) => `${l}/${i}/${hex(mth(ENTRIES.slice(i! * 2 ** l!, (i! + 1) * 2 ** l!)))}`);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('resumes from its size and peaks', () => {
    for (let n = 0; n <= 40; n++) {
      const first = new MerkleTreeBuilder();
      for (const leaf of LEAVES.slice(0, n)) first.append(leaf);
      const resumed = MerkleTreeBuilder.restore(first.size, first.peaks);
      for (const leaf of LEAVES.slice(n)) resumed.append(leaf);
      expect(hex(resumed.root()), `n=${n}`).toBe(hex(ROOTS[N]!));
    }
  });

  it('refuses a wrong number of peaks and hashes that are not 32 bytes', () => {
    expect(() => MerkleTreeBuilder.restore(3, [LEAVES[0]!])).toThrow(RangeError);
    expect(() => MerkleTreeBuilder.restore(1, [LEAVES[0]!.slice(1)])).toThrow(RangeError);
    expect(() => new MerkleTreeBuilder().append(new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('generated proofs up to 64 leaves', () => {
  const stored = storedSubtrees();

  it('every inclusion proof is PATH(m, D[n]) and verifies', () => {
    for (let n = 1; n <= N; n++) {
      const d = ENTRIES.slice(0, n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(readLeaf, m, n);
        expect(proof.map(hex), `m=${m} n=${n}`).toEqual(path(m, d).map(hex));
        expect(inclusionProof(readLeaf, m, n, stored).map(hex)).toEqual(proof.map(hex));
        expect(verifyInclusion(LEAVES[m]!, m, n, proof, ROOTS[n]!), `m=${m} n=${n}`).toBe(true);
        expect(verifyInclusion(LEAVES[m]!, m, n, proof, ROOTS[n - 1]!)).toBe(false);
        if (n > 1) expect(verifyInclusion(LEAVES[(m + 1) % n]!, m, n, proof, ROOTS[n]!)).toBe(false);
      }
    }
  });

  it('every consistency proof is PROOF(m, D[n]) and verifies', () => {
    for (let n = 1; n <= N; n++) {
      const d = ENTRIES.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(readLeaf, m, n);
        const want = m === n ? [] : subproof(m, d, true);
        expect(proof.map(hex), `m=${m} n=${n}`).toEqual(want.map(hex));
        expect(consistencyProof(readLeaf, m, n, stored).map(hex)).toEqual(proof.map(hex));
        expect(verifyConsistency(m, n, proof, ROOTS[m]!, ROOTS[n]!), `m=${m} n=${n}`).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, ROOTS[m - 1]!, ROOTS[n]!)).toBe(false);
          expect(verifyConsistency(m, n, proof, ROOTS[m]!, ROOTS[n - 1]!)).toBe(false);
        }
      }
    }
  });

  it('no bit of any proof can be flipped', () => {
    for (const n of [7, 8, 13, 32, 63]) {
      for (let m = 1; m < n; m++) {
        const incl = inclusionProof(readLeaf, m, n);
        const cons = consistencyProof(readLeaf, m, n);
        for (let i = 0; i < incl.length; i++) {
          expect(verifyInclusion(LEAVES[m]!, m, n, flip(incl, i), ROOTS[n]!)).toBe(false);
        }
        for (let i = 0; i < cons.length; i++) {
          expect(verifyConsistency(m, n, flip(cons, i), ROOTS[m]!, ROOTS[n]!)).toBe(false);
        }
      }
    }
  });

  it('refuses to generate proofs that do not exist', () => {
    expect(() => inclusionProof(readLeaf, 5, 5)).toThrow(RangeError);
    expect(() => inclusionProof(readLeaf, -1, 5)).toThrow(RangeError);
    expect(() => consistencyProof(readLeaf, 0, 5)).toThrow(RangeError);
    expect(() => consistencyProof(readLeaf, 6, 5)).toThrow(RangeError);
  });
});

function flip(proof: Uint8Array[], i: number): Uint8Array[] {
  return proof.map((h, j) => (j === i ? h.map((b, k) => (k === 7 ? b ^ 0x10 : b)) : h));
}

describe('hostile arguments make verification false, never throw', () => {
  const leaf = LEAVES[2]!;
  const proof = inclusionProof(readLeaf, 2, 7);
  const root = ROOTS[7]!;
  const hostile: unknown[] = [
    undefined,
    null,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    2n,
    '2',
    {},
    [],
    new Uint8Array(31),
    new Uint8Array(33),
    [new Uint8Array(32), 'x'],
    new Array(65).fill(new Uint8Array(32)),
  ];
  type Verify = (...args: unknown[]) => boolean;
  const inclusion = verifyInclusion as unknown as Verify;
  const consistency = verifyConsistency as unknown as Verify;

  it.each(hostile.map((h) => [h]))('%o in any position', (h) => {
    const inclArgs = [leaf, 2, 7, proof, root];
    const consProof = consistencyProof(readLeaf, 3, 7);
    const consArgs = [3, 7, consProof, ROOTS[3]!, root];
    for (let i = 0; i < inclArgs.length; i++) {
      expect(inclusion(...inclArgs.map((a, j) => (i === j ? h : a)))).toBe(false);
    }
    for (let i = 0; i < consArgs.length; i++) {
      expect(consistency(...consArgs.map((a, j) => (i === j ? h : a)))).toBe(false);
    }
  });

  it('sizes near 2^53 with garbage proofs', () => {
    const garbage = Array.from({ length: 53 }, (_, i) => LEAVES[i]!);
    const max = Number.MAX_SAFE_INTEGER;
    expect(verifyInclusion(leaf, max - 1, max, garbage, root)).toBe(false);
    expect(verifyInclusion(leaf, 0, max, garbage, root)).toBe(false);
    expect(verifyConsistency(max - 1, max, garbage, root, root)).toBe(false);
    expect(verifyConsistency(2 ** 52, max, garbage, root, root)).toBe(false);
  });
});

// ---- spec/vectors/merkle-tree.json ----

type Json = Record<string, unknown>;
interface Case {
  requirements: string[];
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid';
  input: Json;
  output?: Json;
}

const SPEC_ENTRIES = Array.from({ length: 8 }, (_, i) => `kyodaku-${i}`);
const SPEC_LEAVES = SPEC_ENTRIES.map((e) => leafHash(new TextEncoder().encode(e)));
const specLeaf = (i: number) => SPEC_LEAVES[i]!;
const specRoot = (n: number) => rootFromLeafHashes(SPEC_LEAVES.slice(0, n));

function inclusionCase(
  comment: string,
  flags: string[],
  args: { leaf: Uint8Array; index: number; size: number; proof: Uint8Array[]; root: Uint8Array },
): Case {
  return {
    requirements: flags.length === 0 ? ['REQ-LOG-014', 'REQ-LOG-015'] : ['REQ-LOG-015'],
    comment,
    flags,
    result: flags.length === 0 ? 'valid' : 'invalid',
    input: {
      operation: 'verifyInclusion',
      leafHash: hex(args.leaf),
      index: args.index,
      size: args.size,
      proof: args.proof.map(hex),
      root: hex(args.root),
    },
  };
}

function consistencyCase(
  comment: string,
  flags: string[],
  args: { size1: number; size2: number; proof: Uint8Array[]; root1: Uint8Array; root2: Uint8Array },
): Case {
  return {
    requirements: flags.length === 0 ? ['REQ-LOG-016', 'REQ-LOG-017'] : ['REQ-LOG-017'],
    comment,
    flags,
    result: flags.length === 0 ? 'valid' : 'invalid',
    input: {
      operation: 'verifyConsistency',
      size1: args.size1,
      size2: args.size2,
      proof: args.proof.map(hex),
      root1: hex(args.root1),
      root2: hex(args.root2),
    },
  };
}

function buildMerkleTreeVectors() {
  const tests: Case[] = [];
  for (let n = 0; n <= 8; n++) {
    tests.push({
      requirements: ['REQ-LOG-005'],
      comment: `tree head of the first ${n} entries`,
      flags: [],
      result: 'valid',
      input: { operation: 'treeHead', entries: SPEC_ENTRIES.slice(0, n) },
      output: { leafHashes: SPEC_LEAVES.slice(0, n).map(hex), root: hex(specRoot(n)) },
    });
  }
  for (let n = 1; n <= 8; n++) {
    for (let m = 0; m < n; m++) {
      const proof = inclusionProof(specLeaf, m, n);
      tests.push(
        inclusionCase(`leaf ${m} in a tree of ${n}`, [], {
          leaf: specLeaf(m),
          index: m,
          size: n,
          proof,
          root: specRoot(n),
        }),
      );
    }
  }
  const good = {
    leaf: specLeaf(2),
    index: 2,
    size: 7,
    proof: inclusionProof(specLeaf, 2, 7),
    root: specRoot(7),
  };
  const [p0, p1, p2] = good.proof as [Uint8Array, Uint8Array, Uint8Array];
  const n01 = nodeHash(specLeaf(0), specLeaf(1));
  const n23 = nodeHash(specLeaf(2), specLeaf(3));
  const inclusionMutations: Array<[string, string, Partial<typeof good>]> = [
    ['the proof of leaf 2 for index 3', 'WrongIndex', { index: 3 }],
    ['index equal to the size', 'WrongIndex', { index: 7 }],
    ['size 4 with the root of size 4', 'WrongSize', { size: 4, root: specRoot(4) }],
    ['size 16 with the root of size 7', 'WrongSize', { size: 16 }],
    ['last proof hash removed', 'TruncatedProof', { proof: [p0, p1] }],
    ['empty proof', 'TruncatedProof', { proof: [] }],
    ['root hash appended to the proof', 'ExtendedProof', { proof: [p0, p1, p2, specRoot(7)] }],
    ['leaf hash prepended to the proof', 'ExtendedProof', { proof: [specLeaf(2), p0, p1, p2] }],
    ['a bit flipped in the first proof hash', 'ModifiedProof', { proof: flip(good.proof, 0) }],
    ['proof hashes swapped', 'ModifiedProof', { proof: [p1, p0, p2] }],
    ['the leaf hash of another entry', 'WrongLeaf', { leaf: specLeaf(3) }],
    [
      'SHA-256 of the entry (its object id) instead of its leaf hash',
      'WrongLeaf',
      {
        leaf: sha256(new TextEncoder().encode(SPEC_ENTRIES[2]!)),
      },
    ],
    ['the root of size 8', 'WrongRoot', { root: specRoot(8) }],
    ['leaf hash of 31 bytes', 'MalformedHash', { leaf: specLeaf(2).slice(0, 31) }],
    ['proof hash of 33 bytes', 'MalformedHash', { proof: [p0, p1, Uint8Array.of(...p2, 0)] }],
    ['root of 31 bytes', 'MalformedHash', { root: specRoot(7).slice(1) }],
    [
      'an interior node presented as a leaf: verifies against the root of 4 only with size 2, but the size is 4',
      'InteriorNodeAsLeaf',
      { leaf: n01, index: 0, size: 4, proof: [n23], root: specRoot(4) },
    ],
  ];
  for (const [comment, flag, change] of inclusionMutations) {
    tests.push(inclusionCase(comment, [flag], { ...good, ...change }));
  }
  tests.push({
    ...inclusionCase('the proof of leaf 2 in the tree of 7 also fits size 8', [], { ...good, size: 8 }),
    requirements: ['REQ-LOG-015', 'REQ-LOG-018'],
    flags: ['SizeNotBound'],
  });

  for (let n = 1; n <= 8; n++) {
    for (let m = 1; m <= n; m++) {
      tests.push(
        consistencyCase(`from ${m} to ${n}`, [], {
          size1: m,
          size2: n,
          proof: consistencyProof(specLeaf, m, n),
          root1: specRoot(m),
          root2: specRoot(n),
        }),
      );
    }
  }
  const cons = {
    size1: 3,
    size2: 7,
    proof: consistencyProof(specLeaf, 3, 7),
    root1: specRoot(3),
    root2: specRoot(7),
  };
  const c = cons.proof;
  const consistencyMutations: Array<[string, string, Partial<typeof cons>]> = [
    ['from the empty tree', 'SizeZero', { size1: 0, proof: [], root1: specRoot(0) }],
    ['size1 greater than size2', 'SizeOrder', { size1: 7, size2: 3, root1: specRoot(7), root2: specRoot(3) }],
    ['size2 4 with the root of size 4', 'WrongSize', { size2: 4, root2: specRoot(4) }],
    ['size2 16 with the root of size 7', 'WrongSize', { size2: 16 }],
    ['size1 2 with the root of size 2', 'WrongSize', { size1: 2, root1: specRoot(2) }],
    ['last proof hash removed', 'TruncatedProof', { proof: c.slice(0, -1) }],
    ['empty proof', 'TruncatedProof', { proof: [] }],
    ['root2 appended to the proof', 'ExtendedProof', { proof: [...c, specRoot(7)] }],
    ['root1 prepended to the proof', 'ExtendedProof', { proof: [specRoot(3), ...c] }],
    ['a bit flipped in the first proof hash', 'ModifiedProof', { proof: flip(c, 0) }],
    ['a bit flipped in the last proof hash', 'ModifiedProof', { proof: flip(c, c.length - 1) }],
    ['roots swapped', 'WrongRoot', { root1: specRoot(7), root2: specRoot(3) }],
    ['root1 of size 4', 'WrongRoot', { root1: specRoot(4) }],
    ['root2 of size 8', 'WrongRoot', { root2: specRoot(8) }],
    ['root1 of 31 bytes', 'MalformedHash', { root1: specRoot(3).slice(1) }],
    [
      'equal sizes with a non-empty proof',
      'ExtendedProof',
      {
        size1: 5,
        size2: 5,
        proof: [specRoot(5)],
        root1: specRoot(5),
        root2: specRoot(5),
      },
    ],
    [
      'equal sizes with different roots',
      'WrongRoot',
      {
        size1: 5,
        size2: 5,
        proof: [],
        root1: specRoot(5),
        root2: specRoot(6),
      },
    ],
  ];
  for (const [comment, flag, change] of consistencyMutations) {
    tests.push(consistencyCase(comment, [flag], { ...cons, ...change }));
  }
  tests.push({
    ...consistencyCase('the proof from 3 to 7 also fits size2 8', [], { ...cons, size2: 8 }),
    requirements: ['REQ-LOG-017', 'REQ-LOG-018'],
    flags: ['SizeNotBound'],
  });

  return vectorFile('RFC9162-SHA256-merkle-tree', 'spec/log.md', tests, {
    entries: 'entries are the UTF-8 bytes of the given strings; hashes are lowercase hex',
    operation:
      'treeHead: leaf hashes and MTH of the entries; verifyInclusion / verifyConsistency: run the RFC 9162 §2.1.3.2 / §2.1.4.2 verification',
    generation:
      'the proof of every valid case is exactly the proof a node generates (RFC 9162 §2.1.3.1, §2.1.4.1)',
    WrongIndex: 'the index does not match the proof',
    WrongSize: 'a tree size that does not match the proof',
    TruncatedProof: 'hashes missing from the proof',
    ExtendedProof: 'hashes added to the proof',
    ModifiedProof: 'a proof hash changed or moved',
    WrongLeaf: 'a leaf hash that is not the leaf proven',
    WrongRoot: 'a root hash that is not the one proven',
    MalformedHash: 'a hash that is not 32 bytes',
    InteriorNodeAsLeaf: 'second-preimage attempt; refused because the size comes from the checkpoint',
    SizeNotBound:
      'valid: a proof does not fix the tree size, so a client takes size and root from a verified checkpoint (REQ-LOG-018)',
    SizeZero: 'a consistency proof from the empty tree does not exist',
    SizeOrder: 'size1 greater than size2',
  });
}

/** The union of the inputs of the three operations. */
interface VectorInput {
  operation: 'treeHead' | 'verifyInclusion' | 'verifyConsistency';
  entries: string[];
  leafHash: string;
  index: number;
  size: number;
  proof: string[];
  root: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
}

describe('spec/vectors/merkle-tree.json', () => {
  const built = `${JSON.stringify(buildMerkleTreeVectors(), null, 2)}\n`;
  if (process.env.UPDATE_VECTORS === '1') writeFileSync(MERKLE_TREE_VECTORS, built);
  const file = JSON.parse(readFileSync(MERKLE_TREE_VECTORS, 'utf8')) as ReturnType<
    typeof buildMerkleTreeVectors
  >;

  it('is what the code computes (regenerate with UPDATE_VECTORS=1)', () => {
    expect(readFileSync(MERKLE_TREE_VECTORS, 'utf8')).toBe(built);
  });

  it.each(file.tests.map((t) => [t.tcId, t.comment, t]))('#%i %s', (_id, _comment, t) => {
    const i = t.input as unknown as VectorInput;
    if (i.operation === 'treeHead') {
      const entries = i.entries.map((e) => new TextEncoder().encode(e));
      expect(t.output).toEqual({ leafHashes: entries.map((e) => hex(leafHash(e))), root: hex(mth(entries)) });
      return;
    }
    const proof = i.proof.map(unhex);
    const ok =
      i.operation === 'verifyInclusion'
        ? verifyInclusion(unhex(i.leafHash), i.index, i.size, proof, unhex(i.root))
        : verifyConsistency(i.size1, i.size2, proof, unhex(i.root1), unhex(i.root2));
    expect(ok).toBe(t.result === 'valid');
  });
});
