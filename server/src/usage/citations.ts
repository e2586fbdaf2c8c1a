/**
 * The check of a usage declaration's citations (spec/usage.md §4): every item cites exactly the
 * records that decide it at the time the node logs the declaration, each held by this node — in
 * its own log, or followed from a peer's log and cited with that log's origin (REQ-USAGE-025) — in
 * force, and allowing the purpose. The check reads the in-memory decision index; only the question
 * "is this record in our own log" goes to the database, once per distinct record.
 */
import {
  type Conditions,
  decide,
  isInForce,
  KyodakuError,
  type Purpose,
  type RecordState,
  type UsageItem,
} from '@kyodaku/client';
import type { DecisionIndex } from '../decisions/decision-index.ts';

/** A record's compensation terms (kyodaku.md §7.3). */
export type Compensation = NonNullable<Conditions['compensation']>;

export type CitationFailure =
  | 'unknown'
  | 'foreign'
  | 'unrelated'
  | 'revoked'
  | 'superseded'
  | 'not-in-force'
  | 'unattested'
  | 'denying'
  | 'denied'
  | 'not-deciding'
  | 'uncited';

export interface CitationProblem {
  item: number;
  record?: string;
  reason: CitationFailure;
}

/** One accepted (item, record) pair: the record's issuer and its compensation terms, if any. */
export interface Citation {
  item: number;
  record: string;
  holder: string;
  purpose: string;
  ids: readonly string[];
  uses: number;
  compensation?: Compensation;
  /** The end of the record's validity, if it has one (a label ends no later). */
  validUntil?: string;
  /** The origin of the peer's log a followed record comes from (absent for the node's own). */
  origin?: string;
}

/** Where the node holds records from: its own log, and the origin of each followed record. */
export interface HeldRecords {
  /** The cited ids this node's own log holds. */
  own: ReadonlySet<string>;
  /** The node's own origin. */
  origin: string;
  /** The origin of a record the node follows, if it follows it. */
  followedFrom(recordId: string): string | undefined;
}

/**
 * Where a citation may take a record from: `unknown` when the node holds no such record, `foreign`
 * when it holds it from another log than the citation names (a followed record needs its origin).
 */
function heldFailure(
  record: string,
  named: string | undefined,
  held: HeldRecords,
): { reason: CitationFailure } | { origin?: string } {
  if (held.own.has(record)) return named === undefined || named === held.origin ? {} : { reason: 'foreign' };
  const from = held.followedFrom(record);
  if (from === undefined) return { reason: 'unknown' };
  return named === from ? { origin: from } : { reason: 'foreign' };
}

/** Most failures a refusal lists (the first ones in item order). */
const MAX_LISTED = 100;

/** Why a cited record, found among the item's candidates, does not allow the item at `at`. */
function failureOf(
  state: RecordState,
  item: UsageItem,
  at: string,
  index: DecisionIndex,
): CitationFailure | undefined {
  if (state.revokedAt !== undefined && state.revokedAt <= at) return 'revoked';
  if (state.supersededAt !== undefined && state.supersededAt <= at) return 'superseded';
  if (!isInForce(state, at)) return 'not-in-force';
  if (index.attestationAt(state.record.iss, at) === undefined) return 'unattested';
  const alone = decide({ ids: item.ids, purpose: item.purpose as Purpose, at }, [state]);
  return alone.decision === 'deny' ? 'denying' : undefined;
}

/**
 * Checks every item's citations at `at` and returns the accepted citations, or throws 422
 * invalid-citation listing the failures.
 */
export function checkCitations(
  items: readonly UsageItem[],
  at: string,
  index: DecisionIndex,
  held: HeldRecords,
): Citation[] {
  const failures: CitationProblem[] = [];
  const citations: Citation[] = [];
  let failed = 0;
  const fail = (problem: CitationProblem) => {
    failed++;
    if (failures.length < MAX_LISTED) failures.push(problem);
  };
  items.forEach((item, i) => {
    const states = index.candidates(item.ids);
    const byId = new Map(states.map((s) => [s.id, s]));
    let itemFailed = false;
    const origins = new Map<string, string>();
    for (const record of item.records) {
      const state = byId.get(record);
      const where = heldFailure(record, item.origins?.[record], held);
      let reason: CitationFailure | undefined;
      if ('reason' in where) reason = where.reason;
      else if (state === undefined) reason = 'unrelated';
      else reason = failureOf(state, item, at, index);
      if ('origin' in where && where.origin !== undefined) origins.set(record, where.origin);
      if (reason !== undefined) {
        fail({ item: i, record, reason });
        itemFailed = true;
      }
    }
    if (itemFailed) return;
    const live = states.filter(
      (s) => isInForce(s, at) && index.attestationAt(s.record.iss, at) !== undefined,
    );
    const decision = decide({ ids: item.ids, purpose: item.purpose as Purpose, at }, live);
    if (decision.decision === 'deny') {
      fail({ item: i, reason: 'denied' });
      return;
    }
    const deciding = new Set(decision.records);
    for (const record of item.records)
      if (!deciding.has(record)) fail({ item: i, record, reason: 'not-deciding' });
    const cited = new Set(item.records);
    for (const record of decision.records)
      if (!cited.has(record)) fail({ item: i, record, reason: 'uncited' });
    if (failed > 0) return;
    const terms = new Map<string, Compensation>();
    for (const c of decision.conditions ?? [])
      if (c.conditions.compensation) terms.set(c.record, c.conditions.compensation);
    for (const leaf of Object.values(decision.leaves ?? {})) {
      for (const c of leaf.conditions ?? []) {
        if (c.conditions.compensation && !terms.has(c.record)) terms.set(c.record, c.conditions.compensation);
      }
    }
    for (const record of item.records) {
      const compensation = terms.get(record);
      const validUntil = byId.get(record)!.record.valid_until;
      const origin = origins.get(record);
      citations.push({
        item: i,
        record,
        holder: byId.get(record)!.record.iss,
        purpose: item.purpose,
        ids: item.ids,
        uses: item.uses ?? 1,
        ...(compensation !== undefined && { compensation }),
        ...(validUntil !== undefined && { validUntil }),
        ...(origin !== undefined && { origin }),
      });
    }
  });
  if (failed > 0) {
    const first = failures[0]!;
    throw new KyodakuError(
      'ERR_CITATION',
      `${failed} citation(s) do not allow the use; the first: item ${first.item}${first.record ? `, record ${first.record}` : ''}: ${first.reason}`,
      { detail: { citations: failures } },
    );
  }
  return citations;
}
