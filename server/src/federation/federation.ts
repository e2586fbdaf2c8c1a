/**
 * Federation (spec/federation.md): the peers this node follows, the objects it verified from them
 * with their origin, and their effect on the decision index. Followed objects never enter the node's
 * own log; they are kept in `foreign_objects` keyed by (origin, index), and the node's state derived
 * from them (which parties are attested by a trusted node key, which records are revoked or
 * superseded) is rebuilt from them at start-up.
 */
import {
  assertAcceptablePublicKey,
  type ConsentRecord,
  KyodakuError,
  keyIdOf,
  leafHash,
  type PublicJwk,
  rawPublicKey,
  type SignedObject,
  toTimestamp,
} from '@kyodaku/client';
import type { Client, InStatement, InValue } from '@libsql/client';
import { and, asc, eq, gt, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { foreignObjects, type PeerRow, peerRefusals, peers, type RecordRow } from '../db/schema.ts';
import { statementOf } from '../db/writer.ts';
import type { Store } from '../objects/object-log.ts';
import { payloadOf, recordStatus } from '../objects/views.ts';
import {
  acceptCheckpoint,
  DEFAULT_FOLLOWER_OPTIONS,
  type Evidence,
  Follower,
  type FollowerHost,
  type FollowerOptions,
  PeerInconsistentError,
  type PeerStatus,
} from './follower.ts';
import { PeerClient, type PeerMetadata } from './peer-client.ts';
import { type PeerConfig, PeerConfigError } from './peer-config.ts';
import {
  type FollowedObject,
  type PeerKey,
  type TrustView,
  type VerifiedPage,
  verifyPage,
} from './verify-page.ts';

export interface FederationOptions {
  db: Db;
  store: Store;
  /** This node's own origin and node key id. */
  origin: string;
  nodeKid: string;
  now: () => number;
  follower?: Partial<FollowerOptions>;
}

/** Where a followed record came from (REQ-FED-033). */
export interface OriginRef {
  origin: string;
  node: string;
  index: number;
}

interface FollowedRecord extends OriginRef {
  iss: string;
  supersededBy?: string;
  supersededAt?: string;
  revokedBy?: string;
  revokedAt?: string;
}

const CHUNK = 400;
/** Rows per INSERT of followed objects (8 parameters each, under SQLite's 32,766). */
const OBJECT_ROWS = 1000;

const INSERT_OBJECTS =
  'INSERT INTO foreign_objects (origin, idx, id, kind, jws, party, subject, received_at) VALUES ';
const INSERT_REFUSALS = 'INSERT INTO peer_refusals (origin, idx, reason, detail, at) VALUES ';
const insertSqlCache = new Map<string, string>();

/** `INSERT … VALUES (?, …), … ON CONFLICT DO NOTHING` for `rows` rows of `width` columns. */
function insertSql(head: string, width: number, rows: number): string {
  const key = `${head}|${rows}`;
  let sql = insertSqlCache.get(key);
  if (sql === undefined) {
    const tuple = `(${new Array(width).fill('?').join(', ')})`;
    sql = `${head}${new Array(rows).fill(tuple).join(', ')} ON CONFLICT DO NOTHING`;
    if (insertSqlCache.size > 64) insertSqlCache.clear();
    insertSqlCache.set(key, sql);
  }
  return sql;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class Federation implements FollowerHost {
  readonly #db: Db;
  /** The libsql client under the drizzle database (drizzle sets `$client`), for hot statements. */
  readonly #client: Client;
  readonly #store: Store;
  readonly origin: string;
  readonly #nodeKid: string;
  readonly now: () => number;
  readonly #options: FollowerOptions;
  readonly #followers = new Map<string, Follower>();
  /** origin -> pinned node key id of the peer. */
  readonly #nodeOf = new Map<string, string>();
  /** Party keys from followed party objects. */
  readonly #partyKeys = new Map<string, PublicJwk>();
  /** Cache of the node's own parties' keys (looked up in the store). */
  readonly #localKeys = new Map<string, PublicJwk>();
  /** party -> role of an attestation by a peer's pinned key. */
  readonly #roles = new Map<string, string>();
  readonly #attestationParty = new Map<string, string>();
  readonly #pendingAttestationRevocations = new Map<string, string>();
  readonly #records = new Map<string, FollowedRecord>();
  /** Revocations and supersessions of records not (yet) held: record id -> {by, at}. */
  readonly #pendingRevoked = new Map<string, { by: string; at: string; iss: string }>();
  readonly #pendingSuperseded = new Map<string, { by: string; at: string; iss: string }>();
  /** The node's own records revoked or superseded by followed objects (for their views). */
  readonly #localChanges = new Map<
    string,
    { revokedBy?: string; revokedAt?: string; supersededBy?: string; supersededAt?: string }
  >();
  readonly #trust: TrustView;
  readonly #retrying = new Set<string>();
  /** The last administrative action on each peer URL: actions on one peer run one at a time. */
  readonly #acting = new Map<string, Promise<unknown>>();
  #closed = false;

  constructor(options: FederationOptions) {
    this.#db = options.db;
    const client = (options.db as Db & { $client?: Client }).$client;
    if (client === undefined) throw new Error('federation: the database has no libsql client');
    this.#client = client;
    this.#store = options.store;
    this.origin = options.origin;
    this.#nodeKid = options.nodeKid;
    this.now = options.now;
    this.#options = { ...DEFAULT_FOLLOWER_OPTIONS, ...options.follower };
    this.#trust = {
      partyKey: (id) => this.#partyKeys.get(id) ?? this.#localPartyKey(id),
      attestedRole: (id) => this.#roles.get(id) ?? this.#localRole(id),
      recordIssuer: (id) => this.#records.get(id)?.iss ?? this.#store.recordRow(id).then((r) => r?.issuer),
    };
  }

  /** Whether this node follows any peer (a mirror, REQ-FED-032). */
  get isMirror(): boolean {
    return this.#followers.size > 0;
  }

  /** How many followed records are held (counted once). */
  get recordCount(): number {
    return this.#records.size;
  }

  async #localPartyKey(id: string): Promise<PublicJwk | undefined> {
    const cached = this.#localKeys.get(id);
    if (cached !== undefined) return cached;
    const row = await this.#store.partyRow(id);
    const obj = row && (await this.#store.objectById(row.currentId));
    if (obj === undefined) return undefined;
    const key = payloadOf(obj.jws, 'party').key;
    this.#localKeys.set(id, key);
    return key;
  }

  async #localRole(id: string): Promise<string | undefined> {
    const rows = await this.#store.attestationsOf(id);
    return rows[0]?.role;
  }

  /** Rebuilds the followed state from the database; call once at start-up, after the store. */
  async load(): Promise<void> {
    const rows = await this.#db.select().from(peers).orderBy(asc(peers.addedAt));
    for (const row of rows) this.#nodeOf.set(row.origin, row.nodeKey);
    // Page by (origin, idx) so that a large mirror never materializes as one result set.
    let after: { origin: string; idx: number } | undefined;
    for (;;) {
      const page = await this.#db
        .select()
        .from(foreignObjects)
        .where(
          after === undefined
            ? undefined
            : or(
                gt(foreignObjects.origin, after.origin),
                and(eq(foreignObjects.origin, after.origin), gt(foreignObjects.idx, after.idx)),
              ),
        )
        .orderBy(asc(foreignObjects.origin), asc(foreignObjects.idx))
        .limit(10_000);
      const byOrigin = new Map<string, FollowedObject[]>();
      for (const r of page) {
        const kind = r.kind as FollowedObject['kind'];
        const payload = payloadOf(r.jws, kind);
        const list = byOrigin.get(r.origin) ?? [];
        list.push({
          index: r.idx,
          kind,
          party: r.party ?? '',
          subject: r.subject,
          object: {
            kind,
            id: r.id,
            jws: r.jws,
            header: JSON.parse(Buffer.from(r.jws.split('.')[0]!, 'base64url').toString('utf8')),
            payload,
          } as SignedObject<typeof kind>,
        });
        byOrigin.set(r.origin, list);
      }
      for (const [origin, list] of byOrigin) await this.#apply(origin, list);
      if (page.length < 10_000) break;
      const last = page[page.length - 1]!;
      after = { origin: last.origin, idx: last.idx };
    }
    const refusals = await this.#db.select().from(peerRefusals).orderBy(asc(peerRefusals.idx));
    for (const row of rows) {
      const counts = await this.#countsOf(row.origin);
      const mine = refusals
        .filter((r) => r.origin === row.origin)
        .map((r) => ({ index: r.idx, reason: r.reason, detail: r.detail, at: r.at }));
      this.#followers.set(row.url, this.#makeFollower(row, counts.objects, mine));
    }
  }

  async #countsOf(origin: string): Promise<{ objects: number }> {
    const rows = await this.#db
      .select({ id: foreignObjects.id })
      .from(foreignObjects)
      .where(eq(foreignObjects.origin, origin));
    return { objects: rows.length };
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

  /**
   * Fetches a peer's metadata and checks it against the key to pin (REQ-FED-002): the node id is the
   * pinned key, and the thumbprint of the node key it publishes. Unreachable or malformed: 400.
   */
  async #checkedMetadata(url: string, nodeKey: string): Promise<PeerMetadata> {
    let meta: PeerMetadata;
    try {
      meta = await new PeerClient(url, 10_000).metadata();
    } catch (error) {
      throw new KyodakuError('ERR_INVALID_REQUEST', `the peer does not answer: ${(error as Error).message}`);
    }
    if (meta.nodeId !== nodeKey) {
      throw new PeerConfigError(`the peer's node key is ${meta.nodeId}, not the pinned ${nodeKey}`);
    }
    try {
      assertAcceptablePublicKey(meta.nodeKey);
    } catch {
      throw new PeerConfigError("the peer's node key is not an acceptable Ed25519 key");
    }
    if ((await keyIdOf(meta.nodeKey)) !== meta.nodeId) {
      throw new PeerConfigError("the peer's node.id is not the thumbprint of its node.key");
    }
    if (meta.nodeId === this.#nodeKid || meta.origin === this.origin) {
      throw new PeerConfigError('a node does not follow itself');
    }
    return meta;
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
    return this.#serially(peer.url, () => this.#follow(peer));
  }

  /** Runs `action` once every earlier action on the same peer URL has settled. */
  #serially<T>(url: string, action: () => Promise<T>): Promise<T> {
    const before = this.#acting.get(url) ?? Promise.resolve();
    const run = before.then(action, action);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#acting.set(url, settled);
    void settled.then(() => {
      if (this.#acting.get(url) === settled) this.#acting.delete(url);
    });
    return run;
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
    const meta = await this.#checkedMetadata(peer.url, peer.nodeKey);
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
    const meta = await this.#checkedMetadata(follower.row.url, follower.row.nodeKey);
    if (meta.origin !== follower.row.origin) {
      throw new PeerConfigError(
        `the peer's origin is now ${meta.origin}, not ${follower.row.origin}: another log is another peer`,
      );
    }
    if (follower.state !== 'unfollowed') return;
    await this.#write(
      this.#db.update(peers).set({ state: 'following' }).where(eq(peers.url, follower.row.url)),
    );
    if (!this.#closed) follower.refollow();
    else follower.row.state = 'following';
  }

  /**
   * Stops following a peer (REQ-FED-051): no request reaches it once this returns; its objects,
   * cursor, compact range, kept checkpoint and evidence stay, and keep counting (REQ-FED-052).
   */
  unfollow(url: string): Promise<PeerStatus> {
    return this.#serially(url, () => this.#unfollow(url));
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
    return this.#serially(peer.url, () => this.#resume(peer));
  }

  async #resume(peer: PeerConfig): Promise<PeerStatus> {
    const old = this.#known(peer.url);
    if (old.state !== 'stopped-inconsistent') {
      throw new KyodakuError(
        'ERR_CONFLICT',
        `the peer is ${old.state}: only a stopped-inconsistent peer is resumed`,
      );
    }
    const meta = await this.#checkedMetadata(peer.url, peer.nodeKey);
    if (meta.origin !== old.row.origin) {
      throw new PeerConfigError(
        `the peer's origin is now ${meta.origin}, not ${old.row.origin}: another log is another peer`,
      );
    }
    const client = new PeerClient(peer.url, 10_000);
    const verifier = { name: old.row.origin, publicKey: rawPublicKey(meta.nodeKey) };
    let note: string;
    try {
      note = await client.checkpoint();
      await acceptCheckpoint(note, verifier, old.kept, (from, to) => client.consistency(from, to));
    } catch (error) {
      if (error instanceof PeerInconsistentError) {
        throw new KyodakuError(
          'ERR_CONFLICT',
          `the peer does not prove that its log extends the kept checkpoint: ${error.message}`,
        );
      }
      throw new KyodakuError('ERR_INVALID_REQUEST', `the peer does not answer: ${(error as Error).message}`);
    }
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
    const page = await verifyPage(entries, peer, this.#trust);
    // The next page is verified while this one commits: it must already see this page's parties
    // and attestations.
    for (const o of page.accepted) {
      if (o.kind === 'party') this.#partyKeys.set(o.party, (o.object as SignedObject<'party'>).payload.key);
      else if (o.kind === 'attestation' && !this.#roles.has(o.party)) {
        this.#roles.set(o.party, (o.object as SignedObject<'attestation'>).payload.role);
      }
    }
    return page;
  }

  async commit(
    row: PeerRow,
    page: VerifiedPage,
    update: { cursor: number; peaks: Buffer; checkpointNote: string },
  ): Promise<void> {
    const receivedAt = toTimestamp(this.now());
    const at = receivedAt;
    // Multi-row INSERTs written directly (a statement text per row count, parameters in one flat
    // list): the query builder costs as much as SQLite itself for a page of 1,000 objects. One
    // batch, one transaction, with the cursor update.
    const stmts: InStatement[] = [];
    for (const c of chunks(page.accepted, OBJECT_ROWS)) {
      const args: InValue[] = [];
      for (const o of c) {
        args.push(row.origin, o.index, o.object.id, o.kind, o.object.jws, o.party, o.subject, receivedAt);
      }
      stmts.push({ sql: insertSql(INSERT_OBJECTS, 8, c.length), args });
    }
    for (const c of chunks(page.refusals)) {
      const args: InValue[] = [];
      for (const r of c) args.push(row.origin, r.index, r.reason, r.detail, at);
      stmts.push({ sql: insertSql(INSERT_REFUSALS, 5, c.length), args });
    }
    stmts.push({
      sql: 'UPDATE peers SET cursor = ?, peaks = ?, checkpoint_note = ? WHERE url = ?',
      args: [update.cursor, update.peaks, update.checkpointNote, row.url],
    });
    // Through the store's writer: a page of 1,000 objects commits on the writer thread.
    await this.#store.write(stmts);
    await this.#apply(row.origin, page.accepted);
  }

  /** A change of a peer's row, through the store's writer (the node's one writing path). */
  #write(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<void> {
    return this.#store.write([statementOf(query)]);
  }

  async markInconsistent(row: PeerRow, evidence: Evidence): Promise<void> {
    await this.#write(
      this.#db
        .update(peers)
        .set({ state: 'stopped-inconsistent', evidence: JSON.stringify(evidence) })
        .where(eq(peers.url, row.url)),
    );
  }

  // The effect of followed objects on the node's state and decision index

  async #apply(origin: string, list: readonly FollowedObject[]): Promise<void> {
    const index = this.#store.index;
    const node = this.#nodeOf.get(origin) ?? '';
    const recordIds = list.filter((o) => o.kind === 'record').map((o) => o.object.id);
    const local = new Set<string>();
    for (const c of chunks(recordIds, 500)) {
      const sql = `SELECT id FROM objects WHERE id IN (${new Array(c.length).fill('?').join(', ')})`;
      const { rows } = await this.#client.execute({ sql, args: c });
      for (const r of rows) local.add(r[0] as string);
    }
    for (const o of list) {
      const id = o.object.id;
      switch (o.kind) {
        case 'party':
          this.#partyKeys.set(o.party, (o.object as SignedObject<'party'>).payload.key);
          break;
        case 'attestation': {
          if (this.#attestationParty.has(id)) break;
          const a = (o.object as SignedObject<'attestation'>).payload;
          this.#attestationParty.set(id, a.party);
          if (!this.#roles.has(a.party)) this.#roles.set(a.party, a.role);
          index.addAttestation(a.party, {
            id,
            role: a.role,
            issuedAt: a.issued_at,
            ...(a.expires_at !== undefined && { expiresAt: a.expires_at }),
          });
          const revokedAt = this.#pendingAttestationRevocations.get(id);
          if (revokedAt !== undefined) index.revokeAttestation(a.party, id, revokedAt);
          break;
        }
        case 'attestation-revocation': {
          const r = (o.object as SignedObject<'attestation-revocation'>).payload;
          const party = this.#attestationParty.get(r.attestation);
          if (party === undefined) this.#pendingAttestationRevocations.set(r.attestation, r.issued_at);
          else index.revokeAttestation(party, r.attestation, r.issued_at);
          break;
        }
        case 'record': {
          const r = (o.object as SignedObject<'record'>).payload;
          if (this.#records.has(id) || local.has(id)) break;
          const held: FollowedRecord = { origin, node, index: o.index, iss: r.iss };
          this.#records.set(id, held);
          index.addRecord({
            id,
            iss: r.iss,
            type: r.work.type,
            ids: r.work.ids,
            purposes: r.purposes,
            ...(r.conditions !== undefined && { conditions: r.conditions }),
            issuedAt: r.issued_at,
            validFrom: r.valid_from,
            ...(r.valid_until !== undefined && { validUntil: r.valid_until }),
          });
          const revoked = this.#pendingRevoked.get(id);
          if (revoked !== undefined && revoked.iss === r.iss) {
            held.revokedBy = revoked.by;
            held.revokedAt = revoked.at;
            index.markRevoked(id, r.work.ids, revoked.at);
          }
          const superseded = this.#pendingSuperseded.get(id);
          if (superseded !== undefined && superseded.iss === r.iss) {
            held.supersededBy = superseded.by;
            held.supersededAt = superseded.at;
            index.markSuperseded(id, r.work.ids, superseded.at);
          }
          if (r.supersedes !== undefined) await this.#supersede(r.supersedes, id, r.issued_at, r.iss);
          break;
        }
        case 'revocation': {
          const r = (o.object as SignedObject<'revocation'>).payload;
          await this.#revoke(r.record, id, r.issued_at, r.iss);
          break;
        }
      }
    }
  }

  /** The work ids of a record the node holds (own or followed), if it holds it. */
  async #idsOf(recordId: string): Promise<readonly string[] | undefined> {
    if (this.#records.has(recordId)) {
      const [row] = await this.#db
        .select({ jws: foreignObjects.jws })
        .from(foreignObjects)
        .where(eq(foreignObjects.id, recordId))
        .limit(1);
      return row && (payloadOf(row.jws, 'record') as ConsentRecord).work.ids;
    }
    const row = await this.#store.recordRow(recordId);
    return row && (JSON.parse(row.ids) as string[]);
  }

  /** Whether `iss` may act on the record: it is its issuer, or the record is not held (yet). */
  async #issuerMayAct(recordId: string, iss: string): Promise<boolean> {
    const issuer = this.#records.get(recordId)?.iss ?? (await this.#store.recordRow(recordId))?.issuer;
    return issuer === undefined || issuer === iss;
  }

  async #revoke(recordId: string, by: string, at: string, iss: string): Promise<void> {
    if (!(await this.#issuerMayAct(recordId, iss))) return;
    const ids = await this.#idsOf(recordId);
    const held = this.#records.get(recordId);
    if (held !== undefined && held.revokedBy === undefined) {
      held.revokedBy = by;
      held.revokedAt = at;
    }
    if (held === undefined && ids !== undefined) {
      const change = this.#localChanges.get(recordId) ?? {};
      if (change.revokedBy === undefined)
        this.#localChanges.set(recordId, { ...change, revokedBy: by, revokedAt: at });
    }
    if (ids === undefined) this.#pendingRevoked.set(recordId, { by, at, iss });
    else this.#store.index.markRevoked(recordId, ids, at);
  }

  async #supersede(recordId: string, by: string, at: string, iss: string): Promise<void> {
    if (!(await this.#issuerMayAct(recordId, iss))) return;
    const ids = await this.#idsOf(recordId);
    const held = this.#records.get(recordId);
    if (held !== undefined && held.supersededBy === undefined) {
      held.supersededBy = by;
      held.supersededAt = at;
    }
    if (held === undefined && ids !== undefined) {
      const change = this.#localChanges.get(recordId) ?? {};
      if (change.supersededBy === undefined) {
        this.#localChanges.set(recordId, { ...change, supersededBy: by, supersededAt: at });
      }
    }
    if (ids === undefined) this.#pendingSuperseded.set(recordId, { by, at, iss });
    else this.#store.index.markSuperseded(recordId, ids, at);
  }

  // Views

  /** The origin of a record the node holds: a peer's for a followed record, else its own. */
  originOfRecord(recordId: string): string {
    return this.#records.get(recordId)?.origin ?? this.origin;
  }

  /**
   * The stored row of one of the node's own records with what followed objects did to it: a
   * revocation or superseding record of its issuer from any origin (REQ-FED-030), so that its view
   * has the status the decision index uses.
   */
  withFollowedChanges(row: RecordRow): RecordRow {
    const change = this.#localChanges.get(row.id);
    if (change === undefined) return row;
    return {
      ...row,
      revokedBy: row.revokedBy ?? change.revokedBy ?? null,
      revokedAt: row.revokedBy === null ? (change.revokedAt ?? null) : row.revokedAt,
      supersededBy: row.supersededBy ?? change.supersededBy ?? null,
      supersededAt: row.supersededBy === null ? (change.supersededAt ?? null) : row.supersededAt,
    };
  }

  isFollowedRecord(recordId: string): boolean {
    return this.#records.has(recordId);
  }

  /** RecordViews of the followed records among `ids`, each with its origin (REQ-FED-033). */
  async recordViews(ids: readonly string[], nowMs: number) {
    const wanted = ids.filter((id) => this.#records.has(id));
    if (wanted.length === 0) return [];
    const out = [];
    const seen = new Set<string>();
    for (const c of chunks(wanted, 500)) {
      const rows = await this.#db
        .select()
        .from(foreignObjects)
        .where(inArray(foreignObjects.id, c))
        .orderBy(asc(foreignObjects.receivedAt));
      for (const row of rows) {
        const held = this.#records.get(row.id)!;
        if (seen.has(row.id) || row.origin !== held.origin || row.idx !== held.index) continue;
        seen.add(row.id);
        const record = payloadOf(row.jws, 'record');
        const status = recordStatus(
          {
            revokedBy: held.revokedBy ?? null,
            supersededBy: held.supersededBy ?? null,
            validFrom: record.valid_from,
            issuedAt: record.issued_at,
            validUntil: record.valid_until ?? null,
          } as Parameters<typeof recordStatus>[0],
          toTimestamp(nowMs),
        );
        out.push({
          id: row.id,
          jws: row.jws,
          received_at: row.receivedAt,
          log: {
            index: row.idx,
            leaf_hash: Buffer.from(leafHash(Buffer.from(row.jws, 'utf8'))).toString('base64'),
          },
          origin: { origin: held.origin, node: held.node, index: held.index },
          record,
          status,
          ...(held.supersededBy !== undefined && { superseded_by: held.supersededBy }),
          ...(held.revokedBy !== undefined && { revoked_by: held.revokedBy }),
          ...(held.revokedAt !== undefined && { revoked_at: held.revokedAt }),
        });
      }
    }
    return out;
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
