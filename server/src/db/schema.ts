/**
 * The node's storage. `objects` is the append-only list of every signed object the node accepted,
 * with a dense `seq` from 0 (the future log leaf index); the other tables index those objects. Only
 * status columns derived from later objects (superseded, revoked, current registration) change.
 */
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const objects = sqliteTable(
  'objects',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    jws: text('jws').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [uniqueIndex('objects_id').on(t.id)],
);

export const parties = sqliteTable('parties', {
  partyId: text('party_id').primaryKey(),
  /** Object id of the current (newest) registration. */
  currentId: text('current_id').notNull(),
  issuedAt: text('issued_at').notNull(),
  role: text('role').notNull(),
});

export const attestations = sqliteTable(
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

export const records = sqliteTable(
  'records',
  {
    id: text('id').primaryKey(),
    seq: integer('seq').notNull(),
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

export const recordIds = sqliteTable(
  'record_ids',
  {
    identifier: text('identifier').notNull(),
    recordId: text('record_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.recordId] })],
);

export const revocations = sqliteTable('revocations', {
  id: text('id').primaryKey(),
  record: text('record').notNull(),
  issuer: text('issuer').notNull(),
  issuedAt: text('issued_at').notNull(),
});

export const attestationRevocations = sqliteTable('attestation_revocations', {
  id: text('id').primaryKey(),
  attestation: text('attestation').notNull(),
  issuedAt: text('issued_at').notNull(),
});

export type ObjectRow = typeof objects.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type AttestationRow = typeof attestations.$inferSelect;

/**
 * The Merkle log (spec/log.md). Entry `seq` of `objects` is leaf index `seq`; `log_hashes` holds the
 * hash of every complete subtree the log has: level 0 the leaf hashes, level L the hash of the leaves
 * [idx * 2^L, (idx + 1) * 2^L). Written in the transaction that appends the objects.
 */
export const logHashes = sqliteTable(
  'log_hashes',
  {
    level: integer('level').notNull(),
    idx: integer('idx').notNull(),
    hash: blob('hash', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
);

/** Every checkpoint the node signed, as the signed note it served; sizes only grow (REQ-LOG-013). */
export const logCheckpoints = sqliteTable('log_checkpoints', {
  size: integer('size').primaryKey(),
  root: blob('root', { mode: 'buffer' }).notNull(),
  note: text('note').notNull(),
  signedAt: text('signed_at').notNull(),
});

export type LogCheckpointRow = typeof logCheckpoints.$inferSelect;
