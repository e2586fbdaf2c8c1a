/**
 * `kyodaku usage declare|uses|report` (spec/usage.md): an AI developer declares the items it used
 * (a JSON Lines file, inline up to 250 items, else by manifest), a holder lists the uses of its works
 * and fetches the node's signed report, verified under the node's key.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { signObject, verifyObject } from '../jws.ts';
import type { PublicJwk } from '../keys.ts';
import { MAX_INLINE_ITEMS, UsageItem, type UsageSubject } from '../schemas/usage.ts';
import { toTimestamp } from '../time.ts';
import { manifestOf } from '../usage.ts';
import { businessesOf, declareUsage, usageReport, usesOf } from '../usage-client.ts';
import { globalsOf, nodeOf, positiveInt } from './context.ts';
import { readPrivateKey, readPublicKey } from './key-file.ts';
import { block, emit, usageError } from './output.ts';
import { Progress } from './progress.ts';
import { parseTime } from './time-flag.ts';

/** The items of a JSON Lines file, one UsageItem per non-empty line, with a progress bar. */
function readItems(path: string, progressShown: boolean): UsageItem[] {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const progress = new Progress({
    enabled: progressShown,
    unit: 'items',
    totalBytes: path === '-' ? undefined : statSync(path).size,
  });
  const items: UsageItem[] = [];
  let bytes = 0;
  for (const [i, line] of text.split('\n').entries()) {
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw usageError(`${path} line ${i + 1}: not JSON`);
    }
    const item = UsageItem.safeParse(value);
    if (!item.success) {
      const issue = item.error.issues[0];
      throw usageError(`${path} line ${i + 1}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    items.push(item.data);
    progress.read(bytes);
    progress.update(items.length);
  }
  progress.done();
  if (items.length === 0) throw usageError(`${path} has no items`);
  return items;
}

async function nodeKeyOf(command: Command, file: string | undefined): Promise<PublicJwk> {
  if (file !== undefined) return (await readPublicKey(file)).publicJwk;
  return (await nodeOf(command).wellKnown()).node.key;
}

interface DeclareOptions {
  key: string;
  name: string;
  subjectVersion: string;
  type: UsageSubject['type'];
  from: string;
  until: string;
  revenue?: string;
  currency?: string;
  progress: boolean;
}

export function usageCommand(program: Command): void {
  const usage = program
    .command('usage')
    .summary('declare which works a model or service used; list uses and reports for holders')
    .description(
      'Usage declarations (spec/usage.md). An AI developer declares, per item, the purpose and the\n' +
        'records that allowed it; the node checks every citation and issues a label. Holders list the\n' +
        'uses of their works and get a signed report with the compensation due.',
    );

  usage
    .command('declare')
    .summary('sign and publish a usage declaration from a JSON Lines file of items')
    .description(
      'Signs and publishes a usage declaration. FILE has one item per line (- for stdin):\n' +
        '  {"ids":["isbn:9784088725093"],"purpose":"train.genai","records":["<record id>"],"uses":3}\n' +
        `Up to ${MAX_INLINE_ITEMS} items go inline; more go in a manifest (its SHA-256 is signed).\n` +
        'The node refuses the whole declaration (422 invalid-citation, with the failing citations)\n' +
        'unless every item cites exactly the records that allow it now. Prints the label number.\n\n' +
        'Example:\n' +
        '  kyodaku usage declare items.jsonl --key dev.key --name "Hoshi Diffusion" --subject-version 2.1 \\\n' +
        '    --from 2026-01-01 --until 2026-04-01',
    )
    .argument('<file>', 'the items, one JSON object per line')
    .requiredOption('--key <file>', 'your private key file (an attested ai-developer party)')
    .requiredOption('--name <name>', 'the model or service')
    .requiredOption('--subject-version <version>', 'its version')
    .option('--type <type>', 'model or service', 'model')
    .requiredOption('--from <time>', 'start of the period of use')
    .requiredOption('--until <time>', 'end of the period of use (exclusive)')
    .option('--revenue <amount>', "the subject's revenue in the period (for revenue-share terms)")
    .option('--currency <code>', 'the currency of --revenue (ISO 4217)')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, options: DeclareOptions, command: Command) => {
      const globals = globalsOf(command);
      if (options.type !== 'model' && options.type !== 'service')
        throw usageError('--type is model or service');
      if ((options.revenue === undefined) !== (options.currency === undefined)) {
        throw usageError('--revenue and --currency go together');
      }
      const key = await readPrivateKey(options.key);
      const items = readItems(file, options.progress && !globals.json);
      const manifest = items.length > MAX_INLINE_ITEMS ? await manifestOf(items) : undefined;
      const declaration = await signObject(
        'usage-declaration',
        {
          kind: 'usage-declaration',
          v: 1,
          iss: key.kid,
          subject: { type: options.type, name: options.name, version: options.subjectVersion },
          period: { from: parseTime(options.from, '--from'), until: parseTime(options.until, '--until') },
          ...(manifest === undefined ? { items } : { manifest: manifest.ref }),
          ...(options.revenue !== undefined && {
            revenue: { amount: options.revenue, currency: options.currency! },
          }),
          issued_at: toTimestamp(),
        },
        key.signer,
      );
      const view = await declareUsage(nodeOf(command), declaration, manifest);
      emit(globals, view, () =>
        block(`declared ${view.id}`, [
          ['items', `${items.length}${manifest === undefined ? '' : ' (manifest)'}`],
          ['log index', String(view.log.index)],
          ['label', view.label ?? 'none (the period has ended)'],
        ]),
      );
    });

  usage
    .command('uses')
    .summary("list the declared uses of a holder's works, or of one identifier")
    .argument('[identifier]', 'a work identifier (else --holder)')
    .option('--holder <party>', 'the holder (party id) whose works to list')
    .option('--limit <n>', 'uses per page (1..1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the page before')
    .action(
      async (
        identifier: string | undefined,
        options: { holder?: string; limit: string; cursor?: string },
        command: Command,
      ) => {
        if ((identifier === undefined) === (options.holder === undefined)) {
          throw usageError('give an identifier or --holder, not both');
        }
        const page = await usesOf(
          nodeOf(command),
          identifier === undefined ? { holder: options.holder! } : { id: identifier },
          {
            limit: positiveInt(options.limit, '--limit', 1000),
            ...(options.cursor !== undefined && { cursor: options.cursor }),
          },
        );
        emit(globalsOf(command), page, () =>
          [
            ...page.uses.map(
              (u) =>
                `${u.purpose.padEnd(18)} ${u.ids.join(' ')}  by ${u.subject.name} ${u.subject.version} (${u.declarant})  under ${u.record}  ×${u.uses}`,
            ),
            page.next_cursor === null ? `${page.uses.length} use(s)` : `more: --cursor ${page.next_cursor}`,
          ].join('\n'),
        );
      },
    );

  usage
    .command('businesses')
    .summary('list the AI developers and services registered and attested at the node')
    .option('--cursor <party>', 'the next_cursor of the page before')
    .action(async (options: { cursor?: string }, command: Command) => {
      const list = await businessesOf(nodeOf(command), options.cursor);
      emit(globalsOf(command), list, () =>
        [
          ...list.businesses.map(
            (b) =>
              `${b.party_id}  ${Object.values(b.names)[0] ?? ''}  since ${b.attested_since}  declarations ${b.declarations}`,
          ),
          list.next_cursor === null
            ? `${list.businesses.length} attested`
            : `more: --cursor ${list.next_cursor}`,
        ].join('\n'),
      );
    });

  usage
    .command('report')
    .summary("fetch and verify the node's signed usage report for a holder")
    .description(
      "Fetches the node's usage report for --holder and verifies its signature under the node key\n" +
        '(--node-key FILE, else the key of --node). Prints per declaration and purpose the items, uses\n' +
        "and the compensation due under the records' terms, and the totals per currency.",
    )
    .requiredOption('--holder <party>', 'the holder (party id)')
    .option('--node-key <file>', "the node's public key (JWK file); default: fetched from --node")
    .action(async (options: { holder: string; nodeKey?: string }, command: Command) => {
      const { jws } = await usageReport(nodeOf(command), options.holder);
      const nodeKey = await nodeKeyOf(command, options.nodeKey);
      const { payload } = await verifyObject(jws, 'usage-report', () => nodeKey);
      emit(globalsOf(command), { jws, report: payload }, () =>
        [
          block(`usage report for ${payload.holder} (signature ok)`, [
            ['declarations', String(payload.declarations)],
            ['items', String(payload.items)],
            ['evaluated at', `${payload.evaluated_at.origin} size ${payload.evaluated_at.size}`],
            ['totals', payload.totals.map((t) => `${t.amount} ${t.currency}`).join(', ') || '-'],
          ]),
          ...payload.purposes.map(
            (p) =>
              `  ${p.purpose.padEnd(18)} items ${p.items}  uses ${p.uses}  due ${p.due.map((d) => `${d.amount} ${d.currency}`).join(', ') || '-'}`,
          ),
          ...payload.lines.map(
            (l) =>
              `  ${l.subject.name} ${l.subject.version}  ${l.purpose}  items ${l.items}  uses ${l.uses}  due ${l.due.map((d) => `${d.amount} ${d.currency}`).join(', ') || '-'}${l.unpriced > 0 ? `  unpriced ${l.unpriced}` : ''}`,
          ),
        ].join('\n'),
      );
    });
}
