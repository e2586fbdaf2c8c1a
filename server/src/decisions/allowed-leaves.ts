/** The leaves a set of record states allows (allow or conditional), as a bit mask over PURPOSE_LEAVES. */
import { decide, PURPOSE_LEAVES, type RecordState } from '@kyodaku/client';

export function allowedLeavesOf(identifier: string, at: string, states: readonly RecordState[]): number {
  const d = decide({ ids: [identifier], purpose: 'all', at }, states);
  let mask = 0;
  PURPOSE_LEAVES.forEach((leaf, i) => {
    const value = d.leaves?.[leaf]?.decision;
    if (value === 'allow' || value === 'conditional') mask |= 1 << i;
  });
  return mask;
}
