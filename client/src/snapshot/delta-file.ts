/**
 * The delta file of a snapshot delta (spec/snapshot.md §7): per purpose group, in the order of
 * SNAPSHOT_GROUPS, the 64-bit key hashes (under the seed of the base snapshot's filter of that group)
 * of the identifiers that became allowing and of those that stopped, and the prefix patterns added
 * and removed. Only key hashes travel for identifiers, as in the filters. `parseDeltaFile` checks
 * every count, order and length before it trusts any, since the bytes come from the network.
 */
import { isUrlPrefixPattern } from '../identifiers.ts';
import { LogVerificationError } from '../log/checkpoint.ts';
import { SNAPSHOT_GROUPS, type SnapshotGroup } from '../schemas/objects.ts';
import { compareUtf8 } from './filter-file.ts';
import { hashKey, keyHash } from './key-hash.ts';

export const DELTA_MAGIC = 'KYSD';
export const DELTA_VERSION = 1;
export const DELTA_HEADER_BYTES = 8;
/** Most key hashes (added and removed, all groups) a delta may carry (REQ-SNAP-015). */
export const MAX_DELTA_KEYS = 65_536;
/** Most prefix patterns (added and removed, all groups) a delta may carry (REQ-SNAP-015). */
export const MAX_DELTA_PATTERNS = 1024;
const MAX_PATTERN_BYTES = 6144;

export interface GroupDelta {
  group: SnapshotGroup;
  /** 64-bit key hashes `hi || lo`, ascending, no repetition; disjoint from `removed`. */
  added: BigUint64Array;
  removed: BigUint64Array;
  /** Normalized url prefix patterns, ascending in UTF-8 byte order. */
  patternsAdded: string[];
  patternsRemoved: string[];
}

const invalid = (why: string) => new LogVerificationError('ERR_SNAPSHOT_INVALID', `snapshot delta: ${why}`);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The 64-bit key hash of a normalized identifier under a filter's seed (spec/snapshot.md §4.2 step 2). */
export function keyHash64(key: string, seedHi: number, seedLo: number): bigint {
  hashKey(key, seedHi, seedLo);
  return (BigInt(keyHash.hi) << 32n) | BigInt(keyHash.lo);
}

/** The sorted, distinct key hashes of identifiers under a seed. */
export function keyHashesOf(keys: Iterable<string>, seedHi: number, seedLo: number): BigUint64Array {
  const hashes = BigUint64Array.from([...new Set([...keys].map((k) => keyHash64(k, seedHi, seedLo)))]);
  return hashes.sort();
}

export function encodeDeltaFile(groups: readonly GroupDelta[]): Uint8Array {
  const parts: Buffer[] = [Buffer.alloc(DELTA_HEADER_BYTES)];
  parts[0]!.write(DELTA_MAGIC, 0, 'latin1');
  parts[0]!.writeUInt8(DELTA_VERSION, 4);
  const patternBytes = (list: string[]) =>
    [...list].sort(compareUtf8).map((p) => {
      const bytes = encoder.encode(p);
      const out = Buffer.alloc(2 + bytes.length);
      out.writeUInt16LE(bytes.length, 0);
      out.set(bytes, 2);
      return out;
    });
  const hashBytes = (list: BigUint64Array) => {
    const out = Buffer.alloc(8 * list.length);
    for (const [i, h] of list.entries()) out.writeBigUInt64LE(h, 8 * i);
    return out;
  };
  for (const g of groups) {
    const counts = Buffer.alloc(16);
    counts.writeUInt32LE(g.added.length, 0);
    counts.writeUInt32LE(g.removed.length, 4);
    counts.writeUInt32LE(g.patternsAdded.length, 8);
    counts.writeUInt32LE(g.patternsRemoved.length, 12);
    parts.push(counts, hashBytes(g.added), hashBytes(g.removed));
    parts.push(...patternBytes(g.patternsAdded), ...patternBytes(g.patternsRemoved));
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** Parses a delta file, checking every field (spec/snapshot.md §7.2); throws ERR_SNAPSHOT_INVALID. */
export function parseDeltaFile(bytes: Uint8Array): GroupDelta[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < DELTA_HEADER_BYTES) throw invalid('shorter than its header');
  if (buf.toString('latin1', 0, 4) !== DELTA_MAGIC) throw invalid('not a Kyodaku delta file (magic)');
  if (buf.readUInt8(4) !== DELTA_VERSION)
    throw invalid(`version ${buf.readUInt8(4)} is not ${DELTA_VERSION}`);
  if (buf.readUInt8(5) !== 0 || buf.readUInt16LE(6) !== 0) throw invalid('reserved bytes are not zero');
  let at = DELTA_HEADER_BYTES;
  let keys = 0;
  let patternCount = 0;
  const hashes = (n: number): BigUint64Array => {
    if (buf.length < at + 8 * n) throw invalid('shorter than its key hashes');
    const out = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = buf.readBigUInt64LE(at + 8 * i);
      if (i > 0 && out[i]! <= out[i - 1]!) throw invalid('key hashes are not ascending');
    }
    at += 8 * n;
    return out;
  };
  const patterns = (n: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (buf.length < at + 2) throw invalid('shorter than its patterns');
      const length = buf.readUInt16LE(at);
      if (length === 0 || length > MAX_PATTERN_BYTES || buf.length < at + 2 + length) {
        throw invalid('a pattern is cut short');
      }
      let pattern: string;
      try {
        pattern = utf8.decode(buf.subarray(at + 2, at + 2 + length));
      } catch {
        throw invalid('a pattern is not UTF-8');
      }
      if (!isUrlPrefixPattern(pattern)) throw invalid('a pattern is not a url prefix pattern');
      if (out.length > 0 && compareUtf8(out[out.length - 1]!, pattern) >= 0) {
        throw invalid('patterns are not in ascending order');
      }
      out.push(pattern);
      at += 2 + length;
    }
    return out;
  };
  const groups: GroupDelta[] = [];
  for (const group of SNAPSHOT_GROUPS) {
    if (buf.length < at + 16) throw invalid('shorter than its group counts');
    const [a, r, pa, pr] = [0, 4, 8, 12].map((o) => buf.readUInt32LE(at + o)) as [
      number,
      number,
      number,
      number,
    ];
    keys += a + r;
    patternCount += pa + pr;
    if (keys > MAX_DELTA_KEYS) throw invalid(`more than ${MAX_DELTA_KEYS} key hashes`);
    if (patternCount > MAX_DELTA_PATTERNS) throw invalid(`more than ${MAX_DELTA_PATTERNS} patterns`);
    at += 16;
    const added = hashes(a);
    const removed = hashes(r);
    const removedSet = new Set(removed);
    if (added.some((h) => removedSet.has(h))) throw invalid('a key hash is both added and removed');
    const patternsAdded = patterns(pa);
    const patternsRemoved = patterns(pr);
    if (patternsAdded.some((p) => patternsRemoved.includes(p))) {
      throw invalid('a pattern is both added and removed');
    }
    groups.push({ group, added, removed, patternsAdded, patternsRemoved });
  }
  if (at !== buf.length) throw invalid('bytes after the last group');
  return groups;
}
