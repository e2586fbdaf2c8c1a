/**
 * `kyodaku precrawl`: before crawling a URL, read the site's robots.txt, the resource's header fields
 * and its tdmrep.json, ask the registry, and print per purpose the strictest answer and why
 * (spec/interop.md §11). Exit code 0 when every URL was checked, 1 on an error.
 */
import type { Command } from 'commander';
import { type PrecrawlReport, precrawl } from '../interop/index.ts';
import { isPurpose, leavesOf, type Purpose, type PurposeLeaf } from '../purposes.ts';
import { collect, globalsOf, nodeOf } from './context.ts';
import { block, out, printJson, usageError } from './output.ts';
import { Progress } from './progress.ts';
import { parseTime } from './time-flag.ts';

interface PrecrawlOptions {
  userAgent: string;
  purpose?: string[];
  at?: string;
  progress: boolean;
}

function leavesAsked(purposes: readonly string[]): PurposeLeaf[] {
  const leaves = new Set<PurposeLeaf>();
  for (const purpose of purposes.length === 0 ? ['all'] : purposes) {
    if (!isPurpose(purpose)) throw usageError(`unknown purpose ${JSON.stringify(purpose)}`);
    for (const leaf of leavesOf(purpose as Purpose)) leaves.add(leaf);
  }
  return [...leaves];
}

export function formatPrecrawl(report: PrecrawlReport, leaves: readonly PurposeLeaf[]): string {
  const rows: Array<[string, string]> = [
    ['crawl', `${report.crawl.allowed ? 'allowed' : 'DISALLOWED'}: ${report.crawl.why}`],
  ];
  for (const leaf of leaves) {
    const verdict = report.leaves[leaf];
    rows.push([leaf, `${verdict.decision.toUpperCase()}  ${verdict.why.join('; ')}`]);
  }
  for (const problem of report.problems) rows.push(['unread', problem]);
  return block(`${report.url}  (${report.id})`, rows);
}

export function precrawlCommand(program: Command): void {
  program
    .command('precrawl')
    .summary('before crawling: robots.txt, headers, TDMRep and the registry, the strictest wins')
    .description(
      "For each URL, fetches the site's robots.txt (Allow/Disallow and Content-Usage rules for the " +
        "crawler's --user-agent), the resource's Content-Usage and tdm-reservation header fields " +
        "(only when robots.txt lets it be fetched) and the site's /.well-known/tdmrep.json, asks the " +
        'node for its decision on url:URL, and prints per purpose the strictest answer with every ' +
        'reason. An unsigned signal can only restrict: a site saying "allowed" never turns the ' +
        "registry's deny (opt-in: no record, no permission) into an allow.\n\n" +
        'Examples:\n' +
        '  kyodaku precrawl https://example.jp/manga/1 --purpose train\n' +
        '  kyodaku precrawl https://a.example/ https://b.example/x --user-agent ExampleBot --json',
    )
    .argument('<urls...>', 'the URLs to check')
    .option('--user-agent <token>', "the crawler's product token for robots.txt", '*')
    .option('--purpose <purpose>', 'only these purposes (repeatable; default every leaf)', collect)
    .option('--at <time>', "the registry's decision at this time instead of now")
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .action(async (urls: string[], options: PrecrawlOptions, command: Command) => {
      const globals = globalsOf(command);
      const leaves = leavesAsked(options.purpose ?? []);
      const at = options.at === undefined ? undefined : parseTime(options.at, '--at');
      const node = nodeOf(command);
      const progress = new Progress({
        enabled: options.progress && urls.length > 1,
        unit: 'urls',
        totalBytes: undefined,
      });
      const reports: PrecrawlReport[] = [];
      for (const url of urls) {
        const report = await precrawl(url, {
          node,
          productToken: options.userAgent,
          ...(at !== undefined && { at }),
        });
        reports.push(report);
        progress.update(reports.length);
        if (!globals.json) out(formatPrecrawl(report, leaves));
      }
      progress.done();
      if (globals.json)
        printJson(
          reports.map((r) => ({
            ...r,
            leaves: Object.fromEntries(leaves.map((leaf) => [leaf, r.leaves[leaf]])),
          })),
        );
      process.exitCode = 0;
    });
}
