/**
 * The publisher's key, made or imported in this browser and kept in its localStorage; the private key
 * is used by WebCrypto here and never leaves the page (nothing sends it; only signatures go out).
 * After a key change (spec/kyodaku.md §6.4) the key signs for a party whose id is its first key's:
 * the party is kept beside the key.
 */
import {
  generateKeyPair,
  importSigner,
  keyIdOf,
  type PrivateJwk,
  privateJwkFromSeed,
  type Signer,
} from '@kyodaku/client/browser';
import { getJson } from './api.ts';
import { t } from './i18n.ts';
import { base64urlBytes } from './objects.ts';

const STORAGE_KEY = 'kyodaku.key';
const PARTY_KEY = 'kyodaku.party';

export interface HeldKey {
  jwk: PrivateJwk;
  /** The key's id (the `kid` of what it signs). */
  kid: string;
  /** The party it signs for (the `iss`): its own id until the party changed its key to this one. */
  party: string;
  signer: Signer;
}

export async function heldKey(): Promise<HeldKey | undefined> {
  const text = localStorage.getItem(STORAGE_KEY);
  if (text === null) return undefined;
  try {
    return await asHeld(JSON.parse(text) as PrivateJwk, localStorage.getItem(PARTY_KEY) ?? undefined);
  } catch {
    return undefined;
  }
}

async function asHeld(jwk: PrivateJwk, party?: string): Promise<HeldKey> {
  const signer = await importSigner(jwk);
  const kid = await keyIdOf(jwk);
  return { jwk, kid, party: party ?? kid, signer };
}

function keep(jwk: PrivateJwk, party: string | undefined): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(jwk));
  if (party === undefined) localStorage.removeItem(PARTY_KEY);
  else localStorage.setItem(PARTY_KEY, party);
}

export async function generateKey(): Promise<HeldKey> {
  const { privateJwk } = await generateKeyPair();
  keep(privateJwk, undefined);
  return asHeld(privateJwk);
}

/**
 * Imports a private Ed25519 JWK (what `kyodaku keygen` writes); throws when it is not one. With
 * `party`, the key is the new key of that party after a key change: the node must name it the
 * party's current key (`GET /v1/parties/{party}/keys`).
 */
export async function importKey(text: string, party?: string): Promise<HeldKey> {
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
  const kid = await keyIdOf(jwk);
  const signsFor = party === undefined || party === kid ? undefined : party;
  if (signsFor !== undefined) {
    const keys = await getJson<{ current: string }>(`/v1/parties/${encodeURIComponent(signsFor)}/keys`);
    if (keys.current !== kid) throw new Error(t('keyNotCurrent'));
  }
  const held = await asHeld(jwk, signsFor);
  keep(jwk, signsFor);
  return held;
}

export function forgetKey(): void {
  localStorage.removeItem(STORAGE_KEY);
  localStorage.removeItem(PARTY_KEY);
}
