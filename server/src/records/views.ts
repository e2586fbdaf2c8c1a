/** Views of records and their revocations (spec/http-api.md §3.2, §3.3). */
import { type schemas, toTimestamp } from '@kyodaku/client';
import type { RecordRow } from '../db/schema.ts';
import type { StoredObject } from '../objects/job.ts';
import { payloadOf, storedView } from '../objects/views.ts';

export function recordStatus(
  row: RecordRow,
  now: string,
  compromisedBy?: string,
): schemas.RecordView['status'] {
  if (compromisedBy !== undefined) return 'disqualified';
  if (row.revokedBy !== null) return 'revoked';
  if (row.supersededBy !== null) return 'superseded';
  if (now < row.validFrom || now < row.issuedAt) return 'pending';
  if (row.validUntil !== null && now >= row.validUntil) return 'expired';
  return 'current';
}

/**
 * The view of one of the node's own records; `compromisedBy` names the key compromise that
 * disqualifies it (kyodaku.md REQ-KEY-007), if one does.
 */
export function recordView(
  row: RecordRow,
  obj: StoredObject,
  nowMs: number,
  compromisedBy?: string,
): schemas.RecordView {
  return {
    ...storedView(obj),
    record: payloadOf(obj.jws, 'record'),
    status: recordStatus(row, toTimestamp(nowMs), compromisedBy),
    ...(compromisedBy !== undefined && { compromised_by: compromisedBy }),
    ...(row.supersededBy !== null && { superseded_by: row.supersededBy }),
    ...(row.revokedBy !== null && { revoked_by: row.revokedBy }),
    ...(row.revokedAt !== null && { revoked_at: row.revokedAt }),
  };
}

export function revocationView(obj: StoredObject): schemas.RevocationView {
  return { ...storedView(obj), revocation: payloadOf(obj.jws, 'revocation') };
}
