/**
 * `kyodaku label verify|show` (spec/usage.md §5): a label verified offline under a node key the
 * verifier trusts, with its revocation when the file holds one (REQ-USAGE-023); `show` fetches it.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KyodakuError } from '../errors.ts';
import type { PublicJwk } from '../keys.ts';
import { toTimestamp } from '../time.ts';
import { type LabelVerdict, verifyLabel } from '../usage.ts';
import { labelOf } from '../usage-client.ts';
import { globalsOf, nodeOf } from './context.ts';
import { readPublicKey } from './key-file.ts';
import { block, emit, usageError } from './output.ts';
import { parseTime } from './time-flag.ts';

/** Exit code of a label that does not verify, or is revoked or expired. */
export const EXIT_LABEL_INVALID = 2;

function readLabelFile(path: string): { jws: string; revocation?: string } {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (!text.startsWith('{')) return { jws: text };
  const view = JSON.parse(text) as { jws?: unknown; revocation?: unknown };
  if (typeof view.jws !== 'string') throw usageError(`${path} has no "jws" member`);
  return { jws: view.jws, ...(typeof view.revocation === 'string' && { revocation: view.revocation }) };
}

function describe(verdict: LabelVerdict): string {
  const l = verdict.label;
  return block(`label ${l.number}: ${verdict.status}`, [
    ['service', `${l.subject.name} ${l.subject.version} (${l.subject.type})`],
    ['declarant', l.declarant],
    ['purposes', l.scope.purposes.join(', ')],
    ['items', String(l.scope.items)],
    ['valid', `${l.valid_from} – ${l.valid_until}`],
    ['declaration', l.declaration],
    ['node key', l.node],
    [
      'revoked',
      verdict.status === 'revoked'
        ? `${verdict.revocation.issued_at} (record ${verdict.revocation.record})`
        : undefined,
    ],
  ]);
}

async function report(command: Command, verdict: LabelVerdict): Promise<void> {
  emit(globalsOf(command), verdict, () => describe(verdict));
  if (verdict.status !== 'valid') process.exitCode = EXIT_LABEL_INVALID;
}

export function labelCommand(program: Command): void {
  const label = program.command('label').summary('verify a usage label (offline) or show one');

  label
    .command('verify')
    .summary('verify a label offline under the node key')
    .description(
      'Verifies a label: FILE holds the label (a compact JWS) or its JSON view from\n' +
        'GET /v1/labels/{number}, with the revocation if the label was revoked (- for stdin).\n' +
        "Offline with --node-key (the node's public JWK file), else the key is fetched from --node.\n" +
        'Checks the signature by the node key, the validity at --at (default now) and the revocation.\n\n' +
        'Exit codes: 0 valid, 2 invalid, revoked, expired or not yet valid, 1 could not check.',
    )
    .argument('<file>', 'the label or its view (JSON)')
    .option('--node-key <file>', "the node's public key (JWK file); default: fetched from --node")
    .option('--at <time>', 'the time to check the label at (default: now)')
    .action(async (file: string, options: { nodeKey?: string; at?: string }, command: Command) => {
      const { jws, revocation } = readLabelFile(file);
      const nodeKey: PublicJwk =
        options.nodeKey !== undefined
          ? (await readPublicKey(options.nodeKey)).publicJwk
          : (await nodeOf(command).wellKnown()).node.key;
      const at = options.at === undefined ? toTimestamp() : parseTime(options.at, '--at');
      let verdict: LabelVerdict;
      try {
        verdict = await verifyLabel(jws, nodeKey, at, revocation);
      } catch (error) {
        process.exitCode = EXIT_LABEL_INVALID;
        throw error instanceof KyodakuError ? error : usageError(String(error));
      }
      await report(command, verdict);
    });

  label
    .command('show')
    .summary('fetch a label by its number and verify it under the node key')
    .argument('<number>', 'the certificate number')
    .action(async (number: string, _options: unknown, command: Command) => {
      const node = nodeOf(command);
      const view = await labelOf(node, number);
      const nodeKey = (await node.wellKnown()).node.key;
      await report(command, await verifyLabel(view.jws, nodeKey, toTimestamp(), view.revocation));
    });
}
