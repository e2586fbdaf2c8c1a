/**
 * `kyodaku check`: may I use this item for this purpose? Exit code 0 allow, 1 deny, 2 conditional,
 * 3 error. With --file, streams a list of any size through the batch API (check-file.ts).
 */
import type { Command } from 'commander';
import type { CrawlerSigner } from '../crawler-identity/crawler-request.ts';
import { isPurpose, type Purpose } from '../purposes.ts';
import type { DecisionResponse } from '../schemas/messages.ts';
import { checkFile } from './check-file.ts';
import { checkFileOffline, checkItemOffline } from './check-offline.ts';
import { collect, globalsOf, positiveInt } from './context.ts';
import { crawlerNodeOf, crawlerSignerOf, withCrawlerOptions } from './crawler.ts';
import { block, emit, pairs, usageError } from './output.ts';
import { formatConditions } from './record.ts';
import { DEFAULT_SNAPSHOT_DIR } from './snapshot.ts';
import { parseTime } from './time-flag.ts';

export const CHECK_EXIT = { allow: 0, deny: 1, conditional: 2, error: 3 } as const;

const WHY: Record<string, string> = {
  'no-record': 'no signed record in force names this item: deny by default (opt-in)',
  granted: 'a record allows this purpose',
  conditional: 'a record allows this purpose under conditions',
  denied: 'a record denies this purpose',
  'not-granted': 'a record names the item but does not grant this purpose',
  disputed: 'several rights holders claim the item; the most restrictive answer applies',
};

export function formatDecision(d: DecisionResponse): string {
  const rows: Array<[string, string | undefined]> = [
    ['at', d.at],
    ['why', d.reasons.map((r) => WHY[r] ?? r).join('; ')],
    ['reasons', d.reasons.join(', ')],
    ['records', d.records.length > 0 ? d.records.join(' ') : 'none'],
    ['disputed', d.disputed ? 'yes' : 'no'],
  ];
  for (const c of d.conditions ?? [])
    rows.push(['conditions', `${formatConditions(c.conditions)} (record ${c.record})`]);
  if (d.leaves)
    rows.push([
      'leaves',
      pairs(Object.fromEntries(Object.entries(d.leaves).map(([k, v]) => [k, v.decision]))),
    ]);
  return block(`${d.decision.toUpperCase()}  ${d.purpose}  ${d.ids.join(' ')}`, rows);
}

interface CheckOptions {
  purpose?: string[];
  at?: string;
  file?: string;
  format?: 'txt' | 'jsonl';
  out?: string;
  batchSize: string;
  concurrency: string;
  progress: boolean;
  offline: boolean;
  snapshot: string;
  receipts?: string;
}

