/** Views of records and their revocations (spec/http-api.md §3.2, §3.3). */
import { type schemas, toTimestamp } from '@kyodaku/client';
import type { RecordRow } from '../db/schema.ts';
import type { StoredObject } from '../objects/job.ts';
import { payloadOf, storedView } from '../objects/views.ts';

export function recordStatus(row: RecordRow, now: string): schemas.RecordView['status'] {
  if (row.revokedBy !== null) return 'revoked';
  if (row.supersededBy !== null) return 'superseded';
  if (now < row.validFrom || now < row.issuedAt) return 'pending';
  if (row.validUntil !== null && now >= row.validUntil) return 'expired';
  return 'current';
}

export function recordView(row: RecordRow, obj: StoredObject, nowMs: number): schemas.RecordView {
  return {
    ...storedView(obj),
    record: payloadOf(obj.jws, 'record'),
    status: recordStatus(row, toTimestamp(nowMs)),
    ...(row.supersededBy !== null && { superseded_by: row.supersededBy }),
    ...(row.revokedBy !== null && { revoked_by: row.revokedBy }),
    ...(row.revokedAt !== null && { revoked_at: row.revokedAt }),
  };
}

export function revocationView(obj: StoredObject): schemas.RevocationView {
  return { ...storedView(obj), revocation: payloadOf(obj.jws, 'revocation') };
}
