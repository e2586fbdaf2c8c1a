/**
 * The decision algorithm (spec/kyodaku.md, "Decisions"), a pure function: deny unless a valid signed
 * record allows it. The caller supplies every record that names any of the queried identifiers,
 * already verified (signature, issuer key attested and not revoked), with the times at which each was
 * superseded or revoked.
 */
import { isUrlPrefixPattern, urlPrefixMatches } from './identifiers.ts';
import {
  leavesOf,
  mostRestrictive,
  type Permission,
  type Purpose,
  type PurposeLeaf,
  permissionFor,
} from './purposes.ts';
import type { Conditions, ConsentRecord } from './schemas/objects.ts';

export interface RecordState {
  id: string;
  record: ConsentRecord;
  /**
   * When the deciding node logged the record (its `received_at`); the record counts from the later
   * of this, `issued_at` and `valid_from` (REQ-DECIDE-011). Absent: not known, `issued_at` alone.
   */
  loggedAt?: string;
  /**
   * When a revocation by the issuer took effect, if revoked: the later of its `issued_at` and the
   * time the node logged it (takesEffectAt, REQ-DECIDE-010).
   */
  revokedAt?: string;
  /** When a superseding record by the same issuer took effect (takesEffectAt), if superseded. */
  supersededAt?: string;
  /** The node whose log the record came from (kept for federation; not used to decide). */
  origin?: string;
}

export type Reason = 'no-record' | 'granted' | 'conditional' | 'denied' | 'not-granted' | 'disputed';

export interface LeafDecision {
  decision: Permission;
  reasons: Reason[];
  records: string[];
  disputed: boolean;
  conditions?: Array<{ record: string; conditions: Conditions }>;
}

export interface Decision extends LeafDecision {
  purpose: Purpose;
  at: string;
  /** Per-leaf answers when the purpose is a group. */
  leaves?: Partial<Record<PurposeLeaf, LeafDecision>>;
}

export interface DecisionQuery {
  /** Normalized identifiers that all name the same item (e.g. its URL and its sha256). */
  ids: readonly string[];
  purpose: Purpose;
  /** RFC 3339 UTC timestamp of the moment the decision is for. */
  at: string;
  /**
   * Whether `agent` acts for `principal` at `at` by a delegation in force (kyodaku.md §6.6,
   * REQ-DECIDE-013). Absent: no party acts for another.
   */
  actsFor?: (agent: string, principal: string) => boolean;
}

function matchesAny(record: ConsentRecord, ids: readonly string[]): boolean {
  return record.work.ids.some((recordId) =>
    ids.some((id) => recordId === id || (isUrlPrefixPattern(recordId) && urlPrefixMatches(recordId, id))),
  );
}

/**
 * When a revocation or superseding record takes effect (kyodaku.md §8, REQ-DECIDE-010): the later of
 * its `issued_at` and the time the node logged it, so that a backdated object never changes an
 * answer for a time before it was logged. Timestamps compare as strings (kyodaku.md §4).
 */
export function takesEffectAt(issuedAt: string, loggedAt: string): string {
  return issuedAt > loggedAt ? issuedAt : loggedAt;
}

/**
 * Whether a record is in force at `at`: issued and logged, inside its validity window, not revoked,
 * not superseded.
 */
export function isInForce(state: RecordState, at: string): boolean {
  const { record } = state;
  return (
    record.issued_at <= at &&
    (state.loggedAt === undefined || state.loggedAt <= at) &&
    record.valid_from <= at &&
    (record.valid_until === undefined || at < record.valid_until) &&
    (state.revokedAt === undefined || at < state.revokedAt) &&
    (state.supersededAt === undefined || at < state.supersededAt)
  );
}

/**
 * The conditions a record gives for a leaf (kyodaku.md §7.3): its `conditions` without `by_purpose`,
 * with the members of the most specific `by_purpose` entry (the leaf, else its group, else `all`)
 * in place of the same members. A record without `by_purpose` gives its `conditions` to every leaf.
 */
export function conditionsFor(conditions: Conditions | undefined, leaf: PurposeLeaf): Conditions {
  if (conditions === undefined) return {};
  const { by_purpose: byPurpose, ...common } = conditions;
  if (byPurpose === undefined) return conditions;
  const group = leaf.includes('.') ? (leaf.slice(0, leaf.indexOf('.')) as Purpose) : undefined;
  const specific = byPurpose[leaf] ?? (group === undefined ? undefined : byPurpose[group]) ?? byPurpose.all;
  return specific === undefined ? common : { ...common, ...specific };
}

