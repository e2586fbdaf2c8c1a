/**
 * The store: appends accepted signed objects with a dense `seq` and their index rows in one
 * transaction, enforces the state transitions (supersede, revoke, attestation revocation) under
 * one write lock, keeps the in-memory decision index in step, and reads the views.
 */
import {
  type AttestationRevocation,
  type ConsentRecord,
  KyodakuError,
  type Party,
  type RecordRevocation,
  type SignedObject,
} from '@kyodaku/client';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './db/open.ts';
import {
  attestationRevocations,
  attestations,
  logHashes,
  objects,
  parties,
  type RecordRow,
  recordIds,
  records,
  revocations,
} from './db/schema.ts';
import { DecisionIndex, type IndexedRecord } from './decision-index.ts';
import { loadRecordIndex } from './index-loader.ts';
import { LogTree } from './log/tree.ts';

type Stmt = BatchItem<'sqlite'>;

export interface StoredObject {
  seq: number;
  id: string;
  kind: string;
  jws: string;
  receivedAt: string;
}

/** Rows per multi-row INSERT (SQLite allows 32,766 bound parameters per statement). */
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class Store {
  readonly db: Db;
  readonly index = new DecisionIndex();
  /** The Merkle log over `objects`: leaf index = seq (spec/log.md). */
  readonly log: LogTree;
  /** Called after every committed append (the checkpoint signer schedules a checkpoint). */
  onAppend: (() => void) | undefined;
  #nextSeq = 0;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(db: Db) {
    this.db = db;
    this.log = new LogTree(db);
  }

  /** The number of objects in the log (the next seq). */
  get size(): number {
    return this.#nextSeq;
  }

  /** Builds the in-memory index from the database; call once at start-up. */
  async load(): Promise<void> {
    const [max] = await this.db.select({ max: sql<number | null>`max(${objects.seq})` }).from(objects);
    this.#nextSeq = max?.max == null ? 0 : Number(max.max) + 1;
    await this.#loadLog();
    for (const a of await this.db.select().from(attestations)) {
      this.index.addAttestation(a.party, {
        id: a.id,
        role: a.role,
        issuedAt: a.issuedAt,
        ...(a.expiresAt !== null && { expiresAt: a.expiresAt }),
        ...(a.revokedAt !== null && { revokedAt: a.revokedAt }),
      });
    }
    await loadRecordIndex(this.db, this.index);
  }

  /** Runs `fn` alone: every check-then-write on the registry goes through here. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Restores the log's tree head. A database from before the log (objects without leaf hashes) is
   * brought up to date first, in one transaction; any other mismatch refuses to start.
   */
  async #loadLog(): Promise<void> {
    const leaves = await this.log.storedLeaves();
    if (leaves > this.#nextSeq) {
      throw new Error(
        `log: ${leaves} leaf hashes but only ${this.#nextSeq} objects; the database is damaged`,
      );
    }
    await this.log.restore(leaves);
    if (leaves === this.#nextSeq) return;
    const rows = await this.db
      .select({ jws: objects.jws })
      .from(objects)
      .where(gt(objects.seq, leaves - 1))
      .orderBy(asc(objects.seq));
    if (rows.length !== this.#nextSeq - leaves) throw new Error('log: objects.seq is not dense');
    const prepared = this.log.prepare(rows.map((r) => r.jws));
    const stmts: Stmt[] = chunks(prepared.rows).map((c) => this.db.insert(logHashes).values(c));
    await this.db.batch(stmts as [Stmt, ...Stmt[]]);
    prepared.commit();
  }

  /**
   * Appends objects (seq assigned in order), their log hashes (leaf index = seq) and index
   * statements, in one transaction; the in-memory tree head moves only after the commit.
   */
  async #append(objs: Array<Omit<StoredObject, 'seq'>>, more: Stmt[]): Promise<StoredObject[]> {
    const start = this.#nextSeq;
    if (start !== this.log.size) throw new Error('log: tree head and objects out of step');
    const stored = objs.map((o, i) => ({ ...o, seq: start + i }));
    const prepared = this.log.prepare(stored.map((o) => o.jws));
    const stmts: Stmt[] = [
      ...chunks(stored).map((rows) => this.db.insert(objects).values(rows)),
      ...chunks(prepared.rows).map((rows) => this.db.insert(logHashes).values(rows)),
      ...more,
    ];
    await this.db.batch(stmts as [Stmt, ...Stmt[]]);
    this.#nextSeq = start + stored.length;
    prepared.commit();
    this.onAppend?.();
    return stored;
  }

  /**
   * Appends a receipt the node signed (spec/log.md REQ-RECEIPT-004); an identical receipt (same
   * query, nonce and second) is the one already appended.
   */
  putReceipt(obj: { id: string; jws: string }, receivedAt: string): Promise<StoredObject> {
    return this.exclusive(async () => {
      const existing = await this.objectById(obj.id);
      if (existing !== undefined) return existing;
      const [stored] = await this.#append([{ id: obj.id, kind: 'receipt', jws: obj.jws, receivedAt }], []);
      return stored!;
    });
  }

  /** Appends an executed administrative request that changes no index table (e.g. `follow`). */
  putAdmin(admin: SignedObject<'admin'>, receivedAt: string): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(admin.id);
      const [stored] = await this.#append([{ id: admin.id, kind: 'admin', jws: admin.jws, receivedAt }], []);
      return stored!;
    });
  }

  async objectById(id: string): Promise<StoredObject | undefined> {
    const [row] = await this.db.select().from(objects).where(eq(objects.id, id)).limit(1);
    return row;
  }

  async #assertNew(id: string): Promise<void> {
    if (await this.objectById(id)) {
      throw new KyodakuError('ERR_DUPLICATE', 'this object was already accepted', { detail: { id } });
    }
  }

  // Parties

  async partyRow(partyId: string) {
    const [row] = await this.db.select().from(parties).where(eq(parties.partyId, partyId)).limit(1);
    return row;
  }

  putParty(obj: SignedObject<'party'>, receivedAt: string): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(obj.id);
      const partyId = obj.header.kid;
      const current = await this.partyRow(partyId);
      if (current !== undefined && obj.payload.issued_at <= current.issuedAt) {
        throw new KyodakuError(
          'ERR_CONFLICT',
          'a party update must have a later issued_at than the current registration',
        );
      }
      const row = { partyId, currentId: obj.id, issuedAt: obj.payload.issued_at, role: obj.payload.role };
      const [stored] = await this.#append(
        [{ id: obj.id, kind: 'party', jws: obj.jws, receivedAt }],
        [
          this.db
            .insert(parties)
            .values(row)
            .onConflictDoUpdate({
              target: parties.partyId,
              set: { currentId: row.currentId, issuedAt: row.issuedAt, role: row.role },
            }),
        ],
      );
      return stored!;
    });
  }

  // Attestations (made by this node on an admin request)

  async attestationRow(id: string) {
    const [row] = await this.db.select().from(attestations).where(eq(attestations.id, id)).limit(1);
    return row;
  }

  attestationsOf(partyId: string) {
    return this.db
      .select()
      .from(attestations)
      .where(eq(attestations.party, partyId))
      .orderBy(asc(attestations.issuedAt));
  }

  /** Stores the executed admin request and the attestation the node signed for it. */
  putAttestation(
    admin: SignedObject<'admin'>,
    attestation: SignedObject<'attestation'>,
    receivedAt: string,
  ): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(admin.id);
      const a = attestation.payload;
      const stored = await this.#append(
        [
          { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
          { id: attestation.id, kind: 'attestation', jws: attestation.jws, receivedAt },
        ],
        [
          this.db.insert(attestations).values({
            id: attestation.id,
            party: a.party,
            key: a.key,
            role: a.role,
            issuedAt: a.issued_at,
            expiresAt: a.expires_at ?? null,
          }),
        ],
      );
      this.index.addAttestation(a.party, {
        id: attestation.id,
        role: a.role,
        issuedAt: a.issued_at,
        ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
      });
      return stored[1]!;
    });
  }

  /** Checks that an attestation can be revoked; returns it. */
  async revocableAttestation(id: string) {
    const row = await this.attestationRow(id);
    if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'this node made no such attestation');
    if (row.revokedBy !== null) throw new KyodakuError('ERR_CONFLICT', 'the attestation is already revoked');
    return row;
  }

  putAttestationRevocation(
    admin: SignedObject<'admin'>,
    revocation: SignedObject<'attestation-revocation'>,
    receivedAt: string,
  ): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(admin.id);
      const r: AttestationRevocation = revocation.payload;
      const target = await this.revocableAttestation(r.attestation);
      const stored = await this.#append(
        [
          { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
          { id: revocation.id, kind: 'attestation-revocation', jws: revocation.jws, receivedAt },
        ],
        [
          this.db
            .insert(attestationRevocations)
            .values({ id: revocation.id, attestation: r.attestation, issuedAt: r.issued_at }),
          this.db
            .update(attestations)
            .set({ revokedBy: revocation.id, revokedAt: r.issued_at })
            .where(eq(attestations.id, r.attestation)),
        ],
      );
      this.index.revokeAttestation(target.party, r.attestation, r.issued_at);
      return stored[1]!;
    });
  }

  async attestationRevocationRow(id: string) {
    const [row] = await this.db
      .select()
      .from(attestationRevocations)
      .where(eq(attestationRevocations.id, id))
      .limit(1);
    return row;
  }

  // Records

  async recordRow(id: string): Promise<RecordRow | undefined> {
    const [row] = await this.db.select().from(records).where(eq(records.id, id)).limit(1);
    return row;
  }

  /**
   * Stores a verified record whose issuer was checked by the caller. Refuses a `supersedes` that
   * names an unknown record (404), another issuer's record (403) or one no longer current (409).
   */
  putRecord(obj: SignedObject<'record'>, receivedAt: string): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(obj.id);
      const r = obj.payload;
      const more: Stmt[] = [];
      let superseded: RecordRow | undefined;
      if (r.supersedes !== undefined) {
        superseded = await this.recordRow(r.supersedes);
        if (superseded === undefined)
          throw new KyodakuError('ERR_NOT_FOUND', 'the superseded record is unknown');
        if (superseded.issuer !== r.iss) {
          throw new KyodakuError('ERR_FORBIDDEN', 'a record can only supersede a record of the same issuer');
        }
        if (superseded.supersededBy !== null || superseded.revokedBy !== null) {
          throw new KyodakuError('ERR_CONFLICT', 'the superseded record is already superseded or revoked');
        }
        more.push(
          this.db
            .update(records)
            .set({ supersededBy: obj.id, supersededAt: r.issued_at })
            .where(eq(records.id, superseded.id)),
        );
      }
      const seq = this.#nextSeq;
      more.unshift(
        this.db.insert(records).values(recordRowOf(obj.id, seq, r)),
        this.db.insert(recordIds).values(r.work.ids.map((identifier) => ({ identifier, recordId: obj.id }))),
      );
      const [stored] = await this.#append([{ id: obj.id, kind: 'record', jws: obj.jws, receivedAt }], more);
      this.index.addRecord(indexedOf(recordRowOf(obj.id, seq, r)));
      if (superseded !== undefined) {
        this.index.markSuperseded(superseded.id, JSON.parse(superseded.ids) as string[], r.issued_at);
      }
      return stored!;
    });
  }

  /**
   * Bulk load of verified records (no supersedes) whose issuers are attested: one transaction per
   * call. For seeding and benchmarks; every record is still a real signed object.
   */
  putRecords(objs: ReadonlyArray<SignedObject<'record'>>, receivedAt: string): Promise<void> {
    return this.exclusive(async () => {
      const start = this.#nextSeq;
      const rows = objs.map((o, i) => recordRowOf(o.id, start + i, o.payload));
      const idRows = objs.flatMap((o) =>
        o.payload.work.ids.map((identifier) => ({ identifier, recordId: o.id })),
      );
      await this.#append(
        objs.map((o) => ({ id: o.id, kind: 'record', jws: o.jws, receivedAt })),
        [
          ...chunks(rows, 200).map((c) => this.db.insert(records).values(c)),
          ...chunks(idRows, 1000).map((c) => this.db.insert(recordIds).values(c)),
        ],
      );
      for (const row of rows) this.index.addRecord(indexedOf(row));
    });
  }

  /** Records of an issuer, oldest first, after the given seq. */
  recordsOfIssuer(issuer: string, afterSeq: number, limit: number) {
    return this.db
      .select({ record: records, object: objects })
      .from(records)
      .innerJoin(objects, eq(objects.seq, records.seq))
      .where(and(eq(records.issuer, issuer), gt(records.seq, afterSeq)))
      .orderBy(asc(records.seq))
      .limit(limit);
  }

  async recordsWithObjects(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ record: records, object: objects })
      .from(records)
      .innerJoin(objects, eq(objects.seq, records.seq))
      .where(inArray(records.id, [...ids]))
      .orderBy(asc(records.seq));
    return rows;
  }

  // Record revocations

  putRevocation(obj: SignedObject<'revocation'>, receivedAt: string): Promise<StoredObject> {
    return this.exclusive(async () => {
      await this.#assertNew(obj.id);
      const r: RecordRevocation = obj.payload;
      const target = await this.recordRow(r.record);
      if (target === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'the revoked record is unknown');
      if (target.issuer !== r.iss)
        throw new KyodakuError('ERR_FORBIDDEN', 'only the issuer of a record can revoke it');
      if (target.revokedBy !== null) throw new KyodakuError('ERR_CONFLICT', 'the record is already revoked');
      const [stored] = await this.#append(
        [{ id: obj.id, kind: 'revocation', jws: obj.jws, receivedAt }],
        [
          this.db
            .insert(revocations)
            .values({ id: obj.id, record: r.record, issuer: r.iss, issuedAt: r.issued_at }),
          this.db
            .update(records)
            .set({ revokedBy: obj.id, revokedAt: r.issued_at })
            .where(eq(records.id, r.record)),
        ],
      );
      this.index.markRevoked(target.id, JSON.parse(target.ids) as string[], r.issued_at);
      return stored!;
    });
  }
}

