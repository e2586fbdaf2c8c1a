/**
 * Labels (spec/usage.md §5): the node signs a label for an accepted declaration whose period has not
 * ended, logs it with the declaration, and revokes it — a logged label revocation signed by the node —
 * as soon as a record the declaration cites is revoked or superseded (REQ-USAGE-022), or stops
 * counting because its issuer's attestation was revoked or its signing key declared compromised
 * (REQ-USAGE-024), also for what was committed while the node was down (`reconcile` at start-up).
 */
import {
  KyodakuError,
  type Label,
  type SignedObject,
  type Signer,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { labels, objects, records, usageCitations } from '../db/schema.ts';
import { groupState } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import type { Citation } from './citations.ts';

/** Longest validity of a label. */
const MAX_LABEL_DAYS = 365;

/** Why a cited record stopped allowing (the label revocation's `reason`). */
export type LabelRevocationReason = 'withdrawn' | 'unattested' | 'compromised';

/** A cited record of a label in force, as `reconcile` asks about it. */
export interface CitedRecord {
  record: string;
  holder: string;
  /** The record's compact JWS and when the node logged it. */
  jws: string;
  loggedAt: string;
}

/** Labels revoked earlier in the same group commit. */
const revokedInGroup = groupState(() => new Set<number>());

function earliest(times: Iterable<string>): string {
  let min: string | undefined;
  for (const t of times) if (min === undefined || t < min) min = t;
  return min!;
}

export class LabelIssuer {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #node: { kid: string; signer: Signer };

  constructor(objects: ObjectLog, node: { kid: string; signer: Signer }) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#node = node;
  }

  /**
   * The label of a declaration logged at `at` whose label will be log entry `number`: valid from
   * `at` until the earliest of the period's end, the cited records' `valid_until` and a year; none
   * when that is not after `at`.
   */
  async sign(
    number: number,
    declaration: SignedObject<'usage-declaration'>,
    citations: readonly Citation[],
    at: string,
  ): Promise<SignedObject<'label'> | undefined> {
    const d = declaration.payload;
    const validUntil = earliest([
      d.period.until,
      toTimestamp(Date.parse(at) + MAX_LABEL_DAYS * 86_400_000),
      ...citations.flatMap((c) => (c.validUntil === undefined ? [] : [c.validUntil])),
    ]);
    if (validUntil <= at) return undefined;
    const origins = [...new Set(citations.flatMap((c) => (c.origin === undefined ? [] : [c.origin])))].sort();
    const payload: Label = {
      kind: 'label',
      v: 1,
      node: this.#node.kid,
      number: String(number),
      declaration: declaration.id,
      declarant: d.iss,
      subject: d.subject,
      scope: {
        purposes: [...new Set(citations.map((c) => c.purpose))].sort() as Label['scope']['purposes'],
        items: new Set(citations.map((c) => c.item)).size,
        records: new Set(citations.map((c) => c.record)).size,
        ...(origins.length > 0 && { origins }),
      },
      valid_from: at,
      valid_until: validUntil,
      issued_at: at,
    };
    return signObject('label', payload, this.#node.signer);
  }

  /** Revokes every label in force that cites the record (called after the change is committed). */
  async revokeCiting(
    record: string,
    now: string,
    reason: LabelRevocationReason = 'withdrawn',
  ): Promise<void> {
    const rows = await this.#db
      .selectDistinct({ number: labels.number, id: labels.id })
      .from(labels)
      .innerJoin(usageCitations, eq(usageCitations.declaration, labels.declaration))
      .where(and(eq(usageCitations.record, record), isNull(labels.revokedBy)));
    for (const row of rows) await this.#revoke(row.number, row.id, record, reason, now);
  }

  /** Revokes every label in force that cites a record of `holder` (its attestation was revoked). */
  async revokeCitingHolder(holder: string, now: string): Promise<void> {
    const rows = await this.#db
      .selectDistinct({ number: labels.number, id: labels.id, record: usageCitations.record })
      .from(labels)
      .innerJoin(usageCitations, eq(usageCitations.declaration, labels.declaration))
      .where(and(eq(usageCitations.holder, holder), isNull(labels.revokedBy)));
    const done = new Set<number>();
    for (const row of rows) {
      if (done.has(row.number)) continue;
      done.add(row.number);
      await this.#revoke(row.number, row.id, row.record, 'unattested', now);
    }
  }

  /**
   * Revokes the labels whose cited records were withdrawn, or stopped counting by `lost` (an
   * attestation revoked, a key compromised), while no revocation was made (start-up).
   */
  async reconcile(
    now: string,
    lost: (cited: CitedRecord) => LabelRevocationReason | undefined,
  ): Promise<void> {
    const rows = await this.#db
      .select({
        number: labels.number,
        id: labels.id,
        record: usageCitations.record,
        holder: usageCitations.holder,
        revokedBy: records.revokedBy,
        supersededBy: records.supersededBy,
        jws: objects.jws,
        loggedAt: objects.receivedAt,
      })
      .from(labels)
      .innerJoin(usageCitations, eq(usageCitations.declaration, labels.declaration))
      .innerJoin(records, eq(records.id, usageCitations.record))
      .innerJoin(objects, eq(objects.id, usageCitations.record))
      .where(isNull(labels.revokedBy));
    const done = new Set<number>();
    for (const row of rows) {
      if (done.has(row.number)) continue;
      const withdrawn = row.revokedBy !== null || row.supersededBy !== null;
      const reason = withdrawn ? 'withdrawn' : lost(row);
      if (reason === undefined) continue;
      done.add(row.number);
      await this.#revoke(row.number, row.id, row.record, reason, now);
    }
  }

  async #revoke(
    number: number,
    labelId: string,
    record: string,
    reason: LabelRevocationReason,
    now: string,
  ): Promise<void> {
    const revocation = await signObject(
      'label-revocation',
      {
        kind: 'label-revocation',
        v: 1,
        node: this.#node.kid,
        label: labelId,
        number: String(number),
        record,
        reason,
        issued_at: now,
      },
      this.#node.signer,
    );
    await this.#objects
      .publish({
        id: revocation.id,
        plan: async (g) => {
          const [row] = await this.#db.select().from(labels).where(eq(labels.number, number)).limit(1);
          if (row?.revokedBy !== null || revokedInGroup(g).has(number)) {
            throw new KyodakuError('ERR_CONFLICT', 'the label is already revoked');
          }
          revokedInGroup(g).add(number);
          return {
            objects: [{ id: revocation.id, kind: 'label-revocation', jws: revocation.jws, receivedAt: now }],
            stmts: [
              this.#db
                .update(labels)
                .set({ revokedBy: revocation.id, revokedAt: now })
                .where(eq(labels.number, number)),
            ],
          };
        },
      })
      .catch((error: unknown) => {
        if (!(error instanceof KyodakuError && error.code === 'ERR_CONFLICT')) throw error;
      });
  }
}
