/**
 * What a snapshot holds (spec/snapshot.md §3): per purpose group, a binary fuse filter of every
 * identifier whose own records in force allow or conditionally allow a leaf of the group, and the
 * list of such url prefix patterns; encoded as filter files (client/src/snapshot/filter-file.ts).
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
}

/** Per group, the mask of its leaves over PURPOSE_LEAVES. */
const GROUP_MASKS = SNAPSHOT_GROUPS.map((g) =>
  PURPOSE_LEAVES.reduce((mask, leaf, i) => (groupOf(leaf) === g ? mask | (1 << i) : mask), 0),
);

export function buildFilterFiles(index: DecisionIndex, at: string): FilterFile[] {
  const keys = SNAPSHOT_GROUPS.map((): string[] => []);
  const patterns = SNAPSHOT_GROUPS.map((): string[] => []);
  for (const [identifier, leaves] of index.allowingIdentifiers(at)) {
    const pattern = isUrlPrefixPattern(identifier);
    GROUP_MASKS.forEach((mask, g) => {
      if ((leaves & mask) !== 0) (pattern ? patterns : keys)[g]!.push(identifier);
    });
  }
  return SNAPSHOT_GROUPS.map((group, g) => {
    const bytes = encodeFilterFile({ filter: buildFuseFilter(keys[g]!), patterns: patterns[g]! });
    return {
      group,
      bytes,
      sha256: hash('sha256', bytes, 'hex'),
      keys: keys[g]!.length,
      patterns: patterns[g]!.length,
    };
  });
}
