/**
 * `kyodaku verify-receipt FILE`: checks a decision receipt offline against the node's key (signature,
 * node id, nonce, query hash, refs below the evaluated sizes), and with --inclusion online that the
 * evaluated tree is a prefix of the node's signed log, that every ref is in it, and that the receipt
 * itself is in the log (spec/log.md REQ-RECEIPT-005, REQ-LOG-018).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KyodakuError } from '../errors.ts';
import type { PublicJwk } from '../keys.ts';
import { rawPublicKey } from '../keys.ts';
import { LogVerificationError, parseVerifierKey, verifierKeyString } from '../log/checkpoint.ts';
import {
  acceptCheckpoint,
  type CheckpointStore,
  FileCheckpointStore,
  MemoryCheckpointStore,
} from '../log/checkpoint-store.ts';
import { decodeProof, leafHashOfEntry, verifyEntryInclusion, verifyTreeConsistency } from '../log/proofs.ts';
import { verifyReceipt } from '../log/receipt.ts';
import { globalsOf, nodeOf } from './context.ts';
import { readPublicKey } from './key-file.ts';
import { consistencyFrom, EXIT_LOG_INVALID } from './log.ts';
import { emit, note, printJson, problemOf, usageError } from './output.ts';

interface ReceiptFile {
  jws: string;
  /** The receipt's own log entry, when the file is a whole decision answer. */
  index?: number;
}

function readReceiptFile(path: string): ReceiptFile {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (!text.startsWith('{')) return { jws: text };
  const body = JSON.parse(text) as { receipt?: unknown; receipt_log?: { index?: unknown } };
  if (typeof body.receipt !== 'string') throw usageError(`${path} has no "receipt" member`);
  const index = body.receipt_log?.index;
  return { jws: body.receipt, ...(typeof index === 'number' && { index }) };
}

interface Options {
  nodeKey?: string;
  nonce?: string;
  query?: string;
  inclusion: boolean;
  state?: string;
}

export function verifyReceiptCommand(program: Command): void {
  program
    .command('verify-receipt')
    .summary('verify a decision receipt (offline; --inclusion checks the log online)')
    .description(
      'Verifies a decision receipt: FILE holds the receipt (a compact JWS) or the whole decision answer\n' +
        'with its "receipt" member (- for stdin). Offline with --node-key (the node\'s public JWK\n' +
        'file), else the key is fetched from --node. Checks the signature by the node key, the node id,\n' +
        'that every ref lies below its evaluated tree size, and with --nonce and --query (a JSON file of\n' +
        'the query as sent) that they match. With --inclusion (online, --node): verifies the current\n' +
        "checkpoint, that the evaluated tree is consistent with it, every ref's inclusion proof in the\n" +
        "evaluated tree, and the receipt's own entry in the checkpoint (given its index, as in a saved\n" +
        'answer). --state keeps checkpoints across runs as `log verify` does.\n\n' +
        'Exit codes: 0 valid, 2 invalid, 1 could not check.',
    )
    .argument('<file>', 'the receipt or the decision answer (JSON) holding it')
    .option('--node-key <file>', "the node's public key (JWK file); default: fetched from --node")
    .option('--nonce <nonce>', 'the nonce sent with the query')
    .option('--query <file>', 'the query sent (JSON), to check query_hash')
    .option('--inclusion', 'also check the refs and the receipt against the signed log (online)', false)
    .option('--state <file>', 'with --inclusion, keep checkpoints in this file (see `log verify`)')
    .action(async (file: string, options: Options, command: Command) => {
      const globals = globalsOf(command);
      const { jws, index } = readReceiptFile(file);
      let nodeKey: PublicJwk;
      if (options.nodeKey !== undefined) nodeKey = (await readPublicKey(options.nodeKey)).publicJwk;
      else nodeKey = (await nodeOf(command).wellKnown()).node.key;
      const query = options.query === undefined ? undefined : JSON.parse(readFileSync(options.query, 'utf8'));
      const checks: string[] = [];
      try {
        const receipt = await verifyReceipt(jws, nodeKey, {
          ...(options.nonce !== undefined && { nonce: options.nonce }),
          ...(query !== undefined && { query }),
        });
        checks.push('signature', 'refs below evaluated sizes');
        if (options.nonce !== undefined) checks.push('nonce');
        if (query !== undefined) checks.push('query_hash');
        const p = receipt.payload;
        if (options.inclusion) {
          const node = nodeOf(command);
          const store: CheckpointStore =
            options.state === undefined
              ? new MemoryCheckpointStore()
              : new FileCheckpointStore(options.state);
          for (const tree of p.evaluated_at) {
            const verifier = parseVerifierKey(verifierKeyString(tree.origin, rawPublicKey(nodeKey)));
            const { checkpoint } = await acceptCheckpoint(
              store,
              await node.checkpointNote(),
              verifier,
              consistencyFrom(node),
            );
            const evaluated = { size: tree.size, rootHash: new Uint8Array(Buffer.from(tree.root, 'base64')) };
            if (evaluated.size > checkpoint.size) {
              throw new LogVerificationError(
                'ERR_PROOF_INVALID',
                'the evaluated tree is larger than the signed log',
              );
            }
            if (evaluated.size > 0) {
              const proof = await consistencyFrom(node)(evaluated.size, checkpoint.size);
              verifyTreeConsistency(evaluated, checkpoint, proof);
            }
            for (const ref of p.results.flatMap((r) => r.refs).filter((r) => r.origin === tree.origin)) {
              const answer = await node.inclusionProof(ref.index, evaluated.size);
              const leafHash = new Uint8Array(Buffer.from(ref.leaf_hash, 'base64'));
              verifyEntryInclusion({ leafHash, index: ref.index }, decodeProof(answer.proof), evaluated);
            }
            if (index !== undefined) {
              if (index >= checkpoint.size) {
                throw new KyodakuError(
                  'ERR_NOT_FOUND',
                  `the receipt's entry ${index} is not in a checkpoint yet; retry`,
                );
              }
              const answer = await node.inclusionProof(index, checkpoint.size);
              verifyEntryInclusion(
                { leafHash: leafHashOfEntry(jws), index },
                decodeProof(answer.proof),
                checkpoint,
              );
              checks.push(`receipt entry ${index} in checkpoint ${checkpoint.size}`);
            }
          }
          checks.push('evaluated tree consistent with the signed log', 'ref inclusion proofs');
        }
        const refs = p.results.reduce((n, r) => n + r.refs.length, 0);
        emit(
          globals,
          { valid: true, checks, receipt: p },
          () =>
            `ok  receipt by node ${p.node} issued ${p.issued_at}: ${p.results.length} result(s), ${refs} ref(s), ` +
            `evaluated at ${p.evaluated_at.map((t) => `${t.origin}@${t.size}`).join(', ')}\n` +
            (p.crawler === undefined
              ? ''
              : `    asked by crawler ${p.crawler.keyid} (${p.crawler.agent ?? 'a registered party'})\n`) +
            `    checked: ${checks.join(', ')}`,
        );
      } catch (error) {
        const invalid =
          error instanceof LogVerificationError ||
          (error instanceof KyodakuError && error.code !== 'ERR_NETWORK' && error.code !== 'ERR_NOT_FOUND');
        if (!invalid) throw error;
        const detail =
          error instanceof LogVerificationError
            ? { code: error.code, detail: error.message }
            : problemOf(error);
        if (globals.json) printJson({ valid: false, error: detail });
        else note(`FAIL  ${(error as Error).message}`);
        process.exitCode = EXIT_LOG_INVALID;
      }
    });
}
