/**
 * Federation (spec/federation.md): the peers this node follows and the administrative actions on
 * them (follow, unfollow, resume), and the host every follower verifies and commits its pages
 * through. What followed objects change in the node is `FollowedState` (followed-state.ts); how
 * they are stored is followed-rows.ts.
 */
import { KyodakuError, type PublicJwk, rawPublicKey, toTimestamp } from '@kyodaku/client';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { type PeerRow, peerRefusals, peers, type RecordRow } from '../db/schema.ts';
import { statementOf } from '../db/writer.ts';
import { type Evidence, repinnedCheckpoint } from './checkpoint-acceptance.ts';
import { countFollowed, pageStatements, readFollowed } from './followed-rows.ts';
import { type FederationRegistry, FollowedState } from './followed-state.ts';
import {
  DEFAULT_FOLLOWER_OPTIONS,
  Follower,
  type FollowerHost,
  type FollowerOptions,
  type PeerStatus,
} from './follower.ts';
import { PeerClient } from './peer-client.ts';
import { type PeerConfig, PeerConfigError } from './peer-config.ts';
import { checkedMetadata, checkedSamePeer } from './peer-metadata.ts';
import { SerialActions } from './serial-actions.ts';
import { type PeerKey, type VerifiedPage, verifyPage } from './verify-page.ts';

export interface FederationOptions {
  db: Db;
  registry: FederationRegistry;
  /** This node's own origin and node key id. */
  origin: string;
  nodeKid: string;
  now: () => number;
  follower?: Partial<FollowerOptions>;
}

export class Federation implements FollowerHost {
  readonly #db: Db;
  readonly #registry: FederationRegistry;
  readonly origin: string;
  readonly #nodeKid: string;
  readonly now: () => number;
  readonly #options: FollowerOptions;
  readonly #followers = new Map<string, Follower>();
  /** origin -> pinned node key id of the peer. */
  readonly #nodeOf = new Map<string, string>();
  /** What the followed objects change in this node. */
  readonly #state: FollowedState;
  readonly #retrying = new Set<string>();
  /** The last administrative action on each peer URL: actions on one peer run one at a time. */
  readonly #acting = new SerialActions();
  #closed = false;
  /** This node, which never follows itself. */
  readonly #self: { nodeId: string; origin: string };

  constructor(options: FederationOptions) {
    this.#db = options.db;
    this.#registry = options.registry;
    this.origin = options.origin;
    this.#nodeKid = options.nodeKid;
    this.now = options.now;
    this.#options = { ...DEFAULT_FOLLOWER_OPTIONS, ...options.follower };
    this.#state = new FollowedState(options.db, options.registry);
    this.#self = { nodeId: options.nodeKid, origin: options.origin };
  }

  /** Whether this node follows any peer (a mirror, REQ-FED-032). */
  get isMirror(): boolean {
    return this.#followers.size > 0;
  }

  /** How many followed records are held (counted once). */
  get recordCount(): number {
    return this.#state.recordCount;
  }

  /** Rebuilds the followed state from the database; call once at start-up, after the store. */
  async load(): Promise<void> {
    const rows = await this.#db.select().from(peers).orderBy(asc(peers.addedAt));
    for (const row of rows) this.#nodeOf.set(row.origin, row.nodeKey);
    await readFollowed(this.#db, (origin, list) =>
      this.#state.apply(origin, this.#nodeOf.get(origin) ?? '', list),
    );
    const refusals = await this.#db.select().from(peerRefusals).orderBy(asc(peerRefusals.idx));
    for (const row of rows) {
      const mine = refusals
        .filter((r) => r.origin === row.origin)
        .map((r) => ({ index: r.idx, reason: r.reason, detail: r.detail, at: r.at }));
      this.#followers.set(row.url, this.#makeFollower(row, await countFollowed(this.#db, row.origin), mine));
    }
  }

