/** @kyodaku/client: the Kyodaku protocol library. */
export * from './builders.ts';
export * from './crawler-identity/index.ts';
export * from './decide.ts';
export * from './errors.ts';
export * from './identifiers.ts';
export * as interop from './interop/index.ts';
export * from './jcs.ts';
export * from './json-limits.ts';
export * from './jws.ts';
export * from './key-change.ts';
export * from './keys.ts';
export * from './language-tag.ts';
export * from './log/checkpoint.ts';
export * from './log/checkpoint-store.ts';
export * from './log/merkle.ts';
export * from './log/proofs.ts';
export * from './log/receipt.ts';
export * from './names/automaton.ts';
export * from './names/name-index.ts';
export * from './names/name-key.ts';
export * from './node-client.ts';
export * from './object-kinds.ts';
export * from './purposes.ts';
export * as schemas from './schemas/index.ts';
export type {
  AdminRequest,
  Attestation,
  AttestationRevocation,
  Conditions,
  ConsentRecord,
  LogRef,
  Party,
  Receipt,
  RecordRevocation,
  TreeHead,
  Work,
} from './schemas/objects.ts';
export type {
  Label,
  LabelRevocation,
  UsageDeclaration,
  UsageItem,
  UsageReport,
  UsageReportLine,
  UsageSubject,
} from './schemas/usage.ts';
export * from './snapshot/index.ts';
export * from './time.ts';
export * from './usage.ts';
export * from './usage-client.ts';
export * from './verify-party.ts';
