/**
 * The node key (signs attestations) and the admin key (signs administrative requests), each a private
 * Ed25519 JWK in a file of the data dir, created on first start with mode 0600 and never overwritten.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateKeyPair,
  importSigner,
  keyIdOf,
  type PrivateJwk,
  type PublicJwk,
  publicJwkOf,
  type Signer,
} from '@kyodaku/client';

export interface KeyFile {
  path: string;
  created: boolean;
  kid: string;
  publicJwk: PublicJwk;
  privateJwk: PrivateJwk;
  signer: Signer;
}

async function loadOrCreate(path: string): Promise<KeyFile> {
  let created = false;
  let privateJwk: PrivateJwk;
  try {
    privateJwk = JSON.parse(readFileSync(path, 'utf8')) as PrivateJwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    privateJwk = (await generateKeyPair()).privateJwk;
    try {
      // `wx`: fail rather than overwrite a file another process created meanwhile.
      writeFileSync(path, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      created = true;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      privateJwk = JSON.parse(readFileSync(path, 'utf8')) as PrivateJwk;
    }
  }
  if (privateJwk?.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.d || !privateJwk.x) {
    throw new Error(`${path} is not a private Ed25519 JWK`);
  }
  const publicJwk = publicJwkOf(privateJwk);
  return {
    path,
    created,
    kid: await keyIdOf(publicJwk),
    publicJwk,
    privateJwk,
    signer: await importSigner(privateJwk),
  };
}

export async function loadNodeKeys(dataDir: string): Promise<{ node: KeyFile; admin: KeyFile }> {
  mkdirSync(dataDir, { recursive: true });
  const node = await loadOrCreate(join(dataDir, 'node.key'));
  const admin = await loadOrCreate(join(dataDir, 'admin.key'));
  return { node, admin };
}
