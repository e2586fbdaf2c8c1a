/**
 * Verification of objects entering the log with node:crypto (the same checks as the client's
 * `verifyObject`, kyodaku.md §5): the structural and schema checks of `parseJws` and the object
 * kind's schema, then the Ed25519 signature with a cached KeyObject, run asynchronously in the
 * libuv thread pool so that the publications in flight are verified concurrently. The object id is
 * SHA-256 of the compact JWS.
 */
import { createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import {
  checkObject,
  KyodakuError,
  type ObjectKind,
  type PayloadOf,
  type SignedObject,
} from '@kyodaku/client';

/** A verified object with its payload exactly as signed (what the views answer with). */
export interface VerifiedObject<K extends ObjectKind> extends SignedObject<K> {
  signedPayload: Record<string, unknown>;
}

/** node:crypto public keys by their `x`, imported once (objects name few keys, many times). */
const keyObjects = new Map<string, KeyObject>();

/** The node:crypto public key of an (already checked) Ed25519 public JWK. */
export function keyObjectOf(jwk: { x: string }): KeyObject {
  let key = keyObjects.get(jwk.x);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    if (keyObjects.size >= 100_000) keyObjects.clear();
    keyObjects.set(jwk.x, key);
  }
  return key;
}

/** The object id: lowercase hex SHA-256 of the compact serialization's ASCII bytes. */
export function objectIdOf(jws: string): string {
  return hash('sha256', jws, 'hex');
}

function verifyEd25519(input: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    verify(null, input, key, signature, (error, ok) => resolve(error === null && ok));
  });
}

/** Fully verifies a compact JWS object of the expected kind with the key `keyOf` resolves. */
export async function verifySigned<K extends ObjectKind>(
  jws: unknown,
  kind: K,
  keyOf: (kid: string, payload: PayloadOf<K>) => KeyObject | Promise<KeyObject>,
): Promise<VerifiedObject<K>> {
  const { header, payload, signedPayload: raw } = checkObject(jws, kind);
  const key = await keyOf(header.kid, payload);
  const text = jws as string;
  const dot = text.lastIndexOf('.');
  // parseJws checked that every part is canonical base64url, so the signing input is ASCII.
  const ok = await verifyEd25519(
    Buffer.from(text.slice(0, dot), 'latin1'),
    key,
    Buffer.from(text.slice(dot + 1), 'base64url'),
  );
  if (!ok) throw new KyodakuError('ERR_SIGNATURE', 'signature does not verify');
  return { kind, id: objectIdOf(text), jws: text, header, payload, signedPayload: raw };
}