/**
 * The party whose will a candidate states (kyodaku.md §8 step 3, REQ-DECIDE-013): its issuer, or
 * the one other issuer among the candidates that the issuer acts for by a delegation in force.
 */
function deciderOf(
  states: readonly RecordState[],
  actsFor: DecisionQuery['actsFor'],
): (state: RecordState) => string {
  if (actsFor === undefined) return (state) => state.record.iss;
  const issuers = [...new Set(states.map((s) => s.record.iss))];
  const principal = new Map<string, string>();
  for (const agent of issuers) {
    const principals = issuers.filter((p) => p !== agent && actsFor(agent, p));
    if (principals.length === 1) principal.set(agent, principals[0]!);
  }
  return (state) => principal.get(state.record.iss) ?? state.record.iss;
}

function newestPerIssuer(states: RecordState[], actsFor?: DecisionQuery['actsFor']): RecordState[] {
  const newest = new Map<string, RecordState>();
  const partyOf = deciderOf(states, actsFor);
  for (const state of states) {
    const party = partyOf(state);
    const current = newest.get(party);
    if (
      current === undefined ||
      state.record.issued_at > current.record.issued_at ||
      (state.record.issued_at === current.record.issued_at && state.id > current.id)
    ) {
      newest.set(party, state);
    }
  }
  return [...newest.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function decideLeaf(deciding: RecordState[], leaf: PurposeLeaf): LeafDecision {
  if (deciding.length === 0)
    return { decision: 'deny', reasons: ['no-record'], records: [], disputed: false };
  const values = deciding.map((state) => ({ state, value: permissionFor(state.record.purposes, leaf) }));
  const decision = mostRestrictive(values.map(({ value }) => value ?? 'deny'));
  const reasons = new Set<Reason>();
  for (const { value } of values) {
    reasons.add(
      value === undefined
        ? 'not-granted'
        : value === 'allow'
          ? 'granted'
          : value === 'deny'
            ? 'denied'
            : 'conditional',
    );
  }
  const disputed = deciding.length > 1;
  if (disputed) reasons.add('disputed');
  const result: LeafDecision = {
    decision,
    reasons: [...reasons],
    records: deciding.map(({ id }) => id),
    disputed,
  };
  if (decision === 'conditional') {
    result.conditions = values
      .filter(({ value }) => value === 'conditional')
      .map(({ state }) => ({ record: state.id, conditions: conditionsFor(state.record.conditions, leaf) }));
  }
  return result;
}

/** Decides one query over the candidate records. */
export function decide(query: DecisionQuery, candidates: readonly RecordState[]): Decision {
  const deciding = newestPerIssuer(
    candidates.filter((state) => isInForce(state, query.at) && matchesAny(state.record, query.ids)),
    query.actsFor,
  );
  const leaves = leavesOf(query.purpose);
  if (leaves.length === 1 && leaves[0] === query.purpose) {
    return { purpose: query.purpose, at: query.at, ...decideLeaf(deciding, leaves[0]) };
  }
  const perLeaf: Partial<Record<PurposeLeaf, LeafDecision>> = {};
  for (const leaf of leaves) perLeaf[leaf] = decideLeaf(deciding, leaf);
  const answers = Object.values(perLeaf) as LeafDecision[];
  const decision = mostRestrictive(answers.map((a) => a.decision));
  const reasons = [...new Set(answers.flatMap((a) => a.reasons))];
  const conditionsByRecord = new Map<string, Conditions>();
  if (decision === 'conditional') {
    for (const answer of answers)
      for (const c of answer.conditions ?? [])
        if (!conditionsByRecord.has(c.record)) conditionsByRecord.set(c.record, c.conditions);
  }
  const result: Decision = {
    purpose: query.purpose,
    at: query.at,
    decision,
    reasons,
    records: deciding.map(({ id }) => id),
    disputed: deciding.length > 1,
    leaves: perLeaf,
  };
  if (decision === 'conditional') {
    result.conditions = [...conditionsByRecord].map(([record, conditions]) => ({ record, conditions }));
  }
  return result;
}
