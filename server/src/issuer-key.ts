/** The key bound to a record's or revocation's issuer: the registered party whose id is the `kid`. */
import { KyodakuError, type PublicJwk } from '@kyodaku/client';
import type { NodeContext } from './node-context.ts';
import { payloadOf } from './views.ts';

export function issuerKeyResolver(node: NodeContext) {
  return async (kid: string, payload: { iss: string }): Promise<PublicJwk> => {
    if (kid !== payload.iss) throw new KyodakuError('ERR_JWS_KID', 'kid is not a key bound to iss');
    const row = await node.store.partyRow(payload.iss);
    const obj = row && (await node.store.objectById(row.currentId));
    if (!obj) throw new KyodakuError('ERR_JWS_KID', 'iss is not a registered party');
    return payloadOf(obj.jws, 'party').key;
  };
}