function recordRowOf(id: string, seq: number, r: ConsentRecord): RecordRow {
  return {
    id,
    seq,
    issuer: r.iss,
    workType: r.work.type,
    ids: JSON.stringify(r.work.ids),
    purposes: JSON.stringify(r.purposes),
    conditions: r.conditions === undefined ? null : JSON.stringify(r.conditions),
    issuedAt: r.issued_at,
    validFrom: r.valid_from,
    validUntil: r.valid_until ?? null,
    supersedes: r.supersedes ?? null,
    supersededBy: null,
    supersededAt: null,
    revokedBy: null,
    revokedAt: null,
  };
}

function indexedOf(row: RecordRow): IndexedRecord {
  return {
    id: row.id,
    iss: row.issuer,
    type: row.workType as IndexedRecord['type'],
    ids: JSON.parse(row.ids) as string[],
    purposes: JSON.parse(row.purposes) as IndexedRecord['purposes'],
    ...(row.conditions !== null && { conditions: JSON.parse(row.conditions) as IndexedRecord['conditions'] }),
    issuedAt: row.issuedAt,
    validFrom: row.validFrom,
    ...(row.validUntil !== null && { validUntil: row.validUntil }),
    ...(row.supersededAt !== null && { supersededAt: row.supersededAt }),
    ...(row.revokedAt !== null && { revokedAt: row.revokedAt }),
  };
}

export type { Party };
