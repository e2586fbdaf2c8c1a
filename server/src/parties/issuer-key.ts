/**
 * The key bound to an object's issuer: the current key of the registered party `iss`, its first key
 * (the party id) until a key change binds another (spec/kyodaku.md §6, REQ-KEY-004).
 */
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from './key-store.ts';

export function issuerKeyOf(keys: KeyStore) {
  return (kid: string, payload: { iss: string }): Promise<KeyObject> => keys.currentKey(payload.iss, kid);
}
