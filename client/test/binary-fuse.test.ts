/**
 * Binary fuse filters (Graf and Lemire 2022) and their key hash: MurmurHash3_x86_32 against the
 * published test vectors (https://stackoverflow.com/questions/14747343/murmurhash3-test-vectors, also
 * used by Boost.Hash2), the reference implementation's parameters, no false negatives, a measured
 * false-positive rate near 2^-16, and the filter file refusing hostile bytes.
 */
import { describe, expect, it } from 'vitest';
import {
  buildFuseFilter,
  encodeFilterFile,
  fuseContains,
  fuseContainsEach,
  fuseParameters,
  hashKey,
  keyHash,
  mulHi,
  murmur3,
  parseFilterFile,
} from '../src/index.ts';

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('MurmurHash3_x86_32 (published vectors)', () => {
  const vectors: Array<[string, number, number]> = [
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\xff\xff\xff\xff', 0, 0x76293b50],
    ['\x21\x43\x65\x87', 0, 0xf55b516b],
    ['\x21\x43\x65\x87', 0x5082edee, 0x2362f9de],
    ['\x21\x43\x65', 0, 0x7e4a8634],
    ['\x21\x43', 0, 0xa0f7b07a],
    ['\x21', 0, 0x72661cf4],
    ['\x00\x00\x00\x00', 0, 0x2362f9de],
    ['\x00\x00\x00', 0, 0x85f0b427],
    ['\x00\x00', 0, 0x30f4c306],
    ['\x00', 0, 0x514e28b7],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ];
  for (const [input, seed, expected] of vectors) {
    it(`${JSON.stringify(input)} seed ${seed.toString(16)}`, () => {
      expect(murmur3(latin1(input), seed)).toBe(expected);
    });
  }

  it('the string path hashes the UTF-8 bytes, ASCII or not', () => {
    for (const s of ['url:https://example.com/a', 'kyodaku:例え/孫悟空', 'abc', 'é', '']) {
      hashKey(s, 0x9747b28c, 7);
      const { hi, lo } = keyHash;
      expect(hi).toBe(murmur3(new TextEncoder().encode(s), 0x9747b28c));
      expect(lo).toBe(murmur3(new TextEncoder().encode(s), 7));
    }
  });
});

describe('binary fuse filter', () => {
  it("uses the reference implementation's parameters", () => {
    // 10^6 keys: segment length 2^13, size factor 1.125.
    expect(fuseParameters(1_000_000)).toEqual({
      segmentLength: 8192,
      segmentCount: 136,
      arrayLength: 1_130_496,
    });
    expect(fuseParameters(0).segmentLength).toBe(4);
    expect(fuseParameters(2)).toEqual({ segmentLength: 4, segmentCount: 1, arrayLength: 12 });
  });

  it('has no false negatives and a false-positive rate near 2^-16, at about 18 bits per key', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `url:https://example.com/works/${i}`);
    const filter = buildFuseFilter(keys);
    for (const k of keys) expect(fuseContains(filter, k)).toBe(true);
    let positives = 0;
    const trials = 2_000_000;
    for (let i = 0; i < trials; i++) if (fuseContains(filter, `url:https://absent.example/${i}`)) positives++;
    // Expected 2^-16 * 2e6 ≈ 30.5; a binomial within 4 standard deviations.
    expect(positives).toBeGreaterThan(8);
    expect(positives).toBeLessThan(55);
    expect((filter.fingerprints.length * 16) / keys.length).toBeLessThan(20);
  });

  it('answers a batch (fuseContainsEach) exactly as one key at a time, ASCII or not', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => (i % 3 ? `isbn:${i}` : `kyodaku:例え/${i}`));
    const filter = buildFuseFilter(keys);
    const queries = Array.from({ length: 40_000 }, (_, i) => (i % 4 ? `isbn:${i}` : `kyodaku:例え/${i}`));
    const out = new Uint8Array(queries.length);
    const found = fuseContainsEach(filter, queries, out);
    const one = queries.map((q) => (fuseContains(filter, q) ? 1 : 0));
    expect([...out]).toEqual(one);
    expect(found).toBe(one.filter((x) => x === 1).length);
    const held = new Set(keys);
    for (let i = 0; i < queries.length; i++) if (held.has(queries[i]!)) expect(out[i]).toBe(1);
    expect(found).toBeGreaterThanOrEqual(queries.filter((q) => held.has(q)).length);
    expect(fuseContainsEach(buildFuseFilter([]), ['isbn:1'], Uint8Array.of(7))).toBe(0);
    expect(() => fuseContainsEach(filter, ['isbn:1', 'isbn:2'], new Uint8Array(1))).toThrow(RangeError);
  });

  it('maps a hash onto a range exactly (floor(hi * n / 2^32)) below and above 2^21', () => {
    let state = 0x9e3779b9;
    const next = () => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state;
    };
    for (const n of [1, 12, 1_179_648, 0x200000, 0x200001, 50_000_000, 0xffffffff]) {
      for (const hi of [0, 1, 0xffffffff, 0x80000000]) {
        expect(mulHi(hi, n)).toBe(Number((BigInt(hi) * BigInt(n)) >> 32n));
      }
      for (let i = 0; i < 2_000; i++) {
        const hi = next();
        expect(mulHi(hi, n)).toBe(Number((BigInt(hi) * BigInt(n)) >> 32n));
      }
    }
  });

  it('holds nothing when built from no keys, and one key when built from one', () => {
    expect(fuseContains(buildFuseFilter([]), 'isbn:9784088725093')).toBe(false);
    expect(fuseContains(buildFuseFilter(['isbn:9784088725093']), 'isbn:9784088725093')).toBe(true);
  });
});

describe('filter file', () => {
  const file = () =>
    encodeFilterFile({
      filter: buildFuseFilter(['isbn:9784088725093', 'kyodaku:例え/1']),
      patterns: ['url:https://b.example/*', 'url:https://a.example/x*'],
    });

  it('round-trips, patterns in byte order', () => {
    const parsed = parseFilterFile(file());
    expect(parsed.patterns).toEqual(['url:https://a.example/x*', 'url:https://b.example/*']);
    expect(fuseContains(parsed.filter, 'kyodaku:例え/1')).toBe(true);
  });

  const hostile: Array<[string, (b: Buffer) => Buffer]> = [
    [
      'a wrong magic',
      (b) => {
        b.write('XXXX', 0, 'latin1');
        return b;
      },
    ],
    [
      'an unknown version',
      (b) => {
        b.writeUInt8(2, 4);
        return b;
      },
    ],
    [
      'a segment length that is no power of two',
      (b) => {
        b.writeUInt32LE(5, 16);
        return b;
      },
    ],
    [
      'a huge segment count',
      (b) => {
        b.writeUInt32LE(0xffffffff, 20);
        return b;
      },
    ],
    ['a cut file', (b) => b.subarray(0, b.length - 3)],
    ['a trailing byte', (b) => Buffer.concat([b, Buffer.from([0])])],
    [
      'more patterns than it holds',
      (b) => {
        b.writeUInt32LE(3, 28);
        return b;
      },
    ],
  ];
  for (const [what, mutate] of hostile) {
    it(`refuses ${what}`, () => {
      const bytes = mutate(Buffer.from(file()));
      expect(() => parseFilterFile(bytes)).toThrowError(
        expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID' }),
      );
    });
  }
});
