/**
 * Signing and verifying Kyodaku objects (spec/kyodaku.md, "Signing"): JWS compact serialization,
 * `alg: Ed25519`, a JCS-canonical protected header of exactly {alg, kid, typ}, a JCS-canonical JSON
 * object payload. Verification checks the exact signed bytes and never re-serializes.
 */
import { base64url, CompactSign, compactVerify } from 'jose';
import { KyodakuError } from './errors.ts';
import { canonicalJson } from './jcs.ts';
import { checkJsonLimits, isWellFormedJson, SIGNED_JSON_LIMITS } from './json-limits.ts';
import type { PublicJwk, Signer } from './keys.ts';
import { importPublicKey } from './keys.ts';
import { OBJECT_KINDS, type ObjectKind, type PayloadOf } from './object-kinds.ts';
import { toHex } from './platform.ts';

/** Largest compact JWS a node accepts (also the largest log entry). */
export const MAX_JWS_BYTES = 65_535;

export const ALLOWED_ALGS = ['Ed25519', 'EdDSA'] as const;
const HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);

export interface ProtectedHeader {
  alg: 'Ed25519' | 'EdDSA';
  kid: string;
  typ: string;
}

export interface SignedObject<K extends ObjectKind = ObjectKind> {
  kind: K;
  /** SHA-256 of the compact JWS's ASCII bytes, lowercase hex. */
  id: string;
  jws: string;
  header: ProtectedHeader;
  payload: PayloadOf<K>;
}

/** The object id: lowercase hex SHA-256 of the compact serialization's ASCII bytes. */
export async function objectIdOf(jws: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(jws));
  return toHex(new Uint8Array(digest));
}

/** Signs a payload of the given kind; the payload is validated against the kind's schema first. */
export async function signObject<K extends ObjectKind>(
  kind: K,
  payload: PayloadOf<K>,
  signer: Signer,
): Promise<SignedObject<K>> {
  const checked = OBJECT_KINDS[kind].schema.safeParse(payload);
  if (!checked.success) {
    throw new KyodakuError('ERR_SCHEMA', `${kind} payload: ${checked.error.issues[0]?.message}`, {
      detail: checked.error.issues,
    });
  }
  if (!isWellFormedJson(payload)) {
    throw new KyodakuError('ERR_PAYLOAD_NONCANONICAL', `${kind} payload: a string holds a lone surrogate`);
  }
  const header: ProtectedHeader = { alg: 'Ed25519', kid: signer.kid, typ: OBJECT_KINDS[kind].typ };
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(payload)))
    .setProtectedHeader({ ...header })
    .sign(signer.privateKey);
  return { kind, id: await objectIdOf(jws), jws, header, payload };
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeSegment(segment: string, what: string): Uint8Array {
  if (!BASE64URL.test(segment)) throw new KyodakuError('ERR_JWS_INVALID', `${what} is not base64url`);
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(segment);
  } catch {
    throw new KyodakuError('ERR_JWS_INVALID', `${what} is not base64url`);
  }
  if (base64url.encode(bytes) !== segment) {
    throw new KyodakuError('ERR_JWS_INVALID', `${what} is not canonical base64url`);
  }
  return bytes;
}

/**
 * Parses canonical JSON object text from bytes: valid UTF-8, within the limits of REQ-SIG-015 (checked
 * before anything recursive sees the text), a JSON object, JCS form, no duplicates, no lone surrogate.
 */
function parseCanonicalObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_UTF8', `${what} is not valid UTF-8`);
  }
  checkJsonLimits(text, SIGNED_JSON_LIMITS, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_JSON', `${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KyodakuError('ERR_PAYLOAD_JSON', `${what} is not a JSON object`);
  }
  // Canonical form also rules out duplicate members: the parsed object has fewer members than the text.
  // A number beyond the range of a double (1e400) parses to Infinity, which has no JCS form.
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) {
    throw new KyodakuError('ERR_PAYLOAD_NONCANONICAL', `${what} is not in JCS canonical form (RFC 8785)`);
  }
  // JCS takes I-JSON (RFC 7493): a lone surrogate, which the canonicaliser writes as an escape, has
  // no canonical form (RFC 8785 verifiers refuse it).
  if (!isWellFormedJson(value)) {
    throw new KyodakuError('ERR_PAYLOAD_NONCANONICAL', `${what} has a string with a lone surrogate`);
  }
  return value as Record<string, unknown>;
}

