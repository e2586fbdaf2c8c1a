/** HTTP messages of a registry node (spec/http-api.md), shared by server, client and conformance. */
import { z } from 'zod';
import {
  Attestation,
  AttestationRevocation,
  Conditions,
  ConsentRecord,
  Delegation,
  DelegationRevocation,
  KeyChange,
  KeyCompromise,
  LogHash,
  Party,
  ReceiptNonce,
  RecordRevocation,
  WorkType,
} from './objects.ts';
import { KeyId, ObjectId, Permission, PublicJwk, Purpose, Timestamp } from './primitives.ts';

export const LIMITS = {
  /** Largest request body a node accepts, in bytes. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** Largest compact JWS, in bytes (also the largest log entry). */
  maxJwsBytes: 65_535,
  /** Most identifiers in one batch decision request. */
  maxBatchIds: 10_000,
  /** Most purposes in one batch decision request. */
  maxBatchPurposes: 16,
  /** Most records in one page of a listing. */
  maxPageSize: 1000,
  /** Most signed objects in one bulk publication (POST /v1/publications). */
  maxBatchObjects: 1000,
  /** Most code points in the text of one prompt check (spec/generation.md). */
  maxPromptChars: 16_384,
  /** Most matches in the answer to one prompt check (spec/generation.md REQ-GEN-009). */
  maxPromptMatches: 1000,
} as const;

export const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem', title: 'RFC 9457 problem details' });

export const WellKnown = z
  .looseObject({
    spec_version: z.literal('0.1'),
    software: z.string(),
    node: z.looseObject({
      id: KeyId,
      key: PublicJwk,
      name: z.string(),
      origin: z.string(),
    }),
    admin_key: KeyId,
    /** The admin key itself, so that anyone can verify the administrative requests in the log. */
    admin_public_key: PublicJwk,
    profiles: z.array(z.string()),
    /** The log profile: the log's origin, its checkpoint URL and the verifier key of its checkpoints. */
    log: z
      .looseObject({ origin: z.string(), checkpoint_url: z.string(), verifier_key: z.string() })
      .optional(),
    limits: z.looseObject({
      max_body_bytes: z.number().int(),
      max_jws_bytes: z.number().int(),
      max_batch_ids: z.number().int(),
      max_batch_purposes: z.number().int(),
      max_page_size: z.number().int(),
      max_batch_objects: z.number().int(),
      /** Per-client request rate (spec/http-api.md §10): a token bucket of this size, refilled per second. */
      request_burst: z.number().int().min(1).optional(),
      requests_per_second: z.number().positive().optional(),
      /** Per-client receipt budget (spec/log.md REQ-LIMIT-004): the receipts a client may get at once and per minute. */
      receipt_burst: z.number().int().min(1).optional(),
      receipts_per_minute: z.number().positive().optional(),
      /** The generation profile (spec/generation.md). */
      max_prompt_chars: z.number().int().optional(),
      max_prompt_matches: z.number().int().optional(),
    }),
  })
  .meta({ id: 'WellKnown', title: 'Node metadata at /.well-known/kyodaku' });

/** Where a stored object is in the node's log (the log profile): entry index and leaf hash. */
export const EntryRef = z
  .looseObject({ index: z.number().int().min(0), leaf_hash: z.string() })
  .meta({ id: 'EntryRef' });

const Stored = { id: ObjectId, jws: z.string(), received_at: Timestamp, log: EntryRef.optional() };

export const PartyView = z
  .looseObject({
    ...Stored,
    party_id: KeyId,
    party: Party,
    status: z.enum(['attested', 'unattested']),
    attestations: z.array(
      z.looseObject({ id: ObjectId, jws: z.string(), attestation: Attestation, revoked: z.boolean() }),
    ),
  })
  .meta({ id: 'PartyView' });

/** `GET /v1/parties?name=…`: the parties found by name (REQ-API-102). */
export const PartyList = z.looseObject({ parties: z.array(PartyView) }).meta({ id: 'PartyList' });

export const AttestationView = z
  .looseObject({ ...Stored, attestation: Attestation, revoked: z.boolean() })
  .meta({ id: 'AttestationView' });

export const AttestationRevocationView = z
  .looseObject({ ...Stored, revocation: AttestationRevocation })
  .meta({ id: 'AttestationRevocationView' });

