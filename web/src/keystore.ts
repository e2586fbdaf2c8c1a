/**
 * The publisher's key, made or imported in this browser and kept in its localStorage; the private key
 * is used by WebCrypto here and never leaves the page (nothing sends it; only signatures go out).
 */
import {
  generateKeyPair,
  importSigner,
  keyIdOf,
  type PrivateJwk,
  privateJwkFromSeed,
  type Signer,
} from '@kyodaku/client/browser';
import { base64urlBytes } from './objects.ts';

const STORAGE_KEY = 'kyodaku.key';

export interface HeldKey {
  jwk: PrivateJwk;
  kid: string;
  signer: Signer;
}

export async function heldKey(): Promise<HeldKey | undefined> {
  const text = localStorage.getItem(STORAGE_KEY);
  if (text === null) return undefined;
  try {
    return await asHeld(JSON.parse(text) as PrivateJwk);
  } catch {
    return undefined;
  }
}

async function asHeld(jwk: PrivateJwk): Promise<HeldKey> {
  const signer = await importSigner(jwk);
  return { jwk, kid: await keyIdOf(jwk), signer };
}

export async function generateKey(): Promise<HeldKey> {
  const { privateJwk } = await generateKeyPair();
  localStorage.setItem(STORAGE_KEY, JSON.stringify(privateJwk));
  return asHeld(privateJwk);
}

/** Imports a private Ed25519 JWK (what `kyodaku keygen` writes); throws when it is not one. */
export async function importKey(text: string): Promise<HeldKey> {
  const value = JSON.parse(text) as Partial<PrivateJwk>;
  if (
    value.kty !== 'OKP' ||
    value.crv !== 'Ed25519' ||
    typeof value.x !== 'string' ||
    typeof value.d !== 'string'
  ) {
    throw new Error('not a private Ed25519 JWK (kty OKP, crv Ed25519, x, d)');
  }
  const jwk: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: value.x, d: value.d };
  // WebCrypto need not check that x is the public key of d: a mismatch would sign under another kid.
  const derived = await privateJwkFromSeed(base64urlBytes(value.d));
  if (derived.x !== value.x) throw new Error('x is not the public key of d');
  const held = await asHeld(jwk);
  localStorage.setItem(STORAGE_KEY, JSON.stringify(jwk));
  return held;
}

export function forgetKey(): void {
  localStorage.removeItem(STORAGE_KEY);
}
