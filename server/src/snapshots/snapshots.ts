/**
 * The node's signed snapshots (spec/snapshot.md §5): built from the decision index when the registry
 * changed since the last one (at most once per `minIntervalMs`) or the last one is past a quarter of
 * its lifetime, bound to a checkpoint of the node's log signed before the build, and signed with the
 * node key. The index is read on the event loop; the filters are built in a worker thread
 * (filter-build-thread.ts). Once a snapshot was asked for, the node watches its registry version
 * (own log size, index size and, on a mirror, the objects applied from each followed log: a followed
 * revocation or attestation changes no count of its own) and rebuilds when it changed and then stayed
 * the same for `debounceMs`, or changed `maxDelayMs` ago (REQ-SNAP-017), so that the snapshot follows
 * new allowing records, own and followed, without waiting for a request. The filter files of the current and the previous snapshot are served, so that a client
 * that read the manifest just before a rebuild still gets its files; deltas from the snapshots the
 * history keeps are made on request (snapshot-deltas.ts).
 */
import { signObject, snapshotIdOf, toTimestamp } from '@kyodaku/client';
import type { SignedCheckpoint } from '../log/checkpoints.ts';
import type { NodeContext } from '../node-context.ts';
import { type FilterBuildThread, filterBuildThread } from './filter-build-thread.ts';
import { allowingKeysOf, type FilterFile, filterFilesOf } from './snapshot-builder.ts';
import { type SignedDelta, SnapshotDeltas } from './snapshot-deltas.ts';
import { SnapshotHistory } from './snapshot-history.ts';

export interface BuiltSnapshot {
  /** The manifest as a compact JWS, and its id (the SHA-256 of the JWS, hex). */
  jws: string;
  id: string;
  /** The checkpoint note the manifest names first. */
  checkpoint: string;
  issuedAt: string;
  files: FilterFile[];
  builtAt: number;
  /** The log size and index size it was built from. */
  version: string;
}

