/** The signed objects of spec/kyodaku.md: party, attestation, consent record, revocations. */
import { z } from 'zod';
import {
  Contact,
  KeyId,
  LangNames,
  LangText,
  ObjectId,
  Permission,
  PublicJwk,
  Purpose,
  Role,
  Timestamp,
  WorkIdentifier,
} from './primitives.ts';

export const Party = z
  .strictObject({
    kind: z.literal('party'),
    v: z.literal(1),
    key: PublicJwk,
    role: Role,
    names: LangText,
    contact: Contact.optional(),
    issued_at: Timestamp,
  })
  .meta({ id: 'Party', title: 'Party registration (self-signed)' });

export const Attestation = z
  .strictObject({
    kind: z.literal('attestation'),
    v: z.literal(1),
    node: KeyId,
    party: KeyId,
    key: KeyId,
    role: Role,
    issued_at: Timestamp,
    expires_at: Timestamp.optional(),
  })
  .refine((a) => a.expires_at === undefined || a.expires_at > a.issued_at, {
    message: 'expires_at must be after issued_at',
    path: ['expires_at'],
  })
  .meta({ id: 'Attestation', title: 'Attestation of a party key by a node' });

export const AttestationRevocation = z
  .strictObject({
    kind: z.literal('attestation-revocation'),
    v: z.literal(1),
    node: KeyId,
    attestation: ObjectId,
    issued_at: Timestamp,
    reason: z.string().min(1).max(500).optional(),
  })
  .meta({ id: 'AttestationRevocation', title: 'Revocation of an attestation by the node that made it' });

export const WorkType = z.enum(['work', 'character', 'voice', 'likeness']).meta({ id: 'WorkType' });

export const Work = z
  .strictObject({
    type: WorkType,
    ids: z
      .array(WorkIdentifier)
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, 'identifiers must be unique'),
    titles: LangText.optional(),
    aliases: LangNames.optional(),
    /** Identifiers of related items: a voice's performer, a character's series (spec/generation.md §5). */
    related: z
      .array(WorkIdentifier)
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, 'related identifiers must be unique')
      .optional(),
  })
  .meta({ id: 'Work' });

export const Compensation = z
  .strictObject({
    model: z.enum(['free', 'flat-fee', 'per-use', 'revenue-share']),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 currency code')
      .optional(),
    amount: z
      .string()
      .regex(/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?$/, 'decimal amount as a string, e.g. "1200" or "0.5"')
      .optional(),
    unit: z.string().min(1).max(100).optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    contact: Contact.optional(),
  })
  .refine(
    (c) =>
      c.model === 'free' || c.amount === undefined || c.model === 'revenue-share' || c.currency !== undefined,
    {
      message: 'an amount of money needs a currency',
      path: ['currency'],
    },
  )
  .meta({ id: 'Compensation' });

const conditionTerms = {
  attribution: z.strictObject({ required: z.boolean(), text: LangText.optional() }).optional(),
  compensation: Compensation.optional(),
  territory: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'))
    .min(1)
    .max(250)
    .optional(),
  contact: Contact.optional(),
  note: LangText.optional(),
};

/** The terms that apply to one purpose of a record (spec/kyodaku.md §7.3, `by_purpose`). */
export const PurposeConditions = z.strictObject(conditionTerms).meta({ id: 'PurposeConditions' });

export const Conditions = z
  .strictObject({
    ...conditionTerms,
    /**
     * Other terms per purpose: for a leaf, the entry of the leaf, else of its group, else of `all`
     * replaces the members it names (spec/kyodaku.md §7.3).
     */
    by_purpose: z
      .partialRecord(Purpose, PurposeConditions)
      .refine((m) => Object.keys(m).length >= 1, 'at least one purpose')
      .optional(),
  })
  .meta({ id: 'Conditions' });

export const PurposeMap = z
  .partialRecord(Purpose, Permission)
  .refine((m) => Object.keys(m).length >= 1, 'at least one purpose')
  .meta({ id: 'PurposeMap' });

export const ConsentRecord = z
  .strictObject({
    kind: z.literal('record'),
    v: z.literal(1),
    iss: KeyId,
    work: Work,
    purposes: PurposeMap,
    conditions: Conditions.optional(),
    valid_from: Timestamp,
    valid_until: Timestamp.optional(),
    issued_at: Timestamp,
    supersedes: ObjectId.optional(),
  })
  .refine((r) => r.valid_until === undefined || r.valid_until > r.valid_from, {
    message: 'valid_until must be after valid_from',
    path: ['valid_until'],
  })
  .refine((r) => !Object.values(r.purposes).includes('conditional') || r.conditions !== undefined, {
    message: 'a conditional purpose needs conditions',
    path: ['conditions'],
  })
  .meta({ id: 'ConsentRecord', title: 'Consent record' });

