/**
 * `kyodaku filter`: reads a dataset manifest (JSONL, CSV, TSV, plain text; Parquet in
 * filter-parquet.ts) as a stream and writes the items the purposes allow — every other item is
 * left out — plus a summary. Items are checked against the kept snapshot; the node that signed it is
 * asked only about positives, by batch decisions with verified receipts (spec/snapshot.md §6).
 * Memory stays flat: a chunk of lines at a time, two chunks in flight.
 */
import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { KyodakuNode } from '../node-client.ts';
import { isPurpose, type Purpose } from '../purposes.ts';
import { openSnapshotDir } from '../snapshot/snapshot-dir.ts';
import { toTimestamp } from '../time.ts';
import { streamBatches } from './batch-stream.ts';
import { collect, globalsOf, positiveInt } from './context.ts';
import { filterParquet } from './filter-parquet.ts';
import { inputBytes, readLines } from './line-reader.ts';
import {
  DEFAULT_ID_FIELDS,
  lineItemReader,
  type ManifestFormat,
  type ManifestItem,
} from './manifest-items.ts';
import { OfflineDecider } from './offline-decider.ts';
import { note, printJson, usageError, writeTo } from './output.ts';
import { Progress } from './progress.ts';
import { DEFAULT_SNAPSHOT_DIR } from './snapshot.ts';

export interface FilterSummary {
  manifest: string;
  purposes: string[];
  snapshot_issued_at: string;
  items: number;
  kept: number;
  left_out: number;
  /** Items without any valid identifier (left out: no record can allow them). */
  unnamed: number;
  invalid_ids: number;
  denied_locally: number;
  asked: number;
  receipts: number;
}

interface FilterOptions {
  purpose?: string[];
  snapshot: string;
  out?: string;
  summary?: string;
  format?: string;
  idField?: string[];
  conditional: boolean;
  chunk: string;
  progress: boolean;
  receipts?: string;
}

export function formatOf(file: string, given: string | undefined): ManifestFormat {
  const format =
    given ??
    (/\.(jsonl|ndjson)$/i.exec(file)
      ? 'jsonl'
      : (/\.(csv|tsv|parquet)$/i.exec(file)?.[1]?.toLowerCase() ?? 'txt'));
  if (!['jsonl', 'csv', 'tsv', 'txt', 'parquet'].includes(format)) {
    throw usageError('--format is jsonl, csv, tsv, txt or parquet');
  }
  return format as ManifestFormat;
}

/** Decides a chunk of items: true for each item every purpose allows (conditional only if asked). */
export function keeper(decider: OfflineDecider, conditional: boolean, summary: FilterSummary) {
  return async (items: ManifestItem[]): Promise<boolean[]> => {
    const named = items.filter((i) => i.ids.length > 0);
    const outcomes = await decider.decide(named.map((i) => i.ids));
    let next = 0;
    return items.map((item) => {
      summary.items++;
      summary.invalid_ids += item.invalid;
      if (item.ids.length === 0) {
        summary.unnamed++;
        summary.left_out++;
        return false;
      }
      const keep = outcomes[next++]!.every(
        (o) => o.decision === 'allow' || (conditional && o.decision === 'conditional'),
      );
      if (keep) summary.kept++;
      else summary.left_out++;
      return keep;
    });
  };
}

