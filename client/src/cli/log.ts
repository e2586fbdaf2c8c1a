/**
 * `kyodaku log verify`: fetches a node's signed checkpoint (once, or every N seconds) and accepts
 * it only if it verifies under the node's log key and is consistent with the last checkpoint kept
 * for that origin in a state file (spec/log.md REQ-LOG-011, 019, 020). A rewritten log, a rollback
 * or a bad signature exits with 2 and leaves the kept checkpoint as evidence.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { KyodakuError } from '../errors.ts';
import { rawPublicKey } from '../keys.ts';
import { LogVerificationError, type NoteVerifier, parseVerifierKey } from '../log/checkpoint.ts';
import { acceptCheckpoint, FileCheckpointStore } from '../log/checkpoint-store.ts';
import { decodeProof } from '../log/proofs.ts';
import type { KyodakuNode } from '../node-client.ts';
import { globalsOf, nodeOf } from './context.ts';
import { emit, note, printJson, usageError } from './output.ts';

/** Exit code when the log itself fails verification (fork, rollback, bad signature or proof). */
export const EXIT_LOG_INVALID = 2;

export const DEFAULT_STATE = join(homedir(), '.kyodaku', 'checkpoints.json');

/** The node's log key: --vkey when given, else the verifier key the node publishes, checked against node.key. */
export async function logVerifierOf(node: KyodakuNode, vkey: string | undefined): Promise<NoteVerifier> {
  if (vkey !== undefined) return parseVerifierKey(vkey);
  const wk = await node.wellKnown();
  if (!wk.profiles.includes('log') || wk.log === undefined) {
    throw new KyodakuError('ERR_NOT_FOUND', 'the node does not implement the log profile');
  }
  const verifier = parseVerifierKey(wk.log.verifier_key);
  if (verifier.name !== wk.node.origin) {
    throw new LogVerificationError('ERR_VKEY_MALFORMED', 'the log key is not named by the node origin');
  }
  if (Buffer.compare(verifier.publicKey, rawPublicKey(wk.node.key)) !== 0) {
    throw new LogVerificationError('ERR_VKEY_MALFORMED', 'the log key is not the node key');
  }
  return verifier;
}

/** The consistency proof from the node, decoded (the sizes are the caller's, from checkpoints). */
export function consistencyFrom(node: KyodakuNode) {
  return async (from: number, to: number) => decodeProof((await node.consistencyProof(from, to)).proof);
}

interface VerifyOptions {
  state: string;
  vkey?: string;
  watch?: string;
  times?: string;
}

function positive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,6}$/.test(text)) throw usageError(`${name} must be a positive integer`);
  return Number(text);
}

export function logCommand(program: Command): void {
  const log = program
    .command('log')
    .summary("check a node's transparency log")
    .description("Commands about a node's transparency log (spec/log.md).");
  log
    .command('verify')
    .summary('verify the checkpoint and that the log only grew since last time')
    .description(
      "Fetches the node's signed checkpoint, verifies its signature under the node's log key (--vkey,\n" +
        'else the verifier key in /.well-known/kyodaku, checked against node.key) and compares it with\n' +
        'the checkpoint kept for that origin in the state file: a larger one is accepted only with a\n' +
        'valid consistency proof, the same size must have the same root, a smaller one is refused.\n' +
        'The first checkpoint of an origin is trusted on first use. With --watch N, checks every N\n' +
        'seconds (--times limits the rounds).\n\n' +
        'Exit codes: 0 consistent, 2 the log failed verification (rewritten history, rollback, bad\n' +
        'signature or proof; the kept checkpoint stays as evidence), 1 could not check.',
    )
    .option('--state <file>', 'where the last checkpoint per origin is kept', DEFAULT_STATE)
    .option(
      '--vkey <key>',
      'the log verifier key string (name+keyid+key) instead of the one the node publishes',
    )
    .option('--watch <seconds>', 'check again every N seconds')
    .option('--times <n>', 'with --watch, stop after n checks')
    .action(async (options: VerifyOptions, command: Command) => {
      const globals = globalsOf(command);
      const node = nodeOf(command);
      const every = positive(options.watch, '--watch');
      const times =
        positive(options.times, '--times') ?? (every === undefined ? 1 : Number.POSITIVE_INFINITY);
      mkdirSync(dirname(options.state), { recursive: true });
      const store = new FileCheckpointStore(options.state);
      const verifier = await logVerifierOf(node, options.vkey);
      for (let round = 1; round <= times; round++) {
        try {
          const accepted = await acceptCheckpoint(
            store,
            await node.checkpointNote(),
            verifier,
            consistencyFrom(node),
          );
          const { checkpoint, previous, status } = accepted;
          const root = Buffer.from(checkpoint.rootHash).toString('base64');
          const result = {
            origin: checkpoint.origin,
            size: checkpoint.size,
            root,
            status,
            ...(previous !== undefined && { previous_size: previous.size }),
          };
          emit(globals, result, () => {
            const how =
              status === 'first'
                ? 'first checkpoint of this origin, kept (trust on first use)'
                : status === 'same'
                  ? 'same as the kept checkpoint'
                  : `consistent with the kept checkpoint of size ${previous!.size}`;
            return `ok  ${checkpoint.origin}  size ${checkpoint.size}  root ${root}  ${how}`;
          });
        } catch (error) {
          if (!(error instanceof LogVerificationError)) throw error;
          if (globals.json) printJson({ valid: false, code: error.code, detail: error.message });
          else note(`FAIL  ${error.message} (${error.code})`);
          process.exitCode = EXIT_LOG_INVALID;
          return;
        }
        if (round < times && every !== undefined) await new Promise((r) => setTimeout(r, every * 1000));
      }
    });
}
