/**
 * Usage declarations (spec/usage.md): the citations checked against the decision index when the
 * declaration is planned (under the write lock, at the time the node logs it), the declaration, its
 * citations, its manifest and its label appended in one transaction; and the automatic revocation
 * of labels whose cited record is revoked or superseded, or stops counting because its issuer's
 * attestation was revoked or its key declared compromised (labels.ts).
 */
import { KyodakuError, type SignedObject, type Signer, toTimestamp, type UsageItem } from '@kyodaku/client';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { chunks, RowInserter } from '../db/row-inserter.ts';
import {
  labels,
  objects,
  records,
  type UsageCitationRow,
  usageCitations,
  usageDeclarations,
  usageManifests,
} from '../db/schema.ts';
import type { DecisionIndex } from '../decisions/decision-index.ts';
import type { StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import type { AttestationStore } from '../parties/attestation-store.ts';
import type { KeyStore } from '../parties/key-store.ts';
import type { RecordStore } from '../records/record-store.ts';
import { checkCitations } from './citations.ts';
import { LabelIssuer } from './labels.ts';
import { UsageQueries } from './queries.ts';

const citationInserter = new RowInserter<UsageCitationRow>(
  usageCitations,
  ['declaration', 'item', 'record', 'holder', 'purpose', 'ids', 'uses', 'compensation'],
  500,
);

/** The stores whose changes end labels. */
export interface LabelledRegistry {
  records: RecordStore;
  attestations: AttestationStore;
  keys: KeyStore;
}

export interface StoredDeclaration {
  stored: StoredObject;
  /** The label issued with it, if the declaration's period had not ended (REQ-USAGE-020). */
  label?: StoredObject;
}

export class UsageStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #index: DecisionIndex;
  readonly labels: LabelIssuer;
  readonly queries: UsageQueries;

  readonly #registry: LabelledRegistry;
  /** The node's own origin and where it holds followed records from (set by `follow`). */
  #followed: { origin: string; followedFrom(recordId: string): string | undefined } = {
    origin: '',
    followedFrom: () => undefined,
  };

  constructor(
    objects: ObjectLog,
    index: DecisionIndex,
    registry: LabelledRegistry,
    node: { kid: string; signer: Signer },
    now: () => number,
  ) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#index = index;
    this.#registry = registry;
    this.labels = new LabelIssuer(objects, node);
    this.queries = new UsageQueries(objects.db);
    // Revocations run one after another: a followed page (or the start-up load of followed
    // objects) may withdraw many records at once; each asks the database for the labels citing it.
    let queue = Promise.resolve();
    const revoke = (what: string, work: (at: string) => Promise<void>) => {
      queue = queue
        .then(() => work(toTimestamp(now())))
        .catch((error: unknown) => {
          console.error(`kyodaku-server: revoking the labels citing ${what} failed:`, error);
        });
    };
    // A label ends when a record its declaration cites is revoked or superseded (REQ-USAGE-022).
    registry.records.onWithdrawn((record, reason) => {
      revoke('a withdrawn record', (at) => this.labels.revokeCiting(record, at, reason));
    });
    // … or stops counting: its issuer no longer attested, its key compromised (REQ-USAGE-024).
    // (A holder still attested otherwise, by another node it follows, keeps its labels.)
    registry.attestations.onRevoked((party, effective) => {
      if (index.attestationAt(party, effective) !== undefined) return;
      revoke('an unattested holder', (at) => this.labels.revokeCitingHolder(party, at));
    });
    registry.keys.onDisqualified((disqualified) => {
      revoke('a record signed with a compromised key', async (at) => {
        for (const record of disqualified) await this.labels.revokeCiting(record, at, 'compromised');
      });
    });
  }

  /**
   * Lets declarations cite the records the node follows (REQ-USAGE-025): `origin` is the node's own,
   * `followedFrom` the origin of a followed record.
   */
  follow(origin: string, followedFrom: (recordId: string) => string | undefined): void {
    this.#followed = { origin, followedFrom };
  }

  /**
   * Revokes the labels whose records were withdrawn, or stopped counting, before the node stopped;
   * call once at start-up, after attestations and keys are loaded.
   */
  async load(now: string): Promise<void> {
    const revokedHolders = await this.#registry.attestations.partiesWithRevocations();
    await this.labels.reconcile(now, (cited) => {
      if (this.#registry.keys.compromiseOf(cited.jws, cited.loggedAt) !== undefined) return 'compromised';
      const unattested =
        revokedHolders.has(cited.holder) && this.#index.attestationAt(cited.holder, now) === undefined;
      return unattested ? 'unattested' : undefined;
    });
  }

  /** The cited records this node's own log holds (a record is never deleted, so this only grows). */
  async #ownRecords(ids: readonly string[]): Promise<Set<string>> {
    const own = new Set<string>();
    for (const chunk of chunks([...ids], 500)) {
      const rows = await this.#db.select({ id: records.id }).from(records).where(inArray(records.id, chunk));
      for (const row of rows) own.add(row.id);
    }
    return own;
  }

  /** Refuses a cited receipt that is not a receipt in this node's log (REQ-USAGE-011). */
  async #assertReceipts(items: readonly UsageItem[]): Promise<void> {
    const cited = [...new Set(items.flatMap((i) => i.receipts ?? []))];
    const found = new Set<string>();
    for (const chunk of chunks(cited, 500)) {
      const rows = await this.#db
        .select({ id: objects.id })
        .from(objects)
        .where(and(inArray(objects.id, chunk), eq(objects.kind, 'receipt')));
      for (const row of rows) found.add(row.id);
    }
    const missing = cited.find((id) => !found.has(id));
    if (missing !== undefined) {
      throw new KyodakuError('ERR_CITATION', `receipt ${missing} is not a receipt in this node's log`, {
        detail: { citations: [{ receipt: missing, reason: 'unknown' }] },
      });
    }
  }

  /**
   * Stores a verified declaration of an attested declarant with its items (inline or from its
   * manifest): refused whole, with nothing stored, unless every citation allows its item.
   */
  async putDeclaration(
    obj: SignedObject<'usage-declaration'>,
    items: readonly UsageItem[],
    manifest: Buffer | undefined,
    receivedAt: string,
  ): Promise<StoredDeclaration> {
    const d = obj.payload;
    const own = await this.#ownRecords([...new Set(items.flatMap((i) => i.records))]);
    await this.#assertReceipts(items);
    const stored = await this.#objects.publish({
      id: obj.id,
      plan: async (g) => {
        // At the time the node logs the declaration (REQ-USAGE-010).
        const citations = checkCitations(items, receivedAt, this.#index, { own, ...this.#followed });
        const label = await this.labels.sign(g.seq + 1, obj, citations, receivedAt);
        return {
          objects: [
            { id: obj.id, kind: 'usage-declaration', jws: obj.jws, receivedAt },
            ...(label === undefined ? [] : [{ id: label.id, kind: 'label', jws: label.jws, receivedAt }]),
          ],
          rows: [
            {
              into: citationInserter,
              rows: citations.map((c) => ({
                declaration: obj.id,
                item: c.item,
                record: c.record,
                holder: c.holder,
                purpose: c.purpose,
                ids: JSON.stringify(c.ids),
                uses: c.uses,
                compensation: c.compensation === undefined ? null : JSON.stringify(c.compensation),
              })),
            },
          ],
          stmts: [
            this.#db.insert(usageDeclarations).values({
              id: obj.id,
              seq: g.seq,
              declarant: d.iss,
              subject: JSON.stringify(d.subject),
              periodFrom: d.period.from,
              periodUntil: d.period.until,
              revenue: d.revenue === undefined ? null : JSON.stringify(d.revenue),
              items: items.length,
              receivedAt,
            }),
            ...(manifest === undefined
              ? []
              : [
                  this.#db
                    .insert(usageManifests)
                    .values({ declaration: obj.id, body: manifest.toString('utf8') }),
                ]),
            ...(label === undefined
              ? []
              : [
                  this.#db.insert(labels).values({
                    number: g.seq + 1,
                    id: label.id,
                    declaration: obj.id,
                    validUntil: label.payload.valid_until,
                  }),
                ]),
          ],
        };
      },
    });
    return { stored: stored[0]!, ...(stored[1] !== undefined && { label: stored[1] }) };
  }
}
