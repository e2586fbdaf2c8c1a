/**
 * A crawler's key directory (draft-meunier-http-message-signatures-directory): a JWK Set of its
 * Ed25519 keys served at `/.well-known/http-message-signatures-directory` as
 * `application/http-message-signatures-directory+json`, the response signed by every key in it
 * (`tag="http-message-signatures-directory"`, covering `"@authority";req` and `content-digest`,
 * RFC 9530), so that a directory cannot list a key its holder does not control.
 */
import { KyodakuError } from '../errors.ts';
import { assertAcceptablePublicKey, importPublicKey, keyIdOf, type PublicJwk, type Signer } from '../keys.ts';
import { MAX_CLOCK_SKEW_SECONDS } from './crawler-request.ts';
import { signMessage, taggedSignatures, verifyMessageSignature } from './message-signatures.ts';

export const KEY_DIRECTORY_MEDIA_TYPE = 'application/http-message-signatures-directory+json';
export const KEY_DIRECTORY_TAG = 'http-message-signatures-directory';
/** Most bytes of a key directory a node reads (REQ-CRAWLER-006). */
export const MAX_KEY_DIRECTORY_BYTES = 65_536;
/** Most keys of a key directory a node reads. */
export const MAX_KEY_DIRECTORY_KEYS = 32;

const encoder = new TextEncoder();

function invalid(message: string): never {
  throw new KyodakuError('ERR_CRAWLER_KEY', `key directory: ${message}`);
}

async function contentDigest(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(body));
  return `sha-256=:${Buffer.from(digest).toString('base64')}:`;
}

/** The JSON text of a key directory listing `keys` (each with its thumbprint as `kid`). */
export async function keyDirectoryBody(keys: PublicJwk[]): Promise<string> {
  const listed = await Promise.all(
    keys.map(async (k) => ({ kty: 'OKP', crv: 'Ed25519', kid: await keyIdOf(k), x: k.x, use: 'sig' })),
  );
  return JSON.stringify({ keys: listed });
}

/**
 * The headers of a key directory response at `url`, signed by every signer (one signature each,
 * labels `binding0`, `binding1`, …), valid from `nowMs` for `lifetimeSeconds`.
 */
export async function keyDirectoryHeaders(
  url: string,
  body: string,
  signers: Signer[],
  nowMs: number = Date.now(),
  lifetimeSeconds = 86_400,
): Promise<Record<string, string>> {
  const headers = new Headers({
    'content-type': KEY_DIRECTORY_MEDIA_TYPE,
    'content-digest': await contentDigest(body),
  });
  const created = Math.floor(nowMs / 1000);
  const inputs: string[] = [];
  const signatures: string[] = [];
  for (const [i, signer] of signers.entries()) {
    const signed = await signMessage(
      { headers, request: { method: 'GET', url } },
      {
        label: `binding${i}`,
        components: [['@authority', new Map([['req', true]])], 'content-digest'],
        params: { created, expires: created + lifetimeSeconds, keyid: signer.kid, tag: KEY_DIRECTORY_TAG },
        privateKey: signer.privateKey,
      },
    );
    inputs.push(signed.signatureInput);
    signatures.push(signed.signature);
  }
  return {
    ...Object.fromEntries(headers),
    'signature-input': inputs.join(', '),
    signature: signatures.join(', '),
    'cache-control': 'max-age=3600',
  };
}

function keysOf(body: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return invalid('the body is not JSON');
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) invalid('the body is not a JWK Set ({"keys": [...]})');
  if (keys.length > MAX_KEY_DIRECTORY_KEYS) invalid(`more than ${MAX_KEY_DIRECTORY_KEYS} keys`);
  return keys;
}

/**
 * The Ed25519 keys of a key directory fetched from `url` whose holders signed the response
 * (REQ-CRAWLER-006): the body's `Content-Digest` must match, and a key counts only when a
 * directory signature by it verifies and is in date. Other members and key types are ignored.
 */
export async function verifyKeyDirectory(
  url: string,
  response: { headers: { get(name: string): string | null }; body: string },
  nowMs: number,
): Promise<Map<string, PublicJwk>> {
  if (response.body.length > MAX_KEY_DIRECTORY_BYTES) invalid(`over ${MAX_KEY_DIRECTORY_BYTES} bytes`);
  if (response.headers.get('content-digest') !== (await contentDigest(response.body))) {
    invalid('Content-Digest is missing or does not match the body (sha-256)');
  }
  const candidates = new Map<string, PublicJwk>();
  for (const k of keysOf(response.body)) {
    const jwk = k as Partial<PublicJwk> | null;
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
    const publicJwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    try {
      assertAcceptablePublicKey(publicJwk);
    } catch {
      continue;
    }
    candidates.set(await keyIdOf(publicJwk), publicJwk);
  }
  let signatures: ReturnType<typeof taggedSignatures>;
  try {
    signatures = taggedSignatures(response.headers, KEY_DIRECTORY_TAG);
  } catch (error) {
    return invalid((error as Error).message);
  }
  const now = Math.floor(nowMs / 1000);
  const bound = new Map<string, PublicJwk>();
  const message = { headers: response.headers, request: { method: 'GET', url } };
  for (const signature of signatures) {
    const { keyid, created, expires } = signature.params;
    const jwk = candidates.get(keyid);
    if (jwk === undefined || bound.has(keyid)) continue;
    if (created > now + MAX_CLOCK_SKEW_SECONDS || expires < now - MAX_CLOCK_SKEW_SECONDS) continue;
    try {
      if (await verifyMessageSignature(message, signature, await importPublicKey(jwk))) bound.set(keyid, jwk);
    } catch {
      // A signature over components this profile does not use binds nothing.
    }
  }
  return bound;
}
