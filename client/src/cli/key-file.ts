/**
 * Key files: an Ed25519 JWK as JSON. A private key file (`{"kty":"OKP","crv":"Ed25519","x","d"}`
 * plus an optional `kid`) is written with mode 0600 and never overwritten without `force`.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { KyodakuError } from '../errors.ts';
import {
  assertAcceptablePublicKey,
  importSigner,
  keyIdOf,
  type PrivateJwk,
  type PublicJwk,
  publicJwkOf,
  type Signer,
} from '../keys.ts';
import { note, usageError } from './output.ts';

export interface LoadedKey {
  path: string;
  kid: string;
  publicJwk: PublicJwk;
  signer: Signer;
}

function readJson(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KyodakuError('ERR_KEY_INVALID', `${what} ${path} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KyodakuError('ERR_KEY_INVALID', `${what} ${path} is not a JWK object`);
  }
  return value as Record<string, unknown>;
}

/** Writes a private key file with mode 0600; refuses to replace an existing file unless `force`. */
export function writeKeyFile(path: string, jwk: PrivateJwk & { kid?: string }, force: boolean): void {
  try {
    writeFileSync(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: force ? 'w' : 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KyodakuError('ERR_CONFLICT', `${path} exists; not overwriting a key without --force`);
    }
    throw usageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Writes a public key file (no secret in it, so mode 0644). */
export function writePublicKeyFile(path: string, jwk: PublicJwk & { kid: string }, force: boolean): void {
  try {
    writeFileSync(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o644, flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KyodakuError('ERR_CONFLICT', `${path} exists; not overwriting it without --force`);
    }
    throw usageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Reads a private key file and imports it for signing; warns when others may read it. */
export async function readPrivateKey(path: string, what = 'key file'): Promise<LoadedKey> {
  const jwk = readJson(path, what);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new KyodakuError('ERR_KEY_INVALID', `${what} ${path} is not a private Ed25519 JWK`);
  }
  assertAcceptablePublicKey(publicJwkOf(jwk as unknown as PublicJwk));
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      note(`warning: ${path} is readable by others; chmod 600 ${path}`);
    }
  } catch {
    // already read; a stat failure is not worth failing for
  }
  const privateJwk: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d };
  let signer: Signer;
  try {
    signer = await importSigner(privateJwk);
  } catch {
    throw new KyodakuError('ERR_KEY_INVALID', `${what} ${path} is not a usable Ed25519 private key`);
  }
  const publicJwk = publicJwkOf(privateJwk);
  return { path, kid: signer.kid, publicJwk, signer };
}

/** Reads the public half of a JWK file (a public key file or a private one). */
export async function readPublicKey(path: string): Promise<{ kid: string; publicJwk: PublicJwk }> {
  const jwk = readJson(path, 'key file');
  const publicJwk = publicJwkOf(jwk as unknown as PublicJwk);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw new KyodakuError('ERR_KEY_INVALID', `${path} is not an Ed25519 JWK`);
  }
  assertAcceptablePublicKey(publicJwk);
  return { kid: await keyIdOf(publicJwk), publicJwk };
}
