/** Views of parties, attestations and attestation revocations (spec/http-api.md §3.1, §3.4). */
import type { schemas } from '@kyodaku/client';
import type { AttestationRow } from '../db/schema.ts';
import type { StoredObject } from '../objects/job.ts';
import { payloadOf, storedView } from '../objects/views.ts';

export function attestationView(row: AttestationRow, obj: StoredObject): schemas.AttestationView {
  return {
    ...storedView(obj),
    attestation: payloadOf(obj.jws, 'attestation'),
    revoked: row.revokedBy !== null,
  };
}

export function attestationRevocationView(obj: StoredObject) {
  return { ...storedView(obj), revocation: payloadOf(obj.jws, 'attestation-revocation') };
}

export function partyView(
  partyId: string,
  obj: StoredObject,
  attestations: Array<{ row: AttestationRow; obj: StoredObject }>,
  attested: boolean,
): schemas.PartyView {
  return {
    ...storedView(obj),
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
