/**
 * What the objects verified from peers change in this node (spec/federation.md §5): the party keys
 * and attested roles followed pages are verified against, the followed records with their origin
 * and status, revocations and supersessions of records not (yet) held, the node's own records
 * revoked or superseded from another origin, and the decision index kept in step with all of it.
 * Rebuilt from `foreign_objects` at start-up; in memory only.
 */
import { type ConsentRecord, type PublicJwk, type SignedObject, takesEffectAt } from '@kyodaku/client';
import type { Client } from '@libsql/client';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { chunks } from '../db/row-inserter.ts';
import { foreignObjects, type RecordRow } from '../db/schema.ts';
import { type DecisionIndex, indexedRecordOf } from '../decisions/decision-index.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import { payloadOf } from '../objects/views.ts';
import type { AttestationStore } from '../parties/attestation-store.ts';
import type { PartyStore } from '../parties/party-store.ts';
import type { RecordStore } from '../records/record-store.ts';
import { FollowedAttestations } from './followed-attestations.ts';
import { FollowedKeys } from './followed-keys.ts';
import { followedRecordViews } from './followed-views.ts';
import type { FollowedObject, TrustView, VerifiedPage } from './verify-page.ts';

/** The node's own registry, as federation reads and changes it. */
export interface FederationRegistry {
  objects: ObjectLog;
  parties: PartyStore;
  attestations: AttestationStore;
  records: RecordStore;
  index: DecisionIndex;
}

/** Where a followed record came from (REQ-FED-033). */
export interface OriginRef {
  origin: string;
  node: string;
  index: number;
}

interface FollowedRecord extends OriginRef {
  iss: string;
  /** The key that signed it, and when this node logged it (for key compromises, REQ-FED-019). */
  kid: string;
  loggedAt: string;
  supersedes?: string;
  supersededBy?: string;
  supersededAt?: string;
  revokedBy?: string;
  revokedAt?: string;
}

interface LaterChange {
  by: string;
  at: string;
  iss: string;
}

type ChangeKind = 'revocation' | 'supersession';

/** Where a record's status keeps each kind of later change. */
const CHANGE_FIELDS = {
  revocation: { by: 'revokedBy', at: 'revokedAt' },
  supersession: { by: 'supersededBy', at: 'supersededAt' },
} as const;

type StatusChanges = Pick<FollowedRecord, 'revokedBy' | 'revokedAt' | 'supersededBy' | 'supersededAt'>;

export class FollowedState {
  readonly #db: Db;
  /** The libsql client under the drizzle database (drizzle sets `$client`), for hot statements. */
  readonly #client: Client;
  readonly #registry: FederationRegistry;
  /** Party keys from followed party objects. */
  readonly #partyKeys = new Map<string, PublicJwk>();
  /** Cache of the node's own parties' keys (looked up in the registry). */
  readonly #localKeys = new Map<string, PublicJwk>();
  /** The keys followed key changes bind, by where they were logged (REQ-FED-018). */
  readonly #changedKeys = new FollowedKeys();
  /** Keys declared compromised by followed key compromises: kid -> its party and compromised_at. */
  readonly #compromised = new Map<string, { party: string; at: string; by: string }>();
  /** Followed record revocations, for key compromises: id -> revoked record, issuer, key, logged time. */
  readonly #revocations = new Map<string, { record: string; iss: string; kid: string; loggedAt: string }>();
  readonly #attestations: FollowedAttestations;
  readonly #records = new Map<string, FollowedRecord>();
  /** Revocations and supersessions of records not (yet) held: record id -> {by, at}. */
  readonly #pendingRevoked = new Map<string, LaterChange>();
  readonly #pendingSuperseded = new Map<string, LaterChange>();
  /** The node's own records revoked or superseded by followed objects (for their views). */
  readonly #localChanges = new Map<string, StatusChanges>();
  /** What followed pages are verified against: followed objects first, then the node's own. */
  readonly trust: TrustView;

