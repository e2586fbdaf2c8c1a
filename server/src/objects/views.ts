/** Views of stored objects (spec/http-api.md): what GET and publishing endpoints answer with. */
import { type ObjectKind, type PayloadOf, parseJws, type schemas, toTimestamp } from '@kyodaku/client';
import type { AttestationRow, RecordRow } from '../db/schema.ts';
import { leafHashOfJws } from '../log/tree.ts';
import type { StoredObject } from './object-log.ts';

/** The payload of a stored object (verified when it was accepted). */
export function payloadOf<K extends ObjectKind>(jws: string, kind: K): PayloadOf<K> {
  return parseJws(jws, kind).payload as PayloadOf<K>;
}

/** Where an object is in the node's log: its entry index and leaf hash (spec/http-api.md "Log"). */
export function logRefOf(obj: StoredObject) {
  return {
    index: obj.seq,
    leaf_hash: Buffer.from(obj.leafHash ?? leafHashOfJws(obj.jws)).toString('base64'),
  };
}

function stored(obj: StoredObject) {
  return { id: obj.id, jws: obj.jws, received_at: obj.receivedAt, log: logRefOf(obj) };
}

export function recordStatus(row: RecordRow, now: string): schemas.RecordView['status'] {
  if (row.revokedBy !== null) return 'revoked';
  if (row.supersededBy !== null) return 'superseded';
  if (now < row.validFrom || now < row.issuedAt) return 'pending';
  if (row.validUntil !== null && now >= row.validUntil) return 'expired';
  return 'current';
}

export function recordView(row: RecordRow, obj: StoredObject, nowMs: number): schemas.RecordView {
  return {
    ...stored(obj),
    record: payloadOf(obj.jws, 'record'),
    status: recordStatus(row, toTimestamp(nowMs)),
    ...(row.supersededBy !== null && { superseded_by: row.supersededBy }),
    ...(row.revokedBy !== null && { revoked_by: row.revokedBy }),
    ...(row.revokedAt !== null && { revoked_at: row.revokedAt }),
  };
}

export function attestationView(row: AttestationRow, obj: StoredObject): schemas.AttestationView {
  return { ...stored(obj), attestation: payloadOf(obj.jws, 'attestation'), revoked: row.revokedBy !== null };
}

export function attestationRevocationView(obj: StoredObject) {
  return { ...stored(obj), revocation: payloadOf(obj.jws, 'attestation-revocation') };
}

export function revocationView(obj: StoredObject): schemas.RevocationView {
  return { ...stored(obj), revocation: payloadOf(obj.jws, 'revocation') };
}

export function partyView(
  partyId: string,
  obj: StoredObject,
  attestations: Array<{ row: AttestationRow; obj: StoredObject }>,
  attested: boolean,
): schemas.PartyView {
  return {
    ...stored(obj),
    party_id: partyId,
    party: payloadOf(obj.jws, 'party'),
    status: attested ? 'attested' : 'unattested',
    attestations: attestations.map(({ row, obj: a }) => ({
      id: a.id,
      jws: a.jws,
      attestation: payloadOf(a.jws, 'attestation'),
      revoked: row.revokedBy !== null,
    })),
  };
}
