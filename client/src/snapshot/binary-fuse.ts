/**
 * Binary fuse filters with 16-bit fingerprints and three hash positions (Graf and Lemire, "Binary
 * Fuse Filters: Fast and Smaller Than Xor Filters", ACM JEA 27, 2022), ported from the authors'
 * reference implementation (FastFilter/xor_singleheader, binaryfusefilter.h) with its published
 * parameters: segment length 2^floor(ln(n)/ln(3.33) + 2.25) capped at 2^18, size factor
 * max(1.125, 0.875 + 0.25 ln(10^6)/ln(n)), seeds from splitmix64 starting at 0x726b2b9d438b9d4d.
 * About 18 bits per key at a million keys and a false-positive rate of 2^-16. The keys are
 * identifier strings hashed with key-hash.ts; spec/snapshot.md §4 fixes every step of a query.
 */
import { hashKey, keyHash } from './key-hash.ts';

export interface FuseFilter {
  /** The 64-bit seed as two 32-bit halves. */
  seedHi: number;
  seedLo: number;
  segmentLength: number;
  segmentCount: number;
  /** The number of distinct keys the filter was built from (0: the filter holds nothing). */
  keyCount: number;
  /** (segmentCount + 2) * segmentLength fingerprints. */
  fingerprints: Uint16Array;
}

/** The reference implementation's cap on retries (XOR_MAX_ITERATIONS). */
const MAX_ITERATIONS = 100;

/** Segment length, segment count and array length for n keys (binary_fuse16_allocate). */
export function fuseParameters(n: number): {
  segmentLength: number;
  segmentCount: number;
  arrayLength: number;
} {
  const segmentLength = n === 0 ? 4 : Math.min(2 ** Math.floor(Math.log(n) / Math.log(3.33) + 2.25), 262_144);
  const sizeFactor = n <= 1 ? 0 : Math.max(1.125, 0.875 + (0.25 * Math.log(1_000_000)) / Math.log(n));
  const capacity = n <= 1 ? 0 : Math.round(n * sizeFactor);
  const segmentCount = Math.max(1, Math.ceil(capacity / segmentLength) - 2);
  return { segmentLength, segmentCount, arrayLength: (segmentCount + 2) * segmentLength };
}

/** floor(hi * n / 2^32), exact for 32-bit hi and n. */
export function mulHi(hi: number, n: number): number {
  // Below 2^21, hi * n < 2^53 is exact in a double (every filter up to ~1.8M keys).
  if (n <= 0x200000) return Math.floor((hi * n) / 4_294_967_296);
  const a = (hi >>> 16) * n;
  const b = (hi & 0xffff) * n;
  return Math.floor((a + Math.floor(b / 65_536)) / 65_536);
}

/** Whether the fingerprints at the key hash's three positions match (keyHash holds the hash). */
function matches(fp: Uint16Array, scl: number, length: number, hi: number, lo: number): boolean {
  const mask = length - 1;
  const h0 = mulHi(hi, scl);
  const h1 = (h0 + length) ^ (((lo >>> 18) | (hi << 14)) & mask);
  const h2 = (h0 + 2 * length) ^ (lo & mask);
  return ((hi ^ lo) & 0xffff) === (fp[h0]! ^ fp[h1]! ^ fp[h2]!);
}

/** True when the filter may hold the key; false means it certainly does not. */
export function fuseContains(filter: FuseFilter, key: string): boolean {
  if (filter.keyCount === 0) return false;
  hashKey(key, filter.seedHi, filter.seedLo);
  const length = filter.segmentLength;
  return matches(filter.fingerprints, filter.segmentCount * length, length, keyHash.hi, keyHash.lo);
}

/**
 * fuseContains over many keys at once: `out[i]` is 1 when the filter may hold `keys[i]`, else 0;
 * returns how many may be held. The filter's fields are read once for the whole batch (a local
 * check of a crawl's candidates, measured in bench/snapshot.ts).
 */
