/**
 * Delegations and their revocations (spec/kyodaku.md §6.6, http-api.md §3.7): stored rows with the
 * times they took effect, appended through the object log, and kept in the decision index.
 */
import { KyodakuError, type SignedObject, takesEffectAt } from '@kyodaku/client';
import { asc, eq, or } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { type DelegationRow, delegations } from '../db/schema.ts';
import type { DecisionIndex } from '../decisions/decision-index.ts';
import type { DelegationState } from '../decisions/delegations.ts';
import { groupState, type StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';
import type { PartyStore } from './party-store.ts';

/** The delegations revoked earlier in the same group commit. */
const revokedInGroup = groupState(() => new Set<string>());

function stateOf(row: DelegationRow): DelegationState {
  return {
    id: row.id,
    principal: row.principal,
    agent: row.agent,
    from: row.from,
    ...(row.validUntil !== null && { validUntil: row.validUntil }),
    ...(row.revokedAt !== null && { revokedAt: row.revokedAt }),
  };
}

export class DelegationStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #index: DecisionIndex;
  readonly #parties: PartyStore;

  constructor(objects: ObjectLog, index: DecisionIndex, parties: PartyStore) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#index = index;
    this.#parties = parties;
  }

  /** Hands every stored delegation to the decision index; call once at start-up. */
  async load(): Promise<void> {
    for (const row of await this.#db.select().from(delegations)) this.#index.delegations.add(stateOf(row));
  }

  async delegationRow(id: string): Promise<DelegationRow | undefined> {
    const [row] = await this.#db.select().from(delegations).where(eq(delegations.id, id)).limit(1);
    return row;
  }

  /** The delegations a party made and those made to it, oldest first. */
  delegationsOf(party: string): Promise<DelegationRow[]> {
    return this.#db
      .select()
      .from(delegations)
      .where(or(eq(delegations.principal, party), eq(delegations.agent, party)))
      .orderBy(asc(delegations.from), asc(delegations.id));
  }

  /** Stores a verified delegation (REQ-DEL-001) and puts it in force (REQ-DEL-002). */
  async putDelegation(d: SignedObject<'delegation'>, receivedAt: string): Promise<StoredObject> {
    const p = d.payload;
    const [stored] = await this.#objects.publish({
      id: d.id,
      plan: async () => {
        if ((await this.#parties.partyRow(p.agent)) === undefined) {
          throw new KyodakuError('ERR_NOT_FOUND', 'agent is not a party this node holds');
        }
        const row: DelegationRow = {
          id: d.id,
          principal: p.iss,
          agent: p.agent,
          from: takesEffectAt(p.issued_at, receivedAt),
          validUntil: p.valid_until ?? null,
          revokedBy: null,
          revokedAt: null,
        };
        return {
          objects: [{ id: d.id, kind: 'delegation', jws: d.jws, receivedAt }],
          stmts: [this.#db.insert(delegations).values(row)],
          after: () => this.#index.delegations.add(stateOf(row)),
        };
      },
    });
    return stored!;
  }

  /** Stores a verified delegation revocation (REQ-DEL-001) and ends the delegation (REQ-DEL-002). */
  async putRevocation(r: SignedObject<'delegation-revocation'>, receivedAt: string): Promise<StoredObject> {
    const p = r.payload;
    const [stored] = await this.#objects.publish({
      id: r.id,
      plan: async (g) => {
        const target = await this.delegationRow(p.delegation);
        if (target === undefined || target.principal !== p.iss) {
          throw new KyodakuError('ERR_NOT_FOUND', 'iss made no such delegation at this node');
        }
        const revoked = revokedInGroup(g);
        if (target.revokedBy !== null || revoked.has(target.id)) {
          throw new KyodakuError('ERR_CONFLICT', 'the delegation is already revoked');
        }
        revoked.add(target.id);
        const at = takesEffectAt(p.issued_at, receivedAt);
        return {
          objects: [{ id: r.id, kind: 'delegation-revocation', jws: r.jws, receivedAt }],
          stmts: [
            this.#db
              .update(delegations)
              .set({ revokedBy: r.id, revokedAt: at })
              .where(eq(delegations.id, target.id)),
          ],
          after: () => this.#index.delegations.revoke(target.id, at),
        };
      },
    });
    return stored!;
  }
}
