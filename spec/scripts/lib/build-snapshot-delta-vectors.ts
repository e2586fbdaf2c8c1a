/**
 * spec/vectors/snapshot-deltas.json (spec/snapshot.md §7, §12): 64-bit key hashes under a seed, a
 * base filter file of the group `train` with a delta file applied to it (every other group empty),
 * with identifiers and urls positive and negative once it is applied, and malformed delta files a
 * client refuses to parse.
 */
import {
  buildFuseFilter,
  encodeDeltaFile,
  encodeFilterFile,
  type GroupDelta,
  keyHash64,
  keyHashesOf,
  parseFilterFile,
  schemas,
} from '@kyodaku/client';
import { vectorFile } from './vector-file.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hex64 = (h: bigint) => h.toString(16).padStart(16, '0');

const BASE_KEYS = ['isbn:9784088725093', 'url:https://example.com/works/1', 'isbn:9784063842760'];
const ADDED = ['doi:10.1000/182', 'kyodaku:example.com/孫悟空'];
const REMOVED = ['url:https://example.com/works/1'];
const OLD_PATTERN = 'url:https://photos.example/open/*';
const NEW_PATTERN = 'url:https://photos.example/new/*';
const QUERIES = [
  'isbn:9784088725093',
  'isbn:9784063842760',
  'doi:10.1000/182',
  'kyodaku:example.com/孫悟空',
  'url:https://example.com/works/1',
  'url:https://example.com/works/2',
  'url:https://photos.example/open/a.jpg',
  'url:https://photos.example/new/a.jpg',
];
const TRAIN = schemas.SNAPSHOT_GROUPS.indexOf('train');

/** The delta of the vectors: `train` changed under the base filter's seed, other groups empty. */
function deltaGroups(seedHi: number, seedLo: number): GroupDelta[] {
  return schemas.SNAPSHOT_GROUPS.map((group, g) => ({
    group,
    added: g === TRAIN ? keyHashesOf(ADDED, seedHi, seedLo) : new BigUint64Array(0),
    removed: g === TRAIN ? keyHashesOf(REMOVED, seedHi, seedLo) : new BigUint64Array(0),
    patternsAdded: g === TRAIN ? [NEW_PATTERN] : [],
    patternsRemoved: g === TRAIN ? [OLD_PATTERN] : [],
  }));
}

/** Whether a query is positive in `train` with the delta applied (REQ-SNAP-016). */
function positive(id: string): boolean {
  if (id.startsWith('url:https://photos.example/')) return id.startsWith(NEW_PATTERN.slice(0, -1));
  return (BASE_KEYS.includes(id) && !REMOVED.includes(id)) || ADDED.includes(id);
}

export function buildSnapshotDeltaVectors() {
  const tests = [];
  const base = encodeFilterFile({ filter: buildFuseFilter(BASE_KEYS), patterns: [OLD_PATTERN] });
  const { filter } = parseFilterFile(base);
  for (const id of [...BASE_KEYS, ...ADDED]) {
    tests.push({
      requirements: ['REQ-SNAP-015'],
      comment: `the key hash of ${id} under the seed of the base filter`,
      flags: ['key-hash'],
      input: { id, seedHi: filter.seedHi, seedLo: filter.seedLo },
      output: hex64(keyHash64(id, filter.seedHi, filter.seedLo)),
      result: 'valid' as const,
    });
  }
  const delta = encodeDeltaFile(deltaGroups(filter.seedHi, filter.seedLo));
  tests.push({
    requirements: ['REQ-SNAP-013', 'REQ-SNAP-015', 'REQ-SNAP-016'],
    comment: 'a base filter of train and a delta adding two identifiers and a pattern, removing one of each',
    flags: ['delta'],
    input: {
      group: 'train',
      base: b64(base),
      delta: b64(delta),
      queries: QUERIES.map((id) => ({ id, positive: positive(id) })),
    },
    output: {
      added: [...keyHashesOf(ADDED, filter.seedHi, filter.seedLo)].map(hex64),
      removed: [...keyHashesOf(REMOVED, filter.seedHi, filter.seedLo)].map(hex64),
      patterns: [NEW_PATTERN],
    },
    result: 'valid' as const,
  });
  const good = Buffer.from(delta);
  // The train section starts after the header and the empty tdm section (16 bytes of counts).
  const train = 8 + 16;
  const broken: Array<[string, (b: Buffer) => Buffer]> = [
    ['a wrong magic', (b) => Buffer.concat([Buffer.from('XXXX'), b.subarray(4)])],
    ['version 2', (b) => Buffer.concat([b.subarray(0, 4), Buffer.from([2]), b.subarray(5)])],
    [
      'added key hashes out of order',
      (b) => {
        const out = Buffer.from(b);
        b.copy(out, train + 16, train + 24, train + 32);
        b.copy(out, train + 24, train + 16, train + 24);
        return out;
      },
    ],
    [
      'a key hash both added and removed',
      (b) => {
        const out = Buffer.from(b);
        b.copy(out, train + 32, train + 16, train + 24);
        return out;
      },
    ],
    ['a file cut inside its key hashes', (b) => b.subarray(0, train + 20)],
    ['a byte after the last group', (b) => Buffer.concat([b, Buffer.from([0])])],
  ];
  for (const [what, mutate] of broken) {
    tests.push({
      requirements: ['REQ-SNAP-013'],
      comment: `a delta file with ${what}`,
      flags: ['malformed'],
      input: { delta: b64(mutate(Buffer.from(good))) },
      output: null,
      result: 'invalid' as const,
    });
  }
  return vectorFile('kyodaku-snapshot-delta', 'spec/snapshot.md §7', tests, {
    'key-hash':
      'output is the 64-bit key hash hi || lo (spec/snapshot.md §4.2 step 2) of input.id under the seed, as 16 lowercase hex digits',
    delta:
      'input.base is the filter file of input.group, input.delta a delta file (both base64); every other group of the base is empty; each query is positive or not in the group with the delta applied (REQ-SNAP-016); output lists the group section of the delta file',
    malformed: 'a client refuses to parse the delta file (REQ-SNAP-013)',
  });
}
