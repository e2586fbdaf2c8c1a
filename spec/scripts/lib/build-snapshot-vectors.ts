/**
 * spec/vectors/snapshot-filters.json (spec/snapshot.md §12): MurmurHash3_x86_32 vectors (the
 * published SMHasher set), filter files built by the reference builder with identifiers positive
 * and negative in them, and malformed files a client refuses to parse.
 */
import {
  buildFuseFilter,
  encodeFilterFile,
  fuseContains,
  type GroupFilter,
  murmur3,
  parseFilterFile,
} from '@kyodaku/client';
import { vectorFile } from './vector-file.ts';

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const MURMUR: Array<[string, number]> = [
  ['', 0],
  ['', 1],
  ['', 0xffffffff],
  ['\xff\xff\xff\xff', 0],
  ['\x21\x43\x65\x87', 0x5082edee],
  ['\x21\x43\x65', 0],
  ['\x21', 0],
  ['aaaa', 0x9747b28c],
  ['abc', 0x9747b28c],
  ['Hello, world!', 0x9747b28c],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c],
];

const KEYS = [
  'isbn:9784088725093',
  'url:https://example.com/works/1',
  'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  'kyodaku:example.com/孫悟空',
  'doi:10.1000/182',
];
const ABSENT = ['isbn:9784063842760', 'url:https://example.com/works/2', 'kyodaku:example.com/ナルト'];
const PATTERNS = ['url:https://photos.example/open/*'];

function file(keys: string[], patterns: string[]): Uint8Array {
  const group: GroupFilter = { filter: buildFuseFilter(keys), patterns };
  return encodeFilterFile(group);
}

export function buildSnapshotVectors() {
  const tests = [];
  for (const [input, seed] of MURMUR) {
    tests.push({
      requirements: ['REQ-SNAP-005'],
      comment: `MurmurHash3_x86_32 of ${JSON.stringify(input)} with seed 0x${seed.toString(16)}`,
      flags: ['murmur3'],
      input: { bytes: hex(input), seed },
      output: murmur3(latin1(input), seed),
      result: 'valid' as const,
    });
  }
  for (const [keys, comment] of [
    [KEYS, 'five identifiers, one non-ASCII, and a prefix pattern'],
    [[], 'an empty filter: every identifier is negative'],
  ] as const) {
    const bytes = file([...keys], keys.length > 0 ? PATTERNS : []);
    const parsed = parseFilterFile(bytes);
    const queries = [...KEYS, ...ABSENT].map((id) => ({ id, positive: fuseContains(parsed.filter, id) }));
    tests.push({
      requirements: ['REQ-SNAP-004', 'REQ-SNAP-005'],
      comment,
      flags: ['filter'],
      input: { file: b64(bytes), queries },
      output: { patterns: parsed.patterns, keys: parsed.filter.keyCount },
      result: 'valid' as const,
    });
  }
  const good = Buffer.from(file(KEYS, PATTERNS));
  const broken: Array<[string, (b: Buffer) => Buffer]> = [
    ['a wrong magic', (b) => Buffer.concat([Buffer.from('XXXX'), b.subarray(4)])],
    ['version 2', (b) => Buffer.concat([b.subarray(0, 4), Buffer.from([2]), b.subarray(5)])],
    ['a file cut inside its fingerprints', (b) => b.subarray(0, 40)],
    ['a byte after the last pattern', (b) => Buffer.concat([b, Buffer.from([0])])],
  ];
  for (const [what, mutate] of broken) {
    tests.push({
      requirements: ['REQ-SNAP-005'],
      comment: `a filter file with ${what}`,
      flags: ['malformed'],
      input: { file: b64(mutate(Buffer.from(good))) },
      output: null,
      result: 'invalid' as const,
    });
  }
  return vectorFile('kyodaku-snapshot-filter', 'spec/snapshot.md §4', tests, {
    murmur3: 'input.bytes is hex; output is the 32-bit hash as an unsigned integer',
    filter:
      'input.file is a filter file (base64); each query gives an identifier and whether the query of spec/snapshot.md §4.2 is positive',
    malformed: 'a client refuses to parse the file (REQ-SNAP-005)',
  });
}
