/** Output of the CLI: JSON for scripts (`--json`), short text for people, one-line errors. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ERROR_CODES, KyodakuError, problemTypeOf } from '../errors.ts';
import type { Problem } from '../schemas/messages.ts';

/** Exit codes of every command but `check` (which has its own, see check.ts). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;

export interface GlobalOptions {
  node: string;
  json: boolean;
}

/** Writes a line to stdout. */
export function out(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a line to stderr (notes and progress, never data). */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Writes text to a stream, waiting for it to drain when its buffer is full (a slow pipe). */
export async function writeTo(sink: Writable, text: string): Promise<void> {
  if (text.length > 0 && !sink.write(text)) await once(sink, 'drain');
}

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Prints `value` as JSON with --json, else the human text. */
export function emit(options: { json: boolean }, value: unknown, human: () => string): void {
  if (options.json) printJson(value);
  else out(human());
}

/** A usage error found by the CLI itself (bad flag value, unreadable file). */
export function usageError(message: string): KyodakuError {
  return new KyodakuError('ERR_INVALID_REQUEST', message);
}

/** The RFC 9457 problem for any error: the node's own problem when it sent one. */
export function problemOf(error: unknown): Problem {
  if (error instanceof KyodakuError) {
    const detail = error.detail as Partial<Problem> | undefined;
    if (detail && typeof detail === 'object' && typeof detail.type === 'string' && 'status' in detail) {
      return detail as Problem;
    }
    const [slug, status] = ERROR_CODES[error.code];
    return { type: problemTypeOf(error.code), title: slug, status, detail: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: problemTypeOf('ERR_INTERNAL'), title: 'internal-error', status: 500, detail: message };
}

/** One line `error: <message> (<problem type>)` on stderr, or the problem as JSON on stdout. */
export function printError(error: unknown, json: boolean): void {
  const problem = problemOf(error);
  if (json) {
    printJson(problem);
    return;
  }
  const message = (problem.detail ?? problem.title).replace(/\s*\n\s*/g, ' ');
  note(`error: ${message} (${problem.type})`);
}

/** `a=1  b=2` for a flat map. */
export function pairs(map: Record<string, unknown> | undefined, separator = '  '): string {
  if (map === undefined) return '-';
  return Object.entries(map)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(separator);
}

/** Aligned `label value` lines under a heading. */
export function block(heading: string, rows: Array<[string, string | undefined]>): string {
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return [heading, ...shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
