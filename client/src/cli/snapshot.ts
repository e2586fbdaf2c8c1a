/**
 * `kyodaku snapshot pull|show` (spec/snapshot.md): fetches the node's signed snapshot into a
 * directory after verifying the manifest under the node key, its checkpoint under the log key (and
 * consistent with the one kept from the last pull), and every filter file; `show` opens and verifies
 * a kept snapshot and describes it. `kyodaku check --offline` answers from it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { KyodakuError } from '../errors.ts';
import { LogVerificationError } from '../log/checkpoint.ts';
import { acceptCheckpoint, FileCheckpointStore } from '../log/checkpoint-store.ts';
import type { Snapshot } from '../schemas/objects.ts';
import { openSnapshotDir, readSnapshotDir, writeSnapshotDir } from '../snapshot/snapshot-dir.ts';
import { assertFresh, verifyFilterFile, verifySnapshotManifest } from '../snapshot/verify-snapshot.ts';
import { toTimestamp } from '../time.ts';
import { globalsOf } from './context.ts';
import { crawlerNodeOf, withCrawlerOptions } from './crawler.ts';
import { consistencyFrom, EXIT_LOG_INVALID, logVerifierOf } from './log.ts';
import { block, emit, note, printJson } from './output.ts';
import { Progress } from './progress.ts';
import { pullDelta } from './snapshot-delta-pull.ts';

export const DEFAULT_SNAPSHOT_DIR = 'kyodaku-snapshot';

function describe(m: Snapshot, dir: string, pulled?: string): string {
  const tree = m.evaluated_at[0]!;
  return block(`snapshot ${dir}`, [
    ...(pulled === undefined ? [] : [['pulled', pulled] as [string, string]]),
    ['issued', m.issued_at],
    ['expires', m.expires_at],
    ['log', `${tree.origin} size ${tree.size}`],
    ...m.groups.map((g): [string, string] => [
      g.group,
      `${g.keys} ids, ${g.patterns} patterns, ${g.bytes} bytes${g.keys > 0 ? ` (${((8 * g.bytes) / g.keys).toFixed(1)} bits/id)` : ''}`,
    ]),
  ]);
}

/** Runs a step whose LogVerificationError means the node's snapshot or log must not be trusted (exit 2). */
async function verifying<T>(json: boolean, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof LogVerificationError)) throw error;
    if (json) printJson({ valid: false, code: error.code, detail: error.message });
    else note(`FAIL  ${error.message} (${error.code})`);
    process.exitCode = EXIT_LOG_INVALID;
    return undefined;
  }
}

