/**
 * Attestations this node makes on an admin request, and their revocations (spec/http-api.md §3.4),
 * with their effect on the decision index (which issuers are attested, when).
 */
import {
  type Attestation,
  type AttestationRevocation,
  KyodakuError,
  type SignedObject,
  takesEffectAt,
} from '@kyodaku/client';
import { asc, eq, isNotNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/open.ts';
import { type AttestationRow, attestationRevocations, attestations, objects } from '../db/schema.ts';
import type { DecisionIndex } from '../decisions/decision-index.ts';
import { groupState, type StoredObject } from '../objects/job.ts';
import type { ObjectLog } from '../objects/object-log.ts';

/** The attestations revoked earlier in the same group commit. */
const revokedInGroup = groupState(() => new Set<string>());

export class AttestationStore {
  readonly #objects: ObjectLog;
  readonly #db: Db;
  readonly #index: DecisionIndex;
  readonly #revoked: Array<(party: string, at: string) => void> = [];

  constructor(objects: ObjectLog, index: DecisionIndex) {
    this.#objects = objects;
    this.#db = objects.db;
    this.#index = index;
  }

  /**
   * Calls `listener` with the party and the time the revocation takes effect after the revocation
   * of one of its attestations is committed, this node's or a followed one (usage labels).
   */
  onRevoked(listener: (party: string, at: string) => void): void {
    this.#revoked.push(listener);
  }

  /** Tells the listeners of a followed attestation revocation, once committed and applied (federation). */
  revokedByFollowed(party: string, at: string): void {
    for (const listener of this.#revoked) listener(party, at);
  }

  /** The parties with an attestation by this node that was revoked. */
  async partiesWithRevocations(): Promise<Set<string>> {
    const rows = await this.#db
      .selectDistinct({ party: attestations.party })
      .from(attestations)
      .where(isNotNull(attestations.revokedBy));
    return new Set(rows.map((r) => r.party));
  }

  /**
   * Hands every stored attestation to the decision index, in force from when it took effect
   * (REQ-DECIDE-012: the later of `issued_at` and when the node logged it, and so for its
   * revocation); call once at start-up.
   */
  async load(): Promise<void> {
    const attestationObject = alias(objects, 'attestation_object');
    const revocationObject = alias(objects, 'revocation_object');
    const rows = await this.#db
      .select({
        a: attestations,
        loggedAt: attestationObject.receivedAt,
        revocationLoggedAt: revocationObject.receivedAt,
      })
      .from(attestations)
      .innerJoin(attestationObject, eq(attestationObject.id, attestations.id))
      .leftJoin(revocationObject, eq(revocationObject.id, attestations.revokedBy));
    for (const { a, loggedAt, revocationLoggedAt } of rows) {
      this.#index.addAttestation(a.party, {
        id: a.id,
        role: a.role,
        from: takesEffectAt(a.issuedAt, loggedAt),
        ...(a.expiresAt !== null && { expiresAt: a.expiresAt }),
        ...(a.revokedAt !== null &&
          revocationLoggedAt !== null && { revokedAt: takesEffectAt(a.revokedAt, revocationLoggedAt) }),
      });
    }
  }

  async attestationRow(id: string) {
    const [row] = await this.#db.select().from(attestations).where(eq(attestations.id, id)).limit(1);
    return row;
  }

  attestationsOf(partyId: string) {
    return this.#db
      .select()
      .from(attestations)
      .where(eq(attestations.party, partyId))
      .orderBy(asc(attestations.issuedAt));
  }

  async attestationRevocationRow(id: string) {
    const [row] = await this.#db
      .select()
      .from(attestationRevocations)
      .where(eq(attestationRevocations.id, id))
      .limit(1);
    return row;
  }

  /** Stores the executed admin request and the attestation the node signed for it. */
  async putAttestation(
    admin: SignedObject<'admin'>,
    attestation: SignedObject<'attestation'>,
    receivedAt: string,
  ): Promise<StoredObject> {
    const a = attestation.payload;
    const stored = await this.#objects.publish({
      id: admin.id,
      plan: async (g) => {
        // Two requests in one second for the same party and role make the same attestation.
        if (g.ids.has(attestation.id) || (await this.#objects.objectById(attestation.id))) {
          throw new KyodakuError('ERR_DUPLICATE', 'this node already made this attestation', {
            detail: { id: attestation.id },
          });
        }
        return {
          objects: [
            { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
            { id: attestation.id, kind: 'attestation', jws: attestation.jws, receivedAt },
          ],
          stmts: [this.#db.insert(attestations).values(attestationRowOf(attestation.id, a))],
          after: () =>
            this.#index.addAttestation(a.party, {
              id: attestation.id,
              role: a.role,
              from: takesEffectAt(a.issued_at, receivedAt),
              ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
            }),
        };
      },
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
    const stored = await this.#objects.publish({
      id: admin.id,
      plan: async (g) => {
        const revoked = revokedInGroup(g);
        if (revoked.has(r.attestation)) {
          throw new KyodakuError('ERR_CONFLICT', 'the attestation is already revoked');
        }
        const target = await this.revocableAttestation(r.attestation);
        revoked.add(r.attestation);
        return {
          objects: [
            { id: admin.id, kind: 'admin', jws: admin.jws, receivedAt },
            { id: revocation.id, kind: 'attestation-revocation', jws: revocation.jws, receivedAt },
          ],
          stmts: [
            this.#db
              .insert(attestationRevocations)
              .values({ id: revocation.id, attestation: r.attestation, issuedAt: r.issued_at }),
            this.#db
              .update(attestations)
              .set({ revokedBy: revocation.id, revokedAt: r.issued_at })
              .where(eq(attestations.id, r.attestation)),
          ],
          after: () => {
            const at = takesEffectAt(r.issued_at, receivedAt);
            this.#index.revokeAttestation(target.party, r.attestation, at);
            for (const listener of this.#revoked) listener(target.party, at);
          },
        };
      },
    });
    return stored[1]!;
  }
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
