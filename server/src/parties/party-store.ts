/** Parties (spec/http-api.md §3.1): registrations and updates, and the cache of their public keys. */
import type { KeyObject } from 'node:crypto';
import { KyodakuError, type Party, type SignedObject } from '@kyodaku/client';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { objects, parties } from '../db/schema.ts';
import { groupState, type StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import { keyObjectOf } from '../objects/verify.ts';
import { payloadOf } from '../objects/views.ts';
import { PartyNames } from './party-names.ts';

/** The `issued_at` of each party updated earlier in the same group commit. */
const updatedInGroup = groupState(() => new Map<string, string>());

/** A followed party registration: its origin, the peer's node key id and its index in that log. */
export interface FollowedPartyRef {
  origin: string;
  node: string;
  index: number;
}

export class PartyStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  /** Public keys of registered parties (a party id is its key's thumbprint, so it never changes). */
  readonly #keys = new Map<string, KeyObject>();
  /** The names of every party's current registration, by match key (REQ-API-102). */
  readonly names = new PartyNames();
  /** Where the latest followed registration of each followed party is (federation.md REQ-FED-036). */
  readonly #followed = new Map<string, FollowedPartyRef>();

  constructor(objects: ObjectLog) {
    this.#objects = objects;
    this.#db = objects.db;
  }

  /** Loads the names of every party's current registration; call once at start-up. */
  async load(): Promise<void> {
    const rows = await this.#db
      .select({ partyId: parties.partyId, jws: objects.jws })
      .from(parties)
      .innerJoin(objects, eq(objects.id, parties.currentId));
    for (const r of rows) this.names.set(r.partyId, payloadOf(r.jws, 'party').names);
  }

  /** Notes a followed party's registration (called as followed objects are applied, and at start-up). */
  noteFollowed(partyId: string, names: Readonly<Record<string, string>>, ref: FollowedPartyRef): void {
    this.#followed.set(partyId, ref);
    this.names.setFollowed(partyId, names);
  }

  /** Where the latest followed registration of a party is, if the node follows one. */
  followedRef(partyId: string): FollowedPartyRef | undefined {
    return this.#followed.get(partyId);
  }

  async partyRow(partyId: string) {
    const [row] = await this.#db.select().from(parties).where(eq(parties.partyId, partyId)).limit(1);
    return row;
  }

  /**
   * The public key of a registered party, or undefined. Cached: a party id is the thumbprint of its
   * key, so every registration of the party carries the same key.
   */
  async partyKey(partyId: string): Promise<KeyObject | undefined> {
    const cached = this.#keys.get(partyId);
    if (cached !== undefined) return cached;
    const row = await this.partyRow(partyId);
    const obj = row && (await this.#objects.objectById(row.currentId));
    if (obj === undefined) return undefined;
    return this.#cacheKey(partyId, payloadOf(obj.jws, 'party').key);
  }

  #cacheKey(partyId: string, jwk: Party['key']): KeyObject {
    const key = keyObjectOf(jwk);
    this.#keys.set(partyId, key);
    return key;
  }

  async putParty(obj: SignedObject<'party'>, receivedAt: string, together?: object): Promise<StoredObject> {
    const partyId = obj.header.kid;
    const [stored] = await this.#objects.publish({
      id: obj.id,
      together,
      plan: async (g) => {
        const updated = updatedInGroup(g);
        const currentIssuedAt = updated.get(partyId) ?? (await this.partyRow(partyId))?.issuedAt;
        if (currentIssuedAt !== undefined && obj.payload.issued_at <= currentIssuedAt) {
          throw new KyodakuError(
            'ERR_CONFLICT',
            'a party update must have a later issued_at than the current registration',
          );
        }
        updated.set(partyId, obj.payload.issued_at);
        const row = { partyId, currentId: obj.id, issuedAt: obj.payload.issued_at, role: obj.payload.role };
        return {
          objects: [{ id: obj.id, kind: 'party', jws: obj.jws, receivedAt }],
          stmts: [
            this.#db
              .insert(parties)
              .values(row)
              .onConflictDoUpdate({
                target: parties.partyId,
                set: { currentId: row.currentId, issuedAt: row.issuedAt, role: row.role },
              }),
          ],
          after: () => {
            if (!this.#keys.has(partyId)) this.#cacheKey(partyId, obj.payload.key);
            this.names.set(partyId, obj.payload.names);
          },
        };
      },
    });
    return stored!;
  }
}