  #makeFollower(
    row: PeerRow,
    objectsCount: number,
    refusals: Array<{ index: number; reason: string; detail: string; at: string }>,
    refused = refusals.length,
  ) {
    return new Follower(
      row,
      { kid: row.nodeKey, jwk: JSON.parse(row.peerKey) as PublicJwk },
      new PeerClient(row.url),
      this,
      this.#options,
      { objects: objectsCount, refused, refusals },
    );
  }

  /** Starts following every stored peer, and the configured ones once they answer. */
  start(configured: PeerConfig[] = []): void {
    for (const f of this.#followers.values()) f.start();
    for (const peer of configured) {
      if (!this.#followers.has(peer.url)) void this.#followWhenReachable(peer);
    }
  }

  async #followWhenReachable(peer: PeerConfig): Promise<void> {
    if (this.#retrying.has(peer.url)) return;
    this.#retrying.add(peer.url);
    let wait = this.#options.backoffMs;
    while (!this.#closed && !this.#followers.has(peer.url)) {
      try {
        await this.follow(peer);
      } catch (error) {
        if (error instanceof PeerConfigError) {
          console.error(`kyodaku-server: not following ${peer.url}: ${error.message}`);
          break;
        }
        await new Promise((done) => setTimeout(done, wait).unref?.());
        wait = Math.min(wait * 2, this.#options.maxBackoffMs);
      }
    }
    this.#retrying.delete(peer.url);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#followers.values()].map((f) => f.stop()));
  }

  statuses(): PeerStatus[] {
    return [...this.#followers.values()].map((f) => f.status());
  }

  follower(url: string): Follower | undefined {
    return this.#followers.get(url);
  }

  /** The peer this node follows (or followed) at `url`; 404 when there is none (REQ-FED-050). */
  #known(url: string): Follower {
    const follower = this.#followers.get(url);
    if (follower === undefined) throw new KyodakuError('ERR_NOT_FOUND', `this node does not follow ${url}`);
    return follower;
  }

  /**
   * Follows a peer (REQ-FED-002, REQ-FED-041): fetches its metadata, checks it against the pinned key
   * and the origins already in use, stores the peer and starts following. Returns whether it is new.
   * A known peer: the same key answers its status, and an unfollowed peer is followed again from its
   * stored cursor (REQ-FED-053); a stopped one is not restarted (REQ-FED-055).
   */
  follow(peer: PeerConfig): Promise<{ created: boolean; status: PeerStatus }> {
    return this.#acting.run(peer.url, () => this.#follow(peer));
  }

  async #follow(peer: PeerConfig): Promise<{ created: boolean; status: PeerStatus }> {
    const existing = this.#followers.get(peer.url);
    if (existing !== undefined) {
      if (existing.row.nodeKey !== peer.nodeKey) {
        throw new PeerConfigError('this node already follows that url with another pinned node key');
      }
      if (existing.state === 'stopped-inconsistent') {
        throw new KyodakuError(
          'ERR_CONFLICT',
          'the peer is stopped-inconsistent: only a resume request, which pins its key anew, restarts it',
        );
      }
      if (existing.state === 'unfollowed') await this.#refollow(existing);
      return { created: false, status: existing.status() };
    }
    const meta = await checkedMetadata(this.#self, peer.url, peer.nodeKey);
    if (this.#nodeOf.has(meta.origin)) {
      throw new PeerConfigError(`the origin ${meta.origin} is already followed`);
    }
    const row: PeerRow = {
      url: peer.url,
      nodeKey: peer.nodeKey,
      peerKey: JSON.stringify(meta.nodeKey),
      origin: meta.origin,
      state: 'following',
      cursor: -1,
      peaks: Buffer.alloc(0),
      checkpointNote: null,
      evidence: null,
      addedAt: toTimestamp(this.now()),
    };
    await this.#write(this.#db.insert(peers).values(row));
    this.#nodeOf.set(row.origin, row.nodeKey);
    const follower = this.#makeFollower(row, 0, []);
    this.#followers.set(row.url, follower);
    if (!this.#closed) follower.start();
    return { created: true, status: follower.status() };
  }

  async #refollow(follower: Follower): Promise<void> {
    const { url, nodeKey, origin } = follower.row;
    await checkedSamePeer(this.#self, url, nodeKey, origin);
    if (follower.state !== 'unfollowed') return;
    await this.#write(this.#db.update(peers).set({ state: 'following' }).where(eq(peers.url, url)));
    if (!this.#closed) follower.refollow();
    else follower.row.state = 'following';
  }

  /**
   * Stops following a peer (REQ-FED-051): no request reaches it once this returns; its objects,
   * cursor, compact range, kept checkpoint and evidence stay, and keep counting (REQ-FED-052).
   */
  unfollow(url: string): Promise<PeerStatus> {
    return this.#acting.run(url, () => this.#unfollow(url));
  }

  async #unfollow(url: string): Promise<PeerStatus> {
    const follower = this.#known(url);
    const refuse = () => {
      if (follower.state === 'unfollowed') {
        throw new KyodakuError('ERR_CONFLICT', 'this node does not follow that peer any more');
      }
      if (follower.state === 'stopped-inconsistent') {
        throw new KyodakuError(
          'ERR_CONFLICT',
          'the peer is stopped-inconsistent: it is not polled, and its evidence stays until a resume',
        );
      }
    };
    refuse();
    await follower.unfollow();
    // The loop may have found the peer inconsistent while it stopped.
    if (follower.state !== 'unfollowed') refuse();
    await this.#write(this.#db.update(peers).set({ state: 'unfollowed' }).where(eq(peers.url, url)));
    return follower.status();
  }

  /**
   * Follows a stopped-inconsistent peer again after the operator pinned its key anew (REQ-FED-054):
   * its metadata must match the pin and its stored origin, and its current checkpoint must verify
   * under the new pin and be consistent with the kept one; then the checkpoint is kept with the new
   * pin and following goes on from the kept cursor. Anything else leaves the peer as it was.
   */
  resume(peer: PeerConfig): Promise<PeerStatus> {
    return this.#acting.run(peer.url, () => this.#resume(peer));
  }

  async #resume(peer: PeerConfig): Promise<PeerStatus> {
    const old = this.#known(peer.url);
    if (old.state !== 'stopped-inconsistent') {
      throw new KyodakuError(
        'ERR_CONFLICT',
        `the peer is ${old.state}: only a stopped-inconsistent peer is resumed`,
      );
    }
    const meta = await checkedSamePeer(this.#self, peer.url, peer.nodeKey, old.row.origin);
    const verifier = { name: old.row.origin, publicKey: rawPublicKey(meta.nodeKey) };
    const note = await repinnedCheckpoint(new PeerClient(peer.url, 10_000), verifier, old.kept);
    if (this.#followers.get(peer.url) !== old || old.state !== 'stopped-inconsistent') {
      throw new KyodakuError('ERR_CONFLICT', 'the peer changed while it was checked; try again');
    }
    const row: PeerRow = {
      ...old.row,
      nodeKey: peer.nodeKey,
      peerKey: JSON.stringify(meta.nodeKey),
      state: 'following',
      checkpointNote: note,
    };
    // The checkpoint just proven consistent becomes the kept one, verifiable under the new pin.
    const counts = old.counts;
    const follower = this.#makeFollower(row, counts.objects, counts.refusals, counts.refused);
    this.#followers.set(row.url, follower);
    this.#nodeOf.set(row.origin, row.nodeKey);
    try {
      await this.#write(
        this.#db
          .update(peers)
          .set({ nodeKey: row.nodeKey, peerKey: row.peerKey, state: row.state, checkpointNote: note })
          .where(eq(peers.url, row.url)),
      );
    } catch (error) {
      this.#followers.set(row.url, old);
      this.#nodeOf.set(old.row.origin, old.row.nodeKey);
      throw error;
    }
    if (!this.#closed) follower.start();
    return follower.status();
  }

  // FollowerHost

  async verify(peer: PeerKey, entries: ReadonlyArray<{ index: number; jws: string }>): Promise<VerifiedPage> {
    const page = await verifyPage(entries, peer, this.#state.trust, this.now());
    this.#state.noteVerified(page, peer.kid);
    return page;
  }

  async commit(
    row: PeerRow,
    page: VerifiedPage,
    update: { cursor: number; peaks: Buffer; checkpointNote: string },
  ): Promise<void> {
    // Through the node's writer: a page of 1,000 objects commits on the writer thread.
    const receivedAt = toTimestamp(this.now());
    await this.#registry.objects.write(pageStatements(row, page, update, receivedAt));
    await this.#state.apply(row.origin, this.#nodeOf.get(row.origin) ?? '', page.accepted, receivedAt);
  }

  /** A change of a peer's row, through the node's writer (the node's one writing path). */
  #write(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<void> {
    return this.#registry.objects.write([statementOf(query)]);
  }

  async markInconsistent(row: PeerRow, evidence: Evidence): Promise<void> {
    await this.#write(
      this.#db
        .update(peers)
        .set({ state: 'stopped-inconsistent', evidence: JSON.stringify(evidence) })
        .where(eq(peers.url, row.url)),
    );
  }

  // What followed objects change in the node's answers

  /** The origin of a record the node holds: a peer's for a followed record, else its own. */
  originOfRecord(recordId: string): string {
    return this.#state.originOf(recordId) ?? this.origin;
  }

  /** One of the node's own records' rows with what followed objects did to it (REQ-FED-030). */
  withFollowedChanges(row: RecordRow): RecordRow {
    return this.#state.withFollowedChanges(row);
  }

  isFollowedRecord(recordId: string): boolean {
    return this.#state.isFollowedRecord(recordId);
  }

  /** RecordViews of the followed records among `ids`, each with its origin (REQ-FED-033). */
  recordViews(ids: readonly string[], nowMs: number) {
    return this.#state.recordViews(ids, nowMs);
  }

  /**
   * Receipt refs of followed records by their origin and index in the origin's log, and the peer
   * checkpoint kept for each of their origins, which covers them (REQ-FED-034).
   */
  async receiptRefs(ids: readonly string[]): Promise<{
    refs: Map<string, { origin: string; index: number; leaf_hash: string }>;
    evaluated: Array<{ origin: string; size: number; root: string }>;
  }> {
    const refs = new Map<string, { origin: string; index: number; leaf_hash: string }>();
    const evaluated = new Map<string, { origin: string; size: number; root: string }>();
    for (const view of await this.recordViews(ids, this.now())) {
      const origin = view.origin.origin;
      refs.set(view.id, { origin, index: view.origin.index, leaf_hash: view.log.leaf_hash });
      if (evaluated.has(origin)) continue;
      const follower = [...this.#followers.values()].find((f) => f.row.origin === origin);
      const kept = follower?.status().checkpoint;
      if (kept) evaluated.set(origin, { origin, size: kept.size, root: kept.root });
    }
    return { refs, evaluated: [...evaluated.values()] };
  }

  /** `origins` of a decision answer (REQ-FED-032): record id -> origin for every record it names. */
  originsOf(recordIds: Iterable<string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const id of recordIds) out[id] = this.originOfRecord(id);
    return out;
  }
}
