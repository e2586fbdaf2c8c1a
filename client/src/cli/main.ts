/** The `kyodaku` command line: one program, one command group per file, one error path. */
import { Command, CommanderError, Option } from 'commander';
import { attestCommand } from './attest.ts';
import { CHECK_EXIT, checkCommand } from './check.ts';
import { crawlerDirectoryCommand } from './crawler.ts';
import { delegationCommand } from './delegation.ts';
import { exportCommand } from './export.ts';
import { filterCommand } from './filter.ts';
import { importCommand } from './import.ts';
import { keyCommand } from './key.ts';
import { keygenCommand } from './keygen.ts';
import { EXIT_LABEL_INVALID, labelCommand } from './label.ts';
import { logCommand } from './log.ts';
import { EXIT_FAILURE, printError, usageError } from './output.ts';
import { partyCommand } from './party.ts';
import { peerCommand } from './peer.ts';
import { precrawlCommand } from './precrawl.ts';
import { promptCheckCommand } from './prompt-check.ts';
import { recordCommand } from './record.ts';
import { importExitCode } from './record-import.ts';
import { snapshotCommand } from './snapshot.ts';
import { usageCommand } from './usage.ts';
import { verifyCommand } from './verify.ts';
import { verifyReceiptCommand } from './verify-receipt.ts';

export const DEFAULT_NODE = 'http://127.0.0.1:8787';

export function buildProgram(options: { json?: boolean } = {}): Command {
  const program = new Command('kyodaku')
    .description(
      'Kyodaku (許諾): opt-in consent records for AI.\n\n' +
        'Rights holders:  keygen, party register, record create|publish|import|supersede|revoke|show,\n' +
        '                 key rotate|compromised|show\n' +
        'AI developers:   check ID --purpose P, check --file ids.txt, verify FILE, verify-receipt FILE,\n' +
        '                 usage declare FILE (labels: label verify FILE, label show NUMBER)\n' +
        'Holders:         usage uses --holder ID, usage report --holder ID\n' +
        'Crawlers:        snapshot pull, check --offline --file ids.txt (local check, node asked on positives),\n' +
        '                 filter manifest.jsonl|csv|tsv|parquet --purpose P (the allowed subset),\n' +
        '                 --crawler-key FILE on check|prompt-check|snapshot pull (signed queries),\n' +
        '                 crawler-directory ORIGIN --key FILE (the key directory to serve)\n' +
        'Generators:      prompt-check "TEXT", prompt-check --file prompts.jsonl\n' +
        'Anyone:          log verify (the node only ever appends to its log)\n' +
        'Interop:         export --format F ID (F: aipref, robots, tdmrep, tdm-policy, cawg, rsl, odrl),\n' +
        '                 import --format aipref|tdmrep|rsl|cawg FILE (unsigned drafts to review),\n' +
        '                 precrawl URL (robots.txt, headers, TDMRep and the registry: the strictest wins)\n' +
        'Node operators:  attest PARTY_ID --admin-key data/admin.key,\n' +
        '                 peer list|follow|unfollow|resume (the peers a mirror follows)',
    )
    .version('0.1.0')
    .addOption(
      new Option('--node <url>', 'base URL of the registry node').env('KYODAKU_NODE').default(DEFAULT_NODE),
    )
    .option('--json', 'print JSON for scripts (results, and problems on errors)', false)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // With --json a usage error is printed as a problem by main(), not as commander's text.
  if (options.json) program.configureOutput({ outputError: () => {} });
  keygenCommand(program);
  partyCommand(program);
  keyCommand(program);
  delegationCommand(program);
  recordCommand(program);
  checkCommand(program);
  snapshotCommand(program);
  crawlerDirectoryCommand(program);
  filterCommand(program);
  promptCheckCommand(program);
  verifyCommand(program);
  attestCommand(program);
  peerCommand(program);
  logCommand(program);
  verifyReceiptCommand(program);
  exportCommand(program);
  importCommand(program);
  precrawlCommand(program);
  usageCommand(program);
  labelCommand(program);
  const inherit = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride();
      if (options.json) sub.configureOutput({ outputError: () => {} });
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** The command being run (the first two arguments that are not options), to choose the exit code. */
function commandPath(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--node') i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words.join(' ');
}

/** The exit code of a failed command: `check` and `record import` have their own. */
function failureCode(command: string, error: unknown): number {
  if (command.split(' ')[0] === 'check' || command.split(' ')[0] === 'prompt-check') return CHECK_EXIT.error;
  if (command === 'record import') return importExitCode(error);
  // A label that does not verify (as opposed to one that could not be checked).
  if (command === 'label verify' && process.exitCode === EXIT_LABEL_INVALID) return EXIT_LABEL_INVALID;
  return EXIT_FAILURE;
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = argv.slice(2);
  const command = commandPath(args);
  const json = args.includes('--json');
  const program = buildProgram({ json });
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end with code 0; a usage error was already printed by commander (or not, with --json)
      if (error.exitCode === 0) return 0;
      if (json) printError(usageError(error.message.replace(/^error: /, '')), true);
      return failureCode(command, error);
    }
    printError(error, json);
    return failureCode(command, error);
  }
}

// A reader that stops early (`kyodaku check --file ids.txt | head`) is no error: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv);
// Let stdout drain before exiting (a pipe may still hold output).
process.stdout.write('', () => process.exit(code));