export interface SnapshotOptions {
  /** Least time between two builds (ms; default 1,000). */
  minIntervalMs?: number;
  /** expires_at - issued_at (ms; default one hour). */
  lifetimeMs?: number;
  /** Quiet time after a registry change before the rebuild it causes (ms; default 1,000). */
  debounceMs?: number;
  /** Longest time from a registry change to the rebuild it causes (ms; default 10,000). */
  maxDelayMs?: number;
  /** Where the filters are built: a worker thread (default) or the event loop (benchmarks compare). */
  buildIn?: 'worker' | 'event-loop';
  /** How many snapshots, and for how long, a delta can start from (default 1,024, one day). */
  keptBases?: number;
  keptForMs?: number;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class Snapshots {
  readonly #node: NodeContext;
  readonly #minIntervalMs: number;
  readonly #lifetimeMs: number;
  readonly #debounceMs: number;
  readonly #maxDelayMs: number;
  readonly #thread: FilterBuildThread | undefined;
  readonly #history: SnapshotHistory;
  readonly #deltas: SnapshotDeltas;
  #current: BuiltSnapshot | undefined;
  #previous: BuiltSnapshot | undefined;
  #building: Promise<BuiltSnapshot> | undefined;
  #watch: NodeJS.Timeout | undefined;
  /** The registry version seen at the last tick of the watch, and when it first differed from the current snapshot's. */
  #seen = '';
  #changedAt: number | undefined;

  constructor(node: NodeContext, options: SnapshotOptions = {}) {
    this.#node = node;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#lifetimeMs = options.lifetimeMs ?? 3_600_000;
    this.#debounceMs = options.debounceMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
    this.#thread = options.buildIn === 'event-loop' ? undefined : filterBuildThread();
    this.#history = new SnapshotHistory({
      maxKept: options.keptBases ?? 1024,
      maxAgeMs: options.keptForMs ?? 86_400_000,
    });
    this.#deltas = new SnapshotDeltas(this.#history, node.node.signer, node.node.kid);
  }

  /** The thread the filters are built in (undefined: the event loop). */
  get buildThread(): FilterBuildThread | undefined {
    return this.#thread;
  }

  #version(): string {
    const followed = (this.#node.federation?.statuses() ?? []).map((p) => p.cursor).join(',');
    return `${this.#node.objects.size}/${this.#node.index.size}/${followed}`;
  }

  /** Watches the registry version once a snapshot was asked for (a node nobody pulls from builds none). */
  #startWatch(): void {
    if (this.#watch !== undefined) return;
    this.#watch = setInterval(() => this.#tick(), this.#debounceMs);
    this.#watch.unref();
  }

  /** A rebuild when the registry changed and then stayed quiet for a tick, or changed maxDelayMs ago. */
  #tick(): void {
    const c = this.#current;
    if (c === undefined || this.#building !== undefined) return;
    const version = this.#version();
    const now = this.#node.now();
    if (version === c.version) {
      this.#changedAt = undefined;
      this.#seen = version;
      return;
    }
    this.#changedAt ??= now;
    const quiet = version === this.#seen;
    this.#seen = version;
    if (!quiet && now - this.#changedAt < this.#maxDelayMs) return;
    this.current().catch(() => {
      // A node closing (its database gone): stop watching; a request builds again and answers the failure.
      clearInterval(this.#watch);
      this.#watch = undefined;
    });
  }

  /** The current snapshot, built first when it is missing or stale. */
  async current(): Promise<BuiltSnapshot> {
    const now = this.#node.now();
    const c = this.#current;
    const stale =
      c === undefined ||
      now - c.builtAt >= this.#lifetimeMs / 4 ||
      (c.version !== this.#version() && now - c.builtAt >= this.#minIntervalMs);
    if (!stale) return c;
    this.#building ??= this.#build().finally(() => {
      this.#building = undefined;
    });
    this.#startWatch();
    return this.#building;
  }

  /** A filter file of the current or previous snapshot by its SHA-256. */
  file(sha256: string): Uint8Array | undefined {
    for (const s of [this.#current, this.#previous]) {
      const f = s?.files.find((x) => x.sha256 === sha256);
      if (f !== undefined) return f.bytes;
    }
    return undefined;
  }

  /** The signed delta from a snapshot the client holds to the current one (REQ-SNAP-012). */
  async delta(from: string): Promise<{ delta: SignedDelta; to: BuiltSnapshot }> {
    const to = await this.current();
    return { delta: await this.#deltas.from(from, to.id, to.issuedAt), to };
  }

  /** A delta file by its SHA-256 (deltas to the current or the previous snapshot). */
  deltaFile(sha256: string): Uint8Array | undefined {
    return this.#deltas.file(sha256);
  }

  async #build(): Promise<BuiltSnapshot> {
    const node = this.#node;
    const version = this.#version();
    // Signed first: every record the tree holds is in the index the filters are built from.
    const signed: SignedCheckpoint = await node.log.checkpoints.sign();
    const builtAt = node.now();
    const issuedAt = toTimestamp(builtAt);
    const allowing = await allowingKeysOf(node.index, issuedAt);
    const files =
      this.#thread === undefined
        ? filterFilesOf(allowing.ids, allowing.masks, allowing.patterns)
        : await this.#thread.build(allowing.ids, allowing.masks, allowing.patterns);
    const { jws } = await signObject(
      'snapshot',
      {
        kind: 'snapshot',
        v: 1,
        node: node.node.kid,
        issued_at: issuedAt,
        expires_at: toTimestamp(builtAt + this.#lifetimeMs),
        evaluated_at: [{ origin: node.origin, size: signed.size, root: base64(signed.root) }],
        filter: 'binary-fuse16',
        groups: files.map((f) => ({
          group: f.group,
          keys: f.keys,
          patterns: f.patterns,
          bytes: f.bytes.length,
          sha256: f.sha256,
          url: `/v1/snapshot/filters/${f.sha256}`,
        })),
      },
      node.node.signer,
    );
    const id = snapshotIdOf(jws);
    const step = await this.#history.changesTo(allowing.groupsOf);
    const seeds = files.map((f) => [f.seedHi, f.seedLo] as const);
    this.#history.add({ id, builtAt, seeds }, allowing.groupsOf, step);
    this.#previous = this.#current;
    this.#changedAt = undefined;
    this.#current = { jws, id, checkpoint: signed.note, issuedAt, files, builtAt, version };
    return this.#current;
  }
}
