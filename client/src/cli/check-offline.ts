/**
 * `kyodaku check --offline`: answers from the snapshot kept by `kyodaku snapshot pull` (verified again
 * on open), denying locally what it does not hold and confirming the rest with the node that signed
 * it, by batch decisions with verified receipts (spec/snapshot.md §6). One item, or every line of a
 * file streamed in chunks with bounded memory.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { CrawlerSigner } from '../crawler-identity/crawler-request.ts';
import { problemTypeOf } from '../errors.ts';
import { tryNormalizeIdentifier } from '../identifiers.ts';
import { KyodakuNode } from '../node-client.ts';
import type { Purpose } from '../purposes.ts';
import { openSnapshotDir } from '../snapshot/snapshot-dir.ts';
import { toTimestamp } from '../time.ts';
import { streamBatches } from './batch-stream.ts';
import { inputBytes, itemsOfLines } from './line-reader.ts';
import { OfflineDecider, type Outcome } from './offline-decider.ts';
import { block, emit, note, out, printJson, usageError, writeTo } from './output.ts';
import { Progress } from './progress.ts';

export interface OfflineCheckOptions {
  dir: string;
  purposes: Purpose[];
  ids?: string[];
  file?: string;
  format: 'txt' | 'jsonl';
  out?: string;
  receipts?: string;
  /** Sign the confirmations as this crawler (spec/crawler-identity.md): their receipts name it. */
  crawler?: CrawlerSigner;
  chunk: number;
  progress: boolean;
  json: boolean;
}

type Line = { line: number; id: string; ids?: string[]; invalid?: string };

function lineOf(number: number, text: string, format: 'txt' | 'jsonl'): Line | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || (format === 'txt' && trimmed.startsWith('#'))) return undefined;
  let id: unknown = trimmed;
  if (format === 'jsonl') {
    try {
      id = (JSON.parse(trimmed) as { id?: unknown } | null)?.id;
    } catch {
      return { line: number, id: trimmed, invalid: 'the line is not JSON' };
    }
    if (typeof id !== 'string')
      return { line: number, id: trimmed, invalid: 'the line has no string member "id"' };
  }
  const normalized = tryNormalizeIdentifier(id as string);
  if (normalized === undefined) return { line: number, id: id as string, invalid: 'not a valid identifier' };
  return { line: number, id: id as string, ids: [normalized] };
}

/** Opens the snapshot and the decider that confirms positives with the node that signed it. */
async function deciderOf(options: OfflineCheckOptions, receipts?: Writable) {
  const { state, snapshot } = await openSnapshotDir(options.dir, toTimestamp());
  const node = new KyodakuNode(state.node, {
    headers: { 'user-agent': 'kyodaku-cli/0.1.0' },
    ...(options.crawler !== undefined && { crawler: options.crawler }),
  });
  const maxIds = (await node.wellKnown()).limits.max_batch_ids;
  const decider = new OfflineDecider({
    node,
    snapshot,
    nodeKey: state.node_key,
    purposes: options.purposes,
    maxIds,
    ...(receipts !== undefined && { receipts }),
  });
  return { decider, manifest: snapshot.manifest };
}

function describeOutcome(ids: readonly string[], o: Outcome, snapshotAt: string): string {
  const why =
    o.source === 'snapshot'
      ? `no record allowed it in the snapshot of ${snapshotAt}: denied locally (opt-in default)`
      : 'confirmed by the node (receipt verified)';
  return block(`${o.decision.toUpperCase()}  ${o.purpose}  ${ids.join(' ')}`, [
    ['source', o.source],
    ['why', why],
    ...(o.reasons !== undefined ? [['reasons', o.reasons.join(', ')] as [string, string]] : []),
    ...(o.records !== undefined ? [['records', o.records.join(' ') || 'none'] as [string, string]] : []),
  ]);
}

/** One item: its outcome for the one purpose. */
export async function checkItemOffline(options: OfflineCheckOptions): Promise<Outcome> {
  const ids = (options.ids ?? []).map((id) => {
    const normalized = tryNormalizeIdentifier(id);
    if (normalized === undefined) throw usageError(`not a valid identifier: ${id}`);
    return normalized;
  });
  const { decider, manifest } = await deciderOf(options);
  const [outcome] = (await decider.decide([ids]))[0]!;
  emit(options, { ids, ...outcome! }, () => describeOutcome(ids, outcome!, manifest.issued_at));
  return outcome!;
}

/** Every line of a file, results as JSONL in input order, then the counts. */
export async function checkFileOffline(options: OfflineCheckOptions & { file: string }) {
  const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out);
  const receipts = options.receipts === undefined ? undefined : createWriteStream(options.receipts);
  const { decider, manifest } = await deciderOf(options, receipts);
  const progress = new Progress({
    enabled: options.progress,
    unit: 'ids',
    totalBytes: inputBytes(options.file),
  });
  let invalid = 0;
  const answer = async (lines: Line[]): Promise<string> => {
    const valid = lines.filter((l) => l.ids !== undefined);
    const outcomes = await decider.decide(valid.map((l) => l.ids!));
    let next = 0;
    const text: string[] = [];
    for (const l of lines) {
      if (l.ids === undefined) {
        invalid++;
        const error = { type: problemTypeOf('ERR_INVALID_IDENTIFIER'), detail: l.invalid };
        for (const purpose of options.purposes)
          text.push(JSON.stringify({ line: l.line, id: l.id, purpose, error }));
        continue;
      }
      for (const o of outcomes[next++]!) text.push(JSON.stringify({ line: l.line, id: l.id, ...o }));
    }
    progress.update(decider.counts.items + invalid);
    return text.length > 0 ? `${text.join('\n')}\n` : '';
  };
  try {
    await streamBatches(
      itemsOfLines(
        options.file,
        (n, t) => lineOf(n, t, options.format),
        (bytes) => progress.read(bytes),
      ),
      { batchSize: options.chunk, concurrency: 2 },
      answer,
      (text) => writeTo(sink, text),
    );
  } finally {
    progress.done();
    for (const s of [sink, receipts]) {
      if (s === undefined || s === process.stdout) continue;
      s.end();
      await once(s, 'close').catch(() => {});
    }
  }
  const c = decider.counts;
  const summary = {
    snapshot_issued_at: manifest.issued_at,
    log_size: manifest.evaluated_at[0]!.size,
    invalid,
    ...c,
  };
  const text =
    `checked ${c.items} items offline against the snapshot of ${manifest.issued_at} (log size ${summary.log_size}): ` +
    `${c.negative} denied locally, ${c.confirmed} answered by the node (${c.allow} allow, ${c.conditional} conditional, ` +
    `${c.deny} deny) under ${c.receipts} verified receipts; ${invalid} invalid`;
  if (options.out === undefined) note(text);
  else if (options.json) printJson(summary);
  else out(`${text}\nwrote ${options.out}`);
  return summary;
}
