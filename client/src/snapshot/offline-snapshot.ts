/**
 * Local checks against a verified snapshot (spec/snapshot.md §6): a negative is a certain deny at
 * the snapshot's time; a positive only means "ask the node" (REQ-SNAP-010). An item is negative for
 * a purpose when none of its normalized identifiers is in the filter of the purpose's group and no
 * listed prefix pattern of that group matches one of its urls; for `all`, when it is negative in any
 * group (one leaf denied makes `all` deny).
 */
import { urlPrefixMatches } from '../identifiers.ts';
import { PURPOSE_LEAVES, type Purpose } from '../purposes.ts';
import { SNAPSHOT_GROUPS, type Snapshot, type SnapshotGroup } from '../schemas/objects.ts';
import { fuseContains } from './binary-fuse.ts';
import type { GroupFilter } from './filter-file.ts';
import { hashKey, keyHash } from './key-hash.ts';

/** The group of a purpose: its first dotted label (`train.genai` -> `train`); `all` has none. */
export function groupOf(purpose: Purpose): SnapshotGroup | undefined {
  if (purpose === 'all') return undefined;
  const dot = purpose.indexOf('.');
  return (dot < 0 ? purpose : purpose.slice(0, dot)) as SnapshotGroup;
}

/** `url:scheme://host[:port]` of a normalized url identifier (patterns never cross an origin). */
function originOf(id: string): string {
  const slash = id.indexOf('/', id.indexOf('://') + 3);
  return slash < 0 ? id : id.slice(0, slash);
}

class GroupCheck {
  readonly #filter: GroupFilter['filter'];
  readonly #overlay: GroupFilter['overlay'];
  readonly #patterns = new Map<string, string[]>();

  constructor(group: GroupFilter) {
    this.#filter = group.filter;
    this.#overlay = group.overlay;
    for (const p of group.patterns) {
      const origin = originOf(p);
      const list = this.#patterns.get(origin);
      if (list === undefined) this.#patterns.set(origin, [p]);
      else list.push(p);
    }
  }

  /** The filter's answer with a delta applied: added, or in the base and not removed. */
  #keyPositive(id: string): boolean {
    const overlay = this.#overlay;
    if (overlay === undefined) return fuseContains(this.#filter, id);
    hashKey(id, this.#filter.seedHi, this.#filter.seedLo);
    const { hi, lo } = keyHash;
    if (overlay.added.has(hi, lo)) return true;
    return !overlay.removed.has(hi, lo) && fuseContains(this.#filter, id);
  }

  mayAllow(ids: readonly string[]): boolean {
    for (const id of ids) {
      if (this.#keyPositive(id)) return true;
      if (this.#patterns.size > 0 && id.startsWith('url:')) {
        for (const p of this.#patterns.get(originOf(id)) ?? []) if (urlPrefixMatches(p, id)) return true;
      }
    }
    return false;
  }
}

export class OfflineSnapshot {
  readonly manifest: Snapshot;
  readonly #groups: Map<SnapshotGroup, GroupCheck>;

  constructor(manifest: Snapshot, groups: ReadonlyMap<SnapshotGroup, GroupFilter>) {
    this.manifest = manifest;
    this.#groups = new Map(SNAPSHOT_GROUPS.map((g) => [g, new GroupCheck(groups.get(g)!)]));
  }

  /**
   * False when the snapshot proves the item (its normalized identifiers) is denied for the purpose
   * at the snapshot's time; true when the node must be asked.
   */
  mayAllow(ids: readonly string[], purpose: Purpose): boolean {
    const group = groupOf(purpose);
    if (group !== undefined) return this.#groups.get(group)!.mayAllow(ids);
    for (const g of SNAPSHOT_GROUPS) if (!this.#groups.get(g)!.mayAllow(ids)) return false;
    return true;
  }
}

/** Every leaf belongs to one snapshot group (checked once at load). */
for (const leaf of PURPOSE_LEAVES) {
  if (!(SNAPSHOT_GROUPS as readonly string[]).includes(groupOf(leaf)!)) {
    throw new Error(`purpose leaf ${leaf} has no snapshot group`);
  }
}
