/**
 * Following one peer (spec/federation.md §5, §6): verify the peer's checkpoint with the pinned key,
 * demand consistency with the kept one, read the entries feed a page at a time, prove each page in
 * the checkpointed tree with the compact range, verify its objects and commit them with the cursor.
 * Catches up as fast as it verifies, then polls; backs off on errors (a malformed feed page
 * included, REQ-FED-023); stops on an inconsistent log, keeping what it verified before and the
 * evidence (REQ-FED-022, REQ-FED-043), until an operator resumes it (§7.3). An unfollowed peer
 * (§7.2) is not polled at all.
 */
import {
  type Checkpoint,
  type NoteVerifier,
  rawPublicKey,
  toTimestamp,
  verifyCheckpoint,
} from '@kyodaku/client';
import type { PeerRow } from '../db/schema.ts';
import {
  acceptCheckpoint,
  type Evidence,
  type KeptCheckpoint,
  PeerInconsistentError,
  parseEvidence,
} from './checkpoint-acceptance.ts';
import { type FeedHead, type FetchedPage, fetchPage, provePage } from './feed-pages.ts';
import { PAGE_SIZE, type PeerClient } from './peer-client.ts';
import type { PeerKey, Refusal, VerifiedPage } from './verify-page.ts';

export type PeerState = 'starting' | 'following' | 'backing-off' | 'stopped-inconsistent' | 'unfollowed';

/** What a follower needs from the node: verification against its trust, and one durable commit. */
export interface FollowerHost {
  verify(peer: PeerKey, entries: ReadonlyArray<{ index: number; jws: string }>): Promise<VerifiedPage>;
  commit(
    row: PeerRow,
    page: VerifiedPage,
    update: { cursor: number; peaks: Buffer; checkpointNote: string },
  ): Promise<void>;
  markInconsistent(row: PeerRow, evidence: Evidence): Promise<void>;
  now(): number;
}