export function checkCommand(program: Command): void {
  withCrawlerOptions(program.command('check'))
    .summary(
      'ask the node: may this item be used for this purpose? (exit 0 allow, 1 deny, 2 conditional, 3 error)',
    )
    .description(
      'Asks the node for the decision on one item (named by one or more identifiers, e.g. its URL and ' +
        'its sha256) for one purpose, and prints it with the reasons, the records used, their ' +
        'conditions and whether the item is disputed. Exit code: 0 allow, 1 deny, 2 conditional, 3 error.\n\n' +
        'With --file, checks every line of a file (txt: one identifier per line, # comments; jsonl: ' +
        '{"id": "..."} per line) through the batch API, streaming any size with bounded memory, and ' +
        'writes one JSON result per (identifier, purpose) to stdout or --out, then summary counts ' +
        '(on stderr when results go to stdout). Exit code 0 when every line was answered, 3 on error.\n\n' +
        'Examples:\n' +
        'With --offline, answers from the snapshot kept by `kyodaku snapshot pull` (--snapshot DIR): what\n' +
        'the snapshot does not hold is denied locally (source "snapshot"); the rest is asked of the node\n' +
        'that signed it in batch decisions whose receipts are verified (source "node"; --receipts FILE\n' +
        'keeps them). The node sees only the candidates.\n\n' +
        'Examples:\n' +
        '  kyodaku check isbn:9784088725093 --purpose train.genai\n' +
        '  kyodaku check --file urls.txt --purpose train.genai --out decisions.jsonl\n' +
        '  kyodaku snapshot pull && kyodaku check --offline --file urls.txt --purpose train.genai',
    )
    .argument('[ids...]', 'identifiers of the one item to check (scheme:value)')
    .option(
      '--purpose <purpose>',
      'purpose (repeatable with --file), e.g. train.genai, generate.character',
      collect,
    )
    .option('--at <time>', 'decide for this time instead of now')
    .option('--file <file>', 'check every identifier in this file (- for stdin)')
    .option('--format <format>', 'format of --file: txt or jsonl (default: from the extension)')
    .option('--out <file>', 'with --file: write the JSONL results here instead of stdout')
    .option('--batch-size <n>', 'with --file: identifiers per request (at most the node limit)', '1000')
    .option('--concurrency <n>', 'with --file: requests in flight', '4')
    .option('--no-progress', 'with --file: no progress bar (it is only drawn on a terminal anyway)')
    .option('--offline', 'answer from the kept snapshot; ask the node only about its positives', false)
    .option('--snapshot <dir>', 'with --offline: the snapshot directory', DEFAULT_SNAPSHOT_DIR)
    .option('--receipts <file>', 'with --offline --file: keep the receipts of the confirmations here (JSONL)')
    .action(async (ids: string[], options: CheckOptions, command: Command) => {
      const globals = globalsOf(command);
      const purposes = options.purpose ?? [];
      if (purposes.length === 0) throw usageError('give --purpose, e.g. --purpose train.genai');
      if (options.offline) {
        await checkOfflineCommand(ids, options, purposes, globals.json, await crawlerSignerOf(command));
        return;
      }
      const at = options.at === undefined ? undefined : parseTime(options.at, '--at');
      const node = await crawlerNodeOf(command);
      if (options.file !== undefined) {
        if (ids.length > 0) throw usageError('give identifiers or --file, not both');
        const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(options.file) ? 'jsonl' : 'txt');
        if (format !== 'txt' && format !== 'jsonl') throw usageError('--format is txt or jsonl');
        await checkFile(node, {
          file: options.file,
          format,
          purposes,
          ...(at !== undefined && { at }),
          ...(options.out !== undefined && { out: options.out }),
          batchSize: positiveInt(options.batchSize, '--batch-size', 100_000),
          concurrency: positiveInt(options.concurrency, '--concurrency', 64),
          progress: options.progress,
          json: globals.json,
        });
        process.exitCode = 0;
        return;
      }
      if (ids.length === 0) throw usageError('give an identifier to check, or --file');
      if (purposes.length !== 1) throw usageError('check one item for one --purpose (use --file for more)');
      const decision = await node.decide({ ids, purpose: purposes[0]!, ...(at !== undefined && { at }) });
      emit(globals, decision, () => formatDecision(decision));
      process.exitCode = CHECK_EXIT[decision.decision];
    });
}

async function checkOfflineCommand(
  ids: string[],
  options: CheckOptions,
  purposes: string[],
  json: boolean,
  crawler: CrawlerSigner | undefined,
) {
  if (options.at !== undefined) throw usageError('--offline answers for now: --at is not available');
  const unknown = purposes.find((p) => !isPurpose(p));
  if (unknown !== undefined) throw usageError(`unknown purpose: ${unknown}`);
  const common = {
    dir: options.snapshot,
    purposes: purposes as Purpose[],
    format: options.format ?? (/\.(jsonl|ndjson)$/i.test(options.file ?? '') ? 'jsonl' : 'txt'),
    chunk: positiveInt(options.batchSize, '--batch-size', 100_000),
    progress: options.progress,
    json,
    ...(options.out !== undefined && { out: options.out }),
    ...(options.receipts !== undefined && { receipts: options.receipts }),
    ...(crawler !== undefined && { crawler }),
  } as const;
  if (common.format !== 'txt' && common.format !== 'jsonl') throw usageError('--format is txt or jsonl');
  if (options.file !== undefined) {
    if (ids.length > 0) throw usageError('give identifiers or --file, not both');
    await checkFileOffline({ ...common, file: options.file });
    process.exitCode = 0;
    return;
  }
  if (ids.length === 0) throw usageError('give an identifier to check, or --file');
  if (purposes.length !== 1) throw usageError('check one item for one --purpose (use --file for more)');
  const outcome = await checkItemOffline({ ...common, ids });
  process.exitCode = CHECK_EXIT[outcome.decision];
}
