/**
 * The 64-bit key hash of a snapshot filter (spec/snapshot.md §4.2): MurmurHash3_x86_32 of the UTF-8
 * bytes of the normalized identifier, once with the high and once with the low 32 bits of the
 * filter's seed, both computed in one pass. An ASCII string is hashed from its code units without
 * encoding it (its UTF-8 bytes are its code units), which keeps a local check to a few hundred
 * nanoseconds.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The two halves of the last key hashed (hashKey writes here instead of allocating). */
export const keyHash = { hi: 0, lo: 0 };

const encoder = new TextEncoder();

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixBlock(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** One block into a state: `m` is the block already mixed (the same for both seeds). */
function round(h: number, m: number): number {
  h ^= m;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3_x86_32 of bytes with a 32-bit seed (Austin Appleby's SMHasher reference). */
export function murmur3(bytes: Uint8Array, seed: number): number {
  hashBytes(bytes, seed, seed);
  return keyHash.hi;
}

/** Both halves over bytes: keyHash.hi with seedHi, keyHash.lo with seedLo. */
export function hashBytes(bytes: Uint8Array, seedHi: number, seedLo: number): void {
  let h1 = seedHi | 0;
  let h2 = seedLo | 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const m = mixBlock(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h1 = round(h1, m);
    h2 = round(h2, m);
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    for (let j = tail - 1; j >= 0; j--) k = (k << 8) | bytes[blocks + j]!;
    const m = mixBlock(k);
    h1 ^= m;
    h2 ^= m;
  }
  keyHash.hi = finish(h1, n);
  keyHash.lo = finish(h2, n);
}

/**
 * Both halves of the key hash of an identifier (its UTF-8 bytes) into keyHash. ASCII strings are
 * read as they are; any other string is encoded first.
 */
export function hashKey(key: string, seedHi: number, seedLo: number): void {
  const n = key.length;
  let h1 = seedHi | 0;
  let h2 = seedLo | 0;
  const blocks = n & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    const a = key.charCodeAt(i);
    const b = key.charCodeAt(i + 1);
    const c = key.charCodeAt(i + 2);
    const d = key.charCodeAt(i + 3);
    if ((a | b | c | d) > 127) {
      hashBytes(encoder.encode(key), seedHi, seedLo);
      return;
    }
    const m = mixBlock(a | (b << 8) | (c << 16) | (d << 24));
    h1 = round(h1, m);
    h2 = round(h2, m);
  }
  let k = 0;
  for (let j = n - 1; j >= blocks; j--) {
    const c = key.charCodeAt(j);
    if (c > 127) {
      hashBytes(encoder.encode(key), seedHi, seedLo);
      return;
    }
    k = (k << 8) | c;
  }
  if (n & 3) {
    const m = mixBlock(k);
    h1 ^= m;
    h2 ^= m;
  }
  keyHash.hi = finish(h1, n);
  keyHash.lo = finish(h2, n);
}
