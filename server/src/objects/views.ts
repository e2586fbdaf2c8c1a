/** What every view of a stored object shares (spec/http-api.md): its payload, id, JWS and log entry. */
import { type ObjectKind, type PayloadOf, parseJws } from '@kyodaku/client';
import { leafHashOfJws } from '../log/tree.ts';
import type { StoredObject } from './job.ts';

/** The payload of a stored object (verified when it was accepted). */
export function payloadOf<K extends ObjectKind>(jws: string, kind: K): PayloadOf<K> {
  return parseJws(jws, kind).payload as PayloadOf<K>;
}

/** The `kid` of a stored object's protected header (verified when it was accepted). */
export function kidOf(jws: string): string {
  const header = JSON.parse(Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString()) as {
    kid: string;
  };
  return header.kid;
}

/** Where an object is in the node's log: its entry index and leaf hash (spec/http-api.md "Log"). */
export function logRefOf(obj: StoredObject) {
  return {
    index: obj.seq,
    leaf_hash: Buffer.from(obj.leafHash ?? leafHashOfJws(obj.jws)).toString('base64'),
  };
}

/** The members every object view starts with. */
export function storedView(obj: StoredObject) {
  return { id: obj.id, jws: obj.jws, received_at: obj.receivedAt, log: logRefOf(obj) };
}
