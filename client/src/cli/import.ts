/**
 * `kyodaku import`: a site's existing declarations (aipref, TDMRep, RSL, CAWG) as unsigned record
 * drafts (spec/interop.md §10), one JSON line each, for the holder to review and then sign with
 * `kyodaku record import drafts.jsonl --key …`. Nothing is signed or published; on any error
 * nothing is written. Exit code 0 drafts written, 1 errors in the input (each with its line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { tryNormalizeIdentifier } from '../identifiers.ts';
import {
  draftsFrom,
  type Finding,
  IMPORT_FORMATS,
  type ImportContext,
  type ImportFormat,
} from '../interop/index.ts';
import { collect, globalsOf } from './context.ts';
import { EpubError, isZip, packageDocumentOf } from './epub-package.ts';
import { note, out, printJson, usageError } from './output.ts';
import { WORK_TYPES } from './record-input.ts';

/** The largest input read: robots.txt's 500 KiB (RFC 9309 §2.5) and license.xml's 512 KiB. */
const MAX_INPUT_BYTES = 512 * 1024;
/** The largest EPUB archive read (its package document is read from it, up to 512 KiB). */
const MAX_EPUB_BYTES = 256 * 1024 * 1024;

interface ImportOptions {
  format?: string;
  site?: string;
  id?: string[];
  type: string;
  out?: string;
}

function readInput(file: string, max = MAX_INPUT_BYTES): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (bytes.length > max) throw usageError(`${file} is over ${max} bytes`);
  return bytes;
}

/**
 * The drafts of an input: for tdmrep-epub an .epub archive is opened for its package document
 * (the findings then name the document inside it); anything else is text.
 */
function draftsOf(format: ImportFormat, file: string, context: ImportContext) {
  if (format !== 'tdmrep-epub')
    return { name: file, result: draftsFrom(format, readInput(file).toString('utf8'), context) };
  const bytes = readInput(file, MAX_EPUB_BYTES);
  if (!isZip(bytes)) {
    if (bytes.length > MAX_INPUT_BYTES) throw usageError(`${file} is over ${MAX_INPUT_BYTES} bytes`);
    return { name: file, result: draftsFrom(format, bytes.toString('utf8'), context) };
  }
  try {
    const opf = packageDocumentOf(bytes);
    return { name: `${file}!/${opf.path}`, result: draftsFrom(format, opf.text, context) };
  } catch (error) {
    if (!(error instanceof EpubError)) throw error;
    return { name: file, result: { value: [], errors: [{ message: error.message }], warnings: [] } };
  }
}

function siteOf(site: string | undefined): string | undefined {
  if (site === undefined) return undefined;
  if (!/^https?:\/\/[^/?#\s]+\/?$/i.test(site))
    throw usageError('--site is an origin such as https://example.jp');
  return site;
}

const where = (file: string, f: Finding) => (f.line === undefined ? file : `${file}:${f.line}`);

export function importCommand(program: Command): void {
  program
    .command('import')
    .summary("turn a site's aipref, TDMRep, RSL or CAWG declarations into unsigned record drafts")
    .description(
      'Reads a file of declarations a site already publishes and writes record drafts, one JSON ' +
        'line each (the input of `record create --from` and `record import`), for you to review, ' +
        'then sign and publish with `kyodaku record import drafts.jsonl --key holder.key`. Nothing ' +
        'is signed or published here. Errors and warnings are printed with their line; on any error ' +
        'no draft is written and the exit code is 1.\n\n' +
        'Formats: aipref (a robots.txt with Content-Usage rules, or one Content-Usage value), tdmrep ' +
        '(/.well-known/tdmrep.json), tdmrep-html (the <meta name="tdm-reservation"> of an HTML page), ' +
        'tdmrep-epub (tdm:reservation in an EPUB: the .epub file or its .opf package document), rsl (license.xml), ' +
        'cawg (a cawg.training-mining assertion or a C2PA manifest as JSON). Paths need --site; a ' +
        'header value, a page or an assertion is about the item named by --id, an EPUB about its ISBN ' +
        'unless --id names it. Purposes a declaration does not state stay out of the draft (deny: ' +
        'opt-in).\n\n' +
        'Examples:\n' +
        '  kyodaku import --format aipref robots.txt --site https://example.jp --out drafts.jsonl\n' +
        '  kyodaku import --format cawg assertion.json --id sha256:9f86d0… --type likeness\n' +
        '  kyodaku import --format tdmrep-html page.html --id url:https://example.jp/works/1\n' +
        '  kyodaku import --format tdmrep-epub book.epub',
    )
    .argument('<file>', 'the declarations (- for stdin)')
    .requiredOption('--format <format>', `one of ${IMPORT_FORMATS.join(', ')}`)
    .option('--site <origin>', 'the site relative paths are on, e.g. https://example.jp')
    .option('--id <id>', 'identifier of the item a value or assertion is about (repeatable)', collect)
    .option('--type <type>', `work type of the drafts: ${WORK_TYPES.join(', ')}`, 'work')
    .option('--out <file>', 'write the drafts here instead of stdout')
    .action((file: string, options: ImportOptions, command: Command) => {
      const globals = globalsOf(command);
      const format = options.format ?? '';
      if (!(IMPORT_FORMATS as readonly string[]).includes(format))
        throw usageError(`--format is one of ${IMPORT_FORMATS.join(', ')}`);
      if (!(WORK_TYPES as readonly string[]).includes(options.type))
        throw usageError(`--type is one of ${WORK_TYPES.join(', ')}`);
      const ids = (options.id ?? []).map((raw) => {
        const id = tryNormalizeIdentifier(raw);
        if (id === undefined) throw usageError(`--id ${JSON.stringify(raw)} is not an identifier`);
        return id;
      });
      const site = siteOf(options.site);
      const { name, result } = draftsOf(format as ImportFormat, file, {
        ids,
        type: options.type as (typeof WORK_TYPES)[number],
        ...(site !== undefined && { site }),
      });
      const failed = result.errors.length > 0;
      if (globals.json) {
        printJson({
          ok: !failed,
          drafts: failed ? [] : result.value,
          errors: result.errors,
          warnings: result.warnings,
        });
      } else {
        for (const f of result.errors) note(`${where(name, f)}: error: ${f.message}`);
        for (const f of result.warnings) note(`${where(name, f)}: warning: ${f.message}`);
      }
      if (failed) {
        if (!globals.json) note(`${result.errors.length} error(s): no draft written`);
        process.exitCode = 1;
        return;
      }
      const lines = result.value.map((d) => JSON.stringify(d.draft));
      if (options.out !== undefined)
        writeFileSync(options.out, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      else if (!globals.json) for (const line of lines) out(line);
      if (!globals.json)
        note(
          `${lines.length} unsigned draft(s)${options.out === undefined ? '' : ` in ${options.out}`}: review them, then ` +
            'kyodaku record import FILE --key holder.key',
        );
      process.exitCode = 0;
    });
}
