/**
 * Many node processes on one PostgreSQL database (docs/operations.md §7): what objects appended by
 * another process change in this process's memory. ObjectLog hands them over in log order when it
 * catches up (after a notification of the log follower, or when its own append found the log
 * grown); the effects are those the capabilities' own `after` steps have for objects this process
 * appends: records and their supersessions and revocations, attestations and their revocations
 * into the decision index (and the name index through its `onRecord`), delegations and their
 * revocations into its `Delegations`, key changes and
 * compromises by reloading the key history, parties' names into the name search (a party's key
 * is read from the database on its first use). Admin requests and receipts change no memory.
 */
import { takesEffectAt } from '@kyodaku/client';
import { type DecisionIndex, indexedRecordOf } from '../decisions/decision-index.ts';
import type { StoredObject } from '../objects/job.ts';
import { kidOf, payloadOf } from '../objects/views.ts';
import type { AttestationStore } from '../parties/attestation-store.ts';
import type { KeyStore } from '../parties/key-store.ts';
import type { PartyStore } from '../parties/party-store.ts';
import type { RecordStore } from '../records/record-store.ts';

export interface SharedRegistry {
  index: DecisionIndex;
  parties: PartyStore;
  records: RecordStore;
  attestations: AttestationStore;
  keys: KeyStore;
}

/** The identifiers of a stored record (its `ids` column). */
async function idsOf(registry: SharedRegistry, recordId: string): Promise<string[]> {
  const row = await registry.records.recordRow(recordId);
  if (row === undefined) throw new Error(`shared log: record ${recordId} is not stored`);
  return JSON.parse(row.ids) as string[];
}

export async function applyAppendedElsewhere(registry: SharedRegistry, objs: StoredObject[]): Promise<void> {
  let keysChanged = false;
  for (const o of objs) {
    switch (o.kind) {
      case 'record': {
        const r = payloadOf(o.jws, 'record');
        // The start-up load may already hold it (it read the records after the log's size).
        if (registry.index.candidates(r.work.ids).some((c) => c.id === o.id)) break;
        registry.index.addRecord(indexedRecordOf(o.id, r, o.receivedAt));
        if (r.supersedes !== undefined) {
          const at = takesEffectAt(r.issued_at, o.receivedAt);
          registry.index.markSuperseded(r.supersedes, await idsOf(registry, r.supersedes), at);
        }
        break;
      }
      case 'party': {
        registry.parties.names.set(kidOf(o.jws), payloadOf(o.jws, 'party').names);
        break;
      }
      case 'revocation': {
        const r = payloadOf(o.jws, 'revocation');
        const at = takesEffectAt(r.issued_at, o.receivedAt);
        registry.index.markRevoked(r.record, await idsOf(registry, r.record), at);
        break;
      }
      case 'attestation': {
        const a = payloadOf(o.jws, 'attestation');
        registry.index.addAttestation(a.party, {
          id: o.id,
          role: a.role,
          from: takesEffectAt(a.issued_at, o.receivedAt),
          ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
        });
        break;
      }
      case 'attestation-revocation': {
        const r = payloadOf(o.jws, 'attestation-revocation');
        const target = await registry.attestations.attestationRow(r.attestation);
        const at = takesEffectAt(r.issued_at, o.receivedAt);
        if (target !== undefined) registry.index.revokeAttestation(target.party, r.attestation, at);
        break;
      }
      case 'delegation': {
        const d = payloadOf(o.jws, 'delegation');
        registry.index.delegations.add({
          id: o.id,
          principal: d.iss,
          agent: d.agent,
          from: takesEffectAt(d.issued_at, o.receivedAt),
          ...(d.valid_until !== undefined && { validUntil: d.valid_until }),
        });
        break;
      }
      case 'delegation-revocation': {
        const r = payloadOf(o.jws, 'delegation-revocation');
        registry.index.delegations.revoke(r.delegation, takesEffectAt(r.issued_at, o.receivedAt));
        break;
      }
      case 'key-change':
      case 'key-compromise':
        keysChanged = true;
        break;
    }
  }
  if (keysChanged) await registry.keys.reload();
}
