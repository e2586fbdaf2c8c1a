/**
 * The node's signed snapshots (spec/snapshot.md §5): built on request from the decision index when
 * the registry changed since the last one (at most once per `minIntervalMs`) or the last one is past
 * a quarter of its lifetime, bound to a checkpoint of the node's log signed before the build, and
 * signed with the node key. The filter files of the current and the previous snapshot are served,
 * so that a client that read the manifest just before a rebuild still gets its files.
 */
import { signObject, toTimestamp } from '@kyodaku/client';
import type { SignedCheckpoint } from '../log/checkpoints.ts';
import type { NodeContext } from '../node-context.ts';
import { buildFilterFiles, type FilterFile } from './snapshot-builder.ts';

export interface BuiltSnapshot {
  /** The manifest as a compact JWS. */
  jws: string;
  /** The checkpoint note the manifest names first. */
  checkpoint: string;
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
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class Snapshots {
  readonly #node: NodeContext;
  readonly #minIntervalMs: number;
  readonly #lifetimeMs: number;
  #current: BuiltSnapshot | undefined;
  #previous: BuiltSnapshot | undefined;
  #building: Promise<BuiltSnapshot> | undefined;

  constructor(node: NodeContext, options: SnapshotOptions = {}) {
    this.#node = node;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#lifetimeMs = options.lifetimeMs ?? 3_600_000;
  }

  #version(): string {
    return `${this.#node.objects.size}/${this.#node.index.size}`;
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

  async #build(): Promise<BuiltSnapshot> {
    const node = this.#node;
    const version = this.#version();
    // Signed first: every record the tree holds is in the index the filters are built from.
    const signed: SignedCheckpoint = await node.log.checkpoints.sign();
    const builtAt = node.now();
    const issuedAt = toTimestamp(builtAt);
    const files = buildFilterFiles(node.index, issuedAt);
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
    this.#previous = this.#current;
    this.#current = { jws, checkpoint: signed.note, files, builtAt, version };
    return this.#current;
  }
}
