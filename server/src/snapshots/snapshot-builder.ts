/**
 * What a snapshot holds (spec/snapshot.md §3): per purpose group, a binary fuse filter of every
 * identifier whose own records in force allow or conditionally allow a leaf of the group, and the
 * list of such url prefix patterns; encoded as filter files (client/src/snapshot/filter-file.ts).
 * `allowingKeysOf` reads the decision index (on the event loop, where the index lives, in chunks);
 * `filterFilesOf` builds the filters (the costly part, run by filter-build-thread.ts in a worker).
 */
import { hash } from 'node:crypto';
import {
  buildFuseFilter,
  encodeFilterFile,
  groupOf,
  isUrlPrefixPattern,
  PURPOSE_LEAVES,
  schemas,
} from '@kyodaku/client';

const { SNAPSHOT_GROUPS } = schemas;

import type { DecisionIndex } from '../decisions/decision-index.ts';

export interface FilterFile {
  group: schemas.SnapshotGroup;
  bytes: Uint8Array;
  sha256: string;
  keys: number;
  patterns: number;
  /** The filter's seed, which the key hashes of a delta from this snapshot are under. */
  seedHi: number;
  seedLo: number;
}

/** The allowing keys at one time: each with its groups as a bit mask over SNAPSHOT_GROUPS. */
export interface AllowingKeys {
  /** Identifiers (not patterns) and their group masks, in the index's order. */
  ids: string[];
  masks: Uint8Array;
  /** Per group, its allowing prefix patterns. */
  patterns: string[][];
  /** Every allowing key (identifier or pattern) and its group mask: what a delta diffs. */
  groupsOf: Map<string, number>;
}

/** Per group, the mask of its leaves over PURPOSE_LEAVES. */
const GROUP_MASKS = SNAPSHOT_GROUPS.map((g) =>
  PURPOSE_LEAVES.reduce((mask, leaf, i) => (groupOf(leaf) === g ? mask | (1 << i) : mask), 0),
);

/** Identifiers read between two turns of the event loop, so that decisions keep answering. */
export const SCAN_CHUNK = 10_000;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The allowing keys at `at`, read from the index in chunks, giving the event loop a turn between them. */
export async function allowingKeysOf(index: DecisionIndex, at: string): Promise<AllowingKeys> {
  const ids: string[] = [];
  const masks: number[] = [];
  const patterns = SNAPSHOT_GROUPS.map((): string[] => []);
  const groupsOf = new Map<string, number>();
  let read = 0;
  for (const [identifier, leaves] of index.allowingIdentifiers(at)) {
    if (++read % SCAN_CHUNK === 0) await nextTurn();
    let groups = 0;
    GROUP_MASKS.forEach((mask, g) => {
      if ((leaves & mask) !== 0) groups |= 1 << g;
    });
    if (groups === 0) continue;
    groupsOf.set(identifier, groups);
    if (isUrlPrefixPattern(identifier)) {
      SNAPSHOT_GROUPS.forEach((_, g) => {
        if ((groups & (1 << g)) !== 0) patterns[g]!.push(identifier);
      });
    } else {
      ids.push(identifier);
      masks.push(groups);
    }
  }
  return { ids, masks: Uint8Array.from(masks), patterns, groupsOf };
}

/** The five filter files of the identifiers (with their group masks) and the patterns of each group. */
export function filterFilesOf(
  ids: readonly string[],
  masks: Uint8Array,
  patterns: readonly string[][],
): FilterFile[] {
  return SNAPSHOT_GROUPS.map((group, g) => {
    const bit = 1 << g;
    const keys = ids.filter((_, i) => (masks[i]! & bit) !== 0);
    const filter = buildFuseFilter(keys);
    const bytes = encodeFilterFile({ filter, patterns: patterns[g]! });
    return {
      group,
      bytes,
      sha256: hash('sha256', bytes, 'hex'),
      keys: filter.keyCount,
      patterns: patterns[g]!.length,
      seedHi: filter.seedHi,
      seedLo: filter.seedLo,
    };
  });
}
