/**
 * The delegations the decision index knows (spec/kyodaku.md §6.6): which agent acts for which
 * principal, and when. Decisions ask only when records of more than one issuer are in force for an
 * item, so this stays off the one-issuer fast path.
 */

export interface DelegationState {
  id: string;
  principal: string;
  agent: string;
  /** When it took effect: the later of `issued_at` and the logged time (REQ-DEL-002). */
  from: string;
  validUntil?: string;
  /** When its revocation took effect, if revoked. */
  revokedAt?: string;
}

export class Delegations {
  /** agent -> its delegations, as added. */
  readonly #byAgent = new Map<string, DelegationState[]>();
  readonly #byId = new Map<string, DelegationState>();

  add(d: DelegationState): void {
    if (this.#byId.has(d.id)) return;
    this.#byId.set(d.id, d);
    const list = this.#byAgent.get(d.agent);
    if (list === undefined) this.#byAgent.set(d.agent, [d]);
    else list.push(d);
  }

  revoke(id: string, at: string): void {
    const d = this.#byId.get(id);
    if (d !== undefined && (d.revokedAt === undefined || at < d.revokedAt)) d.revokedAt = at;
  }

  /** The principal of a delegation the index holds. */
  principalOf(id: string): string | undefined {
    return this.#byId.get(id)?.principal;
  }

  /** Whether `agent` acts for `principal` at `at` (REQ-DEL-002). */
  actsFor(agent: string, principal: string, at: string): boolean {
    for (const d of this.#byAgent.get(agent) ?? []) {
      if (
        d.principal === principal &&
        d.from <= at &&
        (d.validUntil === undefined || at < d.validUntil) &&
        (d.revokedAt === undefined || at < d.revokedAt)
      ) {
        return true;
      }
    }
    return false;
  }

  /** The question decide() asks at `at`; undefined while the node knows no delegation. */
  at(at: string): ((agent: string, principal: string) => boolean) | undefined {
    return this.#byId.size === 0 ? undefined : (agent, principal) => this.actsFor(agent, principal, at);
  }
}
