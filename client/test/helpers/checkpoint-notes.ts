/**
 * Signed checkpoints made with the fixed test keys of spec/vectors/test-keys.json, and an independent
 * signed-note signer, for the checkpoint tests and the spec/vectors/checkpoints.json tests.
 */
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';
import {
  formatCheckpointBody,
  type LogErrorCode,
  LogVerificationError,
  type NoteVerifier,
  signCheckpoint,
  verifierKeyString,
  verifyCheckpoint,
} from '../../src/log/checkpoint.ts';
import { leafHash, rootFromLeafHashes } from '../../src/log/merkle.ts';

/** The fixed test keys of spec/vectors/test-keys.json: seed = SHA-256("kyodaku test key " + name). */
function testKey(keyName: string) {
  const seed = new Uint8Array(createHash('sha256').update(`kyodaku test key ${keyName}`).digest());
  return { seed, publicKey: ed.getPublicKey(seed) };
}
export const ORIGIN = 'registry.example/kyodaku';
export const WITNESS = 'witness.example/w1';
export const NODE = testKey('node');
export const MALLORY = testKey('mallory');
export const SIGNER = { name: ORIGIN, privateKey: NODE.seed };
export const VERIFIER = { name: ORIGIN, publicKey: NODE.publicKey };
export const VKEY = verifierKeyString(ORIGIN, NODE.publicKey);

export const ROOT8 = rootFromLeafHashes(
  Array.from({ length: 8 }, (_, i) => leafHash(new TextEncoder().encode(`kyodaku-${i}`))),
);
export const BODY = formatCheckpointBody({ origin: ORIGIN, size: 8, rootHash: ROOT8 });
export const NOTE = signCheckpoint(BODY, SIGNER);

export const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** An independent signed-note signer: signs any text, so that syntax errors can carry valid signatures. */
export function signatureLine(text: string, name: string, seed: Uint8Array, keyId?: Uint8Array): string {
  const publicKey = ed.getPublicKey(seed);
  const id =
    keyId ?? createHash('sha256').update(`${name}\n`).update(Uint8Array.of(1)).update(publicKey).digest();
  const sig = ed.sign(new TextEncoder().encode(text), seed);
  return `\u2014 ${name} ${b64(Uint8Array.of(...id.subarray(0, 4), ...sig))}\n`;
}
export const signText = (text: string, ...lines: string[]) => `${text}\n${lines.join('')}`;
export const nodeLine = (text: string) => signatureLine(text, ORIGIN, NODE.seed);

export function errorOf(
  note: string | Uint8Array,
  verifier: NoteVerifier = VERIFIER,
): LogErrorCode | undefined {
  try {
    verifyCheckpoint(note, verifier);
    return undefined;
  } catch (error) {
    if (error instanceof LogVerificationError) return error.code;
    throw error;
  }
}