export interface FollowerOptions {
  /** Wait between polls once caught up (ms). */
  pollMs: number;
  /** First back-off after an error (ms); doubles up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  pageSize: number;
}

export const DEFAULT_FOLLOWER_OPTIONS: FollowerOptions = {
  pollMs: 5000,
  backoffMs: 1000,
  maxBackoffMs: 300_000,
  pageSize: PAGE_SIZE,
};

export interface PeerStatus {
  url: string;
  origin: string;
  node_key: string;
  state: PeerState;
  cursor: number;
  checkpoint: { size: number; root: string; note: string } | null;
  peer_size: number | null;
  lag: number | null;
  objects: number;
  refused: number;
  ignored: number;
  last_success_at: string | null;
  last_error: string | null;
  evidence: Evidence | null;
  refusals: Array<Refusal & { at: string }>;
}

const MAX_REFUSALS_SHOWN = 100;
/** Pages fetched ahead of the one being verified (each at most 1,000 entries in memory). */
const FETCH_AHEAD = 2;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class Follower {
  readonly row: PeerRow;
  readonly #client: PeerClient;
  readonly #host: FollowerHost;
  readonly #options: FollowerOptions;
  readonly #verifier: NoteVerifier;
  readonly #peer: PeerKey;
  #state: PeerState;
  #kept: Checkpoint | undefined;
  #evidence: Evidence | null;
  #peerSize: number | null = null;
  #lastSuccessAt: string | null = null;
  #lastError: string | null = null;
  #objects = 0;
  #ignored = 0;
  #refused = 0;
  #refusals: Array<Refusal & { at: string }> = [];
  #stopped = false;
  /** Aborts the requests in flight when the follower stops. */
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  /** Resolves when the follower has nothing more to read (tests and benchmarks wait on it). */
  #idleWaiters: Array<() => void> = [];

  constructor(
    row: PeerRow,
    peer: PeerKey,
    client: PeerClient,
    host: FollowerHost,
    options: FollowerOptions,
    counts: { objects: number; refused: number; refusals: Array<Refusal & { at: string }> },
  ) {
    this.row = row;
    this.#peer = peer;
    this.#client = client;
    this.#host = host;
    this.#options = options;
    this.#verifier = { name: row.origin, publicKey: rawPublicKey(peer.jwk) };
    this.#state = row.state === 'stopped-inconsistent' || row.state === 'unfollowed' ? row.state : 'starting';
    this.#evidence = parseEvidence(row.evidence);
    this.#objects = counts.objects;
    this.#refused = counts.refused;
    this.#refusals = counts.refusals.slice(-MAX_REFUSALS_SHOWN);
    if (row.checkpointNote !== null) this.#kept = verifyCheckpoint(row.checkpointNote, this.#verifier);
  }

  get state(): PeerState {
    return this.#state;
  }

  /** The checkpoint kept for the peer, with its note, if any. */
  get kept(): KeptCheckpoint | undefined {
    return this.#kept === undefined || this.row.checkpointNote === null
      ? undefined
      : { checkpoint: this.#kept, note: this.row.checkpointNote };
  }

  /** The counts a follower that replaces this one (after a re-pin) starts from. */
  get counts(): { objects: number; refused: number; refusals: Array<Refusal & { at: string }> } {
    return { objects: this.#objects, refused: this.#refused, refusals: [...this.#refusals] };
  }

  status(): PeerStatus {
    const cursor = this.row.cursor;
    return {
      url: this.row.url,
      origin: this.row.origin,
      node_key: this.row.nodeKey,
      state: this.#state,
      cursor,
      checkpoint:
        this.#kept === undefined || this.row.checkpointNote === null
          ? null
          : { size: this.#kept.size, root: b64(this.#kept.rootHash), note: this.row.checkpointNote },
      peer_size: this.#peerSize,
      lag: this.#peerSize === null ? null : Math.max(0, this.#peerSize - (cursor + 1)),
      objects: this.#objects,
      refused: this.#refused,
      ignored: this.#ignored,
      last_success_at: this.#lastSuccessAt,
      last_error: this.#lastError,
      evidence: this.#evidence,
      refusals: this.#refusals,
    };
  }

  /** Starts polling, unless the peer is stopped or unfollowed. */
  start(): void {
    if (this.#loop !== undefined || this.#state === 'stopped-inconsistent' || this.#state === 'unfollowed') {
      return;
    }
    this.#stopped = false;
    this.#abort = new AbortController();
    this.#client.signal = this.#abort.signal;
    this.#loop = this.#run();
  }

  /**
   * Stops polling: aborts the requests in flight and waits until the loop, its commits and every
   * fetch it started have settled, so that nothing reaches the peer afterwards.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Stops polling for good (spec/federation.md §7.2); the caller stores the state. */
  async unfollow(): Promise<void> {
    await this.stop();
    if (this.#state === 'stopped-inconsistent') return;
    this.#state = 'unfollowed';
    this.row.state = 'unfollowed';
    this.#lastError = null;
    for (const done of this.#idleWaiters.splice(0)) done();
  }

  /** Follows an unfollowed peer again from its stored cursor (§7.2); the caller stored the state. */
  refollow(): void {
    if (this.#state !== 'unfollowed') return;
    this.#state = 'starting';
    this.row.state = 'following';
    this.start();
  }

  /** Polls now instead of at the end of the current wait. */
  poke(): void {
    this.#wake?.();
  }

  /** Waits until a round found nothing more to read (or the follower stopped). */
  idle(): Promise<void> {
    return new Promise((done) => this.#idleWaiters.push(done));
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      timer.unref?.();
      function finish() {
        clearTimeout(timer);
        done();
      }
      this.#wake = finish;
    });
  }

  async #run(): Promise<void> {
    let backoff = this.#options.backoffMs;
    while (!this.#stopped) {
      try {
        await this.round();
        if (this.#stopped) break;
        this.#lastError = null;
        this.#state = 'following';
        backoff = this.#options.backoffMs;
        for (const done of this.#idleWaiters.splice(0)) done();
        await this.#sleep(this.#options.pollMs);
      } catch (error) {
        if (error instanceof PeerInconsistentError) {
          const evidence = error.evidence(toTimestamp(this.#host.now()));
          this.#state = 'stopped-inconsistent';
          this.#lastError = error.message;
          this.#evidence = evidence;
          await this.#host.markInconsistent(this.row, evidence).catch(() => undefined);
          this.row.state = 'stopped-inconsistent';
          this.row.evidence = JSON.stringify(evidence);
          for (const done of this.#idleWaiters.splice(0)) done();
          return;
        }
        // An error caused by stopping (an aborted request) is not the peer's.
        if (this.#stopped) break;
        this.#state = 'backing-off';
        this.#lastError = (error as Error).message ?? String(error);
        for (const done of this.#idleWaiters.splice(0)) done();
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      }
    }
  }

  /** One round: accept the peer's newest checkpoint and process every entry it covers. */
  async round(): Promise<void> {
    const keptNote = this.row.checkpointNote;
    const note = await this.#client.checkpoint();
    const checkpoint = await acceptCheckpoint(note, this.#verifier, this.kept, (from, to) =>
      this.#client.consistency(from, to),
    );
    this.#peerSize = checkpoint.size;
    if (this.#state === 'starting') this.#state = 'following';
    // The fetcher runs ahead: each page (with its proof) is asked for as soon as the one before it
    // arrived, up to FETCH_AHEAD pages beyond the one being verified and committed.
    const fetches: Array<Promise<unknown>> = [];
    let over = false;
    const fetch = (start: number) => {
      const p = fetchPage(this.#client, start, checkpoint, this.#options.pageSize);
      fetches.push(p.catch(() => undefined));
      return p;
    };
    const following = (previous: Promise<FetchedPage | undefined>): Promise<FetchedPage | undefined> => {
      const p = previous.then((page) => {
        if (page === undefined || over || this.#stopped) return undefined;
        const end = page.start + page.entries.length;
        return end < checkpoint.size ? fetch(end) : undefined;
      });
      p.catch(() => undefined);
      return p;
    };
    const first = this.row.cursor + 1;
    const ahead: Array<Promise<FetchedPage | undefined>> = [
      first < checkpoint.size ? fetch(first) : Promise.resolve(undefined),
    ];
    ahead[0]!.catch(() => undefined);
    while (ahead.length <= FETCH_AHEAD) ahead.push(following(ahead[ahead.length - 1]!));
    // A page's commit runs while the next page is verified; commits stay in order.
    let head: FeedHead = { cursor: this.row.cursor, peaks: this.row.peaks };
    let committing: Promise<void> = Promise.resolve();
    try {
      while (!this.#stopped) {
        const page = await ahead.shift()!;
        if (page === undefined) break;
        ahead.push(following(ahead[ahead.length - 1]!));
        const done = await this.#verifyPage(page, head, checkpoint, note, keptNote);
        head = { cursor: done.cursor, peaks: done.peaks };
        await committing;
        committing = this.#commit(done, checkpoint, note);
        committing.catch(() => undefined);
      }
    } finally {
      over = true;
      // Every fetch started in this round settles before the round ends (stop() relies on it).
      const settled = Promise.all([...ahead.map((p) => p.catch(() => undefined)), ...fetches]);
      try {
        await committing;
      } finally {
        await settled;
      }
    }
    if (this.#stopped) return;
    if (this.row.checkpointNote !== note && this.row.cursor + 1 === checkpoint.size) {
      // Nothing new to read, but keep the newer (consistent) checkpoint.
      await this.#host.commit(
        this.row,
        { accepted: [], refusals: [], ignored: 0 },
        { cursor: this.row.cursor, peaks: this.row.peaks, checkpointNote: note },
      );
      this.row.checkpointNote = note;
      this.#kept = checkpoint;
    }
    this.#lastSuccessAt = toTimestamp(this.#host.now());
  }

  /** Proves a page in the checkpointed tree, then verifies its objects against the node's trust. */
  async #verifyPage(
    page: FetchedPage,
    head: FeedHead,
    checkpoint: Checkpoint,
    note: string,
    keptNote: string | null,
  ): Promise<{ verified: VerifiedPage } & FeedHead> {
    const after = provePage(page, head, checkpoint, { note, keptNote });
    const verified = await this.#host.verify(this.#peer, page.entries);
    return { verified, ...after };
  }

  async #commit(
    done: { verified: VerifiedPage } & FeedHead,
    checkpoint: Checkpoint,
    note: string,
  ): Promise<void> {
    const { verified, peaks } = done;
    await this.#host.commit(this.row, verified, { cursor: done.cursor, peaks, checkpointNote: note });
    this.row.cursor = done.cursor;
    this.row.peaks = peaks;
    this.row.checkpointNote = note;
    this.#kept = checkpoint;
    this.#objects += verified.accepted.length;
    this.#ignored += verified.ignored;
    this.#refused += verified.refusals.length;
    if (verified.refusals.length > 0) {
      const at = toTimestamp(this.#host.now());
      this.#refusals.push(...verified.refusals.map((r) => ({ ...r, at })));
      this.#refusals = this.#refusals.slice(-MAX_REFUSALS_SHOWN);
    }
  }
}
