/**
 * Verifying a snapshot before any answer comes from it (spec/snapshot.md §5, REQ-SNAP-003..008): the
 * manifest is a `kyodaku-snapshot+jws` signed by the node's key, the checkpoint note verifies under
 * the log's verifier key and is the tree the manifest names first, every filter file has the size
 * and SHA-256 the manifest signs and parses, and the snapshot has not expired.
 */
import { hash } from 'node:crypto';
import { KyodakuError } from '../errors.ts';
import { verifyObject } from '../jws.ts';
import { keyIdOf, type PublicJwk } from '../keys.ts';
import {
  type Checkpoint,
  LogVerificationError,
  type NoteVerifier,
  verifyCheckpoint,
} from '../log/checkpoint.ts';
import type { Snapshot, SnapshotFilterRef, SnapshotGroup } from '../schemas/objects.ts';
import { type GroupFilter, parseFilterFile } from './filter-file.ts';
import { OfflineSnapshot } from './offline-snapshot.ts';

export interface SnapshotInput {
  /** The manifest (compact JWS). */
  snapshot: string;
  /** The node's checkpoint note the manifest is bound to. */
  checkpoint: string;
}

const invalid = (why: string) => new LogVerificationError('ERR_SNAPSHOT_INVALID', `snapshot: ${why}`);

/** Verifies the manifest and the checkpoint it names; throws KyodakuError or LogVerificationError. */
export async function verifySnapshotManifest(
  input: SnapshotInput,
  nodeKey: PublicJwk,
  verifier: NoteVerifier,
): Promise<{ manifest: Snapshot; checkpoint: Checkpoint }> {
  const nodeId = await keyIdOf(nodeKey);
  const { payload } = await verifyObject(input.snapshot, 'snapshot', (kid, p) => {
    if (kid !== nodeId || p.node !== nodeId) {
      throw new KyodakuError('ERR_JWS_KID', `the snapshot is not signed by node ${nodeId}`);
    }
    return nodeKey;
  });
  const checkpoint = verifyCheckpoint(input.checkpoint, verifier);
  const own = payload.evaluated_at[0]!;
  if (
    own.origin !== checkpoint.origin ||
    own.size !== checkpoint.size ||
    own.root !== Buffer.from(checkpoint.rootHash).toString('base64')
  ) {
    throw invalid('the checkpoint is not the tree the manifest names first');
  }
  return { manifest: payload, checkpoint };
}

/** Checks one filter file against its manifest entry and parses it. */
export function verifyFilterFile(ref: SnapshotFilterRef, bytes: Uint8Array): GroupFilter {
  if (bytes.length !== ref.bytes)
    throw invalid(`the ${ref.group} filter has ${bytes.length} bytes, not ${ref.bytes}`);
  if (hash('sha256', bytes, 'hex') !== ref.sha256) throw invalid(`the ${ref.group} filter's SHA-256 differs`);
  const group = parseFilterFile(bytes);
  if (group.filter.keyCount !== ref.keys || group.patterns.length !== ref.patterns) {
    throw invalid(`the ${ref.group} filter does not hold the counts the manifest signs`);
  }
  return group;
}

/** Throws when the snapshot may not answer at `now` (RFC 3339): it expired (REQ-SNAP-009). */
export function assertFresh(manifest: Snapshot, now: string): void {
  if (now >= manifest.expires_at) throw invalid(`it expired at ${manifest.expires_at}`);
}

/**
 * A verified snapshot ready for local checks: the manifest and checkpoint verified, each filter
 * file fetched by `fileOf` and checked, and the snapshot fresh at `now`.
 */
export async function loadSnapshot(
  input: SnapshotInput,
  keys: { nodeKey: PublicJwk; verifier: NoteVerifier },
  fileOf: (ref: SnapshotFilterRef) => Promise<Uint8Array>,
  now: string,
): Promise<{ snapshot: OfflineSnapshot; checkpoint: Checkpoint }> {
  const { manifest, checkpoint } = await verifySnapshotManifest(input, keys.nodeKey, keys.verifier);
  assertFresh(manifest, now);
  const groups = new Map<SnapshotGroup, GroupFilter>();
  for (const ref of manifest.groups) groups.set(ref.group, verifyFilterFile(ref, await fileOf(ref)));
  return { snapshot: new OfflineSnapshot(manifest, groups), checkpoint };
}