export const RecordRevocation = z
  .strictObject({
    kind: z.literal('revocation'),
    v: z.literal(1),
    iss: KeyId,
    record: ObjectId,
    issued_at: Timestamp,
    reason: z.string().min(1).max(500).optional(),
  })
  .meta({ id: 'RecordRevocation', title: 'Revocation of a consent record by its issuer' });

/** A party's change to a new key, signed by its current key (spec/kyodaku.md §6.4). */
export const KeyChange = z
  .strictObject({
    kind: z.literal('key-change'),
    v: z.literal(1),
    iss: KeyId,
    new_key: PublicJwk,
    /** The key proof: a compact JWS by the new key (kyodaku-key-proof+jws). */
    proof: z
      .string()
      .max(2048)
      .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'proof: a compact JWS'),
    issued_at: Timestamp,
  })
  .meta({ id: 'KeyChange', title: 'Key change of a party, signed by its current key' });

/** The new key's signature over a key change (spec/kyodaku.md §6.4); never published alone. */
export const KeyProof = z
  .strictObject({
    kind: z.literal('key-proof'),
    v: z.literal(1),
    iss: KeyId,
    old_key: KeyId,
    issued_at: Timestamp,
  })
  .meta({ id: 'KeyProof', title: 'Proof of a key change by the new key' });

/** A party's declaration that a former key was compromised since a time (spec/kyodaku.md §6.5). */
export const KeyCompromise = z
  .strictObject({
    kind: z.literal('key-compromise'),
    v: z.literal(1),
    iss: KeyId,
    key: KeyId,
    compromised_at: Timestamp,
    issued_at: Timestamp,
    reason: z.string().min(1).max(500).optional(),
  })
  .refine((c) => c.compromised_at <= c.issued_at, {
    message: 'compromised_at must not be later than issued_at',
    path: ['compromised_at'],
  })
  .meta({ id: 'KeyCompromise', title: 'Declaration that a former key of a party was compromised' });

/**
 * A party's delegation to an agent (spec/kyodaku.md §6.6): while it is in force, the agent's records
 * count as the party's when both decide an item.
 */
export const Delegation = z
  .strictObject({
    kind: z.literal('delegation'),
    v: z.literal(1),
    iss: KeyId,
    agent: KeyId,
    issued_at: Timestamp,
    valid_until: Timestamp.optional(),
    note: LangText.optional(),
  })
  .refine((d) => d.agent !== d.iss, { message: 'a party cannot delegate to itself', path: ['agent'] })
  .refine((d) => d.valid_until === undefined || d.issued_at < d.valid_until, {
    message: 'valid_until must be later than issued_at',
    path: ['valid_until'],
  })
  .meta({ id: 'Delegation', title: "A party's delegation to an agent that acts for it" });

export const DelegationRevocation = z
  .strictObject({
    kind: z.literal('delegation-revocation'),
    v: z.literal(1),
    iss: KeyId,
    delegation: ObjectId,
    issued_at: Timestamp,
    reason: z.string().min(1).max(500).optional(),
  })
  .meta({ id: 'DelegationRevocation', title: 'Revocation of a delegation by the party that made it' });

export type Party = z.infer<typeof Party>;
export type Delegation = z.infer<typeof Delegation>;
export type DelegationRevocation = z.infer<typeof DelegationRevocation>;
export type KeyChange = z.infer<typeof KeyChange>;
export type KeyProof = z.infer<typeof KeyProof>;
export type KeyCompromise = z.infer<typeof KeyCompromise>;
export type Attestation = z.infer<typeof Attestation>;
export type AttestationRevocation = z.infer<typeof AttestationRevocation>;
export type Work = z.infer<typeof Work>;
export type Conditions = z.infer<typeof Conditions>;
export type ConsentRecord = z.infer<typeof ConsentRecord>;
export type RecordRevocation = z.infer<typeof RecordRevocation>;

/** A request signed by a node's admin key (spec/http-api.md, "Administration"). */
const AdminBase = {
  kind: z.literal('admin'),
  v: z.literal(1),
  issued_at: Timestamp,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'nonce: 16 to 64 base64url characters'),
};

/** A peer's base URL in an admin request (spec/federation.md §7). */
const PeerUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s?#]+$/, 'url: an http or https base URL without query or fragment');

