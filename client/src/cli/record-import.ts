/**
 * `kyodaku record import`: publishes a catalogue, one object per line. A line is a compact JWS (a
 * party, a record or a revocation, sent as is) or a JSON record draft (what `record create --from`
 * takes), signed with --key. Lines stream through POST /v1/publications in batches, a few requests in
 * flight; results come out in input order. Exit code: 0 all accepted, 1 some refused, 2 usage error,
 * 3 the node is unreachable or failed a whole request.
 */
import { KyodakuError } from '../errors.ts';
import { signObject } from '../jws.ts';
import type { KyodakuNode } from '../node-client.ts';
import { OBJECT_KINDS } from '../object-kinds.ts';
import { LIMITS, type Problem, type PublicationResult } from '../schemas/messages.ts';
import { toTimestamp } from '../time.ts';
import { streamBatches, withRetries } from './batch-stream.ts';
import type { LoadedKey } from './key-file.ts';
import { inputBytes, readLines } from './line-reader.ts';
import { note, problemOf, usageError, writeTo } from './output.ts';
import { Progress } from './progress.ts';
import { draftFromValue, draftOf, recordPayload } from './record-input.ts';

export const IMPORT_EXIT = { accepted: 0, refused: 1, usage: 2, node: 3 } as const;

const DUPLICATE = 'urn:kyodaku:problem:duplicate-object';
/** The bytes of `{"objects":[]}` around the entries of a request body. */
const BODY_FRAME = 16;

export interface ImportOptions {
  file: string;
  /** Signs the record drafts; without it a draft line is a usage error. */
  key?: LoadedKey;
  /**
   * The drafts' `issued_at` (default: when the import starts). Signing is deterministic, so a re-run
   * with the same time signs the same objects, which the node then knows (duplicates).
   */
  issuedAt?: string;
  /** Objects per request (default and most: the node's max_batch_objects). */
  batchSize?: number;
  concurrency: number;
  /** Counts a duplicate-object refusal as already published. */
  skipDuplicates: boolean;
  progress: boolean;
  json: boolean;
}

/** The outcome of one input line, as printed with --json. */
export interface LineResult {
  line: number;
  status: number;
  /** The object's id; for a duplicate, the id of the object the node already holds. */
  id?: string;
  kind?: string;
  problem?: Problem;
}

export interface ImportSummary {
  /** The `issued_at` of the records signed from drafts. */
  issued_at: string;
  objects: number;
  accepted: number;
  refused: number;
  duplicates: number;
  elapsed_ms: number;
  objects_per_s: number;
}

/** One input line: a JWS to send, or a line refused before sending. */
type Entry = { line: number; jws: string; followsEarlier: boolean } | { line: number; refused: LineResult };

/** Errors of a request to the node (after retries): exit code 3 rather than 2. */
const nodeFailures = new WeakSet<object>();

async function atNode<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await withRetries(request);
  } catch (error) {
    if (typeof error === 'object' && error !== null) nodeFailures.add(error);
    throw error;
  }
}

/** The exit code of `record import` for an error: 3 when a request to the node failed, else 2. */
export function importExitCode(error: unknown): number {
  return typeof error === 'object' && error !== null && nodeFailures.has(error)
    ? IMPORT_EXIT.node
    : IMPORT_EXIT.usage;
}

function refused(line: number, error: unknown): Entry {
  const problem = problemOf(error);
  return { line, refused: { line, status: problem.status, problem } };
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether a JWS updates a party or acts on another object (a revocation, a superseding record). A
 * node orders such entries only within one request (REQ-API-082), so it is sent once every earlier
 * line is answered.
 */
function followsEarlier(jws: string): boolean {
  const [header = '', payload = ''] = jws.split('.', 2);
  const typ = decodeJson(header)?.typ;
  if (typ === OBJECT_KINDS.record.typ) return decodeJson(payload)?.supersedes !== undefined;
  return typ === OBJECT_KINDS.revocation.typ || typ === OBJECT_KINDS.party.typ;
}

interface Signing {
  key: LoadedKey | undefined;
  issuedAt: string;
}

/** The entry of one input line, or undefined for a blank line. */
async function entryOf(
  line: number,
  text: string,
  signing: Signing,
  maxJws: number,
): Promise<Entry | undefined> {
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  if (!trimmed.startsWith('{')) {
    if (Buffer.byteLength(trimmed) > maxJws) {
      return refused(line, new KyodakuError('ERR_TOO_LARGE', `the JWS is over ${maxJws} bytes`));
    }
    return { line, jws: trimmed, followsEarlier: followsEarlier(trimmed) };
  }
  const { key, issuedAt } = signing;
  if (key === undefined) throw usageError(`line ${line} is a record draft: give --key FILE to sign it`);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return refused(line, new KyodakuError('ERR_PAYLOAD_JSON', 'the record draft is not JSON'));
  }
  try {
    const draft = draftOf({}, draftFromValue(value, 'a record draft'));
    const payload = recordPayload({ ...draft, issued_at: issuedAt }, key.kid);
    const signed = await signObject('record', payload, key.signer);
    return { line, jws: signed.jws, followsEarlier: signed.payload.supersedes !== undefined };
  } catch (error) {
    return refused(line, error);
  }
}

