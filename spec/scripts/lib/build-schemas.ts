/** JSON Schemas (draft 2020-12) of every object and message, generated from the shared zod schemas. */
import { schemas } from '@kyodaku/client';
import { z } from 'zod';

const EXPORTED = {
  Party: schemas.Party,
  Attestation: schemas.Attestation,
  AttestationRevocation: schemas.AttestationRevocation,
  ConsentRecord: schemas.ConsentRecord,
  RecordRevocation: schemas.RecordRevocation,
  KeyChange: schemas.KeyChange,
  KeyProof: schemas.KeyProof,
  KeyCompromise: schemas.KeyCompromise,
  Delegation: schemas.Delegation,
  DelegationRevocation: schemas.DelegationRevocation,
  AdminRequest: schemas.AdminRequest,
  Receipt: schemas.Receipt,
  Snapshot: schemas.Snapshot,
  SnapshotDelta: schemas.SnapshotDelta,
  Problem: schemas.Problem,
  WellKnown: schemas.WellKnown,
  PartyView: schemas.PartyView,
  PartyList: schemas.PartyList,
  AttestationView: schemas.AttestationView,
  AttestationRevocationView: schemas.AttestationRevocationView,
  RecordView: schemas.RecordView,
  RevocationView: schemas.RevocationView,
  KeyChangeView: schemas.KeyChangeView,
  KeyCompromiseView: schemas.KeyCompromiseView,
  DelegationView: schemas.DelegationView,
  DelegationRevocationView: schemas.DelegationRevocationView,
  DelegationList: schemas.DelegationList,
  PartyKeys: schemas.PartyKeys,
  RecordList: schemas.RecordList,
  WorkView: schemas.WorkView,
  Decision: schemas.Decision,
  BatchDecisionRequest: schemas.BatchDecisionRequest,
  BatchDecisionResponse: schemas.BatchDecisionResponse,
  PublicationRequest: schemas.PublicationRequest,
  PublicationResponse: schemas.PublicationResponse,
  PromptCheckRequest: schemas.PromptCheckRequest,
  PromptCheckResponse: schemas.PromptCheckResponse,
  PeerStatus: schemas.PeerStatus,
  PeerList: schemas.PeerList,
  UsageDeclaration: schemas.UsageDeclaration,
  UsageItem: schemas.UsageItem,
  Label: schemas.Label,
  LabelRevocation: schemas.LabelRevocation,
  UsageReport: schemas.UsageReport,
  DeclarationView: schemas.DeclarationView,
  DeclarationList: schemas.DeclarationList,
  UsageUseList: schemas.UsageUseList,
  UsageReportResponse: schemas.UsageReportResponse,
  LabelView: schemas.LabelView,
  BusinessList: schemas.BusinessList,
  SnapshotResponse: schemas.SnapshotResponse,
  SnapshotDeltaResponse: schemas.SnapshotDeltaResponse,
} as const;

/** name -> JSON Schema document */
export function buildSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EXPORTED)) {
    const json = z.toJSONSchema(schema as z.ZodType, {
      target: 'draft-2020-12',
      unrepresentable: 'any',
      io: 'input',
    });
    out[name] = { $id: `urn:kyodaku:schema:0.1:${name}`, ...json };
  }
  return out;
}
