/** Ed25519 keys as JWKs (RFC 8037): generation, thumbprints (RFC 7638), import, small-order checks. */
import { getPublicKeyAsync, Point } from '@noble/ed25519';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  importJWK,
  generateKeyPair as joseGenerateKeyPair,
} from 'jose';
import { KyodakuError } from './errors.ts';
import { PublicJwk as PublicJwkSchema } from './schemas/primitives.ts';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

export type PublicKey = CryptoKey;
export type PrivateKey = CryptoKey;

/** A signing identity: the private key and the RFC 7638 thumbprint that names it in `kid`. */
export interface Signer {
  kid: string;
  privateKey: PrivateKey;
}

export async function generateKeyPair(): Promise<{
  privateJwk: PrivateJwk;
  publicJwk: PublicJwk;
  kid: string;
}> {
  const { privateKey } = await joseGenerateKeyPair('Ed25519', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const privateJwk: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d! };
  const publicJwk = publicJwkOf(privateJwk);
  return { privateJwk, publicJwk, kid: await keyIdOf(publicJwk) };
}

export function publicJwkOf(jwk: PublicJwk): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** The RFC 7638 SHA-256 thumbprint of an Ed25519 public key: its `kid`, and a party's id. */
export function keyIdOf(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint(publicJwkOf(jwk), 'sha256');
}

/** The raw 32-byte public key of a JWK. */
export function rawPublicKey(jwk: PublicJwk): Uint8Array {
  return base64url.decode(jwk.x);
}

/**
 * Checks that a JWK is an acceptable Ed25519 public key: the JWK shape, a canonical point encoding
 * and not of small order (a small-order key lets a signature verify for any message).
 */
export function assertAcceptablePublicKey(jwk: unknown): asserts jwk is PublicJwk {
  const parsed = PublicJwkSchema.safeParse(jwk);
  if (!parsed.success) throw new KyodakuError('ERR_KEY_INVALID', 'not an Ed25519 public JWK');
  const bytes = base64url.decode(parsed.data.x);
  if (bytes.length !== 32 || base64url.encode(bytes) !== parsed.data.x) {
    throw new KyodakuError('ERR_KEY_INVALID', 'public key must be 32 bytes in canonical base64url');
  }
  let point: Point;
  try {
    point = Point.fromBytes(bytes, false);
  } catch {
    throw new KyodakuError('ERR_KEY_INVALID', 'public key is not a valid Ed25519 point encoding');
  }
  if (point.isSmallOrder()) throw new KyodakuError('ERR_KEY_INVALID', 'public key has small order');
}

const publicKeyCache = new Map<string, Promise<PublicKey>>();

/** Imports a public JWK as a (cached) WebCrypto key for verification. */
export function importPublicKey(jwk: PublicJwk): Promise<PublicKey> {
  let key = publicKeyCache.get(jwk.x);
  if (key === undefined) {
    key = importJWK(publicJwkOf(jwk), 'Ed25519') as Promise<PublicKey>;
    key.catch(() => publicKeyCache.delete(jwk.x));
    if (publicKeyCache.size >= 100_000) publicKeyCache.clear();
    publicKeyCache.set(jwk.x, key);
  }
  return key;
}

export async function importSigner(jwk: PrivateJwk): Promise<Signer> {
  const privateKey = (await importJWK(jwk, 'Ed25519')) as PrivateKey;
  return { kid: await keyIdOf(jwk), privateKey };
}

/** A private JWK from a 32-byte seed (RFC 8032 secret key), e.g. for deterministic test vectors. */
export async function privateJwkFromSeed(seed: Uint8Array): Promise<PrivateJwk> {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const x = base64url.encode(await getPublicKeyAsync(seed));
  return { kty: 'OKP', crv: 'Ed25519', x, d: base64url.encode(seed) };
}
