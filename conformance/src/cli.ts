/**
 * kyodaku-conformance: black-box conformance tests of a Kyodaku node by URL.
 * Exit status: 0 when nothing failed, 1 when a case failed, 2 on a usage or set-up error.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { KNOWN_PROFILES, type Profile } from './case.ts';
import { ALL_CASES } from './cases/index.ts';
import { coverageReport, negativeCoverage } from './coverage.ts';
import { jsonReport } from './report/json.ts';
import { junitReport } from './report/junit.ts';
import { caseLine, textSummary } from './report/text.ts';
import { readAdminKey, runSuite, SUITE_VERSION, selectCases } from './runner.ts';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter(Boolean),
];

const program = new Command()
  .name('kyodaku-conformance')
  .description('Runs the Kyodaku conformance suite against a registry node over HTTP (spec/conformance.md).')
  .version(SUITE_VERSION)
  .option('--target <url>', 'base URL of the node under test, e.g. http://127.0.0.1:8787')
  .option(
    '--admin-key <file>',
    "the node's admin key (private JWK), used only to attest the suite's own test parties and for the administrative requests it tests; without it those cases are SKIPPED",
  )
  .addOption(
    new Option(
      '--profile <name>',
      'profile to test (repeatable; default: the profiles the node lists that the suite knows)',
    )
      .choices([...KNOWN_PROFILES])
      .argParser(collect),
  )
  .option(
    '--only <glob>',
    "run only cases whose id or a requirement id matches (repeatable), e.g. 'REQ-API-*'",
    collect,
  )
  .option('--exclude <glob>', 'skip cases whose id or a requirement id matches (repeatable)', collect)
  .option('--strict', 'a failed SHOULD counts as a failure, not a warning')
  .option('--dry-run', 'list the selected cases and exit')
  .option(
    '--coverage',
    'print the rejection requirements of the spec that no case tests negatively (spec/conformance.md §7) and exit; 1 if there are any',
  )
  .option('--report <file>', 'write the JSON report')
  .option('--junit <file>', 'write a JUnit XML report')
  .option('--timeout <ms>', 'timeout per HTTP request in milliseconds', (v) => Number.parseInt(v, 10), 30_000)
  .option('-v, --verbose', 'print the reason of skipped and passed cases too');

program.parse();
const options = program.opts<{
  target?: string;
  adminKey?: string;
  profile?: Profile[];
  only?: string[];
  exclude?: string[];
  strict?: boolean;
  dryRun?: boolean;
  coverage?: boolean;
  report?: string;
  junit?: string;
  timeout: number;
  verbose?: boolean;
}>();

if (options.coverage) {
  const coverage = negativeCoverage(ALL_CASES);
  console.log(coverageReport(coverage, options.verbose));
  process.exit(coverage.uncovered.length > 0 ? 1 : 0);
}

if (options.dryRun) {
  const cases = selectCases(ALL_CASES, options.only, options.exclude).filter(
    (c) => options.profile === undefined || options.profile.includes(c.profile),
  );
  for (const c of cases)
    console.log(`${c.id}  ${c.profile} ${c.level}  [${c.requirements.join(', ')}]  ${c.title}`);
  console.log(`${cases.length} cases`);
  process.exit(0);
}

if (!options.target) {
  console.error('kyodaku-conformance: --target is required (see --help)');
  process.exit(2);
}
if (!options.adminKey) {
  console.error(
    'kyodaku-conformance: no --admin-key: cases that attest test parties or send administrative requests are SKIPPED',
  );
}

try {
  const report = await runSuite({
    target: options.target,
    adminKey: options.adminKey === undefined ? undefined : await readAdminKey(options.adminKey),
    profiles: options.profile,
    only: options.only,
    exclude: options.exclude,
    strict: options.strict,
    timeoutMs: options.timeout,
    onResult: (result) => console.log(caseLine(result, options.verbose)),
  });
  console.log(textSummary(report));
  if (options.report) await writeFile(options.report, jsonReport(report));
  if (options.junit) await writeFile(options.junit, junitReport(report));
  process.exit(report.summary.failed > 0 ? 1 : 0);
} catch (error) {
  console.error(`kyodaku-conformance: ${(error as Error).message}`);
  process.exit(2);
}
