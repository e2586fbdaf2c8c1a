/** Hand-made compact JWS strings for the rejection vectors: real signatures over chosen bytes. */
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { base64url } from 'jose';
import type { TestKey } from './test-keys.ts';

const encoder = new TextEncoder();

export function b64(bytes: Uint8Array | string): string {
  return base64url.encode(typeof bytes === 'string' ? encoder.encode(bytes) : bytes);
}

/** Signs `header.payload` (both given as raw bytes or text) with a test key; returns the compact JWS. */
export function signRaw(key: TestKey, header: Uint8Array | string, payload: Uint8Array | string): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const privateKey = createPrivateKey({ key: { ...key.jwk }, format: 'jwk' });
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey);
  return `${signingInput}.${b64(signature)}`;
}

/** An HS256 "signature" keyed with the public key bytes: the classic algorithm-confusion forgery. */
export function hmacWithPublicKey(key: TestKey, header: string, payload: string): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const mac = createHmac('sha256', base64url.decode(key.jwk.x)).update(signingInput).digest();
  return `${signingInput}.${b64(mac)}`;
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Replaces S by S + L in a valid signature: the same value mod L, rejected by strict RFC 8032. */
export function malleateS(jws: string): string | undefined {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const sig = base64url.decode(s);
  let S = 0n;
  for (let i = 63; i >= 32; i--) S = (S << 8n) | BigInt(sig[i]!);
  const bigger = S + L;
  if (bigger >= 2n ** 256n) return undefined;
  const out = new Uint8Array(sig);
  let v = bigger;
  for (let i = 32; i < 64; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return `${h}.${p}.${b64(out)}`;
}

/** Flips the lowest bit of the last character's unused bits, keeping the decoded bytes the same. */
export function nonCanonicalBase64url(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const unusedBits = (segment.length * 6) % 8;
  if (unusedBits === 0) throw new Error('segment has no unused bits');
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last | 1]!;
}
