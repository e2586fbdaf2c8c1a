/**
 * `kyodaku prompt-check`: does this prompt name a protected character, voice, likeness or work
 * (spec/generation.md)? One prompt from the arguments, or every line of a file through
 * POST /v1/prompt-checks, a few in flight, results in input order, with a progress bar.
 * Exit code 0 allow, 1 deny, 2 conditional, 3 error (as `check`); with --file 0 when every line was
 * answered.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { KyodakuError, problemTypeOf } from '../errors.ts';
import type { KyodakuNode } from '../node-client.ts';
import type { PromptCheckResponse } from '../schemas/messages.ts';
import { streamBatches, withRetries } from './batch-stream.ts';
import { CHECK_EXIT } from './check.ts';
import { collect, globalsOf, positiveInt } from './context.ts';
import { crawlerNodeOf, withCrawlerOptions } from './crawler.ts';
import { inputBytes, itemsOfLines } from './line-reader.ts';
import { block, emit, note, out, printJson, usageError, writeTo } from './output.ts';
import { Progress } from './progress.ts';
import { formatConditions } from './record.ts';
import { parseTime } from './time-flag.ts';

const WHY: Record<string, string> = {
  'no-record': 'no record in force: deny by default (opt-in)',
  granted: 'allowed by a record',
  conditional: 'allowed under conditions',
  denied: 'denied by a record',
  'not-granted': 'a record names it but does not grant this purpose',
  disputed: 'several rights holders claim it',
};

/** The human form of one prompt check. */
export function formatPromptCheck(r: PromptCheckResponse): string {
  const rows: Array<[string, string | undefined]> = [
    ['at', r.at],
    ['purposes', r.purposes.join(', ')],
    [
      'matches',
      r.matches.length === 0 ? 'none: the node knows no name in this text' : String(r.matches.length),
    ],
  ];
  if (r.truncated) rows.push(['truncated', 'yes: only the first matches are listed']);
  const lines = [block(`${r.decision.toUpperCase()}  prompt check`, rows)];
  for (const m of r.matches) {
    const per: Array<[string, string | undefined]> = [
      ['item', `${m.item.type} ${m.item.ids.join(' ')}`],
      ['name', `${m.name} (${m.lang})${m.via ? `, linked from ${m.via.join(' ')}` : ''}`],
    ];
    for (const [purpose, d] of Object.entries(m.decisions)) {
      per.push([purpose, `${d.decision}: ${d.reasons.map((x) => WHY[x] ?? x).join('; ')}`]);
      for (const c of d.conditions ?? [])
        per.push(['conditions', `${formatConditions(c.conditions)} (record ${c.record})`]);
    }
    per.push(['records', m.named_by.join(' ')]);
    lines.push(block(`  ${m.decision.toUpperCase()}  "${m.text}"  [${m.start}, ${m.end})`, per));
  }
  return lines.join('\n');
}

interface PromptCheckOptions {
  purpose?: string[];
  at?: string;
  file?: string;
  format?: 'txt' | 'jsonl';
  out?: string;
  concurrency: string;
  progress: boolean;
}

/** One input line: a prompt to check, or a line that is invalid before asking. */
type Item =
  | { line: number; id?: unknown; text: string }
  | { line: number; id?: unknown; error: { type: string; detail: string } };

function itemOf(line: number, text: string, format: 'txt' | 'jsonl'): Item | undefined {
  if (text.trim().length === 0) return undefined;
  if (format === 'txt') return { line, text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: { type: problemTypeOf('ERR_PAYLOAD_JSON'), detail: 'the line is not JSON' } };
  }
  if (typeof value === 'string') return { line, text: value };
  const v = value as { text?: unknown; id?: unknown } | null;
  if (typeof v?.text !== 'string' || v.text.length === 0) {
    return {
      line,
      ...(v?.id !== undefined && { id: v.id }),
      error: { type: problemTypeOf('ERR_INVALID_REQUEST'), detail: 'the line has no string member "text"' },
    };
  }
  return { line, ...(v.id !== undefined && { id: v.id }), text: v.text };
}

export interface PromptFileSummary {
  at: string | undefined;
  prompts: number;
  allow: number;
  deny: number;
  conditional: number;
  errors: number;
  matches: number;
}

