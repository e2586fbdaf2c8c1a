/**
 * The node's storage on PostgreSQL (KYODAKU_DB=postgres://…): the tables of `schema.ts`, same names,
 * columns and keys, in pg-core (`bigint` for sequence numbers and indexes, `bytea` for hashes), plus
 * `log_head`, which lets many node processes append to one log. `schema.test` checks that both
 * schemas declare the same tables and columns. The libSQL schema's comments follow.
 *
 * The node's storage. `objects` is the append-only list of every signed object the node accepted,
 * with a dense `seq` from 0 (the future log leaf index); the other tables index those objects. Only
 * status columns derived from later objects (superseded, revoked, current registration) change.
 */
import {
  bigint,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Binary columns (subtree hashes, compact ranges) as Buffers, as the libSQL schema's `blob`s. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const objects = pgTable(
  'objects',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    jws: text('jws').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [uniqueIndex('objects_id').on(t.id)],
);

export const parties = pgTable('parties', {
  partyId: text('party_id').primaryKey(),
  /** Object id of the current (newest) registration. */
  currentId: text('current_id').notNull(),
  issuedAt: text('issued_at').notNull(),
  role: text('role').notNull(),
});

export const attestations = pgTable(
  'attestations',
  {
    id: text('id').primaryKey(),
    party: text('party').notNull(),
    key: text('key').notNull(),
    role: text('role').notNull(),
    issuedAt: text('issued_at').notNull(),
    expiresAt: text('expires_at'),
    revokedBy: text('revoked_by'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('attestations_party').on(t.party)],
);

export const records = pgTable(
  'records',
  {
    id: text('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    issuer: text('issuer').notNull(),
    workType: text('work_type').notNull(),
    /** JSON array of the normalized identifiers (also in record_ids). */
    ids: text('ids').notNull(),
    /** JSON of the purposes map and of the conditions, for the in-memory index at start-up. */
    purposes: text('purposes').notNull(),
    conditions: text('conditions'),
    issuedAt: text('issued_at').notNull(),
    validFrom: text('valid_from').notNull(),
    validUntil: text('valid_until'),
    supersedes: text('supersedes'),
    supersededBy: text('superseded_by'),
    supersededAt: text('superseded_at'),
    revokedBy: text('revoked_by'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('records_issuer_seq').on(t.issuer, t.seq)],
);

export const recordIds = pgTable(
  'record_ids',
  {
    identifier: text('identifier').notNull(),
    recordId: text('record_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.recordId] })],
);

export const revocations = pgTable('revocations', {
  id: text('id').primaryKey(),
  record: text('record').notNull(),
  issuer: text('issuer').notNull(),
  issuedAt: text('issued_at').notNull(),
});

export const attestationRevocations = pgTable('attestation_revocations', {
  id: text('id').primaryKey(),
  attestation: text('attestation').notNull(),
  issuedAt: text('issued_at').notNull(),
});

/**
 * Keys bound to parties by key changes (spec/kyodaku.md §6.4), in log order; a party's first key is
 * its party id and has no row.
 */
export const partyKeys = pgTable(
  'party_keys',
  {
    kid: text('kid').primaryKey(),
    party: text('party').notNull(),
    /** The public key's `x`. */
    x: text('x').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The key change that bound it, and when the node logged that change. */
    boundBy: text('bound_by').notNull(),
    boundAt: text('bound_at').notNull(),
  },
  (t) => [index('party_keys_party').on(t.party, t.seq)],
);

/** Keys declared compromised (spec/kyodaku.md §6.5), one declaration per key. */
export const keyCompromises = pgTable('key_compromises', {
  kid: text('kid').primaryKey(),
  party: text('party').notNull(),
  compromisedAt: text('compromised_at').notNull(),
  /** The key compromise object. */
  id: text('id').notNull(),
});

export type RecordRow = typeof records.$inferSelect;

/**
 * The Merkle log (spec/log.md). Entry `seq` of `objects` is leaf index `seq`; `log_hashes` holds the
 * hash of every complete subtree the log has: level 0 the leaf hashes, level L the hash of the leaves
 * [idx * 2^L, (idx + 1) * 2^L). Written in the transaction that appends the objects.
 */
export const logHashes = pgTable(
  'log_hashes',
  {
    level: integer('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
);

/** Every checkpoint the node signed, as the signed note it served; sizes only grow (REQ-LOG-013). */
export const logCheckpoints = pgTable('log_checkpoints', {
  size: bigint('size', { mode: 'number' }).primaryKey(),
  root: bytea('root').notNull(),
  note: text('note').notNull(),
  signedAt: text('signed_at').notNull(),
});

/**
 * Federation (spec/federation.md): the peers this node follows, with their cursor, the compact range
 * of the entries processed (concatenated 32-byte subtree hashes, largest first) and the last
 * checkpoint accepted; written in the transaction that stores the objects they cover.
 */
export const peers = pgTable('peers', {
  url: text('url').primaryKey(),
  nodeKey: text('node_key').notNull(),
  /** The peer's node key as a public JWK (JSON), whose thumbprint is `node_key`. */
  peerKey: text('peer_key').notNull().default(''),
  origin: text('origin').notNull(),
  /** `following` or `stopped-inconsistent` (REQ-FED-022). */
  state: text('state').notNull(),
  /** Index of the last entry processed; -1 before the first. */
  cursor: bigint('cursor', { mode: 'number' }).notNull(),
  peaks: bytea('peaks').notNull(),
  checkpointNote: text('checkpoint_note'),
  /** The offending checkpoint note or reason once the peer proved inconsistent. */
  evidence: text('evidence'),
  addedAt: text('added_at').notNull(),
});

/**
 * Objects followed from peers, verified (REQ-FED-011..013), each with its origin and index in the
 * origin's log (REQ-FED-015). `party` is the party an object is about (a party's id, an
 * attestation's party, a record's or revocation's issuer); `subject` the object it acts on (a
 * revocation's record, an attestation revocation's attestation, a record's `supersedes`).
 */
export const foreignObjects = pgTable(
  'foreign_objects',
  {
    origin: text('origin').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    jws: text('jws').notNull(),
    party: text('party'),
    subject: text('subject'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.origin, t.idx] }), index('foreign_objects_id').on(t.id)],
);

/** Entries of a peer's log the follower refused (REQ-FED-013), for the peer status. */
export const peerRefusals = pgTable(
  'peer_refusals',
  {
    origin: text('origin').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.origin, t.idx] })],
);

export type ForeignObjectRow = typeof foreignObjects.$inferSelect;

/**
 * The log's head, one row (`id` 1): the number of objects appended. Every append by any process
 * moves it from the size that process planned against to the new size in the transaction that
 * appends (`UPDATE … WHERE size = expected`), so appends are serialised by the row lock and a
 * process that planned against a stale size appends nothing (db/pg-writer.ts).
 */
export const logHead = pgTable('log_head', {
  id: integer('id').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
});

/** Delegations (spec/kyodaku.md §6.6), as in schema.ts. */
export const delegations = pgTable(
  'delegations',
  {
    id: text('id').primaryKey(),
    principal: text('principal').notNull(),
    agent: text('agent').notNull(),
    from: text('from').notNull(),
    validUntil: text('valid_until'),
    revokedBy: text('revoked_by'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('delegations_principal').on(t.principal), index('delegations_agent').on(t.agent)],
);

/** Usage declarations, their citations and manifests, and labels (spec/usage.md), as in schema.ts. */
export const usageDeclarations = pgTable(
  'usage_declarations',
  {
    id: text('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    declarant: text('declarant').notNull(),
    subject: text('subject').notNull(),
    periodFrom: text('period_from').notNull(),
    periodUntil: text('period_until').notNull(),
    revenue: text('revenue'),
    items: integer('items').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('usage_declarations_declarant').on(t.declarant, t.seq)],
);

export const usageCitations = pgTable(
  'usage_citations',
  {
    declaration: text('declaration').notNull(),
    item: integer('item').notNull(),
    record: text('record').notNull(),
    holder: text('holder').notNull(),
    purpose: text('purpose').notNull(),
    ids: text('ids').notNull(),
    uses: bigint('uses', { mode: 'number' }).notNull(),
    compensation: text('compensation'),
  },
  (t) => [
    primaryKey({ columns: [t.declaration, t.item, t.record] }),
    index('usage_citations_holder').on(t.holder, t.declaration, t.item),
    index('usage_citations_record').on(t.record),
  ],
);

export const usageManifests = pgTable('usage_manifests', {
  declaration: text('declaration').primaryKey(),
  body: text('body').notNull(),
});

export const labels = pgTable(
  'labels',
  {
    number: bigint('number', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    declaration: text('declaration').notNull(),
    validUntil: text('valid_until').notNull(),
    revokedBy: text('revoked_by'),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('labels_declaration').on(t.declaration)],
);