export const AdminRequest = z
  .discriminatedUnion('action', [
    z.strictObject({
      ...AdminBase,
      action: z.literal('attest'),
      party: KeyId,
      role: Role.optional(),
      expires_at: Timestamp.optional(),
    }),
    z.strictObject({
      ...AdminBase,
      action: z.literal('revoke-attestation'),
      attestation: ObjectId,
      reason: z.string().min(1).max(500).optional(),
    }),
    z.strictObject({
      ...AdminBase,
      action: z.literal('follow'),
      /** Base URL of the peer to follow (spec/federation.md §7.1). */
      url: PeerUrl,
      /** The pinned node key id of the peer. */
      node_key: KeyId,
    }),
    z.strictObject({
      ...AdminBase,
      action: z.literal('unfollow'),
      /** Base URL of a followed peer to stop following (spec/federation.md §7.2). */
      url: PeerUrl,
    }),
    z.strictObject({
      ...AdminBase,
      action: z.literal('resume'),
      /** Base URL of a stopped-inconsistent peer to follow again (spec/federation.md §7.3). */
      url: PeerUrl,
      /** The node key id the operator pins anew. */
      node_key: KeyId,
    }),
  ])
  .meta({ id: 'AdminRequest', title: 'Administrative request signed by the node admin key' });

export type AdminRequest = z.infer<typeof AdminRequest>;

/** A hash of the log (leaf or root): standard base64 of 32 bytes (spec/log.md §1). */
export const LogHash = z
  .string()
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'a log hash is the canonical base64 of 32 bytes')
  .meta({ id: 'LogHash' });

const LogIndex = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const LogOrigin = z.string().min(1).max(256);

/** Where an entry is: the log's origin, its index and its leaf hash (spec/log.md §7). */
export const LogRef = z
  .strictObject({ origin: LogOrigin, index: LogIndex, leaf_hash: LogHash })
  .meta({ id: 'LogRef' });

/** A tree a node evaluated: origin, size and root hash of a signed checkpoint. */
export const TreeHead = z
  .strictObject({ origin: LogOrigin, size: LogIndex, root: LogHash })
  .meta({ id: 'TreeHead' });

/** The client's nonce of a receipt request: 16 to 128 base64url characters. */
export const ReceiptNonce = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'nonce: 16 to 128 base64url characters')
  .meta({ id: 'ReceiptNonce' });

/**
 * The crawler that asked, when the query carried a verified Web Bot Auth signature
 * (spec/crawler-identity.md REQ-CRAWLER-008): the key's thumbprint and, when the key came from the
 * crawler's key directory, that directory's URL; without `agent` the key is a registered party's.
 */
