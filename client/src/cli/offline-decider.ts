/**
 * Decisions for items checked against a snapshot (spec/snapshot.md §6): a negative item is denied
 * locally; the identifiers of positive items go to POST /v1/decisions in batches, each with a
 * receipt that is verified before its answers count (REQ-SNAP-010). An item of several identifiers
 * is combined conservatively: denied when one identifier is denied by a record, else the most
 * restrictive of its identifiers' answers.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { KyodakuError } from '../errors.ts';
import type { PublicJwk } from '../keys.ts';
import { verifyReceipt } from '../log/receipt.ts';
import type { KyodakuNode } from '../node-client.ts';
import type { Purpose } from '../purposes.ts';
import type { BatchDecisionItem } from '../schemas/messages.ts';
import type { OfflineSnapshot } from '../snapshot/offline-snapshot.ts';
import { withRetries } from './batch-stream.ts';
import { writeTo } from './output.ts';

export interface Outcome {
  purpose: string;
  decision: 'allow' | 'deny' | 'conditional';
  /** `snapshot`: denied locally; `node`: answered by the node under a verified receipt. */
  source: 'snapshot' | 'node';
  reasons?: string[];
  records?: string[];
  conditions?: unknown;
}

export interface OfflineCounts {
  items: number;
  /** Outcomes denied locally (negative in the snapshot). */
  negative: number;
  /** Outcomes answered by the node, and how (allow, deny, conditional). */
  confirmed: number;
  allow: number;
  deny: number;
  conditional: number;
  receipts: number;
}

type Answer = Extract<BatchDecisionItem, { decision: unknown }>;

const RANK = { allow: 0, conditional: 1, deny: 2 } as const;

/** The answer for an item from its identifiers' answers (spec/snapshot.md §6). */
function combine(answers: Answer[]): Answer {
  const deniedByRecord = answers.find(
    (a) => a.decision === 'deny' && (a.records.length > 0 || a.reasons.some((r) => r !== 'no-record')),
  );
  if (deniedByRecord !== undefined) return deniedByRecord;
  const granted = answers.filter((a) => a.decision !== 'deny');
  if (granted.length === 0) return answers[0]!;
  return granted.reduce((a, b) => (RANK[b.decision] > RANK[a.decision] ? b : a));
}

export class OfflineDecider {
  readonly counts: OfflineCounts = {
    items: 0,
    negative: 0,
    confirmed: 0,
    allow: 0,
    deny: 0,
    conditional: 0,
    receipts: 0,
  };

  constructor(
    readonly options: {
      node: KyodakuNode;
      snapshot: OfflineSnapshot;
      nodeKey: PublicJwk;
      purposes: readonly Purpose[];
      /** Most identifiers in one request (the node's max_batch_ids). */
      maxIds: number;
      /** Where each receipt is written as one JSON line ({query, nonce, receipt, receipt_log}). */
      receipts?: Writable;
    },
  ) {}

  #count(o: Outcome): Outcome {
    if (o.source === 'snapshot') this.counts.negative++;
    else {
      this.counts.confirmed++;
      this.counts[o.decision]++;
    }
    return o;
  }

  /** Per item, one outcome per purpose (in the order of `purposes`). */
  async decide(items: ReadonlyArray<readonly string[]>): Promise<Outcome[][]> {
    const { snapshot, purposes } = this.options;
    const positive = items.map((ids) => purposes.map((p) => snapshot.mayAllow(ids, p)));
    const ask = [...new Set(items.flatMap((ids, i) => (positive[i]!.some(Boolean) ? ids : [])))];
    const answers = new Map<string, Answer>();
    for (let start = 0; start < ask.length; start += this.options.maxIds) {
      await this.#ask(ask.slice(start, start + this.options.maxIds), answers);
    }
    this.counts.items += items.length;
    return items.map((ids, i) =>
      purposes.map((purpose, j) => {
        if (!positive[i]![j]) return this.#count({ purpose, decision: 'deny', source: 'snapshot' });
        const a = combine(ids.map((id) => answers.get(`${id}\n${purpose}`)!));
        return this.#count({
          purpose,
          decision: a.decision,
          source: 'node',
          reasons: a.reasons,
          records: a.records,
          ...(a.conditions !== undefined && { conditions: a.conditions }),
        });
      }),
    );
  }

  async #ask(ids: string[], answers: Map<string, Answer>): Promise<void> {
    const { node, purposes } = this.options;
    const nonce = randomBytes(18).toString('base64url');
    const response = await withRetries(() => node.decideBatch({ ids, purposes, nonce }));
    if (typeof response.receipt !== 'string') {
      throw new KyodakuError('ERR_SCHEMA', 'the node answered the confirmation without a receipt');
    }
    await verifyReceipt(response.receipt, this.options.nodeKey, { nonce, query: { ids, purposes } });
    this.counts.receipts++;
    for (const r of response.results) {
      if (!('decision' in r))
        throw new KyodakuError('ERR_SCHEMA', `the node refused ${r.id}: ${r.error.detail}`);
      answers.set(`${r.id}\n${r.purpose}`, r as Answer);
    }
    if (response.results.length !== ids.length * purposes.length) {
      throw new KyodakuError('ERR_SCHEMA', 'the node answered a batch with the wrong number of results');
    }
    if (this.options.receipts !== undefined) {
      const line = {
        query: { ids, purposes },
        nonce,
        receipt: response.receipt,
        receipt_log: response.receipt_log,
      };
      await writeTo(this.options.receipts, `${JSON.stringify(line)}\n`);
    }
  }
}
