/**
 * Snapshot deltas (spec/snapshot.md §7, REQ-SNAP-011..016): a client that holds the filter files of a
 * snapshot (its base) moves to the node's newer snapshot by a signed delta instead of the whole
 * files. The delta must be signed by the node key, start at the base (`from` is the SHA-256 of the
 * base manifest) and end at the manifest returned with it (`to`), which verifies as any manifest;
 * the delta file must have the size and SHA-256 the delta signs and the counts it signs per group.
 * Applied, a group answers positive for a key when its hash is added, or when the base filter is
 * positive and its hash is not removed.
 */
import { hash } from 'node:crypto';
import { KyodakuError } from '../errors.ts';
import { verifyObject } from '../jws.ts';
import { keyIdOf, type PublicJwk } from '../keys.ts';
import { type Checkpoint, LogVerificationError, type NoteVerifier } from '../log/checkpoint.ts';
import type { Snapshot, SnapshotDelta, SnapshotFilterRef, SnapshotGroup } from '../schemas/objects.ts';
import { type GroupDelta, parseDeltaFile } from './delta-file.ts';
import type { GroupFilter } from './filter-file.ts';
import { OfflineSnapshot } from './offline-snapshot.ts';
import {
  assertFresh,
  type SnapshotInput,
  verifyFilterFile,
  verifySnapshotManifest,
} from './verify-snapshot.ts';

/** A delta as GET /v1/snapshot/delta answers it: the delta JWS and the manifest and note it leads to. */
export interface DeltaInput extends SnapshotInput {
  delta: string;
}

const invalid = (why: string) => new LogVerificationError('ERR_SNAPSHOT_INVALID', `snapshot delta: ${why}`);

/** A snapshot's id: the lowercase hex SHA-256 of its manifest's compact JWS (REQ-SNAP-011). */
export function snapshotIdOf(manifestJws: string): string {
  return hash('sha256', manifestJws, 'hex');
}

/**
 * Verifies a delta against the base manifest a client holds: signed by the node key, `from` is the
 * base, `to` is the manifest returned with it, which verifies with its checkpoint (REQ-SNAP-014).
 */
export async function verifySnapshotDelta(
  input: DeltaInput,
  baseManifestJws: string,
  nodeKey: PublicJwk,
  verifier: NoteVerifier,
): Promise<{ delta: SnapshotDelta; manifest: Snapshot; checkpoint: Checkpoint }> {
  const nodeId = await keyIdOf(nodeKey);
  const { payload: delta } = await verifyObject(input.delta, 'snapshot-delta', (kid, p) => {
    if (kid !== nodeId || p.node !== nodeId) {
      throw new KyodakuError('ERR_JWS_KID', `the snapshot delta is not signed by node ${nodeId}`);
    }
    return nodeKey;
  });
  if (delta.from !== snapshotIdOf(baseManifestJws)) throw invalid('it does not start at the snapshot held');
  if (delta.to !== snapshotIdOf(input.snapshot))
    throw invalid('it does not end at the manifest returned with it');
  const { manifest, checkpoint } = await verifySnapshotManifest(input, nodeKey, verifier);
  if (delta.issued_at !== manifest.issued_at) throw invalid('its issued_at is not the manifest’s');
  return { delta, manifest, checkpoint };
}

/** Checks the delta file against the delta that signs it and parses it (REQ-SNAP-013). */
export function verifyDeltaFile(delta: SnapshotDelta, bytes: Uint8Array): GroupDelta[] {
  if (bytes.length !== delta.bytes) throw invalid(`the file has ${bytes.length} bytes, not ${delta.bytes}`);
  if (hash('sha256', bytes, 'hex') !== delta.sha256) throw invalid("the file's SHA-256 differs");
  const groups = parseDeltaFile(bytes);
  groups.forEach((g, i) => {
    const signed = delta.groups[i]!;
    if (
      g.added.length !== signed.added ||
      g.removed.length !== signed.removed ||
      g.patternsAdded.length !== signed.patterns_added ||
      g.patternsRemoved.length !== signed.patterns_removed
    ) {
      throw invalid(`the ${g.group} counts of the file are not those the delta signs`);
    }
  });
  return groups;
}

/** A base group filter with a delta applied (REQ-SNAP-016): added keys, removed keys, patterns. */
export function applyGroupDelta(base: GroupFilter, delta: GroupDelta): GroupFilter {
  const removed = new Set(delta.patternsRemoved);
  const patterns = [...new Set([...base.patterns.filter((p) => !removed.has(p)), ...delta.patternsAdded])];
  return {
    filter: base.filter,
    patterns,
    overlay: { added: new KeyHashSet(delta.added), removed: new KeyHashSet(delta.removed) },
  };
}

/** A set of 64-bit key hashes asked by their two 32-bit halves without allocating. */
export class KeyHashSet {
  readonly #byHi = new Map<number, number | number[]>();
  readonly size: number;

  constructor(hashes: Iterable<bigint>) {
    let size = 0;
    for (const h of hashes) {
      const hi = Number(h >> 32n);
      const lo = Number(h & 0xffffffffn);
      const seen = this.#byHi.get(hi);
      if (seen === undefined) this.#byHi.set(hi, lo);
      else if (typeof seen === 'number') this.#byHi.set(hi, [seen, lo]);
      else seen.push(lo);
      size++;
    }
    this.size = size;
  }

  has(hi: number, lo: number): boolean {
    const seen = this.#byHi.get(hi);
    if (seen === undefined) return false;
    return typeof seen === 'number' ? seen === lo : seen.includes(lo);
  }
}

/**
 * A snapshot held as a base (manifest, note, filter files) and a delta leading from it to a newer
 * manifest: everything verified, the newer manifest fresh at `now`; answers as the newer snapshot.
 */
export async function loadSnapshotWithDelta(
  base: SnapshotInput,
  input: DeltaInput,
  keys: { nodeKey: PublicJwk; verifier: NoteVerifier },
  fileOf: (ref: SnapshotFilterRef) => Promise<Uint8Array>,
  deltaFileOf: (delta: SnapshotDelta) => Promise<Uint8Array>,
  now: string,
): Promise<{ snapshot: OfflineSnapshot; checkpoint: Checkpoint; base: Snapshot }> {
  const { manifest: baseManifest } = await verifySnapshotManifest(base, keys.nodeKey, keys.verifier);
  const { delta, manifest, checkpoint } = await verifySnapshotDelta(
    input,
    base.snapshot,
    keys.nodeKey,
    keys.verifier,
  );
  assertFresh(manifest, now);
  const changes = verifyDeltaFile(delta, await deltaFileOf(delta));
  const groups = new Map<SnapshotGroup, GroupFilter>();
  for (const [i, ref] of baseManifest.groups.entries()) {
    groups.set(ref.group, applyGroupDelta(verifyFilterFile(ref, await fileOf(ref)), changes[i]!));
  }
  return { snapshot: new OfflineSnapshot(manifest, groups), checkpoint, base: baseManifest };
}