export const ReceiptCrawler = z
  .strictObject({
    keyid: KeyId,
    agent: z
      .string()
      .max(2048)
      .regex(
        /^https?:\/\/[^/?#\s]+\/\.well-known\/http-message-signatures-directory$/,
        'agent: the URL of a key directory',
      )
      .optional(),
  })
  .meta({ id: 'ReceiptCrawler' });

/** A decision receipt signed by the node's log key (spec/log.md §7, REQ-RECEIPT-001..005). */
export const Receipt = z
  .strictObject({
    kind: z.literal('receipt'),
    v: z.literal(1),
    node: KeyId,
    issued_at: Timestamp,
    /** Lowercase hex SHA-256 of the JCS form of the query (spec/http-api.md "Receipts"). */
    query_hash: z.string().regex(/^[0-9a-f]{64}$/, 'query_hash: 64 lowercase hex digits'),
    nonce: ReceiptNonce,
    /** The time the decisions are for (the `at` of the answer). */
    at: Timestamp,
    /** Empty only for a prompt check without matches (spec/generation.md REQ-GEN-010). */
    results: z.array(
      z.strictObject({
        ids: z.array(z.string().max(2048)).min(1).max(100),
        purpose: Purpose,
        decision: Permission.optional(),
        /** Problem type of a batch item that got an error instead of a decision. */
        error: z.string().max(200).optional(),
        refs: z.array(LogRef),
      }),
    ),
    evaluated_at: z.array(TreeHead).min(1),
    /** Optional: the verified crawler that asked (receipts without it stay valid). */
    crawler: ReceiptCrawler.optional(),
  })
  .refine((r) => r.results.every((x) => (x.decision === undefined) !== (x.error === undefined)), {
    message: 'each result has a decision or an error',
    path: ['results'],
  })
  .meta({ id: 'Receipt', title: 'Decision receipt signed by a node' });

export type LogRef = z.infer<typeof LogRef>;
export type TreeHead = z.infer<typeof TreeHead>;
export type Receipt = z.infer<typeof Receipt>;
export type ReceiptCrawler = z.infer<typeof ReceiptCrawler>;

/** The purpose groups a snapshot has one filter for (spec/snapshot.md §3): the first label of each leaf. */
export const SNAPSHOT_GROUPS = ['tdm', 'train', 'input', 'search', 'generate'] as const;
export const SnapshotGroup = z.enum(SNAPSHOT_GROUPS).meta({ id: 'SnapshotGroup' });

/** One group's filter file in a snapshot: its size, SHA-256 and where to fetch it. */
export const SnapshotFilterRef = z
  .strictObject({
    group: SnapshotGroup,
    /** Identifiers in the filter and prefix patterns listed beside it. */
    keys: z.number().int().min(0),
    patterns: z.number().int().min(0),
    bytes: z.number().int().min(32),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits'),
    /** Path of the filter file, relative to the node's base URL. */
    url: z.string().regex(/^\/v1\/snapshot\/filters\/[0-9a-f]{64}$/, 'url: /v1/snapshot/filters/{sha256}'),
  })
  .meta({ id: 'SnapshotFilterRef' });

/** A snapshot manifest signed by the node's key (spec/snapshot.md §5, REQ-SNAP-001..). */
export const Snapshot = z
  .strictObject({
    kind: z.literal('snapshot'),
    v: z.literal(1),
    node: KeyId,
    /** The time the snapshot's decisions are for (when it was built). */
    issued_at: Timestamp,
    /** A client must not answer from the snapshot after this time (REQ-SNAP-009). */
    expires_at: Timestamp,
    /** The signed trees whose records the snapshot reflects, the node's own log first. */
    evaluated_at: z.array(TreeHead).min(1).max(100),
    filter: z.literal('binary-fuse16'),
    groups: z.array(SnapshotFilterRef).length(SNAPSHOT_GROUPS.length),
  })
  .refine((s) => s.expires_at > s.issued_at, {
    message: 'expires_at is after issued_at',
    path: ['expires_at'],
  })
  .refine((s) => s.groups.every((g, i) => g.group === SNAPSHOT_GROUPS[i]), {
    message: 'one filter per group, in the order of SNAPSHOT_GROUPS',
    path: ['groups'],
  })
  .meta({ id: 'Snapshot', title: 'Snapshot manifest signed by a node' });

/** One group's counts in a snapshot delta (spec/snapshot.md §7). */
export const SnapshotDeltaGroup = z
  .strictObject({
    group: SnapshotGroup,
    added: z.number().int().min(0),
    removed: z.number().int().min(0),
    patterns_added: z.number().int().min(0),
    patterns_removed: z.number().int().min(0),
  })
  .meta({ id: 'SnapshotDeltaGroup' });

const ManifestId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'snapshot id: 64 lowercase hex digits (SHA-256 of the manifest JWS)');

/**
 * A snapshot delta signed by the node's key (spec/snapshot.md §7, REQ-SNAP-011..): what changed per
 * group from the snapshot `from` to the snapshot `to`, both named by the SHA-256 of their manifest JWS.
 */
export const SnapshotDelta = z
  .strictObject({
    kind: z.literal('snapshot-delta'),
    v: z.literal(1),
    node: KeyId,
    from: ManifestId,
    to: ManifestId,
    /** The `issued_at` of the manifest `to`. */
    issued_at: Timestamp,
    groups: z.array(SnapshotDeltaGroup).length(SNAPSHOT_GROUPS.length),
    bytes: z.number().int().min(8),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits'),
    /** Path of the delta file, relative to the node's base URL. */
    url: z.string().regex(/^\/v1\/snapshot\/deltas\/[0-9a-f]{64}$/, 'url: /v1/snapshot/deltas/{sha256}'),
  })
  .refine((d) => d.from !== d.to, { message: 'from and to differ', path: ['to'] })
  .refine((d) => d.groups.every((g, i) => g.group === SNAPSHOT_GROUPS[i]), {
    message: 'one entry per group, in the order of SNAPSHOT_GROUPS',
    path: ['groups'],
  })
  .meta({ id: 'SnapshotDelta', title: 'Snapshot delta signed by a node' });

export type SnapshotDelta = z.infer<typeof SnapshotDelta>;

export type SnapshotGroup = z.infer<typeof SnapshotGroup>;
export type SnapshotFilterRef = z.infer<typeof SnapshotFilterRef>;
export type Snapshot = z.infer<typeof Snapshot>;
