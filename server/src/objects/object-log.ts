/**
 * The store: appends accepted signed objects with a dense `seq` and their index rows in one
 * transaction, enforces the state transitions (supersede, revoke, attestation revocation) under
 * one write lock, keeps the in-memory decision index in step, and reads the views.
 */

import type { KeyObject } from 'node:crypto';
import {
  type Attestation,
  type AttestationRevocation,
  type ConsentRecord,
  KyodakuError,
  type Party,
  type RecordRevocation,
  type SignedObject,
} from '@kyodaku/client';
import type { InStatement, InValue } from '@libsql/client';
import { and, asc, type Column, eq, getTableColumns, getTableName, gt, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/open.ts';
import {
  type AttestationRow,
  attestationRevocations,
  attestations,
  logHashes,
  objects,
  parties,
  type RecordRow,
  recordIds,
  records,
  revocations,
} from '../db/schema.ts';
import { statementOf, type Writer } from '../db/writer.ts';
import { DecisionIndex, type IndexedRecord } from '../decisions/decision-index.ts';
import { loadRecordIndex } from '../decisions/index-loader.ts';
import { type LogHashRow, LogTree } from '../log/tree.ts';
import { keyObjectOf } from './verify.ts';
import { payloadOf } from './views.ts';

type Stmt = BatchItem<'sqlite'>;

export interface StoredObject {
  seq: number;
  id: string;
  kind: string;
  jws: string;
  receivedAt: string;
  /** Its log leaf hash, when the store computed it while appending (else computed from `jws`). */
  leafHash?: Uint8Array;
}

/** What an object appended in a group commit adds to the database and, once committed, to memory. */
interface Planned {
  /** The objects, appended in this order (seq from `Group.seq` when the plan was made). */
  objects: Array<Omit<StoredObject, 'seq'>>;
  records?: RecordRow[];
  recordIds?: Array<{ identifier: string; recordId: string }>;
  /** Other statements; they run after every INSERT of the group, in the order of the plans. */
  stmts?: Stmt[];
  /** The in-memory effects (decision index, caches), run in order after the commit. */
  after?: () => void;
}

/** A publication waiting for the next group commit. */
interface Job {
  /** The object whose id must be new (REQ-API-012). */
  id: string;
  /** An object already appended with this id is the answer (receipts) instead of ERR_DUPLICATE. */
  existingIsAnswer?: boolean;
  /** The object this one acts on (a superseded or revoked record): planned after it if in the group. */
  after?: string;
  /** Jobs with the same token are committed in one group (a bulk publication, REQ-API-082). */
  together?: object;
  /** Checks against the committed state and the group so far; throws to refuse (nothing appended). */
  plan: (g: Group) => Planned | Promise<Planned>;
  resolve: (stored: StoredObject[]) => void;
  reject: (error: unknown) => void;
}

/** What a record's later objects need of it, as committed or as changed earlier in the group. */
interface RecordState {
  id: string;
  issuer: string;
  ids: string[];
  supersededBy: string | null;
  revokedBy: string | null;
}

/**
 * The state of one group commit while its jobs are planned in arrival order: the seq of the next
 * accepted object, and the changes of the jobs already accepted, so that a later object of the same
 * group sees them (a record superseding one published in the same group, two party updates).
 */
class Group {
  seq: number;
  readonly ids = new Map<string, StoredObject[]>();
  readonly records = new Map<string, RecordState>();
  readonly partyIssuedAt = new Map<string, string>();
  readonly revokedAttestations = new Set<string>();
  constructor(seq: number) {
    this.seq = seq;
  }
}

/** Most jobs in one group commit. */
const MAX_GROUP = 2000;

const duplicate = (id: string) =>
  new KyodakuError('ERR_DUPLICATE', 'this object was already accepted', { detail: { id } });

/**
 * Multi-row INSERTs of one table as SQL text and arguments, the text cached per row count. Building
 * the same statements with drizzle's query builder costs about 100 µs per published record (more
 * than verifying its signature); this takes the table and column names from the drizzle schema and
 * maps values with the columns' own driver mapping. The group commit's hot path only.
 */
class RowInserter<R extends object> {
  readonly #head: string;
  readonly #tuple: string;
  readonly #keys: string[];
  readonly #columns: Column[];
  readonly #sql = new Map<number, string>();

  constructor(table: SQLiteTable, keys: ReadonlyArray<keyof R & string>) {
    const columns = getTableColumns(table) as Record<string, Column>;
    this.#keys = [...keys];
    this.#columns = this.#keys.map((k) => {
      const column = columns[k];
      if (column === undefined) throw new Error(`${getTableName(table)} has no column ${k}`);
      return column;
    });
    this.#head = `insert into "${getTableName(table)}" (${this.#columns.map((c) => `"${c.name}"`).join(', ')}) values `;
    this.#tuple = `(${this.#columns.map(() => '?').join(', ')})`;
  }

  statements(rows: readonly R[], size: number): InStatement[] {
    return chunks(rows, size).map((chunk) => {
      let text = this.#sql.get(chunk.length);
      if (text === undefined) {
        text = this.#head + Array.from({ length: chunk.length }, () => this.#tuple).join(', ');
        if (this.#sql.size < 64) this.#sql.set(chunk.length, text);
      }
      const args: InValue[] = [];
      for (const row of chunk) {
        for (let i = 0; i < this.#keys.length; i++) {
          const value = (row as Record<string, unknown>)[this.#keys[i]!];
          args.push(value == null ? null : (this.#columns[i]!.mapToDriverValue(value) as InValue));
        }
      }
      return { sql: text, args };
    });
  }
}

const objectInserter = new RowInserter<StoredObject>(objects, ['seq', 'id', 'kind', 'jws', 'receivedAt']);
const logHashInserter = new RowInserter<LogHashRow>(logHashes, ['level', 'idx', 'hash']);
const recordInserter = new RowInserter<RecordRow>(records, [
  'id',
  'seq',
  'issuer',
  'workType',
  'ids',
  'purposes',
  'conditions',
  'issuedAt',
  'validFrom',
  'validUntil',
  'supersedes',
  'supersededBy',
  'supersededAt',
  'revokedBy',
  'revokedAt',
]);
const recordIdInserter = new RowInserter<{ identifier: string; recordId: string }>(recordIds, [
  'identifier',
  'recordId',
]);

/** Rows per multi-row INSERT (SQLite allows 32,766 bound parameters per statement). */
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class Store {
  readonly db: Db;
  /** Where the group commits' prebuilt statements run (a writer thread for a database file). */
  readonly #writer: Writer;
  readonly index = new DecisionIndex();
  /** The Merkle log over `objects`: leaf index = seq (spec/log.md). */
  readonly log: LogTree;
  /** Called after every committed append (the checkpoint signer schedules a checkpoint). */
  onAppend: (() => void) | undefined;
  #nextSeq = 0;
  #lock: Promise<unknown> = Promise.resolve();
  /** Publications waiting for the next group commit, in arrival order. */
  #queue: Job[] = [];
  #draining = false;
  /** Public keys of registered parties (a party id is its key's thumbprint, so it never changes). */
  readonly #partyKeys = new Map<string, KeyObject>();

  constructor(db: Db, writer: Writer) {
    this.db = db;
    this.#writer = writer;
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

  /** Runs statements in one transaction through the store's writer, alone (e.g. a followed page). */
  write(stmts: InStatement[]): Promise<void> {
    return this.exclusive(() => this.#writer.batch(stmts));
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
    await this.#writer.batch(
      chunks(prepared.rows).map((c) => statementOf(this.db.insert(logHashes).values(c))),
    );
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
    await this.#writer.batch(stmts.map((stmt) => statementOf(stmt as never)));
    this.#nextSeq = start + stored.length;
    prepared.commit();
    this.onAppend?.();
    return stored;
  }

  /**
   * Queues a publication for the next group commit and resolves with its stored objects once the
   * transaction that appends them has committed. Publications that arrive while a group commits
   * wait and are appended together by the next one.
   */
  #publish(job: Omit<Job, 'resolve' | 'reject'>): Promise<StoredObject[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...job, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        let n = Math.min(MAX_GROUP, this.#queue.length);
        const together = this.#queue[n - 1]!.together;
        while (together !== undefined && n < this.#queue.length && this.#queue[n]!.together === together) n++;
        const jobs = this.#queue.splice(0, n);
        await this.exclusive(() => this.#commitGroup(jobs));
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Plans the jobs in order against the committed state and the group (a refused job is answered at
   * once and takes no seq, so seq stays dense), then appends every accepted one in ONE transaction:
   * multi-row INSERTs of objects, log hashes, records and record ids, then the other statements.
   * Object ids are left to the UNIQUE index: if the transaction fails, the duplicates are found
   * with one SELECT and the rest is planned and committed again; a second failure commits the jobs
   * one by one so that each gets its own answer.
   */
  async #commitGroup(queued: Job[], retry = true): Promise<void> {
    const jobs = dependenciesFirst(queued);
    const g = new Group(this.#nextSeq);
    const accepted: Array<{ job: Job; planned: Planned; stored: StoredObject[] }> = [];
    const later: Array<{ job: Job; first: StoredObject[] }> = [];
    for (const job of jobs) {
      const first = g.ids.get(job.id);
      if (first !== undefined) {
        if (job.existingIsAnswer) later.push({ job, first });
        else job.reject(duplicate(job.id));
        continue;
      }
      let planned: Planned;
      try {
        planned = await job.plan(g);
      } catch (error) {
        // A refused object that was already accepted is a duplicate first (REQ-API-012).
        await this.#answerFailed(job, error);
        continue;
      }
      const stored = planned.objects.map((o, i) => ({ ...o, seq: g.seq + i }));
      g.seq += stored.length;
      for (const o of stored) g.ids.set(o.id, stored);
      accepted.push({ job, planned, stored });
    }
    if (accepted.length === 0) {
      for (const { job, first } of later) job.resolve(first);
      return;
    }
    const start = this.#nextSeq;
    if (start !== this.log.size) throw new Error('log: tree head and objects out of step');
    const objs = accepted.flatMap((a) => a.stored);
    const prepared = this.log.prepare(objs.map((o) => o.jws));
    const recordRows = accepted.flatMap((a) => a.planned.records ?? []);
    const recordIdRows = accepted.flatMap((a) => a.planned.recordIds ?? []);
    const stmts: InStatement[] = [
      ...objectInserter.statements(objs, CHUNK),
      ...logHashInserter.statements(prepared.rows, CHUNK),
      ...recordInserter.statements(recordRows, 200),
      ...recordIdInserter.statements(recordIdRows, 1000),
      ...accepted.flatMap((a) => (a.planned.stmts ?? []).map((stmt) => statementOf(stmt as never))),
    ];
    try {
      await this.#writer.batch(stmts);
    } catch (error) {
      const again = [...accepted.map((a) => a.job), ...later.map((l) => l.job)];
      if (!retry || again.length === 1) {
        // One job alone: a duplicate, or a failure that is this job's own.
        for (const job of again) await this.#answerFailed(job, error);
        return;
      }
      const existing = await this.#existingIds(again.map((j) => j.id));
      const rest: Job[] = [];
      for (const job of again) {
        const found = existing.get(job.id);
        if (found === undefined) rest.push(job);
        else if (job.existingIsAnswer) job.resolve([found]);
        else job.reject(duplicate(job.id));
      }
      if (rest.length === 0) return;
      if (existing.size > 0) return this.#commitGroup(rest, true);
      for (const job of rest) await this.#commitGroup([job], false);
      return;
    }
    this.#nextSeq = g.seq;
    prepared.commit();
    objs.forEach((o, i) => {
      o.leafHash = prepared.leafHashes[i];
    });
    for (const a of accepted) a.planned.after?.();
    this.onAppend?.();
    for (const a of accepted) a.job.resolve(a.stored);
    for (const { job, first } of later) job.resolve(first);
  }

  /** Answers a job whose transaction failed alone: its duplicate, or the failure. */
  async #answerFailed(job: Job, error: unknown): Promise<void> {
    try {
      const existing = await this.objectById(job.id);
      if (existing === undefined) job.reject(error);
      else if (job.existingIsAnswer) job.resolve([existing]);
      else job.reject(duplicate(job.id));
    } catch (e) {
      job.reject(e);
    }
  }

  async #existingIds(ids: readonly string[]): Promise<Map<string, StoredObject>> {
    const found = new Map<string, StoredObject>();
    for (const c of chunks([...new Set(ids)], 500)) {
      for (const row of await this.db.select().from(objects).where(inArray(objects.id, c)))
        found.set(row.id, row);
    }
    return found;
  }

  /** A record's state as the group sees it: changed earlier in the group, else as committed. */
  async #recordState(g: Group, id: string): Promise<RecordState | undefined> {
    const known = g.records.get(id);
    if (known !== undefined) return known;
    const row = await this.recordRow(id);
    if (row === undefined) return undefined;
    const state: RecordState = {
      id: row.id,
      issuer: row.issuer,
      ids: JSON.parse(row.ids) as string[],
      supersededBy: row.supersededBy,
      revokedBy: row.revokedBy,
    };
    g.records.set(id, state);
    return state;
  }

  /**
   * Appends a receipt the node signed (spec/log.md REQ-RECEIPT-004); an identical receipt (same
   * query, nonce and second) is the one already appended.
   */
  async putReceipt(obj: { id: string; jws: string }, receivedAt: string): Promise<StoredObject> {
    const [stored] = await this.#publish({
      id: obj.id,
      existingIsAnswer: true,
      plan: () => ({ objects: [{ id: obj.id, kind: 'receipt', jws: obj.jws, receivedAt }] }),
    });
    return stored!;
  }

  /** Appends an executed administrative request that changes no index table (e.g. `follow`). */
  async putAdmin(admin: SignedObject<'admin'>, receivedAt: string): Promise<StoredObject> {
    const [stored] = await this.#publish({
      id: admin.id,
      plan: () => ({ objects: [{ id: admin.id, kind: 'admin', jws: admin.jws, receivedAt }] }),
    });
    return stored!;
  }

  async objectById(id: string): Promise<StoredObject | undefined> {
    const [row] = await this.db.select().from(objects).where(eq(objects.id, id)).limit(1);
    return row;
  }

  // Parties

  async partyRow(partyId: string) {
    const [row] = await this.db.select().from(parties).where(eq(parties.partyId, partyId)).limit(1);
    return row;
  }

  /**
   * The public key of a registered party, or undefined. Cached: a party id is the thumbprint of its
   * key, so every registration of the party carries the same key.
   */
  async partyKey(partyId: string): Promise<KeyObject | undefined> {
    const cached = this.#partyKeys.get(partyId);
    if (cached !== undefined) return cached;
    const row = await this.partyRow(partyId);
    const obj = row && (await this.objectById(row.currentId));
    if (obj === undefined) return undefined;
    return this.#cachePartyKey(partyId, payloadOf(obj.jws, 'party').key);
  }

  #cachePartyKey(partyId: string, jwk: Party['key']): KeyObject {
    const key = keyObjectOf(jwk);
    this.#partyKeys.set(partyId, key);
    return key;
  }

  async putParty(obj: SignedObject<'party'>, receivedAt: string, together?: object): Promise<StoredObject> {
    const partyId = obj.header.kid;
    const [stored] = await this.#publish({
      id: obj.id,
      together,
      plan: async (g) => {
        const currentIssuedAt = g.partyIssuedAt.get(partyId) ?? (await this.partyRow(partyId))?.issuedAt;
        if (currentIssuedAt !== undefined && obj.payload.issued_at <= currentIssuedAt) {
          throw new KyodakuError(
            'ERR_CONFLICT',
            'a party update must have a later issued_at than the current registration',
          );
        }
        g.partyIssuedAt.set(partyId, obj.payload.issued_at);
        const row = { partyId, currentId: obj.id, issuedAt: obj.payload.issued_at, role: obj.payload.role };
        return {
          objects: [{ id: obj.id, kind: 'party', jws: obj.jws, receivedAt }],
          stmts: [
            this.db
              .insert(parties)
              .values(row)
              .onConflictDoUpdate({
                target: parties.partyId,
                set: { currentId: row.currentId, issuedAt: row.issuedAt, role: row.role },
              }),
          ],
          after: () => {
            if (!this.#partyKeys.has(partyId)) this.#cachePartyKey(partyId, obj.payload.key);
          },
        };
      },
    });
    return stored!;
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
  async putAttestation(
    admin: SignedObject<'admin'>,
    attestation: SignedObject<'attestation'>,
    receivedAt: string,
  ): Promise<StoredObject> {
    const a = attestation.payload;
    const stored = await this.#publish({
      id: admin.id,
      plan: () => ({
        objects: [
          { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
          { id: attestation.id, kind: 'attestation', jws: attestation.jws, receivedAt },
        ],
        stmts: [this.db.insert(attestations).values(attestationRowOf(attestation.id, a))],
        after: () =>
          this.index.addAttestation(a.party, {
            id: attestation.id,
            role: a.role,
            issuedAt: a.issued_at,
            ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
          }),
      }),
    });
    return stored[1]!;
  }

  /** Checks that an attestation can be revoked; returns it. */
  async revocableAttestation(id: string) {
    const row = await this.attestationRow(id);
    if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'this node made no such attestation');
    if (row.revokedBy !== null) throw new KyodakuError('ERR_CONFLICT', 'the attestation is already revoked');
    return row;
  }

  async putAttestationRevocation(
    admin: SignedObject<'admin'>,
    revocation: SignedObject<'attestation-revocation'>,
    receivedAt: string,
  ): Promise<StoredObject> {
    const r: AttestationRevocation = revocation.payload;
    const stored = await this.#publish({
      id: admin.id,
      plan: async (g) => {
        if (g.revokedAttestations.has(r.attestation)) {
          throw new KyodakuError('ERR_CONFLICT', 'the attestation is already revoked');
        }
        const target = await this.revocableAttestation(r.attestation);
        g.revokedAttestations.add(r.attestation);
        return {
          objects: [
            { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
            { id: revocation.id, kind: 'attestation-revocation', jws: revocation.jws, receivedAt },
          ],
          stmts: [
            this.db
              .insert(attestationRevocations)
              .values({ id: revocation.id, attestation: r.attestation, issuedAt: r.issued_at }),
            this.db
              .update(attestations)
              .set({ revokedBy: revocation.id, revokedAt: r.issued_at })
              .where(eq(attestations.id, r.attestation)),
          ],
          after: () => this.index.revokeAttestation(target.party, r.attestation, r.issued_at),
        };
      },
    });
    return stored[1]!;
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
   * names an unknown record (404), another issuer's record (403) or one no longer current (409),
   * as committed or as changed by an earlier publication of the same group commit.
   */
  async putRecord(obj: SignedObject<'record'>, receivedAt: string, together?: object): Promise<StoredObject> {
    const r = obj.payload;
    const [stored] = await this.#publish({
      id: obj.id,
      together,
      ...(r.supersedes !== undefined && { after: r.supersedes }),
      plan: async (g) => {
        const stmts: Stmt[] = [];
        let superseded: RecordState | undefined;
        if (r.supersedes !== undefined) {
          superseded = await this.#recordState(g, r.supersedes);
          if (superseded === undefined)
            throw new KyodakuError('ERR_NOT_FOUND', 'the superseded record is unknown');
          if (superseded.issuer !== r.iss) {
            throw new KyodakuError(
              'ERR_FORBIDDEN',
              'a record can only supersede a record of the same issuer',
            );
          }
          if (superseded.supersededBy !== null || superseded.revokedBy !== null) {
            throw new KyodakuError('ERR_CONFLICT', 'the superseded record is already superseded or revoked');
          }
          superseded.supersededBy = obj.id;
          stmts.push(
            this.db
              .update(records)
              .set({ supersededBy: obj.id, supersededAt: r.issued_at })
              .where(eq(records.id, superseded.id)),
          );
        }
        const row = recordRowOf(obj.id, g.seq, r);
        g.records.set(obj.id, {
          id: obj.id,
          issuer: r.iss,
          ids: r.work.ids,
          supersededBy: null,
          revokedBy: null,
        });
        const target = superseded;
        return {
          objects: [{ id: obj.id, kind: 'record', jws: obj.jws, receivedAt }],
          records: [row],
          recordIds: r.work.ids.map((identifier) => ({ identifier, recordId: obj.id })),
          stmts,
          after: () => {
            this.index.addRecord(indexedOfRecord(obj.id, r));
            if (target !== undefined) this.index.markSuperseded(target.id, target.ids, r.issued_at);
          },
        };
      },
    });
    return stored!;
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

  async putRevocation(
    obj: SignedObject<'revocation'>,
    receivedAt: string,
    together?: object,
  ): Promise<StoredObject> {
    const r: RecordRevocation = obj.payload;
    const [stored] = await this.#publish({
      id: obj.id,
      together,
      after: r.record,
      plan: async (g) => {
        const target = await this.#recordState(g, r.record);
        if (target === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'the revoked record is unknown');
        if (target.issuer !== r.iss)
          throw new KyodakuError('ERR_FORBIDDEN', 'only the issuer of a record can revoke it');
        if (target.revokedBy !== null)
          throw new KyodakuError('ERR_CONFLICT', 'the record is already revoked');
        target.revokedBy = obj.id;
        return {
          objects: [{ id: obj.id, kind: 'revocation', jws: obj.jws, receivedAt }],
          stmts: [
            this.db
              .insert(revocations)
              .values({ id: obj.id, record: r.record, issuer: r.iss, issuedAt: r.issued_at }),
            this.db
              .update(records)
              .set({ revokedBy: obj.id, revokedAt: r.issued_at })
              .where(eq(records.id, r.record)),
          ],
          after: () => this.index.markRevoked(target.id, target.ids, r.issued_at),
        };
      },
    });
    return stored!;
  }
}

