/**
 * RFC 9162 §2.1 transcribed literally: an oracle independent of the code under test, for the Merkle
 * tests and the spec/vectors/merkle-tree.json tests.
 */
import { createHash } from 'node:crypto';

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

export const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
/** MTH over leaf *entries* D[n]. */
export function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256();
  if (d.length === 1) return sha256(Uint8Array.of(0), d[0]!);
  const k = split(d.length);
  return sha256(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
export function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
export function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

/** `proof` with one bit of its hash `i` flipped. */
export function flip(proof: Uint8Array[], i: number): Uint8Array[] {
  return proof.map((h, j) => (j === i ? h.map((b, k) => (k === 7 ? b ^ 0x10 : b)) : h));
}
