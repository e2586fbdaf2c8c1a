/**
 * Ed25519 as Kyodaku verifies it (spec/kyodaku.md REQ-SIG-007, REQ-SIG-014): the key check of
 * assertAcceptablePublicKey, then the WebCrypto verification that jose uses. Checked against the
 * Wycheproof and C2SP/CCTV vectors in spec/vectors/published/ (c2sp-wycheproof, c2sp-cctv).
 */
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { assertAcceptablePublicKey } from '../src/index.ts';
import { PUBLISHED_VECTORS, readJson } from './helpers/vectors.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

async function kyodakuAccepts(
  publicKey: Uint8Array,
  message: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: base64url.encode(publicKey) };
  try {
    assertAcceptablePublicKey(jwk);
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

interface WycheproofFile {
  testGroups: Array<{
    publicKey: { pk: string };
    tests: Array<{
      tcId: number;
      comment: string;
      msg: string;
      sig: string;
      result: 'valid' | 'invalid' | 'acceptable';
    }>;
  }>;
}

describe('Wycheproof ed25519_test.json', () => {
  const file = readJson<WycheproofFile>(PUBLISHED_VECTORS, 'c2sp-wycheproof/ed25519_test.json');
  const cases = file.testGroups.flatMap((group) =>
    group.tests.map((test) => ({ pk: group.publicKey.pk, ...test })),
  );

  it('has the published cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(145);
  });

  it.each(cases)('tcId $tcId $comment: $result', async ({ pk, msg, sig, result }) => {
    const accepted = await kyodakuAccepts(hex(pk), hex(msg), hex(sig));
    if (result === 'valid') expect(accepted).toBe(true);
    if (result === 'invalid') expect(accepted).toBe(false);
  });
});

interface CctvVector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

describe('C2SP CCTV ed25519vectors.json', () => {
  const vectors = readJson<CctvVector[]>(PUBLISHED_VECTORS, 'c2sp-cctv/ed25519vectors.json');

  it.each(vectors)('vector $number $flags', async ({ key, sig, msg, flags }) => {
    const accepted = await kyodakuAccepts(hex(key), new TextEncoder().encode(msg), hex(sig));
    const f = new Set(flags ?? []);
    // Small-order and non-canonical keys are refused at registration (REQ-SIG-014).
    if (f.has('low_order_A') || f.has('non_canonical_A')) expect(accepted).toBe(false);
    // Strict RFC 8032: non-canonical R is rejected, and the cofactorless equation rejects residues.
    else if (f.has('non_canonical_R') || f.has('low_order_residue')) expect(accepted).toBe(false);
    // With neither, every vector is a signature the strict cofactorless check accepts.
    else expect(accepted).toBe(true);
  });
});
