/**
 * Consent records and their revocations (spec/http-api.md §3.2, §3.3): the state transitions
 * (supersede, revoke) checked against the committed state and the group commit so far, the
 * records' index rows, and their effect on the decision index.
 */
import {
  type ConsentRecord,
  KyodakuError,
  type RecordRevocation,
  type SignedObject,
  takesEffectAt,
} from '@kyodaku/client';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { RowInserter } from '../db/row-inserter.ts';
import { objects, type RecordRow, recordIds, records, revocations } from '../db/schema.ts';
import { type DecisionIndex, indexedRecordOf } from '../decisions/decision-index.ts';
import { type Group, groupState, type Stmt, type StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';

/** What a record's later objects need of it, as committed or as changed earlier in the group. */
interface RecordState {
  id: string;
  issuer: string;
  ids: string[];
  supersededBy: string | null;
  revokedBy: string | null;
}

/** Records published, superseded or revoked earlier in the same group commit. */
const recordsInGroup = groupState(() => new Map<string, RecordState>());

const recordInserter = new RowInserter<RecordRow>(
  records,
  [
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
  ],
  200,
);
const recordIdInserter = new RowInserter<{ identifier: string; recordId: string }>(
  recordIds,
  ['identifier', 'recordId'],
  1000,
);

/** How a record stopped counting for the listeners of `onWithdrawn`. */
export type WithdrawalReason = 'withdrawn' | 'compromised';

export class RecordStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #index: DecisionIndex;
  readonly #withdrawn: Array<(recordId: string, reason: WithdrawalReason) => void> = [];

  constructor(objects: ObjectLog, index: DecisionIndex) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#index = index;
  }

  /** Calls `listener` after a revocation or a supersession of a record is committed (usage labels). */
  onWithdrawn(listener: (recordId: string, reason: WithdrawalReason) => void): void {
    this.#withdrawn.push(listener);
  }

  /**
   * Tells the listeners that a record stopped counting by a followed object, once it is committed
   * and applied: a followed revocation or supersession, or a followed key compromise (federation).
   */
  withdrawnByFollowed(recordId: string, reason: WithdrawalReason): void {
    for (const listener of this.#withdrawn) listener(recordId, reason);
  }

  async recordRow(id: string): Promise<RecordRow | undefined> {
    const [row] = await this.#db.select().from(records).where(eq(records.id, id)).limit(1);
    return row;
  }

  /** Records of an issuer, oldest first, after the given seq. */
  recordsOfIssuer(issuer: string, afterSeq: number, limit: number) {
    return this.#db
      .select({ record: records, object: objects })
      .from(records)
      .innerJoin(objects, eq(objects.seq, records.seq))
      .where(and(eq(records.issuer, issuer), gt(records.seq, afterSeq)))
      .orderBy(asc(records.seq))
      .limit(limit);
  }

  async recordsWithObjects(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return this.#db
      .select({ record: records, object: objects })
      .from(records)
      .innerJoin(objects, eq(objects.seq, records.seq))
      .where(inArray(records.id, [...ids]))
      .orderBy(asc(records.seq));
  }

  /**
   * Stores a verified record whose issuer was checked by the caller. Refuses a `supersedes` that
   * names an unknown record (404), another issuer's record (403) or one no longer current (409),
   * as committed or as changed by an earlier publication of the same group commit.
   */
  async putRecord(obj: SignedObject<'record'>, receivedAt: string, together?: object): Promise<StoredObject> {
    const r = obj.payload;
    // A supersession takes effect when the successor is both issued and logged (REQ-DECIDE-010).
    const effectiveAt = takesEffectAt(r.issued_at, receivedAt);
    const [stored] = await this.#objects.publish({
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
            this.#db
              .update(records)
              .set({ supersededBy: obj.id, supersededAt: effectiveAt })
              .where(eq(records.id, superseded.id)),
          );
        }
        recordsInGroup(g).set(obj.id, {
          id: obj.id,
          issuer: r.iss,
          ids: r.work.ids,
          supersededBy: null,
          revokedBy: null,
        });
        const target = superseded;
        return {
          objects: [{ id: obj.id, kind: 'record', jws: obj.jws, receivedAt }],
          rows: [
            { into: recordInserter, rows: [recordRowOf(obj.id, g.seq, r)] },
            {
              into: recordIdInserter,
              rows: r.work.ids.map((identifier) => ({ identifier, recordId: obj.id })),
            },
          ],
          stmts,
          after: () => {
            this.#index.addRecord(indexedRecordOf(obj.id, r, receivedAt));
            if (target !== undefined) {
              this.#index.markSuperseded(target.id, target.ids, effectiveAt);
              for (const listener of this.#withdrawn) listener(target.id, 'withdrawn');
            }
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
  async putRecords(objs: ReadonlyArray<SignedObject<'record'>>, receivedAt: string): Promise<void> {
    await this.#objects.appendAlone(
      objs.map((o) => ({ id: o.id, kind: 'record', jws: o.jws, receivedAt })),
      (start) => ({
        rows: [
          { into: recordInserter, rows: objs.map((o, i) => recordRowOf(o.id, start + i, o.payload)) },
          {
            into: recordIdInserter,
            rows: objs.flatMap((o) =>
              o.payload.work.ids.map((identifier) => ({ identifier, recordId: o.id })),
            ),
          },
        ],
        after: () => {
          for (const o of objs) this.#index.addRecord(indexedRecordOf(o.id, o.payload, receivedAt));
        },
      }),
    );
  }

  async putRevocation(
    obj: SignedObject<'revocation'>,
    receivedAt: string,
    together?: object,
  ): Promise<StoredObject> {
    const r: RecordRevocation = obj.payload;
    // A revocation takes effect when it is both issued and logged (REQ-DECIDE-010).
    const effectiveAt = takesEffectAt(r.issued_at, receivedAt);
    const [stored] = await this.#objects.publish({
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
        if (target.supersededBy !== null) {
          throw new KyodakuError(
            'ERR_CONFLICT',
            'the record is superseded: revoke the record that superseded it (REQ-API-041)',
          );
        }
        target.revokedBy = obj.id;
        return {
          objects: [{ id: obj.id, kind: 'revocation', jws: obj.jws, receivedAt }],
          stmts: [
            this.#db
              .insert(revocations)
              .values({ id: obj.id, record: r.record, issuer: r.iss, issuedAt: r.issued_at }),
            this.#db
              .update(records)
              .set({ revokedBy: obj.id, revokedAt: effectiveAt })
              .where(eq(records.id, r.record)),
          ],
          after: () => {
            this.#index.markRevoked(target.id, target.ids, effectiveAt);
            for (const listener of this.#withdrawn) listener(target.id, 'withdrawn');
          },
        };
      },
    });
    return stored!;
  }

  /** A record's state as the group sees it: changed earlier in the group, else as committed. */
  async #recordState(g: Group, id: string): Promise<RecordState | undefined> {
    const inGroup = recordsInGroup(g);
    const known = inGroup.get(id);
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
    inGroup.set(id, state);
    return state;
  }
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
