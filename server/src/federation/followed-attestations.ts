/**
 * Attestations and their revocations from followed logs (spec/federation.md §5): the roles they
 * give parties, which followed pages are verified against, and their place in the decision index.
 * A revocation may arrive before the attestation it ends (from another origin): it is kept until then.
 */
import { type SignedObject, takesEffectAt } from '@kyodaku/client';
import type { DecisionIndex } from '../decisions/decision-index.ts';

type Attestation = SignedObject<'attestation'>['payload'];
type AttestationRevocation = SignedObject<'attestation-revocation'>['payload'];

export class FollowedAttestations {
  readonly #index: DecisionIndex;
  /** party -> role of an attestation by a peer's pinned key (the first one seen). */
  readonly #roles = new Map<string, string>();
  /** attestation id -> its party. */
  readonly #parties = new Map<string, string>();
  /** attestation id -> when its revocation takes effect, for attestations not (yet) held. */
  readonly #pendingRevocations = new Map<string, string>();

  constructor(index: DecisionIndex) {
    this.#index = index;
  }

  /** The role a followed attestation gives `party`, if any. */
  roleOf(party: string): string | undefined {
    return this.#roles.get(party);
  }

  /** Makes a verified attestation's role known before its page commits. */
  noteRole(attestation: Attestation): void {
    if (!this.#roles.has(attestation.party)) this.#roles.set(attestation.party, attestation.role);
  }

  /** A committed followed attestation, in force from `takesEffectAt` (once per id). */
  add(id: string, a: Attestation, loggedAt: string): void {
    if (this.#parties.has(id)) return;
    this.#parties.set(id, a.party);
    this.noteRole(a);
    this.#index.addAttestation(a.party, {
      id,
      role: a.role,
      from: takesEffectAt(a.issued_at, loggedAt),
      ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
    });
    const revokedAt = this.#pendingRevocations.get(id);
    if (revokedAt !== undefined) this.#index.revokeAttestation(a.party, id, revokedAt);
  }

  /**
   * A committed followed attestation revocation: the party that lost the attestation and from when,
   * or undefined while the attestation is not held.
   */
  revoke(r: AttestationRevocation, loggedAt: string): { party: string; at: string } | undefined {
    const party = this.#parties.get(r.attestation);
    const at = takesEffectAt(r.issued_at, loggedAt);
    if (party === undefined) {
      this.#pendingRevocations.set(r.attestation, at);
      return undefined;
    }
    this.#index.revokeAttestation(party, r.attestation, at);
    return { party, at };
  }
}