  constructor(db: Db, registry: FederationRegistry) {
    this.#db = db;
    const client = (db as Db & { $client?: Client }).$client;
    if (client === undefined) throw new Error('federation: the database has no libsql client');
    this.#client = client;
    this.#registry = registry;
    this.#attestations = new FollowedAttestations(registry.index);
    this.trust = {
      partyKey: (id) => this.#partyKeys.get(id) ?? this.#localPartyKey(id),
      attestedRole: (id) => this.#attestations.roleOf(id) ?? this.#localRole(id),
      changedKey: (id, at) => this.#changedKeys.keyAt(id, at),
      recordIssuer: (id) =>
        this.#records.get(id)?.iss ?? registry.records.recordRow(id).then((r) => r?.issuer),
    };
  }

  /** How many followed records are held (counted once). */
  get recordCount(): number {
    return this.#records.size;
  }

  async #localPartyKey(id: string): Promise<PublicJwk | undefined> {
    const cached = this.#localKeys.get(id);
    if (cached !== undefined) return cached;
    const row = await this.#registry.parties.partyRow(id);
    const obj = row && (await this.#registry.objects.objectById(row.currentId));
    if (obj === undefined) return undefined;
    const key = payloadOf(obj.jws, 'party').key;
    this.#localKeys.set(id, key);
    return key;
  }

