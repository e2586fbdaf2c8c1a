/**
 * Signed snapshot deltas (spec/snapshot.md §7): from a base the history still keeps to the current
 * snapshot, per group the key hashes (under the base filter's seed) of the identifiers that became
 * allowing and of those that stopped, and the patterns added and removed. Each delta is made once
 * per base and current snapshot; the files of the deltas to the current and the previous snapshot
 * are served by their SHA-256.
 */
import { hash } from 'node:crypto';
import {
  encodeDeltaFile,
  type GroupDelta,
  isUrlPrefixPattern,
  KyodakuError,
  keyHashesOf,
  MAX_DELTA_KEYS,
  MAX_DELTA_PATTERNS,
  type Signer,
  schemas,
  signObject,
} from '@kyodaku/client';
import type { KeptSnapshot, KeyChange, SnapshotHistory } from './snapshot-history.ts';

const { SNAPSHOT_GROUPS } = schemas;

export interface SignedDelta {
  /** The delta as a compact JWS. */
  jws: string;
  file: { bytes: Uint8Array; sha256: string };
}

const unavailable = (why: string) =>
  new KyodakuError(
    'ERR_NOT_FOUND',
    `no delta from this snapshot: ${why}; fetch the whole snapshot (GET /v1/snapshot)`,
  );

/** The per-group changes of a base to the current snapshot, hashed under the base's seeds. */
export function groupDeltasOf(base: KeptSnapshot, changes: readonly KeyChange[]): GroupDelta[] {
  return SNAPSHOT_GROUPS.map((group, g) => {
    const bit = 1 << g;
    const [seedHi, seedLo] = base.seeds[g]!;
    const gained = changes.filter((c) => (c.before & bit) === 0 && (c.after & bit) !== 0).map((c) => c.key);
    const lost = changes.filter((c) => (c.before & bit) !== 0 && (c.after & bit) === 0).map((c) => c.key);
    const added = keyHashesOf(
      gained.filter((k) => !isUrlPrefixPattern(k)),
      seedHi,
      seedLo,
    );
    const addedSet = new Set(added);
    // Two keys of one 64-bit hash, one gained and one lost: the hash stays positive (the safe side).
    const removed = keyHashesOf(
      lost.filter((k) => !isUrlPrefixPattern(k)),
      seedHi,
      seedLo,
    ).filter((h) => !addedSet.has(h));
    return {
      group,
      added,
      removed,
      patternsAdded: gained.filter(isUrlPrefixPattern),
      patternsRemoved: lost.filter(isUrlPrefixPattern),
    };
  });
}

export class SnapshotDeltas {
  readonly #history: SnapshotHistory;
  readonly #signer: Signer;
  readonly #node: string;
  /** Deltas to the current snapshot by base id, and the files of those to the previous one. */
  #current = new Map<string, SignedDelta>();
  #currentTo = '';
  #previousFiles = new Map<string, Uint8Array>();

  constructor(history: SnapshotHistory, signer: Signer, node: string) {
    this.#history = history;
    this.#signer = signer;
    this.#node = node;
  }

  /** The signed delta from a base snapshot id to the current snapshot (`to`, issued at `issuedAt`). */
  async from(baseId: string, to: string, issuedAt: string): Promise<SignedDelta> {
    if (to !== this.#currentTo) {
      this.#previousFiles = new Map([...this.#current.values()].map((d) => [d.file.sha256, d.file.bytes]));
      this.#current = new Map();
      this.#currentTo = to;
    }
    const cached = this.#current.get(baseId);
    if (cached !== undefined) return cached;
    if (baseId === to) throw unavailable('it is the current snapshot');
    const since = this.#history.changesSince(baseId);
    if (since === undefined || this.#history.newest?.id !== to) {
      throw unavailable('the node does not keep it (unknown or too old)');
    }
    const groups = groupDeltasOf(since.base, since.changes);
    const keys = groups.reduce((n, g) => n + g.added.length + g.removed.length, 0);
    const patterns = groups.reduce((n, g) => n + g.patternsAdded.length + g.patternsRemoved.length, 0);
    if (keys > MAX_DELTA_KEYS || patterns > MAX_DELTA_PATTERNS) {
      throw unavailable(`it would carry ${keys} key hashes and ${patterns} patterns, over the bounds`);
    }
    const bytes = encodeDeltaFile(groups);
    const sha256 = hash('sha256', bytes, 'hex');
    const { jws } = await signObject(
      'snapshot-delta',
      {
        kind: 'snapshot-delta',
        v: 1,
        node: this.#node,
        from: baseId,
        to,
        issued_at: issuedAt,
        groups: groups.map((g) => ({
          group: g.group,
          added: g.added.length,
          removed: g.removed.length,
          patterns_added: g.patternsAdded.length,
          patterns_removed: g.patternsRemoved.length,
        })),
        bytes: bytes.length,
        sha256,
        url: `/v1/snapshot/deltas/${sha256}`,
      },
      this.#signer,
    );
    const delta = { jws, file: { bytes, sha256 } };
    this.#current.set(baseId, delta);
    return delta;
  }

  /** A delta file to the current or the previous snapshot, by its SHA-256. */
  file(sha256: string): Uint8Array | undefined {
    for (const d of this.#current.values()) if (d.file.sha256 === sha256) return d.file.bytes;
    return this.#previousFiles.get(sha256);
  }
}