function lineResult(line: number, result: PublicationResult): LineResult {
  if (result.status === 201) {
    const { id, kind } = result as Extract<PublicationResult, { status: 201 }>;
    return { line, status: 201, id, kind };
  }
  const { problem } = result as Extract<PublicationResult, { problem: unknown }>;
  const { id } = problem;
  return { line, status: result.status, ...(typeof id === 'string' && { id }), problem };
}

export async function importCatalogue(node: KyodakuNode, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const totalBytes = inputBytes(options.file);
  const limits = (await atNode(() => node.wellKnown())).limits;
  const most = Math.min(limits.max_batch_objects, LIMITS.maxBatchObjects);
  const batchSize = Math.min(options.batchSize ?? most, most);
  const signing: Signing = { key: options.key, issuedAt: options.issuedAt ?? toTimestamp(started) };
  const summary: ImportSummary = {
    issued_at: signing.issuedAt,
    objects: 0,
    accepted: 0,
    refused: 0,
    duplicates: 0,
    elapsed_ms: 0,
    objects_per_s: 0,
  };
  const progress = new Progress({ enabled: options.progress, unit: 'objects', totalBytes });

  async function* entries(): AsyncGenerator<Entry> {
    for await (const line of readLines(options.file)) {
      progress.read(line.bytes);
      const entry = await entryOf(line.number, line.text, signing, limits.max_jws_bytes);
      if (entry !== undefined) yield entry;
    }
  }

  /** Publishes one batch: the result of every line, in input order. */
  async function answer(batch: Entry[]): Promise<LineResult[]> {
    const jws = batch.flatMap((entry) => ('jws' in entry ? [entry.jws] : []));
    const results = jws.length > 0 ? await atNode(() => node.publishMany(jws)) : [];
    let next = 0;
    return batch.map((entry) => ('jws' in entry ? lineResult(entry.line, results[next++]!) : entry.refused));
  }

  /** Counts and prints a batch's results: every line with --json, else the refused ones. */
  function deliver(results: LineResult[]): Promise<void> {
    const lines: string[] = [];
    for (const result of results) {
      summary.objects++;
      const duplicate = result.problem?.type === DUPLICATE;
      if (result.status === 201) summary.accepted++;
      else if (duplicate) summary.duplicates++;
      else summary.refused++;
      if (options.json) lines.push(JSON.stringify(result));
      else if (result.status !== 201 && !(duplicate && options.skipDuplicates)) {
        const problem = result.problem!;
        const detail = (problem.detail ?? problem.title).replace(/\s*\n\s*/g, ' ');
        lines.push(`line ${result.line}: ${problem.type} ${detail}`);
      }
    }
    progress.update(summary.objects);
    return writeTo(process.stdout, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }

  try {
    await streamBatches(
      entries(),
      {
        batchSize,
        concurrency: options.concurrency,
        maxWeight: limits.max_body_bytes - BODY_FRAME,
        weightOf: (entry) => ('jws' in entry ? Buffer.byteLength(JSON.stringify(entry.jws)) + 1 : 0),
        waitsForEarlier: (batch) => batch.some((entry) => 'jws' in entry && entry.followsEarlier),
      },
      answer,
      deliver,
    );
  } finally {
    progress.done();
  }
  summary.elapsed_ms = Date.now() - started;
  summary.objects_per_s = Math.round(summary.objects / Math.max(summary.elapsed_ms / 1000, 0.001));
  if (options.json) await writeTo(process.stdout, `${JSON.stringify({ summary })}\n`);
  const seconds = (summary.elapsed_ms / 1000).toFixed(1);
  const duplicates = `${summary.duplicates} duplicate${summary.duplicates === 1 ? '' : 's'}`;
  note(
    `imported ${summary.objects} objects in ${seconds} s (${summary.objects_per_s} objects/s): ` +
      `${summary.accepted} accepted, ${summary.refused} refused, ${duplicates}` +
      (options.skipDuplicates && summary.duplicates > 0 ? ' (already published)' : '') +
      (signing.key === undefined ? '' : `; drafts signed with --issued-at ${signing.issuedAt}`),
  );
  return summary;
}

/** The exit code for a finished import: 0 when every line is published (or was already), else 1. */
export function importExit(summary: ImportSummary, skipDuplicates: boolean): number {
  const unpublished = summary.refused + (skipDuplicates ? 0 : summary.duplicates);
  return unpublished > 0 ? IMPORT_EXIT.refused : IMPORT_EXIT.accepted;
}
