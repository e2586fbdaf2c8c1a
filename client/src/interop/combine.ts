/**
 * Combining the registry's signed answer with unsigned foreign signals (spec/interop.md §9): the
 * strictest wins, and an unsigned signal can only restrict, never allow (REQ-INTEROP-003).
 */
import { mostRestrictive, type Permission, PURPOSE_LEAVES, type PurposeLeaf } from '../purposes.ts';
import type { LeafPermissions } from './vocabulary.ts';

/** One foreign signal read for an item: where it came from and what it says per leaf. */
export interface UnsignedSignal {
  /** e.g. `robots.txt line 4`, `Content-Usage header`, `tdmrep.json rule 1`. */
  source: string;
  /** The text the signal said, for the explanation. */
  said: string;
  permissions: LeafPermissions;
}

export interface LeafVerdict {
  decision: Permission;
  /** Why, most decisive first: the registry's answer, then every signal that restricted it. */
  why: string[];
}

/**
 * The verdict per leaf: the registry's decision, lowered by every unsigned signal that denies or
 * conditions the leaf; an unsigned `allow` changes nothing and is named as ignored.
 */
export function combine(
  registry: Record<PurposeLeaf, { decision: Permission; reasons: readonly string[] }>,
  signals: readonly UnsignedSignal[],
): Record<PurposeLeaf, LeafVerdict> {
  const verdicts = {} as Record<PurposeLeaf, LeafVerdict>;
  for (const leaf of PURPOSE_LEAVES) {
    const signed = registry[leaf];
    let decision = signed.decision;
    const why = [`registry: ${signed.decision} (${signed.reasons.join(', ')})`];
    for (const signal of signals) {
      const value = signal.permissions[leaf];
      if (value === undefined) continue;
      if (value === 'allow') {
        if (decision !== 'allow')
          why.push(`${signal.source}: ${signal.said} allows, ignored (an unsigned signal cannot allow)`);
        continue;
      }
      const lowered = mostRestrictive([decision, value]);
      why.push(
        `${signal.source}: ${signal.said} → ${value}${lowered === decision ? '' : ' (stricter: wins)'}`,
      );
      decision = lowered;
    }
    verdicts[leaf] = { decision, why };
  }
  return verdicts;
}
