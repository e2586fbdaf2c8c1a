/**
 * Key change and key compromise (spec/kyodaku.md §6.4, §6.5): signing a key change with both keys,
 * as ACME key rollover does (RFC 8555 §7.3.5), and checking the new key's proof inside one.
 */
import { KyodakuError } from './errors.ts';
import { type SignedObject, signObject, verifyObject } from './jws.ts';
import { assertAcceptablePublicKey, keyIdOf, type PublicJwk, publicJwkOf, type Signer } from './keys.ts';
import type { PayloadOf } from './object-kinds.ts';
import { toTimestamp } from './time.ts';

/** Signs a key change of party `iss` from `oldSigner` (its current key) to `newSigner`. */
export async function signKeyChange(input: {
  iss: string;
  oldSigner: Signer;
  newSigner: Signer;
  newKey: PublicJwk;
  issued_at?: string;
}): Promise<SignedObject<'key-change'>> {
  const issuedAt = input.issued_at ?? toTimestamp();
  if ((await keyIdOf(input.newKey)) !== input.newSigner.kid) {
    throw new KyodakuError('ERR_KEY_INVALID', 'newKey is not the public key of newSigner');
  }
  const proof = await signObject(
    'key-proof',
    { kind: 'key-proof', v: 1, iss: input.iss, old_key: input.oldSigner.kid, issued_at: issuedAt },
    input.newSigner,
  );
  return signObject(
    'key-change',
    {
      kind: 'key-change',
      v: 1,
      iss: input.iss,
      new_key: publicJwkOf(input.newKey),
      proof: proof.jws,
      issued_at: issuedAt,
    },
    input.oldSigner,
  );
}

/** The payload of a key compromise declaration of party `iss` for its former key `key`. */
export function createKeyCompromise(input: {
  iss: string;
  key: string;
  compromised_at: string;
  issued_at?: string;
  reason?: string;
}): PayloadOf<'key-compromise'> {
  return {
    kind: 'key-compromise',
    v: 1,
    iss: input.iss,
    key: input.key,
    compromised_at: input.compromised_at,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.reason && { reason: input.reason }),
  };
}

/**
 * Checks the new key of a key change and its proof (REQ-KEY-002, REQ-KEY-003): `new_key` is an
 * acceptable key (ERR_KEY_INVALID), and the proof is a key proof by `new_key` over the same party,
 * time and old key `oldKid` (ERR_SIGNATURE otherwise). Returns the new key's id.
 */
export async function checkKeyProof(change: PayloadOf<'key-change'>, oldKid: string): Promise<string> {
  assertAcceptablePublicKey(change.new_key);
  const newKid = await keyIdOf(change.new_key);
  let proof: SignedObject<'key-proof'>;
  try {
    proof = await verifyObject(change.proof, 'key-proof', (kid) => {
      if (kid !== newKid) throw new KyodakuError('ERR_SIGNATURE', 'the proof is not signed by new_key');
      return change.new_key;
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new KyodakuError('ERR_SIGNATURE', `the key proof does not verify under new_key: ${why}`);
  }
  const p = proof.payload;
  if (p.iss !== change.iss || p.issued_at !== change.issued_at || p.old_key !== oldKid) {
    throw new KyodakuError('ERR_SIGNATURE', 'the key proof does not sign this key change');
  }
  return newKid;
}