  async #localRole(id: string): Promise<string | undefined> {
    const rows = await this.#registry.attestations.attestationsOf(id);
    return rows[0]?.role;
  }

  /**
   * Makes a verified page's parties and attestations known at once: the next page is verified
   * while this one commits, and must already see them.
   */
  noteVerified(page: VerifiedPage, node: string): void {
    for (const o of page.accepted) {
      if (o.kind === 'party') this.#partyKeys.set(o.party, (o.object as SignedObject<'party'>).payload.key);
      else if (o.kind === 'attestation') {
        this.#attestations.noteRole((o.object as SignedObject<'attestation'>).payload);
      } else if (o.kind === 'key-change') this.#changeKey(o, node);
    }
  }

  /** Binds a followed key change's new key to its party, at its place in the peer's log. */
  #changeKey(o: FollowedObject, node: string): void {
    if (o.subject === null) return;
    this.#changedKeys.note(o.party, o.object as SignedObject<'key-change'>, o.subject, {
      node,
      index: o.index,
    });
  }

  /**
   * A followed key compromise (REQ-FED-019): the party's followed records signed with the key and
   * logged by this node at or after `compromised_at` stop counting, as key-store.ts does for own ones.
   */
  async #compromise(o: FollowedObject): Promise<void> {
    const c = (o.object as SignedObject<'key-compromise'>).payload;
    if (this.#compromised.has(c.key)) return;
    this.#compromised.set(c.key, { party: c.iss, at: c.compromised_at, by: o.object.id });
    const at = Date.parse(c.compromised_at);
    for (const [id, held] of this.#records) {
      if (held.iss !== c.iss || held.kid !== c.key || Date.parse(held.loggedAt) < at) continue;
      const ids = await this.#idsOf(id);
      if (ids !== undefined) this.#registry.index.disqualify(id, ids);
      this.#registry.records.withdrawnByFollowed(id, 'compromised');
      if (held.supersedes !== undefined) await this.#undo(held.supersedes, id, 'supersession');
    }
    for (const [id, r] of this.#revocations) {
      if (r.iss !== c.iss || r.kid !== c.key || Date.parse(r.loggedAt) < at) continue;
      await this.#undo(r.record, id, 'revocation');
    }
  }

  /** Whether an object of `iss` signed with `kid` and logged at `loggedAt` does not count (REQ-FED-019). */
  #disqualified(iss: string, kid: string, loggedAt: string): boolean {
    const c = this.#compromised.get(kid);
    return c !== undefined && c.party === iss && Date.parse(loggedAt) >= Date.parse(c.at);
  }

  /** Undoes a revocation or supersession of `recordId` by `by`, which does not count (REQ-FED-019). */
  async #undo(recordId: string, by: string, from: ChangeKind): Promise<void> {
    const pending = this.#pending(from);
    if (pending.get(recordId)?.by === by) pending.delete(recordId);
    const change = this.#records.get(recordId) ?? this.#localChanges.get(recordId);
    const field = CHANGE_FIELDS[from];
    if (change === undefined || change[field.by] !== by) return;
    change[field.by] = undefined;
    change[field.at] = undefined;
    const ids = await this.#idsOf(recordId);
    if (ids !== undefined) this.#registry.index.reinstate(recordId, ids, from);
  }

  /**
   * Applies committed followed objects of one origin (whose pinned node key is `node`), in order.
   * An object counts from when this node received it (its own `receivedAt`, else `receivedAt`):
   * a mirror knows when it logged an object, not when the origin did (federation.md §5).
   */
  async apply(
    origin: string,
    node: string,
    list: readonly FollowedObject[],
    receivedAt?: string,
  ): Promise<void> {
    const index = this.#registry.index;
    const recordIds = list.filter((o) => o.kind === 'record').map((o) => o.object.id);
    const local = new Set<string>();
    for (const c of chunks(recordIds, 500)) {
      const sql = `SELECT id FROM objects WHERE id IN (${new Array(c.length).fill('?').join(', ')})`;
      const { rows } = await this.#client.execute({ sql, args: c });
      for (const r of rows) local.add(r[0] as string);
    }
    for (const o of list) {
      const id = o.object.id;
      const loggedAt = o.receivedAt ?? receivedAt;
      if (loggedAt === undefined) throw new Error(`followed object ${id}: no received time`);
      switch (o.kind) {
        case 'party': {
          const payload = (o.object as SignedObject<'party'>).payload;
          this.#partyKeys.set(o.party, payload.key);
          this.#registry.parties.noteFollowed(o.party, payload.names, { origin, node, index: o.index });
          break;
        }
        case 'key-change':
          this.#changeKey(o, node);
          break;
        case 'key-compromise':
          await this.#compromise(o);
          break;
        case 'attestation':
          this.#attestations.add(id, (o.object as SignedObject<'attestation'>).payload, loggedAt);
          break;
        case 'attestation-revocation': {
          const revoked = this.#attestations.revoke(
            (o.object as SignedObject<'attestation-revocation'>).payload,
            loggedAt,
          );
          if (revoked !== undefined) this.#registry.attestations.revokedByFollowed(revoked.party, revoked.at);
          break;
        }
        case 'record': {
          const r = (o.object as SignedObject<'record'>).payload;
          if (this.#records.has(id) || local.has(id)) break;
          const held: FollowedRecord = {
            origin,
            node,
            index: o.index,
            iss: r.iss,
            kid: o.object.header.kid,
            loggedAt,
          };
          this.#records.set(id, held);
          index.addRecord(indexedRecordOf(id, r, loggedAt));
          // A compromise applied before it (from another origin, or at start-up, origin by origin).
          const disqualified = this.#disqualified(r.iss, held.kid, loggedAt);
          if (disqualified) index.disqualify(id, r.work.ids);
          const revoked = this.#pendingRevoked.get(id);
          if (revoked !== undefined && revoked.iss === r.iss) {
            held.revokedBy = revoked.by;
            held.revokedAt = revoked.at;
            index.markRevoked(id, r.work.ids, revoked.at);
          }
          const superseded = this.#pendingSuperseded.get(id);
          if (superseded !== undefined && superseded.iss === r.iss) {
            held.supersededBy = superseded.by;
            held.supersededAt = superseded.at;
            index.markSuperseded(id, r.work.ids, superseded.at);
          }
          if (r.supersedes !== undefined) held.supersedes = r.supersedes;
          if (r.supersedes !== undefined && !disqualified) {
            await this.#change('supersession', r.supersedes, id, takesEffectAt(r.issued_at, loggedAt), r.iss);
          }
          break;
        }
        case 'revocation': {
          const r = (o.object as SignedObject<'revocation'>).payload;
          const kid = o.object.header.kid;
          if (!this.#revocations.has(id))
            this.#revocations.set(id, { record: r.record, iss: r.iss, kid, loggedAt });
          if (this.#disqualified(r.iss, kid, loggedAt)) break;
          await this.#change('revocation', r.record, id, takesEffectAt(r.issued_at, loggedAt), r.iss);
          break;
        }
        case 'delegation': {
          // REQ-FED-024: in force from when this node logged it (kyodaku.md REQ-DEL-002).
          const d = (o.object as SignedObject<'delegation'>).payload;
          index.delegations.add({
            id,
            principal: d.iss,
            agent: d.agent,
            from: takesEffectAt(d.issued_at, loggedAt),
            ...(d.valid_until !== undefined && { validUntil: d.valid_until }),
          });
          break;
        }
        case 'delegation-revocation': {
          // Only the principal ends its delegation; a revocation of one not held does nothing.
          const r = (o.object as SignedObject<'delegation-revocation'>).payload;
          if (index.delegations.principalOf(r.delegation) === r.iss) {
            index.delegations.revoke(r.delegation, takesEffectAt(r.issued_at, loggedAt));
          }
          break;
        }
      }
    }
  }

  /** The work ids of a record the node holds (own or followed), if it holds it. */
  async #idsOf(recordId: string): Promise<readonly string[] | undefined> {
    if (this.#records.has(recordId)) {
      const [row] = await this.#db
        .select({ jws: foreignObjects.jws })
        .from(foreignObjects)
        .where(eq(foreignObjects.id, recordId))
        .limit(1);
      return row && (payloadOf(row.jws, 'record') as ConsentRecord).work.ids;
    }
    const row = await this.#registry.records.recordRow(recordId);
    return row && (JSON.parse(row.ids) as string[]);
  }

  /** Whether `iss` may act on the record: it is its issuer, or the record is not held (yet). */
  async #issuerMayAct(recordId: string, iss: string): Promise<boolean> {
    const issuer =
      this.#records.get(recordId)?.iss ?? (await this.#registry.records.recordRow(recordId))?.issuer;
    return issuer === undefined || issuer === iss;
  }

  #pending(kind: ChangeKind): Map<string, LaterChange> {
    return kind === 'revocation' ? this.#pendingRevoked : this.#pendingSuperseded;
  }

  /**
   * `recordId` revoked or superseded by `by` (of `iss`) from `at`: noted on the followed record or
   * the node's own one, and in the decision index; kept pending while the record is not held.
   */
  async #change(kind: ChangeKind, recordId: string, by: string, at: string, iss: string): Promise<void> {
    if (!(await this.#issuerMayAct(recordId, iss))) return;
    const ids = await this.#idsOf(recordId);
    const field = CHANGE_FIELDS[kind];
    const held = this.#records.get(recordId);
    if (held !== undefined && held[field.by] === undefined) {
      held[field.by] = by;
      held[field.at] = at;
    }
    if (held === undefined && ids !== undefined) {
      const change = this.#localChanges.get(recordId) ?? {};
      if (change[field.by] === undefined) {
        this.#localChanges.set(recordId, { ...change, [field.by]: by, [field.at]: at });
      }
    }
    if (ids === undefined) this.#pending(kind).set(recordId, { by, at, iss });
    else {
      if (kind === 'revocation') this.#registry.index.markRevoked(recordId, ids, at);
      else this.#registry.index.markSuperseded(recordId, ids, at);
      this.#registry.records.withdrawnByFollowed(recordId, 'withdrawn');
    }
  }

  /** The origin of a followed record, if the node holds it as followed. */
  originOf(recordId: string): string | undefined {
    return this.#records.get(recordId)?.origin;
  }

  isFollowedRecord(recordId: string): boolean {
    return this.#records.has(recordId);
  }

  /**
   * The stored row of one of the node's own records with what followed objects did to it: a
   * revocation or superseding record of its issuer from any origin (REQ-FED-030), so that its view
   * has the status the decision index uses.
   */
  withFollowedChanges(row: RecordRow): RecordRow {
    const change = this.#localChanges.get(row.id);
    if (change === undefined) return row;
    return {
      ...row,
      revokedBy: row.revokedBy ?? change.revokedBy ?? null,
      revokedAt: row.revokedBy === null ? (change.revokedAt ?? null) : row.revokedAt,
      supersededBy: row.supersededBy ?? change.supersededBy ?? null,
      supersededAt: row.supersededBy === null ? (change.supersededAt ?? null) : row.supersededAt,
    };
  }

  /** RecordViews of the followed records among `ids`, each with its origin (REQ-FED-033). */
  recordViews(ids: readonly string[], nowMs: number) {
    return followedRecordViews(
      this.#db,
      (id) => {
        const held = this.#records.get(id);
        if (held === undefined || !this.#disqualified(held.iss, held.kid, held.loggedAt)) return held;
        return { ...held, compromisedBy: this.#compromised.get(held.kid)!.by };
      },
      ids,
      nowMs,
    );
  }
}
