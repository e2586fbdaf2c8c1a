/** The key bound to a record's or revocation's issuer: the registered party whose id is the `kid`. */
import type { KeyObject } from 'node:crypto';
import { KyodakuError } from '@kyodaku/client';
import type { PartyStore } from './party-store.ts';

export function issuerKeyOf(parties: PartyStore) {
  return async (kid: string, payload: { iss: string }): Promise<KeyObject> => {
    if (kid !== payload.iss) throw new KyodakuError('ERR_JWS_KID', 'kid is not a key bound to iss');
    const key = await parties.partyKey(payload.iss);
    if (key === undefined) throw new KyodakuError('ERR_JWS_KID', 'iss is not a registered party');
    return key;
  };
}
