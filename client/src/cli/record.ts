/** `kyodaku record create|publish|import|supersede|revoke|show|list`: consent records of a rights holder. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createRevocation } from '../builders.ts';
import { signObject } from '../jws.ts';
import type { KyodakuNode } from '../node-client.ts';
import type { PayloadOf } from '../object-kinds.ts';
import { LIMITS, type RecordView } from '../schemas/messages.ts';
import type { Conditions } from '../schemas/objects.ts';
import { collect, globalsOf, nodeOf, positiveInt } from './context.ts';
import { type LoadedKey, readPrivateKey } from './key-file.ts';
import { block, emit, out, pairs, printJson, usageError } from './output.ts';
import { importCatalogue, importExit } from './record-import.ts';
import { draftFromRecord, draftOf, type RecordFlags, recordPayload, WORK_TYPES } from './record-input.ts';
import { parseTime } from './time-flag.ts';

/** A placeholder issuer to check a draft that is not signed yet. */
const DRAFT_ISSUER = 'A'.repeat(43);

export function formatConditions(conditions: Conditions | undefined): string | undefined {
  if (conditions === undefined) return undefined;
  const parts: string[] = [];
  const c = conditions.compensation;
  if (c) {
    const money = [c.amount, c.currency].filter(Boolean).join(' ');
    parts.push(
      `compensation ${c.model}${money ? ` ${money}` : ''}${c.unit ? ` per ${c.unit}` : ''}${c.url ? ` (${c.url})` : ''}`,
    );
  }
  if (conditions.attribution) {
    const text = conditions.attribution.text ? ` "${Object.values(conditions.attribution.text)[0]}"` : '';
    parts.push(`attribution ${conditions.attribution.required ? 'required' : 'optional'}${text}`);
  }
  if (conditions.territory) parts.push(`territory ${conditions.territory.join(',')}`);
  if (conditions.contact) parts.push(`contact ${Object.values(conditions.contact).join(' ')}`);
  if (conditions.note) parts.push(`note ${Object.values(conditions.note)[0]}`);
  return parts.length > 0 ? parts.join('; ') : 'none stated';
}

export function formatRecord(view: RecordView): string {
  const r = view.record;
  return block(`record ${view.id}  ${view.status}`, [
    ['issuer', r.iss],
    ['work', `${r.work.type}  ${r.work.ids.join(' ')}`],
    ['titles', r.work.titles && pairs(r.work.titles)],
    ['aliases', r.work.aliases && pairs(r.work.aliases)],
    ['purposes', pairs(r.purposes)],
    ['conditions', formatConditions(r.conditions)],
    ['valid', `${r.valid_from} .. ${r.valid_until ?? '(no end)'}`],
    ['issued', r.issued_at],
    ['received', view.received_at],
    ['supersedes', r.supersedes],
    ['superseded by', view.superseded_by],
    ['revoked by', view.revoked_by && `${view.revoked_by} at ${view.revoked_at}`],
  ]);
}

/** Adds the options that describe a record (shared by create and supersede). */
function recordOptions(command: Command): Command {
  return command
    .option('--from <file>', 'record file (YAML or .json) with work, purposes, conditions, validity')
    .option('--type <type>', `kind of work: ${WORK_TYPES.join(', ')} (default work)`)
    .option('--id <scheme:value>', 'work identifier, repeatable (isbn:…, url:…, sha256:…, doi:…)', collect)
    .option(
      '--title <lang=text>',
      'title per language, repeatable: --title ja=孫悟空 --title en="Son Goku"',
      collect,
    )
    .option('--alias <lang=text>', 'another name, repeatable', collect)
    .option(
      '--purpose <purpose=value>',
      'allow|deny|conditional per purpose, repeatable: --purpose train=deny',
      collect,
    )
    .option(
      '--compensation <terms>',
      'MODEL[:CURRENCY:AMOUNT[:UNIT]], e.g. per-use:JPY:50, flat-fee:USD:1000, free',
    )
    .option('--compensation-url <url>', 'where to license or pay')
    .option('--attribution <required|optional>', 'attribution condition')
    .option('--attribution-text <lang=text>', 'attribution text per language, repeatable', collect)
    .option('--territory <CC>', 'ISO 3166 country where the terms apply, repeatable', collect)
    .option('--contact-email <address>', 'contact for licensing')
    .option('--note <lang=text>', 'free note per language, repeatable', collect)
    .option('--valid-from <time>', 'start of validity (default: now)')
    .option('--valid-until <time>', 'end of validity (default: none)')
    .option('-o, --out <file>', 'write the signed JWS (or the unsigned draft) here instead of stdout');
}

interface CreateOptions extends RecordFlags {
  key?: string;
  out?: string;
  publish?: boolean;
  force?: boolean;
}

interface ImportFlags {
  key?: string;
  issuedAt?: string;
  batchSize?: string;
  concurrency: string;
  skipDuplicates: boolean;
  progress: boolean;
}