export const RecordStatus = z
  .enum(['current', 'pending', 'expired', 'superseded', 'revoked', 'disqualified'])
  .meta({ id: 'RecordStatus' });

export const RecordView = z
  .looseObject({
    ...Stored,
    record: ConsentRecord,
    status: RecordStatus,
    superseded_by: ObjectId.optional(),
    revoked_by: ObjectId.optional(),
    revoked_at: Timestamp.optional(),
    compromised_by: ObjectId.optional(),
  })
  .meta({ id: 'RecordView' });

export const RevocationView = z
  .looseObject({ ...Stored, revocation: RecordRevocation })
  .meta({ id: 'RevocationView' });

export const KeyChangeView = z
  .looseObject({ ...Stored, key_change: KeyChange })
  .meta({ id: 'KeyChangeView' });

export const DelegationView = z
  .looseObject({
    ...Stored,
    delegation: Delegation,
    revoked_by: ObjectId.optional(),
    revoked_at: Timestamp.optional(),
  })
  .meta({ id: 'DelegationView' });

export const DelegationRevocationView = z
  .looseObject({ ...Stored, delegation_revocation: DelegationRevocation })
  .meta({ id: 'DelegationRevocationView' });

export const DelegationList = z
  .looseObject({ delegations: z.array(DelegationView) })
  .meta({ id: 'DelegationList' });

export const KeyCompromiseView = z
  .looseObject({ ...Stored, key_compromise: KeyCompromise })
  .meta({ id: 'KeyCompromiseView' });

/** A party's keys, oldest first (spec/http-api.md §3.6). */
export const PartyKeys = z
  .looseObject({
    party: KeyId,
    current: KeyId,
    keys: z.array(
      z.looseObject({
        kid: KeyId,
        key: PublicJwk,
        bound_at: Timestamp.optional(),
        bound_by: ObjectId.optional(),
        compromised_at: Timestamp.optional(),
        compromised_by: ObjectId.optional(),
      }),
    ),
  })
  .meta({ id: 'PartyKeys' });

export const RecordList = z
  .looseObject({ records: z.array(RecordView), next_cursor: z.string().nullable() })
  .meta({ id: 'RecordList' });

export const WorkView = z
  .looseObject({ id: z.string(), records: z.array(RecordView) })
  .meta({ id: 'WorkView', title: 'Everything a node knows about an identifier' });

export const Reason = z
  .enum(['no-record', 'granted', 'conditional', 'denied', 'not-granted', 'disputed'])
  .meta({ id: 'Reason' });

const LeafDecision = z.looseObject({
  decision: Permission,
  reasons: z.array(Reason),
  records: z.array(ObjectId),
  disputed: z.boolean(),
  conditions: z.array(z.looseObject({ record: ObjectId, conditions: Conditions })).optional(),
});

export const Decision = LeafDecision.extend({
  ids: z.array(z.string()),
  purpose: Purpose,
  at: Timestamp,
  leaves: z.record(z.string(), LeafDecision).optional(),
}).meta({ id: 'Decision' });

export const BatchDecisionRequest = z
  .strictObject({
    ids: z.array(z.string().max(2048)).min(1).max(LIMITS.maxBatchIds),
    purposes: z
      .array(Purpose)
      .min(1)
      .max(LIMITS.maxBatchPurposes)
      .refine((p) => new Set(p).size === p.length, 'purposes must be unique'),
    at: Timestamp.optional(),
    /** Ask for a signed receipt (the log profile). */
    receipt: z.strictObject({ nonce: ReceiptNonce }).optional(),
  })
  .meta({ id: 'BatchDecisionRequest' });

export const BatchDecisionItem = z
  .union([
    LeafDecision.extend({ id: z.string(), purpose: Purpose }),
    z.looseObject({ id: z.string(), error: z.looseObject({ type: z.string(), detail: z.string() }) }),
  ])
  .meta({ id: 'BatchDecisionItem' });

export const BatchDecisionResponse = z
  .looseObject({ at: Timestamp, results: z.array(BatchDecisionItem) })
  .meta({ id: 'BatchDecisionResponse' });

