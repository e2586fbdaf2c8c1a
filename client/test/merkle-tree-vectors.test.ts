/**
 * spec/vectors/merkle-tree.json (RFC 9162 tree heads, inclusion and consistency proofs, and hostile
 * proofs, each citing its requirements): built from the code, checked equal to the file, and every
 * vector verified, tree heads against a literal transcription of the RFC.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorFile } from '../../spec/scripts/lib/vector-file.ts';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../src/log/merkle.ts';
import { flip, hex, mth, sha256, unhex } from './helpers/rfc6962-reference.ts';
import { SPEC_VECTORS } from './helpers/vectors.ts';

const MERKLE_TREE_VECTORS = new URL('merkle-tree.json', SPEC_VECTORS);

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
