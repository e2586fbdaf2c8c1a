/** What every export of an item needs from the node's decision for `all` (spec/interop.md REQ-INTEROP-061). */
import { type Conditions, type Decision, interop, PURPOSE_LEAVES } from '@kyodaku/client';

export interface ItemAnswer {
  /** Every leaf's decision (an item without records: every leaf deny). */
  permissions: interop.CompleteLeafPermissions;
  /** The conditions of the first record a conditional leaf names. */
  conditions: Conditions | undefined;
  /** The record whose issuer offers the terms: the one the conditions come from, else the first used. */
  offeringRecord: string | undefined;
  /** The ids of the records the decision used. */
  records: string[];
  /** The robots.txt path patterns of the item's url identifiers. */
  paths: string[];
  /** Where the item's ODRL policy is served (the terms other exports point to). */
  odrlUrl: string;
  /** Where the item's TDMRep policy is served (the `tdm-policy` of the TDMRep export). */
  tdmPolicyUrl: string;
  /** The identifier an ODRL policy targets. */
  target: string;
}

export function itemAnswer(decision: Decision, ids: readonly string[], origin: string): ItemAnswer {
  const permissions = {} as interop.CompleteLeafPermissions;
  let offer: { record: string; conditions: Conditions } | undefined;
  for (const leaf of PURPOSE_LEAVES) {
    const answer = decision.leaves?.[leaf];
    permissions[leaf] = answer?.decision ?? 'deny';
    if (answer?.decision === 'conditional') offer ??= answer.conditions?.[0];
  }
  const query = ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');
  return {
    permissions,
    conditions: offer?.conditions,
    offeringRecord: offer?.record ?? decision.records[0],
    records: decision.records,
    paths: ids.flatMap((id) => interop.pathPatternOf(id)?.path ?? []),
    odrlUrl: `${origin}/v1/interop/odrl?${query}`,
    tdmPolicyUrl: `${origin}/v1/interop/tdm-policy?${query}`,
    target: ids[0]!,
  };
}
