/** The kinds of signed object: each has one JWS `typ` and one payload schema. */
import type { z } from 'zod';
import {
  AdminRequest,
  Attestation,
  AttestationRevocation,
  ConsentRecord,
  Delegation,
  DelegationRevocation,
  KeyChange,
  KeyCompromise,
  KeyProof,
  Party,
  Receipt,
  RecordRevocation,
  Snapshot,
  SnapshotDelta,
} from './schemas/objects.ts';
import { Label, LabelRevocation, UsageDeclaration, UsageReport } from './schemas/usage.ts';

export const OBJECT_KINDS = {
  party: { typ: 'kyodaku-party+jws', schema: Party },
  attestation: { typ: 'kyodaku-attestation+jws', schema: Attestation },
  'attestation-revocation': { typ: 'kyodaku-attestation-revocation+jws', schema: AttestationRevocation },
  record: { typ: 'kyodaku-record+jws', schema: ConsentRecord },
  revocation: { typ: 'kyodaku-revocation+jws', schema: RecordRevocation },
  'key-change': { typ: 'kyodaku-key-change+jws', schema: KeyChange },
  'key-proof': { typ: 'kyodaku-key-proof+jws', schema: KeyProof },
  'key-compromise': { typ: 'kyodaku-key-compromise+jws', schema: KeyCompromise },
  delegation: { typ: 'kyodaku-delegation+jws', schema: Delegation },
  'delegation-revocation': { typ: 'kyodaku-delegation-revocation+jws', schema: DelegationRevocation },
  admin: { typ: 'kyodaku-admin+jws', schema: AdminRequest },
  receipt: { typ: 'kyodaku-receipt+jws', schema: Receipt },
  'usage-declaration': { typ: 'kyodaku-usage-declaration+jws', schema: UsageDeclaration },
  label: { typ: 'kyodaku-label+jws', schema: Label },
  'label-revocation': { typ: 'kyodaku-label-revocation+jws', schema: LabelRevocation },
  'usage-report': { typ: 'kyodaku-usage-report+jws', schema: UsageReport },
  snapshot: { typ: 'kyodaku-snapshot+jws', schema: Snapshot },
  'snapshot-delta': { typ: 'kyodaku-snapshot-delta+jws', schema: SnapshotDelta },
} as const;

export type ObjectKind = keyof typeof OBJECT_KINDS;
export type PayloadOf<K extends ObjectKind> = z.infer<(typeof OBJECT_KINDS)[K]['schema']>;

const KIND_BY_TYP = new Map<string, ObjectKind>(
  (Object.keys(OBJECT_KINDS) as ObjectKind[]).map((kind) => [OBJECT_KINDS[kind].typ, kind]),
);

export function kindOfTyp(typ: string): ObjectKind | undefined {
  return KIND_BY_TYP.get(typ);
}
