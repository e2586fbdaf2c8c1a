/** Verification of a self-signed party registration: the kid must be the thumbprint of the key it carries. */
import { KyodakuError } from './errors.ts';
import { type SignedObject, verifyObject } from './jws.ts';
import { assertAcceptablePublicKey, keyIdOf } from './keys.ts';

export function verifyParty(jws: unknown): Promise<SignedObject<'party'>> {
  return verifyObject(jws, 'party', async (kid, party) => {
    assertAcceptablePublicKey(party.key);
    if ((await keyIdOf(party.key)) !== kid) {
      throw new KyodakuError('ERR_JWS_KID', 'kid is not the thumbprint of the key the party registers');
    }
    return party.key;
  });
}
