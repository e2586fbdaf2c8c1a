/**
 * A snapshot kept on disk by `kyodaku snapshot pull`: `snapshot.json` (the node's URL and keys, the
 * manifest and its checkpoint, and the delta applied to it if any) and `filters/<sha256>.kysf`, and
 * the applied delta's file `deltas/<sha256>.kysd`. Opening it verifies everything again
 * (REQ-SNAP-009, REQ-SNAP-014), so a file changed on disk is never answered from.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KyodakuError } from '../errors.ts';
import type { PublicJwk } from '../keys.ts';
import { type Checkpoint, parseVerifierKey } from '../log/checkpoint.ts';
import type { SnapshotFilterRef } from '../schemas/objects.ts';
import type { OfflineSnapshot } from './offline-snapshot.ts';
import { type DeltaInput, loadSnapshotWithDelta } from './snapshot-delta.ts';
import { loadSnapshot, type SnapshotInput } from './verify-snapshot.ts';

export interface SnapshotDirState extends SnapshotInput {
  /** The node's base URL. */
  node: string;
  node_key: PublicJwk;
  verifier_key: string;
  /** A delta from this snapshot (the base, whose filter files are kept) to a newer one, applied. */
  delta?: DeltaInput;
}

const STATE = 'snapshot.json';
const FILTERS = 'filters';
const DELTAS = 'deltas';

const fileName = (ref: SnapshotFilterRef) => `${ref.sha256}.kysf`;

/** The state of a snapshot directory, or undefined when it holds none. */
export function readSnapshotDir(dir: string): SnapshotDirState | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, STATE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as SnapshotDirState;
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_JSON', `${join(dir, STATE)} is not JSON`);
  }
}

/**
 * Writes the filter files and the applied delta's file, then the state (renamed into place), and
 * removes files no longer named.
 */
export function writeSnapshotDir(
  dir: string,
  state: SnapshotDirState,
  files: ReadonlyArray<{ ref: SnapshotFilterRef; bytes: Uint8Array }>,
  deltaFile?: { sha256: string; bytes: Uint8Array },
): void {
  const filters = join(dir, FILTERS);
  const deltas = join(dir, DELTAS);
  mkdirSync(filters, { recursive: true });
  mkdirSync(deltas, { recursive: true });
  for (const { ref, bytes } of files) writeFileSync(join(filters, fileName(ref)), bytes);
  if (deltaFile !== undefined) writeFileSync(join(deltas, `${deltaFile.sha256}.kysd`), deltaFile.bytes);
  writeFileSync(join(dir, `${STATE}.tmp`), `${JSON.stringify(state, null, 2)}\n`);
  renameSync(join(dir, `${STATE}.tmp`), join(dir, STATE));
  const keep = new Set(files.map(({ ref }) => fileName(ref)));
  for (const name of readdirSync(filters)) if (!keep.has(name)) rmSync(join(filters, name), { force: true });
  for (const name of readdirSync(deltas)) {
    if (name !== `${deltaFile?.sha256}.kysd`) rmSync(join(deltas, name), { force: true });
  }
}

/** Opens and verifies the snapshot of a directory for answers at `now` (RFC 3339). */
export async function openSnapshotDir(
  dir: string,
  now: string,
): Promise<{ state: SnapshotDirState; snapshot: OfflineSnapshot; checkpoint: Checkpoint }> {
  const state = readSnapshotDir(dir);
  if (state === undefined) {
    throw new KyodakuError('ERR_NOT_FOUND', `no snapshot in ${dir}: run kyodaku snapshot pull first`);
  }
  const keys = { nodeKey: state.node_key, verifier: parseVerifierKey(state.verifier_key) };
  const filterOf = async (ref: SnapshotFilterRef) => readFileSync(join(dir, FILTERS, fileName(ref)));
  const { snapshot, checkpoint } =
    state.delta === undefined
      ? await loadSnapshot(state, keys, filterOf, now)
      : await loadSnapshotWithDelta(
          state,
          state.delta,
          keys,
          filterOf,
          async (delta) => readFileSync(join(dir, DELTAS, `${delta.sha256}.kysd`)),
          now,
        );
  return { state, snapshot, checkpoint };
}
