/**
 * The keys followed key changes bind (spec/federation.md REQ-FED-018), remembered with where each
 * change was logged: the peer (its pinned node key) and the index in that peer's log. A followed
 * object is verified with the key bound to its issuer just before its own position in the log it
 * came from, so verifying a page again (after its commit failed) gives the same answer as the first
 * time, and a mirror that logged a change later than its origin is read in its own order.
 */
import type { SignedObject } from '@kyodaku/client';
import type { ChangedKey, LogPosition } from './verify-page.ts';

interface KeyStep {
  at: LogPosition;
  /** The key bound from the next index of that log on. */
  key: ChangedKey;
}

export class FollowedKeys {
  /** Per party, the key changes of every followed log, in the order they were noted. */
  readonly #steps = new Map<string, KeyStep[]>();

  /**
   * The key bound to `party` just before `at` in that peer's log: the new key of the last change of
   * the party the peer logged before that index; undefined while it is the party's first key there.
   */
  keyAt(party: string, at: LogPosition): ChangedKey | undefined {
    const steps = this.#steps.get(party) ?? [];
    let bound: KeyStep | undefined;
    for (const step of steps) {
      if (step.at.node !== at.node || step.at.index >= at.index) continue;
      if (bound === undefined || step.at.index > bound.at.index) bound = step;
    }
    return bound?.key;
  }

  /**
   * Binds a followed key change's new key to its party from its position on. Idempotent: a page is
   * noted when verified and again when applied, and a failed commit verifies and notes it again.
   */
  note(party: string, change: SignedObject<'key-change'>, newKid: string, at: LogPosition): void {
    const steps = this.#steps.get(party) ?? [];
    if (steps.some((s) => s.at.node === at.node && s.at.index === at.index)) return;
    const previous = this.keyAt(party, at);
    steps.push({
      at,
      key: {
        kid: newKid,
        jwk: change.payload.new_key,
        former: [...(previous?.former ?? []), change.header.kid],
      },
    });
    this.#steps.set(party, steps);
  }
}