export interface ParsedJws {
  header: ProtectedHeader;
  payload: Record<string, unknown>;
}

/** Structural checks of a compact JWS before any key is looked up. */
export function parseJws(jws: unknown, expectedKind: ObjectKind): ParsedJws {
  if (typeof jws !== 'string') throw new KyodakuError('ERR_JWS_INVALID', 'JWS must be a string');
  if (jws.length > MAX_JWS_BYTES)
    throw new KyodakuError('ERR_TOO_LARGE', `JWS is over ${MAX_JWS_BYTES} bytes`);
  const parts = jws.split('.');
  if (parts.length !== 3)
    throw new KyodakuError('ERR_JWS_INVALID', 'JWS compact serialization has three parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseCanonicalObject(decodeSegment(headerPart, 'protected header'), 'protected header');
  for (const member of Object.keys(header)) {
    if (!HEADER_MEMBERS.has(member)) {
      throw new KyodakuError('ERR_JWS_HEADER', `header member "${member}" is not allowed`);
    }
  }
  if (!(ALLOWED_ALGS as readonly unknown[]).includes(header.alg)) {
    throw new KyodakuError('ERR_JWS_ALG', `alg ${JSON.stringify(header.alg)} is not accepted; use Ed25519`);
  }
  if (typeof header.kid !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(header.kid)) {
    throw new KyodakuError('ERR_JWS_HEADER', 'kid must be an RFC 7638 thumbprint');
  }
  if (header.typ !== OBJECT_KINDS[expectedKind].typ) {
    throw new KyodakuError(
      'ERR_JWS_TYP',
      `typ ${JSON.stringify(header.typ)} does not match; expected ${OBJECT_KINDS[expectedKind].typ}`,
    );
  }
  if (decodeSegment(signaturePart, 'signature').length !== 64) {
    throw new KyodakuError('ERR_JWS_INVALID', 'an Ed25519 signature is 64 bytes');
  }
  const payload = parseCanonicalObject(decodeSegment(payloadPart, 'payload'), 'payload');
  return { header: header as unknown as ProtectedHeader, payload };
}

/**
 * Finds the public key a verified object must be signed with. Given the kid from the header and the
 * schema-checked payload, it returns the key bound to that kid for the payload's issuer, or throws
 * (ERR_JWS_KID when the kid is not bound to the issuer).
 */
export type KeyResolver<K extends ObjectKind> = (
  kid: string,
  payload: PayloadOf<K>,
) => PublicJwk | Promise<PublicJwk>;

/** Fully verifies a compact JWS object of the expected kind. */
export interface CheckedObject<K extends ObjectKind> {
  header: ProtectedHeader;
  /** The payload after the kind's schema. */
  payload: PayloadOf<K>;
  /** The payload exactly as signed. */
  signedPayload: Record<string, unknown>;
}

/**
 * Every check of verification before the key lookup and the signature (kyodaku.md §5.3, steps 1–10):
 * the structure of the compact JWS, the header, the payload and the kind's schema. Verifiers that
 * check the Ed25519 signature with another implementation (node:crypto on a server) start here.
 */
export function checkObject<K extends ObjectKind>(jws: unknown, kind: K): CheckedObject<K> {
  const { header, payload: raw } = parseJws(jws, kind);
  const checked = OBJECT_KINDS[kind].schema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new KyodakuError('ERR_SCHEMA', `${kind}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, {
      detail: checked.error.issues,
    });
  }
  return { header, payload: checked.data as PayloadOf<K>, signedPayload: raw };
}

export async function verifyObject<K extends ObjectKind>(
  jws: unknown,
  kind: K,
  resolveKey: KeyResolver<K>,
): Promise<SignedObject<K>> {
  const { header, payload } = checkObject(jws, kind);
  const key = await importPublicKey(await resolveKey(header.kid, payload));
  try {
    await compactVerify(jws as string, key, { algorithms: [...ALLOWED_ALGS] });
  } catch {
    throw new KyodakuError('ERR_SIGNATURE', 'signature does not verify');
  }
  return { kind, id: await objectIdOf(jws as string), jws: jws as string, header, payload };
}
