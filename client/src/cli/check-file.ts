/**
 * `kyodaku check --file`: streams a list of identifiers through POST /v1/decisions in batches, a few
 * in flight, writing results in input order. Memory stays bounded by batch size × concurrency.
 * Every answer is for one instant: the node's time at the first batch (or --at).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { KyodakuError, problemTypeOf } from '../errors.ts';
import { MAX_IDENTIFIER_LENGTH } from '../identifiers.ts';
import type { KyodakuNode } from '../node-client.ts';
import type { BatchDecisionItem } from '../schemas/messages.ts';
import { streamBatches, withRetries } from './batch-stream.ts';
import { inputBytes, itemsOfLines } from './line-reader.ts';
import { note, out, printJson, usageError, writeTo } from './output.ts';
import { Progress } from './progress.ts';

export interface CheckFileOptions {
  file: string;
  format: 'txt' | 'jsonl';
  purposes: string[];
  at?: string;
  out?: string;
  batchSize: number;
  concurrency: number;
  progress: boolean;
  json: boolean;
}

export interface Summary {
  at: string | undefined;
  items: number;
  results: number;
  allow: number;
  deny: number;
  conditional: number;
  invalid: number;
}

/** One input line: an identifier to ask about, or a line that is invalid before asking. */
type Item =
  | { line: number; id: string }
  | { line: number; id?: unknown; error: { type: string; detail: string } };

function invalid(
  line: number,
  detail: string,
  id?: unknown,
  type = problemTypeOf('ERR_INVALID_IDENTIFIER'),
): Item {
  return { line, ...(id !== undefined && { id }), error: { type, detail } };
}

/** The item of one input line, or undefined for a line to skip (blank, or a # comment in txt). */
function itemOf(line: number, text: string, format: 'txt' | 'jsonl'): Item | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || (format === 'txt' && trimmed.startsWith('#'))) return undefined;
  let id: unknown = trimmed;
  if (format === 'jsonl') {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return invalid(line, 'the line is not JSON', undefined, problemTypeOf('ERR_PAYLOAD_JSON'));
    }
    id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      return invalid(line, 'the line has no string member "id"', id, problemTypeOf('ERR_INVALID_REQUEST'));
  }
  if ((id as string).length > MAX_IDENTIFIER_LENGTH) return invalid(line, 'the identifier is too long', id);
  return { line, id: id as string };
}

export async function checkFile(node: KyodakuNode, options: CheckFileOptions): Promise<Summary> {
  const limits = (await node.wellKnown()).limits;
  if (options.purposes.length > limits.max_batch_purposes) {
    throw usageError(`the node answers at most ${limits.max_batch_purposes} purposes per request`);
  }
  const batchSize = Math.min(options.batchSize, limits.max_batch_ids);
  const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out);
  const summary: Summary = {
    at: options.at,
    items: 0,
    results: 0,
    allow: 0,
    deny: 0,
    conditional: 0,
    invalid: 0,
  };
  const progress = new Progress({
    enabled: options.progress,
    unit: 'ids',
    totalBytes: inputBytes(options.file),
  });

  /** Answers one batch: the JSONL text of its results, in input order. */
  async function answer(items: Item[]): Promise<string> {
    const ids = items.flatMap((item) => ('error' in item ? [] : [item.id]));
    let results: BatchDecisionItem[] = [];
    if (ids.length > 0) {
      const response = await withRetries(() =>
        node.decideBatch({
          ids,
          purposes: options.purposes,
          ...(summary.at !== undefined && { at: summary.at }),
        }),
      );
      summary.at ??= response.at;
      results = response.results;
      if (results.length !== ids.length * options.purposes.length) {
        throw new KyodakuError('ERR_SCHEMA', 'the node answered a batch with the wrong number of results');
      }
    }
    const lines: string[] = [];
    let next = 0;
    for (const item of items) {
      summary.items++;
      for (const purpose of options.purposes) {
        let result: Record<string, unknown>;
        if ('error' in item) result = { line: item.line, id: item.id, purpose, error: item.error };
        else {
          const r = results[next++]!;
          const { id, ...rest } = r;
          result = { line: item.line, id, purpose, ...rest };
        }
        summary.results++;
        const decision = result.decision as 'allow' | 'deny' | 'conditional' | undefined;
        if (decision === undefined) summary.invalid++;
        else summary[decision]++;
        lines.push(JSON.stringify(result));
      }
    }
    progress.update(summary.items);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  try {
    await streamBatches(
      itemsOfLines(
        options.file,
        (number, text) => itemOf(number, text, options.format),
        (bytes) => progress.read(bytes),
      ),
      {
        batchSize,
        concurrency: options.concurrency,
        // The first answer fixes the instant every later batch is decided for.
        waitsForEarlier: () => summary.at === undefined,
      },
      answer,
      (text) => writeTo(sink, text),
    );
  } finally {
    progress.done();
    if (sink !== process.stdout) {
      sink.end();
      await once(sink, 'close').catch(() => {});
    }
  }
  const text = `checked ${summary.items} items, ${summary.results} results at ${summary.at ?? '-'}: ${summary.allow} allow, ${summary.deny} deny, ${summary.conditional} conditional, ${summary.invalid} invalid`;
  if (options.out === undefined) note(text);
  else if (options.json) printJson(summary);
  else out(`${text}\nwrote ${options.out}`);
  return summary;
}
