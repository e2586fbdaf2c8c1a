/**
 * The fixed test keys of spec/vectors: each seed is SHA-256("kyodaku test key " + name). Published
 * on purpose; never use them for anything but tests.
 */
import { createHash } from 'node:crypto';
import { importSigner, keyIdOf, type PrivateJwk, privateJwkFromSeed, type Signer } from '@kyodaku/client';

export const TEST_KEY_NAMES = [
  'node',
  'admin',
  'publisher',
  'studio',
  'agency',
  'performer',
  'developer',
  'mallory',
] as const;
export type TestKeyName = (typeof TEST_KEY_NAMES)[number];

export interface TestKey {
  name: TestKeyName;
  seedHex: string;
  jwk: PrivateJwk;
  kid: string;
  signer: Signer;
}

export async function testKey(name: TestKeyName): Promise<TestKey> {
  const seed = createHash('sha256').update(`kyodaku test key ${name}`).digest();
  const jwk = await privateJwkFromSeed(new Uint8Array(seed));
  return {
    name,
    seedHex: seed.toString('hex'),
    jwk,
    kid: await keyIdOf(jwk),
    signer: await importSigner(jwk),
  };
}

export async function testKeys(): Promise<Record<TestKeyName, TestKey>> {
  const entries = await Promise.all(TEST_KEY_NAMES.map(async (name) => [name, await testKey(name)] as const));
  return Object.fromEntries(entries) as Record<TestKeyName, TestKey>;
}