/**
 * The jobs of a group in arrival order, except that a job acting on an object published in the same
 * group (a record superseding it, a revocation of it) comes after that object's job: publications
 * in flight together are verified concurrently and queued as their verification ends, so a record
 * and the one superseding it may be queued in either order.
 */
function dependenciesFirst(jobs: Job[]): Job[] {
  if (!jobs.some((j) => j.after !== undefined)) return jobs;
  const byId = new Map<string, Job>();
  for (const job of jobs) if (!byId.has(job.id)) byId.set(job.id, job);
  const out: Job[] = [];
  const placed = new Set<Job>();
  const visit = (job: Job, depth: number) => {
    if (placed.has(job)) return;
    placed.add(job);
    const first = job.after === undefined ? undefined : byId.get(job.after);
    if (first !== undefined && depth < 1000) visit(first, depth + 1);
    out.push(job);
  };
  for (const job of jobs) visit(job, 0);
  return out;
}

/** The `attestations` row of an attestation the node just signed (not revoked). */
export function attestationRowOf(id: string, a: Attestation): AttestationRow {
  return {
    id,
    party: a.party,
    key: a.key,
    role: a.role,
    issuedAt: a.issued_at,
    expiresAt: a.expires_at ?? null,
    revokedBy: null,
    revokedAt: null,
  };
}

/** The `records` row of a record appended at `seq`. */
export function recordRowOf(id: string, seq: number, r: ConsentRecord): RecordRow {
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

/** A new record as the decision index takes it, from the verified payload. */
function indexedOfRecord(id: string, r: ConsentRecord): IndexedRecord {
  return {
    id,
    iss: r.iss,
    type: r.work.type as IndexedRecord['type'],
    ids: r.work.ids,
    purposes: r.purposes as IndexedRecord['purposes'],
    ...(r.conditions !== undefined && { conditions: r.conditions as IndexedRecord['conditions'] }),
    issuedAt: r.issued_at,
    validFrom: r.valid_from,
    ...(r.valid_until !== undefined && { validUntil: r.valid_until }),
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