export async function promptCheckFile(
  node: KyodakuNode,
  options: {
    file: string;
    format: 'txt' | 'jsonl';
    purposes: string[];
    at?: string;
    out?: string;
    concurrency: number;
    progress: boolean;
    json: boolean;
  },
): Promise<PromptFileSummary> {
  const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out);
  const summary: PromptFileSummary = {
    at: options.at,
    prompts: 0,
    allow: 0,
    deny: 0,
    conditional: 0,
    errors: 0,
    matches: 0,
  };
  const progress = new Progress({
    enabled: options.progress,
    unit: 'prompts',
    totalBytes: inputBytes(options.file),
  });

  async function answer(batch: Item[]): Promise<string> {
    const item = batch[0]!;
    let result: Record<string, unknown>;
    const head = { line: item.line, ...(item.id !== undefined && { id: item.id }) };
    if ('error' in item) result = { ...head, error: item.error };
    else {
      try {
        const r = await withRetries(() =>
          node.promptCheck({
            text: item.text,
            purposes: options.purposes,
            ...(summary.at !== undefined && { at: summary.at }),
          }),
        );
        summary.at ??= r.at;
        summary.matches += r.matches.length;
        result = { ...head, ...r };
      } catch (error) {
        // A prompt the node refuses (too long, say) is one error line; anything else stops the run.
        if (!(error instanceof KyodakuError) || error.status >= 500 || error.code === 'ERR_NETWORK')
          throw error;
        result = { ...head, error: { type: error.problemType, detail: error.message } };
      }
    }
    summary.prompts++;
    const decision = result.decision as 'allow' | 'deny' | 'conditional' | undefined;
    if (decision === undefined) summary.errors++;
    else summary[decision]++;
    progress.update(summary.prompts);
    return `${JSON.stringify(result)}\n`;
  }

  try {
    await streamBatches(
      itemsOfLines(
        options.file,
        (number, text) => itemOf(number, text, options.format),
        (bytes) => progress.read(bytes),
      ),
      {
        batchSize: 1,
        concurrency: options.concurrency,
        // The first answer fixes the instant every later prompt is decided for.
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
  const text = `checked ${summary.prompts} prompts at ${summary.at ?? '-'}: ${summary.allow} allow, ${summary.deny} deny, ${summary.conditional} conditional, ${summary.errors} errors; ${summary.matches} matches`;
  if (options.out === undefined) note(text);
  else if (options.json) printJson(summary);
  else out(`${text}\nwrote ${options.out}`);
  return summary;
}

export function promptCheckCommand(program: Command): void {
  withCrawlerOptions(program.command('prompt-check'))
    .summary(
      'does this prompt name a protected character, voice, likeness or work? (exit 0 allow, 1 deny, 2 conditional, 3 error)',
    )
    .description(
      'Asks the node (generation profile) which registered titles and aliases the prompt names, in any ' +
        'spelling the match keys merge (kana, romaji, width, case, separators), and the decision for ' +
        'each item found per purpose (default: generate). An item without an allowing record is ' +
        'denied. Exit code: 0 allow, 1 deny, 2 conditional, 3 error.\n\n' +
        'With --file, checks every line (txt: one prompt per line; jsonl: {"text": "...", "id": ...} ' +
        'or a JSON string per line) and writes one JSON result per line to stdout or --out, with a ' +
        'progress bar on a terminal and summary counts at the end. Exit code 0 when every line was ' +
        'answered (a refused line is an error result), 3 on error.\n\n' +
        'Examples:\n' +
        '  kyodaku prompt-check "ナルトとSon Gokuが戦う絵" --purpose generate.character\n' +
        '  kyodaku prompt-check --file prompts.jsonl --out checks.jsonl',
    )
    .argument('[text...]', 'the prompt (words are joined with spaces)')
    .option('--purpose <purpose>', 'purpose to decide (repeatable; default generate)', collect)
    .option('--at <time>', 'decide for this time instead of now')
    .option('--file <file>', 'check every prompt in this file (- for stdin)')
    .option('--format <format>', 'format of --file: txt or jsonl (default: from the extension)')
    .option('--out <file>', 'with --file: write the JSONL results here instead of stdout')
    .option('--concurrency <n>', 'with --file: prompts in flight', '8')
    .option('--no-progress', 'with --file: no progress bar (it is only drawn on a terminal anyway)')
    .action(async (words: string[], options: PromptCheckOptions, command: Command) => {
      const globals = globalsOf(command);
      const purposes = options.purpose ?? ['generate'];
      const at = options.at === undefined ? undefined : parseTime(options.at, '--at');
      const node = await crawlerNodeOf(command);
      if (options.file !== undefined) {
        if (words.length > 0) throw usageError('give a prompt or --file, not both');
        const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(options.file) ? 'jsonl' : 'txt');
        if (format !== 'txt' && format !== 'jsonl') throw usageError('--format is txt or jsonl');
        await promptCheckFile(node, {
          file: options.file,
          format,
          purposes,
          ...(at !== undefined && { at }),
          ...(options.out !== undefined && { out: options.out }),
          concurrency: positiveInt(options.concurrency, '--concurrency', 64),
          progress: options.progress,
          json: globals.json,
        });
        process.exitCode = 0;
        return;
      }
      if (words.length === 0) throw usageError('give the prompt to check, or --file');
      const result = await node.promptCheck({
        text: words.join(' '),
        purposes,
        ...(at !== undefined && { at }),
      });
      emit(globals, result, () => formatPromptCheck(result));
      process.exitCode = CHECK_EXIT[result.decision];
    });
}
