/**
 * The snapshots a node can still give a delta from (spec/snapshot.md §7.3, REQ-SNAP-015): for each
 * snapshot built, its id and per-group filter seeds, and what changed from the one before (each
 * allowing key whose groups changed, with its groups before and after). Only the allowing keys of the
 * newest build are kept whole (to diff the next one against). A base is forgotten once it is older
 * than `maxAgeMs`, or the changes since it exceed the delta bounds (no delta from it could be
 * served), or more than `maxKept` snapshots were built after it.
 */
import { MAX_DELTA_KEYS, MAX_DELTA_PATTERNS } from '@kyodaku/client';
import { nextTurn, SCAN_CHUNK } from './snapshot-builder.ts';

export interface KeptSnapshot {
  /** SHA-256 (hex) of the manifest JWS. */
  id: string;
  builtAt: number;
  /** Per group (SNAPSHOT_GROUPS order), the seed of its filter: [hi, lo]. */
  seeds: ReadonlyArray<readonly [number, number]>;
}

/** An allowing key whose groups changed: masks over SNAPSHOT_GROUPS (0: not allowing). */
export interface KeyChange {
  key: string;
  before: number;
  after: number;
}

export interface HistoryOptions {
  maxAgeMs: number;
  maxKept: number;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x !== 0; x &= x - 1) c++;
  return c;
}

/** The keys whose group masks differ between two builds (in chunks, giving the event loop turns). */
export async function diffAllowing(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Promise<KeyChange[]> {
  const changes: KeyChange[] = [];
  let read = 0;
  for (const [key, groups] of after) {
    if (++read % SCAN_CHUNK === 0) await nextTurn();
    const was = before.get(key) ?? 0;
    if (was !== groups) changes.push({ key, before: was, after: groups });
  }
  for (const [key, groups] of before) {
    if (++read % SCAN_CHUNK === 0) await nextTurn();
    if (!after.has(key)) changes.push({ key, before: groups, after: 0 });
  }
  return changes;
}

export class SnapshotHistory {
  readonly #options: HistoryOptions;
  #allowing: ReadonlyMap<string, number> | undefined;
  readonly #kept: KeptSnapshot[] = [];
  /** #steps[i]: the changes from #kept[i] to #kept[i + 1]. */
  readonly #steps: KeyChange[][] = [];
  /** Per step, its entries (group memberships changed). */
  readonly #stepSizes: number[] = [];

  constructor(options: HistoryOptions) {
    this.#options = options;
  }

  /** The newest snapshot kept. */
  get newest(): KeptSnapshot | undefined {
    return this.#kept.at(-1);
  }

  /**
   * The changes since the newest build, to pass to `add` with the next one (a build at a time: the
   * caller serializes them).
   */
  changesTo(allowing: ReadonlyMap<string, number>): Promise<KeyChange[] | undefined> {
    return this.#allowing === undefined ? Promise.resolve(undefined) : diffAllowing(this.#allowing, allowing);
  }

  /** Records a new build, the allowing keys it was built from and the changes since the one before. */
  add(snapshot: KeptSnapshot, allowing: ReadonlyMap<string, number>, step: KeyChange[] | undefined): void {
    if (step !== undefined) {
      this.#steps.push(step);
      this.#stepSizes.push(step.reduce((n, c) => n + popcount(c.before ^ c.after), 0));
    }
    this.#kept.push(snapshot);
    this.#allowing = allowing;
    this.#prune(snapshot.builtAt);
  }

  #prune(now: number): void {
    let pending = this.#stepSizes.reduce((a, b) => a + b, 0);
    while (
      this.#kept.length > 1 &&
      (now - this.#kept[0]!.builtAt > this.#options.maxAgeMs ||
        this.#kept.length > this.#options.maxKept + 1 ||
        pending > MAX_DELTA_KEYS + MAX_DELTA_PATTERNS)
    ) {
      this.#kept.shift();
      this.#steps.shift();
      pending -= this.#stepSizes.shift()!;
    }
  }

  /**
   * The net changes from a kept snapshot (not the newest) to the newest: each key changed, with its
   * groups in the base and now; undefined when the base is not kept.
   */
  changesSince(id: string): { base: KeptSnapshot; changes: KeyChange[] } | undefined {
    const at = this.#kept.findIndex((k) => k.id === id);
    if (at < 0 || at === this.#kept.length - 1) return undefined;
    const net = new Map<string, KeyChange>();
    for (const step of this.#steps.slice(at)) {
      for (const c of step) {
        const seen = net.get(c.key);
        if (seen === undefined) net.set(c.key, { ...c });
        else seen.after = c.after;
      }
    }
    return { base: this.#kept[at]!, changes: [...net.values()].filter((c) => c.before !== c.after) };
  }
}