export function snapshotCommand(program: Command): void {
  const snapshot = program
    .command('snapshot')
    .summary('keep a verified copy of the node snapshot for offline checks')
    .description(
      'A snapshot (spec/snapshot.md) holds, per purpose group, a binary fuse filter of every identifier\n' +
        'some record allows, signed by the node and bound to a checkpoint of its log. `check --offline`\n' +
        'answers deny locally for what it does not hold and asks the node only about the rest.',
    );
  withCrawlerOptions(snapshot.command('pull'))
    .summary('fetch and verify the node snapshot into a directory')
    .description(
      "Fetches GET /v1/snapshot and its filter files, verifies the manifest under the node's key, the\n" +
        "checkpoint under the node's log key and consistent with the checkpoint kept from the last pull\n" +
        '(DIR/checkpoints.json), and each file against the size and SHA-256 the manifest signs, then\n' +
        'writes them to DIR. A node key other than the one of the last pull is refused (remove DIR to\n' +
        'trust a new key).\n\n' +
        'When DIR holds a snapshot, only a signed delta from it to the current one is fetched (spec/snapshot.md\n' +
        '§7): verified (signed by the node, from the snapshot held, to the manifest returned, newer) and kept\n' +
        'beside it; when the node has no delta from it, the whole snapshot is pulled. --full always does.\n\n' +
        'Exit codes: 0 pulled, 2 the snapshot or the log failed verification, 1 could not pull.\n\n' +
        'Example:\n  kyodaku snapshot pull --dir ./kyodaku-snapshot',
    )
    .option('--dir <dir>', 'where to keep the snapshot', DEFAULT_SNAPSHOT_DIR)
    .option('--full', 'pull the whole snapshot even when a delta from the one kept would do')
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .action(async (options: { dir: string; full?: boolean; progress: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const node = await crawlerNodeOf(command);
      const wk = await node.wellKnown();
      if (!wk.profiles.includes('snapshot')) {
        throw new KyodakuError('ERR_NOT_FOUND', 'the node does not implement the snapshot profile');
      }
      const kept = readSnapshotDir(options.dir);
      if (kept !== undefined && JSON.stringify(kept.node_key) !== JSON.stringify(wk.node.key)) {
        throw new KyodakuError(
          'ERR_JWS_KID',
          `the node key is not the one of the snapshot in ${options.dir}: remove the directory to trust the new key`,
        );
      }
      const verifier = await logVerifierOf(node, undefined);
      if (kept !== undefined && options.full !== true) {
        const keys = { nodeKey: wk.node.key, verifier };
        const step = await verifying(globals.json, () => pullDelta(node, options.dir, kept, keys));
        if (step === undefined) return;
        if (step !== 'whole') {
          const pulled = step.via === 'delta' ? `delta, ${step.bytes} bytes` : 'already current';
          emit(globals, { ...step.manifest, pulled: { via: step.via, bytes: step.bytes } }, () =>
            describe(step.manifest, options.dir, pulled),
          );
          return;
        }
        if (!globals.json) note('no delta from the snapshot kept: pulling the whole snapshot');
      }
      const input = await node.snapshot();
      const pulled = await verifying(globals.json, async () => {
        const { manifest } = await verifySnapshotManifest(input, wk.node.key, verifier);
        assertFresh(manifest, toTimestamp());
        mkdirSync(options.dir, { recursive: true });
        const store = new FileCheckpointStore(join(options.dir, 'checkpoints.json'));
        await acceptCheckpoint(store, input.checkpoint, verifier, consistencyFrom(node));
        const progress = new Progress({
          enabled: options.progress,
          unit: 'bytes',
          totalBytes: manifest.groups.reduce((n, g) => n + g.bytes, 0),
        });
        const files = [];
        let bytes = 0;
        try {
          for (const ref of manifest.groups) {
            const file = await node.snapshotFilter(ref.url);
            verifyFilterFile(ref, file);
            files.push({ ref, bytes: file });
            bytes += file.length;
            progress.read(bytes);
            progress.update(bytes);
          }
        } finally {
          progress.done();
        }
        return { manifest, files };
      });
      if (pulled === undefined) return;
      writeSnapshotDir(
        options.dir,
        {
          node: node.baseUrl.href,
          node_key: wk.node.key,
          verifier_key: wk.log!.verifier_key,
          ...input,
        },
        pulled.files,
      );
      const bytes = pulled.files.reduce((n, f) => n + f.bytes.length, 0);
      emit(globals, { ...pulled.manifest, pulled: { via: 'whole', bytes } }, () =>
        describe(pulled.manifest, options.dir, `whole, ${bytes} bytes`),
      );
    });
  snapshot
    .command('show')
    .summary('verify the kept snapshot and describe it')
    .description(
      'Opens the snapshot in DIR, verifies it again (signature, checkpoint, files, expiry) and prints\n' +
        'what it covers. Exit code 2 when it does not verify or has expired.',
    )
    .option('--dir <dir>', 'where the snapshot is kept', DEFAULT_SNAPSHOT_DIR)
    .action(async (options: { dir: string }, command: Command) => {
      const globals = globalsOf(command);
      const opened = await verifying(globals.json, () => openSnapshotDir(options.dir, toTimestamp()));
      if (opened === undefined) return;
      emit(globals, opened.snapshot.manifest, () => describe(opened.snapshot.manifest, options.dir));
    });
}