export function filterCommand(program: Command): void {
  program
    .command('filter')
    .summary('write the items of a dataset manifest that the purposes allow')
    .description(
      'Reads a dataset manifest — JSONL, CSV or TSV with a header, Parquet, or text with identifiers on\n' +
        'each line — and writes the items that every --purpose allows to --out (or stdout), in the input\n' +
        "format, plus a summary (--summary FILE as JSON, and on stderr). An item's identifiers come from\n" +
        'its id fields (--id-field, repeatable; default id, ids, url, sha256, identifier): scheme:value\n' +
        'ids, bare https:// URLs and bare 64-hex SHA-256 values; several per item (e.g. URL and sha256).\n' +
        'Items are checked against the snapshot kept by `kyodaku snapshot pull` (--snapshot DIR); the\n' +
        'node is asked only about positives, by batch decisions whose receipts are verified (--receipts\n' +
        'FILE keeps them). Streams any size with flat memory and a progress bar.\n\n' +
        'Examples:\n' +
        '  kyodaku snapshot pull\n' +
        '  kyodaku filter crawl.jsonl --purpose train.genai --out allowed.jsonl --summary summary.json\n' +
        '  kyodaku filter images.csv --purpose train --id-field image_url --id-field sha256',
    )
    .argument('<manifest>', 'the dataset manifest (- for stdin)')
    .option('--purpose <purpose>', 'a purpose the items must be allowed for (repeatable)', collect)
    .option('--snapshot <dir>', 'the snapshot directory', DEFAULT_SNAPSHOT_DIR)
    .option('--out <file>', 'where the allowed items go (default stdout)')
    .option('--summary <file>', 'write the summary here as JSON')
    .option('--format <format>', 'jsonl, csv, tsv, txt or parquet (default: from the extension)')
    .option('--id-field <field>', 'a field holding identifiers (repeatable)', collect)
    .option('--conditional', 'also keep items allowed under conditions', false)
    .option('--chunk <n>', 'items decided together', '5000')
    .option('--receipts <file>', 'keep the receipts of the confirmations here (JSONL)')
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .action(async (manifest: string, options: FilterOptions, command: Command) => {
      const globals = globalsOf(command);
      const purposes = options.purpose ?? [];
      if (purposes.length === 0) throw usageError('give --purpose, e.g. --purpose train.genai');
      const unknown = purposes.find((p) => !isPurpose(p));
      if (unknown !== undefined) throw usageError(`unknown purpose: ${unknown}`);
      const format = formatOf(manifest, options.format);
      const fields = options.idField ?? [...DEFAULT_ID_FIELDS];
      const chunk = positiveInt(options.chunk, '--chunk', 100_000);
      const { state, snapshot } = await openSnapshotDir(options.snapshot, toTimestamp());
      const node = new KyodakuNode(state.node, { headers: { 'user-agent': 'kyodaku-cli/0.1.0' } });
      const receipts = options.receipts === undefined ? undefined : createWriteStream(options.receipts);
      const decider = new OfflineDecider({
        node,
        snapshot,
        nodeKey: state.node_key,
        purposes: purposes as Purpose[],
        maxIds: (await node.wellKnown()).limits.max_batch_ids,
        ...(receipts !== undefined && { receipts }),
      });
      const summary: FilterSummary = {
        manifest,
        purposes,
        snapshot_issued_at: snapshot.manifest.issued_at,
        items: 0,
        kept: 0,
        left_out: 0,
        unnamed: 0,
        invalid_ids: 0,
        denied_locally: 0,
        asked: 0,
        receipts: 0,
      };
      const keep = keeper(decider, options.conditional, summary);
      const progress = new Progress({
        enabled: options.progress,
        unit: 'items',
        totalBytes: inputBytes(manifest),
      });
      const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out);
      try {
        if (format === 'parquet') {
          await filterParquet(manifest, sink, fields, chunk, keep, progress);
        } else {
          const reader = lineItemReader(format, fields);
          async function* lines() {
            for await (const line of readLines(manifest)) {
              progress.read(line.bytes);
              if (reader.isHeader(line.number)) {
                reader.itemOf(line.number, line.text);
                await writeTo(sink, `${line.text}\n`);
                continue;
              }
              const item = reader.itemOf(line.number, line.text);
              if (item !== 'skip') yield { item, text: line.text };
            }
          }
          await streamBatches(
            lines(),
            { batchSize: chunk, concurrency: 2 },
            async (batch) => {
              const kept = await keep(batch.map((b) => b.item));
              progress.update(summary.items);
              const text = batch.filter((_, i) => kept[i]).map((b) => `${b.text}\n`);
              return text.join('');
            },
            (text) => writeTo(sink, text),
          );
        }
      } finally {
        progress.done();
        for (const s of [sink, receipts]) {
          if (s === undefined || s === process.stdout) continue;
          s.end();
          await once(s, 'close').catch(() => {});
        }
      }
      summary.denied_locally = decider.counts.negative;
      summary.asked = decider.counts.confirmed;
      summary.receipts = decider.counts.receipts;
      if (options.summary !== undefined)
        writeFileSync(options.summary, `${JSON.stringify(summary, null, 2)}\n`);
      if (globals.json && options.out !== undefined) printJson(summary);
      else
        note(
          `kept ${summary.kept} of ${summary.items} items (${purposes.join(', ')}); left out ${summary.left_out}: ` +
            `${summary.denied_locally} decisions denied locally by the snapshot of ${summary.snapshot_issued_at}, ` +
            `${summary.asked} asked of the node under ${summary.receipts} verified receipts, ${summary.unnamed} items without a valid identifier`,
        );
    });
}
