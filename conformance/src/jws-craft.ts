/**
 * Hand-made compact JWS for hostile cases: arbitrary header and payload bytes, signed (or not) with
 * a test key. Nothing here goes through the library's signer, so every deviation is exactly the one
 * the case names.
 */
import { canonicalJson, type Signer } from '@kyodaku/client';
import { base64url } from 'jose';

const encoder = new TextEncoder();

export function b64(bytes: Uint8Array | string): string {
  return base64url.encode(typeof bytes === 'string' ? encoder.encode(bytes) : bytes);
}

export function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The Ed25519 signature of `data` with a test signer. */
export async function ed25519Sign(signer: Signer, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign({ name: 'Ed25519' }, signer.privateKey, data as BufferSource),
  );
}

export interface CraftInput {
  /** A header object (serialized canonically) or the exact header bytes/text. */
  header: Record<string, unknown> | string | Uint8Array;
  /** A payload object (serialized canonically) or the exact payload bytes/text. */
  payload: Record<string, unknown> | string | Uint8Array;
  /** Sign with this key; when absent, `signature` is used as is (default empty). */
  signer?: Signer;
  signature?: Uint8Array;
}

function part(value: Record<string, unknown> | string | Uint8Array): string {
  if (value instanceof Uint8Array) return b64(value);
  if (typeof value === 'string') return b64(value);
  return b64(canonicalJson(value));
}

/** A compact JWS over exactly the given header and payload. */
export async function craftJws(input: CraftInput): Promise<string> {
  const signingInput = `${part(input.header)}.${part(input.payload)}`;
  const signature = input.signer
    ? await ed25519Sign(input.signer, bytesOf(signingInput))
    : (input.signature ?? new Uint8Array());
  return `${signingInput}.${b64(signature)}`;
}

/** `value` with the members of every object sorted, so that JSON.stringify writes them in RFC 8785 order. */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function splitJws(jws: string): [string, string, string] {
  const [h = '', p = '', s = ''] = jws.split('.');
  return [h, p, s];
}

/** The group order L of edwards25519. */
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Adds L to the scalar S of a signature (little-endian bytes 32..63): the same signature, malleated. */
export function malleateSignature(signature: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) + BigInt(signature[i]!);
  s += ED25519_L;
  const out = new Uint8Array(signature);
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

/** The encoding of the neutral point (0, 1), a point of small order. */
export function identityPoint(): Uint8Array {
  const bytes = new Uint8Array(32);
  bytes[0] = 1;
  return bytes;
}

/** A non-canonical encoding: y = p + 1 (≡ 1), which a strict decoder refuses. */
export function nonCanonicalPoint(): Uint8Array {
  let y = 2n ** 255n - 19n + 1n;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(y & 0xffn);
    y >>= 8n;
  }
  return bytes;
}
