/** What the HTTP app needs from the running node: its registry, its keys and its clock. */
import type { PublicJwk, Signer } from '@kyodaku/client';
import type { DecisionIndex } from './decisions/decision-index.ts';
import type { Federation } from './federation/federation.ts';
import type { GenerationIndex } from './generation/generation-index.ts';
import type { Checkpointer } from './log/checkpoints.ts';
import type { ObjectLog } from './objects/object-log.ts';
import type { AttestationStore } from './parties/attestation-store.ts';
import type { DelegationStore } from './parties/delegation-store.ts';
import type { KeyStore } from './parties/key-store.ts';
import type { PartyStore } from './parties/party-store.ts';
import type { RecordStore } from './records/record-store.ts';
import type { UsageStore } from './usage/usage-store.ts';

export interface NodeContext {
  name: string;
  origin: string;
  /** Every accepted object in log order, and the one append path (objects/). */
  objects: ObjectLog;
  parties: PartyStore;
  /** Keys bound by key changes and keys declared compromised (spec/kyodaku.md §6.4, §6.5). */
  keys: KeyStore;
  /** Who acts for whom (spec/kyodaku.md §6.6). */
  delegations: DelegationStore;
  attestations: AttestationStore;
  records: RecordStore;
  /** Usage declarations, labels and reports (usage/, spec/usage.md). */
  usage: UsageStore;
  /** The in-memory decision index (decisions/), kept in step by every accepted write. */
  index: DecisionIndex;
  node: { kid: string; publicJwk: PublicJwk; signer: Signer };
  admin: { kid: string; publicJwk: PublicJwk };
  /** The transparency log (spec/log.md): checkpoints signed with the node key, named by origin. */
  log: { checkpoints: Checkpointer; verifierKey: string };
  /** The node's clock in milliseconds (injectable for tests). */
  now: () => number;
  /** Answers when the database does (a read of the log's head); for readiness (ops/). */
  ping?: () => Promise<void>;
  /** The peers this node follows and the objects it verified from them (spec/federation.md). */
  federation?: Federation;
  /** The name index of the prompt check (spec/generation.md), kept in step with every record. */
  generation?: GenerationIndex;
}
