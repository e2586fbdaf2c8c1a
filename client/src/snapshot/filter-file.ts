/**
 * The filter file of one purpose group of a snapshot (spec/snapshot.md §4.1): a 32-byte header, the
 * binary fuse filter's fingerprints and the allowing URL prefix patterns, all little-endian. The
 * manifest names each file by its SHA-256; `parseFilterFile` checks every length and field before
 * it trusts any, since the bytes come from the network.
 */
import { isUrlPrefixPattern } from '../identifiers.ts';
import { LogVerificationError } from '../log/checkpoint.ts';
import type { FuseFilter } from './binary-fuse.ts';

export const FILTER_MAGIC = 'KYSF';
export const FILTER_VERSION = 1;
export const HEADER_BYTES = 32;
/** Largest segment length of the reference parameters (2^18). */
export const MAX_SEGMENT_LENGTH = 262_144;
/** Largest fingerprint array a client accepts: 2^28 fingerprints (512 MiB, ~230 M keys). */
export const MAX_FINGERPRINTS = 2 ** 28;
/** Longest pattern in bytes (an identifier has at most 2048 characters, each at most 3 UTF-8 bytes). */
const MAX_PATTERN_BYTES = 6144;

/** A set of 64-bit key hashes, asked by their halves (snapshot-delta.ts KeyHashSet). */
export interface KeyHashLookup {
  has(hi: number, lo: number): boolean;
}

export interface GroupFilter {
  filter: FuseFilter;
  /** Normalized `url:` prefix patterns whose own records allow a leaf of the group, ascending. */
  patterns: string[];
  /** A delta applied to the filter (spec/snapshot.md §7): key hashes added and removed since it. */
  overlay?: { added: KeyHashLookup; removed: KeyHashLookup };
}

const invalid = (why: string) => new LogVerificationError('ERR_SNAPSHOT_INVALID', `snapshot filter: ${why}`);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Byte order of UTF-8 strings (what the file lists patterns in). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function encodeFilterFile({ filter, patterns }: GroupFilter): Uint8Array {
  const encoded = [...patterns].sort(compareUtf8).map((p) => encoder.encode(p));
  const fingerprintBytes = filter.fingerprints.length * 2;
  const total = HEADER_BYTES + fingerprintBytes + encoded.reduce((n, p) => n + 2 + p.length, 0);
  const out = Buffer.alloc(total);
  out.write(FILTER_MAGIC, 0, 'latin1');
  out.writeUInt8(FILTER_VERSION, 4);
  out.writeUInt8(16, 5);
  out.writeUInt8(3, 6);
  out.writeUInt32LE(filter.seedHi, 8);
  out.writeUInt32LE(filter.seedLo, 12);
  out.writeUInt32LE(filter.segmentLength, 16);
  out.writeUInt32LE(filter.segmentCount, 20);
  out.writeUInt32LE(filter.keyCount, 24);
  out.writeUInt32LE(encoded.length, 28);
  let at = HEADER_BYTES;
  for (const fp of filter.fingerprints) {
    out.writeUInt16LE(fp, at);
    at += 2;
  }
  for (const p of encoded) {
    out.writeUInt16LE(p.length, at);
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export function parseFilterFile(bytes: Uint8Array): GroupFilter {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) throw invalid('shorter than its header');
  if (buf.toString('latin1', 0, 4) !== FILTER_MAGIC) throw invalid('not a Kyodaku snapshot filter');
  if (buf.readUInt8(4) !== FILTER_VERSION) throw invalid(`unknown version ${buf.readUInt8(4)}`);
  if (buf.readUInt8(5) !== 16 || buf.readUInt8(6) !== 3 || buf.readUInt8(7) !== 0) {
    throw invalid('not a 16-bit, 3-wise binary fuse filter');
  }
  const segmentLength = buf.readUInt32LE(16);
  const segmentCount = buf.readUInt32LE(20);
  const keyCount = buf.readUInt32LE(24);
  const patternCount = buf.readUInt32LE(28);
  if (
    segmentLength < 4 ||
    segmentLength > MAX_SEGMENT_LENGTH ||
    (segmentLength & (segmentLength - 1)) !== 0
  ) {
    throw invalid('segment length is not a power of two from 4 to 2^18');
  }
  if (segmentCount < 1 || (segmentCount + 2) * segmentLength > MAX_FINGERPRINTS) {
    throw invalid('segment count out of range');
  }
  const length = (segmentCount + 2) * segmentLength;
  let at = HEADER_BYTES + 2 * length;
  if (buf.length < at) throw invalid('shorter than its fingerprints');
  const fingerprints = new Uint16Array(length);
  for (let i = 0; i < length; i++) fingerprints[i] = buf.readUInt16LE(HEADER_BYTES + 2 * i);
  const patterns: string[] = [];
  for (let i = 0; i < patternCount; i++) {
    if (buf.length < at + 2) throw invalid('shorter than its patterns');
    const n = buf.readUInt16LE(at);
    if (n === 0 || n > MAX_PATTERN_BYTES || buf.length < at + 2 + n) throw invalid('a pattern is cut short');
    let pattern: string;
    try {
      pattern = utf8.decode(buf.subarray(at + 2, at + 2 + n));
    } catch {
      throw invalid('a pattern is not UTF-8');
    }
    if (!isUrlPrefixPattern(pattern)) throw invalid('a pattern is not a url prefix pattern');
    if (patterns.length > 0 && compareUtf8(patterns[patterns.length - 1]!, pattern) >= 0) {
      throw invalid('patterns are not in ascending order');
    }
    patterns.push(pattern);
    at += 2 + n;
  }
  if (at !== buf.length) throw invalid('bytes after the last pattern');
  const filter: FuseFilter = {
    seedHi: buf.readUInt32LE(8),
    seedLo: buf.readUInt32LE(12),
    segmentLength,
    segmentCount,
    keyCount,
    fingerprints,
  };
  return { filter, patterns };
}
