/**
 * The delta step of `kyodaku snapshot pull` (spec/snapshot.md §7): when a snapshot is kept, asks the
 * node for a delta from it (the base whose filter files are on disk) to the current snapshot,
 * verifies the delta's signature and chain (from is the base held, to is the manifest returned, which
 * verifies with its checkpoint, consistent with the one kept, and is newer than the one held) and its
 * file, and keeps it beside the base. Answers 'whole' when the node has no delta from the base (it
 * does not keep it, or the delta would be over the bounds): the caller then pulls the whole snapshot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KyodakuError } from '../errors.ts';
import type { PublicJwk } from '../keys.ts';
import { LogVerificationError, type NoteVerifier } from '../log/checkpoint.ts';
import { acceptCheckpoint, FileCheckpointStore } from '../log/checkpoint-store.ts';
import type { KyodakuNode } from '../node-client.ts';
import type { Snapshot } from '../schemas/objects.ts';
import { snapshotIdOf, verifyDeltaFile, verifySnapshotDelta } from '../snapshot/snapshot-delta.ts';
import { type SnapshotDirState, writeSnapshotDir } from '../snapshot/snapshot-dir.ts';
import { assertFresh, verifySnapshotManifest } from '../snapshot/verify-snapshot.ts';
import { toTimestamp } from '../time.ts';
import { consistencyFrom } from './log.ts';

export interface DeltaPulled {
  manifest: Snapshot;
  /** 'delta': a delta applied; 'current': the snapshot held is the node's current one. */
  via: 'delta' | 'current';
  /** Bytes fetched beyond the manifest (the delta file). */
  bytes: number;
}

export async function pullDelta(
  node: KyodakuNode,
  dir: string,
  kept: SnapshotDirState,
  keys: { nodeKey: PublicJwk; verifier: NoteVerifier },
): Promise<DeltaPulled | 'whole'> {
  const held = kept.delta ?? kept;
  const { manifest: heldManifest } = await verifySnapshotManifest(held, keys.nodeKey, keys.verifier);
  const current = await node.snapshot();
  if (current.snapshot === held.snapshot) {
    assertFresh(heldManifest, toTimestamp());
    return { manifest: heldManifest, via: 'current', bytes: 0 };
  }
  let input: Awaited<ReturnType<KyodakuNode['snapshotDelta']>>;
  try {
    input = await node.snapshotDelta(snapshotIdOf(kept.snapshot));
  } catch (error) {
    if (error instanceof KyodakuError && error.code === 'ERR_NOT_FOUND') return 'whole';
    throw error;
  }
  const { delta, manifest } = await verifySnapshotDelta(input, kept.snapshot, keys.nodeKey, keys.verifier);
  assertFresh(manifest, toTimestamp());
  if (manifest.issued_at <= heldManifest.issued_at) {
    throw new LogVerificationError(
      'ERR_SNAPSHOT_INVALID',
      `snapshot delta: it leads to a snapshot of ${manifest.issued_at}, not newer than the one held (${heldManifest.issued_at})`,
    );
  }
  const store = new FileCheckpointStore(join(dir, 'checkpoints.json'));
  await acceptCheckpoint(store, input.checkpoint, keys.verifier, consistencyFrom(node));
  const bytes = await node.snapshotFilter(delta.url);
  verifyDeltaFile(delta, bytes);
  const { manifest: base } = await verifySnapshotManifest(kept, keys.nodeKey, keys.verifier);
  const files = base.groups.map((ref) => ({
    ref,
    bytes: readFileSync(join(dir, 'filters', `${ref.sha256}.kysf`)),
  }));
  writeSnapshotDir(dir, { ...kept, node: node.baseUrl.href, delta: input }, files, {
    sha256: delta.sha256,
    bytes,
  });
  return { manifest, via: 'delta', bytes: bytes.length };
}