export function fuseContainsEach(filter: FuseFilter, keys: readonly string[], out: Uint8Array): number {
  if (out.length < keys.length) throw new RangeError('out is shorter than keys');
  if (filter.keyCount === 0) {
    out.fill(0, 0, keys.length);
    return 0;
  }
  const { seedHi, seedLo, fingerprints } = filter;
  const length = filter.segmentLength;
  const scl = filter.segmentCount * length;
  let found = 0;
  for (let i = 0; i < keys.length; i++) {
    hashKey(keys[i]!, seedHi, seedLo);
    const yes = matches(fingerprints, scl, length, keyHash.hi, keyHash.lo) ? 1 : 0;
    out[i] = yes;
    found += yes;
  }
  return found;
}

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 (the reference's binary_fuse_rng_splitmix64). */
function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * Builds a filter of the keys (duplicates allowed). Throws when a hundred seeds all fail, which for
 * distinct keys is less likely than a hardware fault.
 */
export function buildFuseFilter(keys: readonly string[]): FuseFilter {
  const size = keys.length;
  const { segmentLength, segmentCount, arrayLength } = fuseParameters(size);
  const fingerprints = new Uint16Array(arrayLength);
  if (size === 0) return { seedHi: 0, seedLo: 0, segmentLength, segmentCount, keyCount: 0, fingerprints };
  const mask = segmentLength - 1;
  const scl = segmentCount * segmentLength;
  const t2count = new Uint8Array(arrayLength);
  const t2hi = new Uint32Array(arrayLength);
  const t2lo = new Uint32Array(arrayLength);
  const alone = new Uint32Array(arrayLength);
  const orderHi = new Uint32Array(size);
  const orderLo = new Uint32Array(size);
  const occupied = new Uint8Array(size + 1);
  const reverseH = new Uint8Array(size);
  let blockBits = 1;
  while (1 << blockBits < segmentCount) blockBits++;
  const block = 1 << blockBits;
  const startPos = new Float64Array(block);
  const h = new Uint32Array(5);
  const positions = (hi: number, lo: number) => {
    const h0 = mulHi(hi, scl);
    h[0] = h0;
    h[1] = (h0 + segmentLength) ^ (((lo >>> 18) | (hi << 14)) & mask);
    h[2] = (h0 + 2 * segmentLength) ^ (lo & mask);
    h[3] = h[0]!;
    h[4] = h[1]!;
  };
  const rng = { s: 0x726b2b9d438b9d4dn };
  for (let loop = 0; loop < MAX_ITERATIONS; loop++) {
    const seed = splitmix64(rng);
    const seedHi = Number(seed >> 32n);
    const seedLo = Number(seed & 0xffffffffn);
    // Keys ordered by the top bits of their hash, so that the cells they touch are near each other.
    for (let i = 0; i < block; i++) startPos[i] = Math.floor((i * size) / block);
    occupied.fill(0);
    occupied[size] = 1;
    for (let i = 0; i < size; i++) {
      hashKey(keys[i]!, seedHi, seedLo);
      let segment = blockBits === 32 ? keyHash.hi : keyHash.hi >>> (32 - blockBits);
      while (occupied[startPos[segment]!] !== 0) segment = (segment + 1) & (block - 1);
      const at = startPos[segment]!;
      orderHi[at] = keyHash.hi;
      orderLo[at] = keyHash.lo;
      occupied[at] = 1;
      startPos[segment]!++;
    }
    t2count.fill(0);
    t2hi.fill(0);
    t2lo.fill(0);
    let error = false;
    let duplicates = 0;
    for (let i = 0; i < size; i++) {
      const hi = orderHi[i]!;
      const lo = orderLo[i]!;
      positions(hi, lo);
      const [h0, h1, h2] = [h[0]!, h[1]!, h[2]!];
      const add = (cell: number, slot: number) => {
        t2count[cell]! += 4;
        t2count[cell]! ^= slot;
        t2hi[cell]! ^= hi;
        t2lo[cell]! ^= lo;
      };
      add(h0, 0);
      add(h1, 1);
      add(h2, 2);
      if (((t2hi[h0]! & t2hi[h1]! & t2hi[h2]!) | (t2lo[h0]! & t2lo[h1]! & t2lo[h2]!)) === 0) {
        const twice = (cell: number) => t2hi[cell] === 0 && t2lo[cell] === 0 && t2count[cell] === 8;
        if (twice(h0) || twice(h1) || twice(h2)) {
          // The same 64-bit hash twice: a duplicate key, kept once.
          duplicates++;
          const remove = (cell: number, slot: number) => {
            t2count[cell]! -= 4;
            t2count[cell]! ^= slot;
            t2hi[cell]! ^= hi;
            t2lo[cell]! ^= lo;
          };
          remove(h0, 0);
          remove(h1, 1);
          remove(h2, 2);
        }
      }
      if (t2count[h0]! < 4 || t2count[h1]! < 4 || t2count[h2]! < 4) error = true;
    }
    if (error) continue;
    // Peeling: cells with one key, each freeing the key's other two cells.
    let queued = 0;
    for (let i = 0; i < arrayLength; i++) {
      alone[queued] = i;
      if (t2count[i]! >> 2 === 1) queued++;
    }
    let stack = 0;
    while (queued > 0) {
      const index = alone[--queued]!;
      if (t2count[index]! >> 2 !== 1) continue;
      const hi = t2hi[index]!;
      const lo = t2lo[index]!;
      positions(hi, lo);
      const found = t2count[index]! & 3;
      reverseH[stack] = found;
      orderHi[stack] = hi;
      orderLo[stack] = lo;
      stack++;
      for (const step of [1, 2]) {
        const other = h[found + step]!;
        alone[queued] = other;
        if (t2count[other]! >> 2 === 2) queued++;
        t2count[other]! -= 4;
        t2count[other]! ^= (found + step) % 3;
        t2hi[other]! ^= hi;
        t2lo[other]! ^= lo;
      }
    }
    if (stack + duplicates !== size) continue;
    fingerprints.fill(0);
    for (let i = stack - 1; i >= 0; i--) {
      const hi = orderHi[i]!;
      const lo = orderLo[i]!;
      positions(hi, lo);
      const found = reverseH[i]!;
      fingerprints[h[found]!] =
        ((hi ^ lo) & 0xffff) ^ fingerprints[h[found + 1]!]! ^ fingerprints[h[found + 2]!]!;
    }
    return { seedHi, seedLo, segmentLength, segmentCount, keyCount: size - duplicates, fingerprints };
  }
  throw new Error(`binary fuse filter: no seed worked for ${size} keys in ${MAX_ITERATIONS} tries`);
}
