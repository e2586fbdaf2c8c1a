/**
 * `kyodaku export`: the node's decision for an item, every purpose leaf, in a format crawlers and
 * rights holders already use (spec/interop.md §9): aipref, robots, tdmrep, cawg, rsl, odrl.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_FORMATS } from '../interop/index.ts';
import { globalsOf, nodeOf } from './context.ts';
import { note, out, printJson, usageError } from './output.ts';
import { parseTime } from './time-flag.ts';

/** The header fields an export carries besides its body (spec/interop.md §4–§5). */
const SIGNAL_HEADERS = ['content-usage', 'tdm-reservation', 'tdm-policy', 'kyodaku-records'];

interface ExportOptions {
  format?: string;
  at?: string;
  out?: string;
}

export function exportCommand(program: Command): void {
  program
    .command('export')
    .summary("state the node's decision for an item as aipref, robots.txt, TDMRep, CAWG, RSL or ODRL")
    .description(
      'Asks the node for its export of the item named by the identifiers (spec/interop.md §9): the ' +
        'decision for every purpose leaf, derived from the signed records, in a format crawlers and ' +
        'rights holders already use. Formats: aipref (the Content-Usage header value), robots ' +
        '(robots.txt Content-Usage lines), tdmrep (/.well-known/tdmrep.json rules), tdm-policy (the ' +
        'TDMRep policy its tdm-policy names), cawg (the ' +
        'cawg.training-mining assertion), rsl (license.xml), odrl (an ODRL 2.2 policy). robots, ' +
        'tdmrep and rsl need a url: identifier. The body goes to stdout or --out; the header fields ' +
        'the export carries (Content-Usage, tdm-reservation, tdm-policy, Kyodaku-Records) to stderr.\n\n' +
        'Examples:\n' +
        "  kyodaku export --format aipref 'url:https://example.jp/manga/*'\n" +
        '  kyodaku export --format rsl url:https://example.jp/manga/ --out license.xml',
    )
    .argument('<ids...>', 'identifiers of the one item (scheme:value)')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .option('--at <time>', 'the decision at this time instead of now')
    .option('--out <file>', 'write the export here instead of stdout')
    .action(async (ids: string[], options: ExportOptions, command: Command) => {
      const globals = globalsOf(command);
      const format = options.format ?? '';
      if (!(EXPORT_FORMATS as readonly string[]).includes(format))
        throw usageError(`--format is one of ${EXPORT_FORMATS.join(', ')}`);
      const at = options.at === undefined ? undefined : parseTime(options.at, '--at');
      const result = await nodeOf(command).exportItem(format, ids, at);
      const headers = Object.fromEntries(
        SIGNAL_HEADERS.flatMap((name) => {
          const value = result.headers.get(name);
          return value === null ? [] : [[name, value]];
        }),
      );
      if (globals.json) {
        printJson({ format, content_type: result.contentType, headers, body: result.body });
        return;
      }
      if (options.out !== undefined) writeFileSync(options.out, result.body);
      else out(result.body.replace(/\n$/, ''));
      for (const [name, value] of Object.entries(headers)) note(`${name}: ${value}`);
    });
}