/** POST /v1/prompt-checks (spec/generation.md §7): a text and the purposes to decide for what it names. */
export const PromptCheckRequest = z
  .strictObject({
    /** 1 to 16,384 code points (longer is 413 payload-too-large, REQ-GEN-008). */
    text: z
      .string()
      .min(1)
      .refine((t) => codePoints(t) <= LIMITS.maxPromptChars, `at most ${LIMITS.maxPromptChars} code points`),
    purposes: z
      .array(Purpose)
      .min(1)
      .max(LIMITS.maxBatchPurposes)
      .refine((p) => new Set(p).size === p.length, 'purposes must be unique'),
    at: Timestamp.optional(),
    /** Ask for a signed receipt (the log profile). */
    receipt: z.strictObject({ nonce: ReceiptNonce }).optional(),
  })
  .meta({ id: 'PromptCheckRequest' });

/** The number of code points of a string (offsets in prompt checks count code points). */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** One name found in the text, with the decisions for the item it names (REQ-GEN-004..007). */
export const PromptMatch = z
  .looseObject({
    start: z.number().int().min(0),
    end: z.number().int().min(1),
    text: z.string(),
    name: z.string(),
    lang: z.string(),
    item: z.looseObject({ type: WorkType, ids: z.array(z.string()).min(1) }),
    named_by: z.array(ObjectId).min(1),
    /** The identifiers of the item whose name was found, when this match was reached by a link. */
    via: z.array(z.string()).min(1).optional(),
    decision: Permission,
    decisions: z.record(z.string(), LeafDecision),
  })
  .meta({ id: 'PromptMatch' });

export const PromptCheckResponse = z
  .looseObject({
    at: Timestamp,
    purposes: z.array(Purpose),
    decision: Permission,
    matches: z.array(PromptMatch).max(LIMITS.maxPromptMatches),
    truncated: z.boolean(),
  })
  .meta({ id: 'PromptCheckResponse' });

/** POST /v1/publications: parties, records and revocations published together, applied in order. */
export const PublicationRequest = z
  .strictObject({
    objects: z.array(z.string()).min(1).max(LIMITS.maxBatchObjects),
  })
  .meta({ id: 'PublicationRequest' });

/** One entry's result: accepted (201, where it is) or refused (the problem a single publication gets). */
export const PublicationResult = z
  .union([
    z.looseObject({
      status: z.literal(201),
      id: ObjectId,
      kind: z.enum(['party', 'record', 'revocation']),
      location: z.string(),
      log: EntryRef.optional(),
    }),
    z.looseObject({ status: z.number().int().min(400).max(599), problem: Problem }),
  ])
  .meta({ id: 'PublicationResult' });

export const PublicationResponse = z
  .looseObject({ results: z.array(PublicationResult) })
  .meta({ id: 'PublicationResponse' });

/** GET /v1/log/proof/inclusion (the log profile); hashes in base64. */
export const InclusionProofResponse = z
  .looseObject({
    index: z.number().int().min(0),
    size: z.number().int().min(1),
    leaf_hash: z.string(),
    proof: z.array(z.string()).max(64),
  })
  .meta({ id: 'InclusionProofResponse' });

/** GET /v1/log/proof/consistency (the log profile); hashes in base64. */
export const ConsistencyProofResponse = z
  .looseObject({
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    proof: z.array(z.string()).max(64),
  })
  .meta({ id: 'ConsistencyProofResponse' });

/** The state of a followed peer (spec/federation.md §6.4). */
export const PeerState = z.enum([
  'starting',
  'following',
  'backing-off',
  'stopped-inconsistent',
  'unfollowed',
]);

/** What stopped a peer (spec/federation.md §6.2). */
export const InconsistencyReason = z.enum([
  'invalid-checkpoint',
  'smaller-checkpoint',
  'forked-checkpoint',
  'inconsistent-checkpoint',
  'entries-not-covered',
]);

/** The evidence of a stopped peer (REQ-FED-043): both checkpoint notes, exactly as they were signed. */
const PeerEvidence = z.looseObject({
  reason: InconsistencyReason,
  detail: z.string(),
  kept: z.string().nullable(),
  offending: z.string(),
  /** When the follower stopped (empty in evidence the reference node kept from before REQ-FED-043). */
  at: z.union([Timestamp, z.literal('')]),
});

