/**
 * Party keys (spec/kyodaku.md §6.4, §6.5): the keys bound to parties by key changes and the keys
 * declared compromised, kept in memory (loaded at start, updated after every accepted change), and
 * the effect of a compromise on the decision index: records signed with the key and logged at or
 * after `compromised_at` stop counting (REQ-KEY-007).
 */
import type { KeyObject } from 'node:crypto';
import { KyodakuError, type SignedObject } from '@kyodaku/client';
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { keyCompromises, objects, partyKeys, records, revocations } from '../db/schema.ts';
import type { DecisionIndex } from '../decisions/decision-index.ts';
import { groupState, type StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import { keyObjectOf } from '../objects/verify.ts';
import { kidOf } from '../objects/views.ts';
import type { PartyStore } from './party-store.ts';

/** A key bound by a key change. */
interface BoundKey {
  kid: string;
  party: string;
  x: string;
  boundBy: string;
  boundAt: string;
}

/** The current key of each party changed earlier in the same group commit. */
const changedInGroup = groupState(() => new Map<string, string>());
/** The keys declared compromised earlier in the same group commit. */
const compromisedInGroup = groupState(() => new Set<string>());

export class KeyStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #index: DecisionIndex;
  readonly #parties: PartyStore;
  /** Keys bound by key changes, by kid. */
  readonly #bound = new Map<string, BoundKey>();
  /** Each changed party's keys after its first, in log order. */
  readonly #history = new Map<string, BoundKey[]>();
  /** Compromised keys: kid -> { compromised_at, declaration id }. */
  readonly #compromised = new Map<string, { at: string; by: string }>();
  readonly #disqualified: Array<(records: readonly string[]) => void> = [];

  constructor(objects: ObjectLog, index: DecisionIndex, parties: PartyStore) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#index = index;
    this.#parties = parties;
  }

  /** Calls `listener` with the records a key compromise disqualified, after it is committed (usage labels). */
  onDisqualified(listener: (records: readonly string[]) => void): void {
    this.#disqualified.push(listener);
  }

  /**
   * Loads the key history again, after another process sharing the database (PostgreSQL) logged a
   * key change or compromise (cluster/shared-log.ts); disqualifying again is harmless.
   */
  async reload(): Promise<void> {
    this.#bound.clear();
    this.#history.clear();
    this.#compromised.clear();
    await this.load();
  }

  /** Loads the key history and applies every compromise to the decision index; after the record index. */
  async load(): Promise<void> {
    for (const k of await this.#db.select().from(partyKeys).orderBy(asc(partyKeys.seq))) this.#bind(k);
    for (const c of await this.#db.select().from(keyCompromises)) {
      this.#compromised.set(c.kid, { at: c.compromisedAt, by: c.id });
      for (const r of (await this.#affected(c.party, c.kid, c.compromisedAt)).records) {
        this.#index.disqualify(r.id, r.ids);
      }
    }
  }

  #bind(k: BoundKey): void {
    this.#bound.set(k.kid, k);
    const list = this.#history.get(k.party);
    if (list === undefined) this.#history.set(k.party, [k]);
    else list.push(k);
  }

  /**
   * The key compromise by which an object signed as `jws` and logged at `loggedAt` counts at no
   * time (REQ-KEY-007), if one does.
   */
  compromiseOf(jws: string, loggedAt: string): string | undefined {
    const c = this.#compromised.get(kidOf(jws));
    return c !== undefined && loggedAt >= c.at ? c.by : undefined;
  }

  /** The kid of a party's current key: its first key (the party id) until a key change. */
  currentKid(party: string): string {
    const list = this.#history.get(party);
    return list === undefined ? party : list[list.length - 1]!.kid;
  }

  /** The key bound to `party` now if `kid` names it (REQ-SIG-003, REQ-KEY-004), else ERR_JWS_KID. */
  async currentKey(party: string, kid: string): Promise<KeyObject> {
    if (kid !== this.currentKid(party)) {
      throw new KyodakuError('ERR_JWS_KID', 'kid is not the current key of iss');
    }
    const bound = this.#bound.get(kid);
    if (bound !== undefined) return keyObjectOf({ x: bound.x });
    const key = await this.#parties.partyKey(party);
    if (key === undefined) throw new KyodakuError('ERR_JWS_KID', 'iss is not a registered party');
    return key;
  }

  /**
   * A party registration (self-signed, so its kid is its key's thumbprint) is refused once that key
   * no longer signs for its party (REQ-KEY-004: the party changed its key; updates are signed by the
   * current key in a later version) and when the key is bound to a party by a key change (REQ-KEY-003).
   */
  assertMayRegister(kid: string): void {
    if (this.#bound.has(kid))
      throw new KyodakuError('ERR_CONFLICT', 'this key is bound to a party by a key change');
    if (this.currentKid(kid) !== kid) {
      throw new KyodakuError('ERR_JWS_KID', 'the party changed its key: this key no longer signs for it');
    }
  }

  /** The party's keys, oldest first (GET /v1/parties/{id}/keys); undefined for an unknown party. */
  async keysOf(party: string) {
    const row = await this.#parties.partyRow(party);
    if (row === undefined) return undefined;
    const first = await this.#objects.objectById(row.currentId);
    const firstJwk = JSON.parse(Buffer.from(first!.jws.split('.')[1]!, 'base64url').toString()) as {
      key: { x: string };
    };
    const compromise = (kid: string) => {
      const c = this.#compromised.get(kid);
      return c === undefined ? {} : { compromised_at: c.at, compromised_by: c.by };
    };
    const keys = [
      {
        kid: party,
        key: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: firstJwk.key.x },
        ...compromise(party),
      },
      ...(this.#history.get(party) ?? []).map((k) => ({
        kid: k.kid,
        key: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: k.x },
        bound_at: k.boundAt,
        bound_by: k.boundBy,
        ...compromise(k.kid),
      })),
    ];
    return { party, current: this.currentKid(party), keys };
  }

  /** Stores a verified key change whose proof was checked; `newKid` is the new key's id. */
  async putKeyChange(
    change: SignedObject<'key-change'>,
    newKid: string,
    receivedAt: string,
  ): Promise<StoredObject> {
    const party = change.payload.iss;
    const [stored] = await this.#objects.publish({
      id: change.id,
      plan: async (g) => {
        const changed = changedInGroup(g);
        const current = changed.get(party) ?? this.currentKid(party);
        if (change.header.kid !== current) {
          throw new KyodakuError('ERR_JWS_KID', 'a key change must be signed by the current key of iss');
        }
        const inGroup = [...changed.values()].includes(newKid);
        if (inGroup || this.#bound.has(newKid) || (await this.#parties.partyRow(newKid)) !== undefined) {
          throw new KyodakuError('ERR_CONFLICT', 'new_key is already a key of a party');
        }
        changed.set(party, newKid);
        const row: BoundKey & { seq: number } = {
          kid: newKid,
          party,
          x: change.payload.new_key.x,
          seq: g.seq,
          boundBy: change.id,
          boundAt: receivedAt,
        };
        return {
          objects: [{ id: change.id, kind: 'key-change', jws: change.jws, receivedAt }],
          stmts: [this.#db.insert(partyKeys).values(row)],
          after: () => this.#bind(row),
        };
      },
    });
    return stored!;
  }

  /** Stores a verified key compromise (REQ-KEY-006) and applies it to the decision index (REQ-KEY-007). */
  async putKeyCompromise(c: SignedObject<'key-compromise'>, receivedAt: string): Promise<StoredObject> {
    const { iss: party, key: kid, compromised_at: at } = c.payload;
    const [stored] = await this.#objects.publish({
      id: c.id,
      plan: async (g) => {
        const current = changedInGroup(g).get(party) ?? this.currentKid(party);
        if (c.header.kid !== current) {
          throw new KyodakuError('ERR_JWS_KID', 'a key compromise must be signed by the current key of iss');
        }
        const former = kid === party || this.#bound.get(kid)?.party === party;
        if (!former) throw new KyodakuError('ERR_NOT_FOUND', 'key is not a key of iss');
        if (kid === current) {
          throw new KyodakuError(
            'ERR_CONFLICT',
            'the current key cannot be declared compromised; change it first',
          );
        }
        const declared = compromisedInGroup(g);
        if (this.#compromised.has(kid) || declared.has(kid)) {
          throw new KyodakuError('ERR_CONFLICT', 'the key is already declared compromised');
        }
        declared.add(kid);
        const affected = await this.#affected(party, kid, at);
        const revoked = affected.revocations.map((r) => r.record);
        const superseded = affected.records.flatMap((r) => (r.supersedes === null ? [] : [r.supersedes]));
        const reinstated = await this.#idsOf([...revoked, ...superseded]);
        return {
          objects: [{ id: c.id, kind: 'key-compromise', jws: c.jws, receivedAt }],
          stmts: [
            this.#db.insert(keyCompromises).values({ kid, party, compromisedAt: at, id: c.id }),
            // What those objects did to other records is undone in the stored status too.
            ...(revoked.length > 0
              ? [
                  this.#db
                    .update(records)
                    .set({ revokedBy: null, revokedAt: null })
                    .where(inArray(records.id, revoked)),
                ]
              : []),
            ...(superseded.length > 0
              ? [
                  this.#db
                    .update(records)
                    .set({ supersededBy: null, supersededAt: null })
                    .where(inArray(records.id, superseded)),
                ]
              : []),
          ],
          after: () => {
            this.#compromised.set(kid, { at, by: c.id });
            for (const r of affected.records) this.#index.disqualify(r.id, r.ids);
            for (const id of revoked) this.#index.reinstate(id, reinstated.get(id) ?? [], 'revocation');
            for (const id of superseded) this.#index.reinstate(id, reinstated.get(id) ?? [], 'supersession');
            const disqualified = affected.records.map((r) => r.id);
            for (const listener of this.#disqualified) listener(disqualified);
          },
        };
      },
    });
    return stored!;
  }

  /** The records and revocations of `party` signed with `kid` and logged at or after `at`. */
  async #affected(party: string, kid: string, at: string) {
    const recordRows = await this.#db
      .select({ id: records.id, ids: records.ids, supersedes: records.supersedes, jws: objects.jws })
      .from(records)
      .innerJoin(objects, eq(objects.id, records.id))
      .where(and(eq(records.issuer, party), gte(objects.receivedAt, at)));
    const revocationRows = await this.#db
      .select({ id: revocations.id, record: revocations.record, jws: objects.jws })
      .from(revocations)
      .innerJoin(objects, eq(objects.id, revocations.id))
      .where(and(eq(revocations.issuer, party), gte(objects.receivedAt, at)));
    return {
      records: recordRows
        .filter((r) => kidOf(r.jws) === kid)
        .map((r) => ({ id: r.id, ids: JSON.parse(r.ids) as string[], supersedes: r.supersedes })),
      revocations: revocationRows.filter((r) => kidOf(r.jws) === kid),
    };
  }

  /** The identifiers of records, by id. */
  async #idsOf(ids: string[]): Promise<Map<string, string[]>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .select({ id: records.id, ids: records.ids })
      .from(records)
      .where(inArray(records.id, ids));
    return new Map(rows.map((r) => [r.id, JSON.parse(r.ids) as string[]]));
  }
}