function writeOutput(file: string | undefined, text: string): void {
  if (file === undefined) {
    out(text);
    return;
  }
  try {
    writeFileSync(file, `${text}\n`);
  } catch (error) {
    throw usageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

async function signRecord(key: LoadedKey, payload: PayloadOf<'record'>) {
  return signObject('record', payload, key.signer);
}

function readJwsFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const jws = text.trim();
  if (jws.length === 0) throw usageError(`${file} is empty; it should hold a compact JWS`);
  return jws;
}

async function publishAndShow(node: KyodakuNode, jws: string, command: Command, verb: string) {
  const view = await node.publishRecord(jws);
  emit(globalsOf(command), view, () => `${verb}\n${formatRecord(view)}`);
}

export function recordCommand(program: Command): void {
  const record = program
    .command('record')
    .summary('create, publish, supersede, revoke and show consent records');

  recordOptions(
    record
      .command('create')
      .description(
        'Builds a consent record from flags and/or a record file (flags win). With --key it is signed and ' +
          'the compact JWS is written (-o FILE or stdout; --publish also posts it to the node). Without ' +
          '--key the checked, unsigned draft is written as JSON, which --from accepts later.\n\n' +
          'Example:\n' +
          '  kyodaku record create --key me.key --type character --id isbn:9784088725093 \\\n' +
          '    --title ja=孫悟空 --title en="Son Goku" --purpose train=deny \\\n' +
          '    --purpose generate.character=conditional --compensation per-use:JPY:50 \\\n' +
          '    --attribution required --valid-until 2027-01-01 -o goku.jws',
      )
      .option('--key <file>', 'your private key file; signs the record'),
  )
    .option('--publish', 'also publish the signed record to the node', false)
    .action(async (options: CreateOptions, command: Command) => {
      const draft = draftOf(options);
      const globals = globalsOf(command);
      if (options.key === undefined) {
        if (options.publish) throw usageError('--publish needs --key to sign the record');
        const { kind: _k, v: _v, iss: _i, issued_at: _t, ...checked } = recordPayload(draft, DRAFT_ISSUER);
        if (draft.valid_from === undefined) delete (checked as { valid_from?: string }).valid_from;
        writeOutput(options.out, JSON.stringify(checked, null, 2));
        return;
      }
      const key = await readPrivateKey(options.key);
      const signed = await signRecord(key, recordPayload(draft, key.kid));
      if (options.publish) {
        if (options.out !== undefined) writeOutput(options.out, signed.jws);
        await publishAndShow(nodeOf(command), signed.jws, command, 'published');
      } else if (options.out !== undefined) {
        writeOutput(options.out, signed.jws);
        emit(
          globals,
          { id: signed.id, file: options.out, record: signed.payload },
          () => `wrote ${options.out}: record ${signed.id}`,
        );
      } else if (globals.json) {
        printJson({ id: signed.id, jws: signed.jws, record: signed.payload });
      } else {
        out(signed.jws);
      }
    });

  record
    .command('publish')
    .description('Publishes a signed consent record (a compact JWS file, or - for stdin) to the node.')
    .argument('<file>', 'the JWS file written by record create')
    .action(async (file: string, _options: unknown, command: Command) => {
      await publishAndShow(nodeOf(command), readJwsFile(file), command, 'published');
    });

  record
    .command('import')
    .description(
      'Publishes a catalogue. Every non-blank line of the file (- for stdin) is a compact JWS (a party, ' +
        'a record or a revocation, published as is) or a JSON record draft in the shape record create ' +
        '--from takes (work, purposes, conditions, valid_from, valid_until…), which is checked and signed ' +
        'with --key; a draft that fails the checks is refused for its line and not sent. Lines stream ' +
        'through the bulk publication API in batches, a few requests in flight, with bounded memory; a ' +
        'party registration, a revocation or a superseding record is sent once the lines before it are ' +
        'answered. Other batches in flight may reach the node in any order: of two equal lines in ' +
        'different batches, either may be the one reported as the duplicate.\n\n' +
        'Prints "line N: <problem type> <detail>" for every refused line (with --json, one JSON result per ' +
        'line, {line, status, id, kind} or {line, status, id?, problem}, then {"summary": …}) and the ' +
        'counts on stderr. Exit code: 0 every line published, 1 some refused (a duplicate too, unless ' +
        '--skip-duplicates), 2 usage error, 3 the node is unreachable or failed a request.\n\n' +
        'To finish an interrupted import, run it again with --skip-duplicates and, for drafts, with the ' +
        '--issued-at the first run printed: signing is deterministic, so the drafts become the same ' +
        'records, which the node already holds.\n\n' +
        'Examples:\n' +
        '  kyodaku record import catalogue.jsonl --key me.key\n' +
        '  kyodaku record import catalogue.jsonl --key me.key --skip-duplicates \\\n' +
        '    --issued-at 2026-11-23T09:00:00Z\n' +
        '  cat signed/*.jws | kyodaku record import - --json > results.jsonl',
    )
    .argument('<file>', 'one compact JWS or JSON record draft per line (- for stdin)')
    .option('--key <file>', 'your private key file; signs the record drafts')
    .option(
      '--issued-at <time>',
      'issued_at of the drafts (default: now); the same time signs the same records',
    )
    .option(
      '--batch-size <n>',
      `objects per request (default and most: the node's limit, ${LIMITS.maxBatchObjects})`,
    )
    .option('--concurrency <n>', 'requests in flight', '2')
    .option('--skip-duplicates', 'count an object the node already holds as published', false)
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .action(async (file: string, options: ImportFlags, command: Command) => {
      const batchSize =
        options.batchSize === undefined
          ? undefined
          : positiveInt(options.batchSize, '--batch-size', LIMITS.maxBatchObjects);
      const concurrency = positiveInt(options.concurrency, '--concurrency', 64);
      const node = nodeOf(command);
      const issuedAt =
        options.issuedAt === undefined ? undefined : parseTime(options.issuedAt, '--issued-at');
      const key = options.key === undefined ? undefined : await readPrivateKey(options.key);
      const summary = await importCatalogue(node, {
        file,
        ...(key !== undefined && { key }),
        ...(issuedAt !== undefined && { issuedAt }),
        ...(batchSize !== undefined && { batchSize }),
        concurrency,
        skipDuplicates: options.skipDuplicates,
        progress: options.progress,
        json: globalsOf(command).json,
      });
      process.exitCode = importExit(summary, options.skipDuplicates);
    });

  recordOptions(
    record
      .command('supersede')
      .description(
        'Replaces a current record of yours: signs a new record that names the old one in `supersedes` and ' +
          'publishes it. The new record is built like record create: from --from and flags, or, without ' +
          '--from, from the old record with the flags applied (e.g. --purpose train.genai=allow).',
      )
      .argument('<old-record-id>', 'the record to replace')
      .requiredOption('--key <file>', 'your private key file (the issuer of the old record)'),
  ).action(async (oldId: string, options: CreateOptions & { key: string }, command: Command) => {
    const key = await readPrivateKey(options.key);
    const node = nodeOf(command);
    // Without --from, the new record starts from the old one and the flags change it.
    const base =
      options.from === undefined ? draftFromRecord((await node.getRecord(oldId)).record) : undefined;
    const signed = await signRecord(key, recordPayload(draftOf(options, base), key.kid, oldId));
    if (options.out !== undefined) writeOutput(options.out, signed.jws);
    await publishAndShow(node, signed.jws, command, `superseded ${oldId}`);
  });

  record
    .command('revoke')
    .description(
      'Revokes a record of yours: signs a revocation and publishes it. From then on it no longer counts.',
    )
    .argument('<record-id>', 'the record to revoke')
    .requiredOption('--key <file>', 'your private key file (the issuer of the record)')
    .option('--reason <text>', 'why (stored in the revocation)')
    .action(async (id: string, options: { key: string; reason?: string }, command: Command) => {
      const key = await readPrivateKey(options.key);
      const revocation = createRevocation({
        iss: key.kid,
        record: id,
        ...(options.reason !== undefined && { reason: options.reason }),
      });
      const signed = await signObject('revocation', revocation, key.signer);
      const view = await nodeOf(command).revokeRecord(signed);
      emit(globalsOf(command), view, () =>
        block(`revoked record ${id}`, [
          ['revocation', view.id],
          ['at', view.revocation.issued_at],
          ['reason', view.revocation.reason],
        ]),
      );
    });

  record
    .command('show')
    .description('Shows a record as the node holds it, with its status now.')
    .argument('<record-id>', 'the record id (SHA-256 of its JWS)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const view = await nodeOf(command).getRecord(id);
      emit(globalsOf(command), view, () => formatRecord(view));
    });

  record
    .command('list')
    .description("Lists an issuer's records at the node, oldest first (all pages).")
    .option('--issuer <party-id>', 'the issuer')
    .option('--key <file>', 'or: the issuer of this key file')
    .action(async (options: { issuer?: string; key?: string }, command: Command) => {
      const issuer = options.issuer ?? (options.key ? (await readPrivateKey(options.key)).kid : undefined);
      if (issuer === undefined) throw usageError('give --issuer PARTY_ID or --key FILE');
      const node = nodeOf(command);
      const globals = globalsOf(command);
      const views: RecordView[] = [];
      for await (const view of node.allRecords(issuer)) {
        if (globals.json) views.push(view);
        else
          out(
            `${view.id}  ${view.status.padEnd(10)}  ${view.record.work.ids.join(' ')}  ${pairs(view.record.purposes, ' ')}`,
          );
      }
      if (globals.json) out(JSON.stringify(views, null, 2));
    });
}