/** One peer's status in GET /v1/peers, and the answer of every POST /v1/peers (spec/federation.md §6.4, §7). */
export const PeerStatus = z
  .looseObject({
    url: z.string(),
    origin: z.string(),
    node_key: KeyId,
    state: PeerState,
    /** The index of the last entry processed; -1 before the first. */
    cursor: z.number().int().min(-1),
    /** The checkpoint kept (the last one accepted), null before the first. */
    checkpoint: z.looseObject({ size: z.number().int().min(0), root: LogHash, note: z.string() }).nullable(),
    /** The size of the peer's latest checkpoint seen, null before the first. */
    peer_size: z.number().int().min(0).nullable(),
    /** peer_size less the next index the follower will process. */
    lag: z.number().int().min(0).nullable(),
    objects: z.number().int().min(0),
    refused: z.number().int().min(0),
    /** Entries counted but not used (admin requests, receipts, unknown kinds); the reference node's extra. */
    ignored: z.number().int().min(0).optional(),
    last_success_at: Timestamp.nullable(),
    last_error: z.string().nullable(),
    evidence: PeerEvidence.nullable(),
    /** The most recent refused entries (at most 100). */
    refusals: z
      .array(
        z.looseObject({
          index: z.number().int().min(0),
          reason: z.string(),
          detail: z.string().optional(),
          at: Timestamp,
        }),
      )
      .max(100),
  })
  .meta({ id: 'PeerStatus', title: 'The status of a followed peer' });

export const PeerList = z.looseObject({ peers: z.array(PeerStatus) }).meta({ id: 'PeerList' });

export type WellKnown = z.infer<typeof WellKnown>;
export type PartyView = z.infer<typeof PartyView>;
export type AttestationView = z.infer<typeof AttestationView>;
export type AttestationRevocationView = z.infer<typeof AttestationRevocationView>;
export type RecordView = z.infer<typeof RecordView>;
export type RevocationView = z.infer<typeof RevocationView>;
export type KeyChangeView = z.infer<typeof KeyChangeView>;
export type KeyCompromiseView = z.infer<typeof KeyCompromiseView>;
export type DelegationView = z.infer<typeof DelegationView>;
export type DelegationRevocationView = z.infer<typeof DelegationRevocationView>;
export type DelegationList = z.infer<typeof DelegationList>;
export type PartyKeys = z.infer<typeof PartyKeys>;
export type PartyList = z.infer<typeof PartyList>;
export type RecordList = z.infer<typeof RecordList>;
export type WorkView = z.infer<typeof WorkView>;
export type DecisionResponse = z.infer<typeof Decision>;
export type BatchDecisionRequest = z.infer<typeof BatchDecisionRequest>;
export type BatchDecisionItem = z.infer<typeof BatchDecisionItem>;
export type BatchDecisionResponse = z.infer<typeof BatchDecisionResponse>;
export type Problem = z.infer<typeof Problem>;
export type PublicationRequest = z.infer<typeof PublicationRequest>;
export type PromptCheckRequest = z.infer<typeof PromptCheckRequest>;
export type PromptMatch = z.infer<typeof PromptMatch>;
export type PromptCheckResponse = z.infer<typeof PromptCheckResponse>;
export type PublicationResult = z.infer<typeof PublicationResult>;
export type PublicationResponse = z.infer<typeof PublicationResponse>;
export type PeerState = z.infer<typeof PeerState>;
export type PeerStatus = z.infer<typeof PeerStatus>;
export type PeerList = z.infer<typeof PeerList>;

/** GET /v1/snapshot (spec/snapshot.md §5, REQ-SNAP-002): the manifest and the checkpoint it is bound to. */
export const SnapshotResponse = z
  .strictObject({
    /** The manifest as a compact JWS (`kyodaku-snapshot+jws`). */
    snapshot: z.string().max(65_535),
    /** The node's checkpoint note that the manifest names first in `evaluated_at`. */
    checkpoint: z.string().max(1024 * 1024),
  })
  .meta({ id: 'SnapshotResponse' });

export type SnapshotResponse = z.infer<typeof SnapshotResponse>;

/** GET /v1/snapshot/delta?from= (spec/snapshot.md §7.3, REQ-SNAP-012): a delta and the manifest it leads to. */
export const SnapshotDeltaResponse = z
  .strictObject({
    /** The delta as a compact JWS (`kyodaku-snapshot-delta+jws`). */
    delta: z.string().max(65_535),
    /** The manifest `to` (compact JWS) and the checkpoint note it names first. */
    snapshot: z.string().max(65_535),
    checkpoint: z.string().max(1024 * 1024),
  })
  .meta({ id: 'SnapshotDeltaResponse' });

export type SnapshotDeltaResponse = z.infer<typeof SnapshotDeltaResponse>;
