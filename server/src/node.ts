/** Opening a node: database, migrations, keys, in-memory index. Shared by main, seed, tests and bench. */
import { rawPublicKey, toTimestamp, verifierKeyString } from '@kyodaku/client';
import type { Client } from '@libsql/client';
import { LogFollower } from './cluster/log-follower.ts';
import { SequencerLease } from './cluster/sequencer-lease.ts';
import { applyAppendedElsewhere } from './cluster/shared-log.ts';
import { openDb } from './db/open.ts';
import { pgWriter } from './db/pg-writer.ts';
import { openWriter, type Writer } from './db/writer.ts';
import { DecisionIndex } from './decisions/decision-index.ts';
import { loadRecordIndex } from './decisions/index-loader.ts';
import { Federation } from './federation/federation.ts';
import type { FollowerOptions } from './federation/follower.ts';
import { GenerationIndex } from './generation/generation-index.ts';
import { loadNames } from './generation/name-loader.ts';
import { Checkpointer, lastCheckpointOrigin } from './log/checkpoints.ts';
import type { NodeContext } from './node-context.ts';
import { loadNodeKeys } from './node-keys.ts';
import { resolveOrigin } from './node-origin.ts';
import { ObjectLog } from './objects/object-log.ts';
import { AttestationStore } from './parties/attestation-store.ts';
import { DelegationStore } from './parties/delegation-store.ts';
import { KeyStore } from './parties/key-store.ts';
import { PartyStore } from './parties/party-store.ts';
import { RecordStore } from './records/record-store.ts';
import type { TileSink } from './tiles/tile-sink.ts';
import { TileWriter } from './tiles/tile-writer.ts';
import { UsageStore } from './usage/usage-store.ts';

export interface OpenNodeOptions {
  db: string;
  dataDir: string;
  name?: string;
  /** The configured origin (KYODAKU_ORIGIN); it must be the log's once the log has one. */
  origin?: string;
  /** The origin kept on first start when none is configured (default `localhost/kyodaku`). */
  defaultOrigin?: string;
  now?: () => number;
  /** Longest wait before a checkpoint covers new entries (ms; default 250). */
  checkpointIntervalMs?: number;
  /** Polling and back-off of the followers (spec/federation.md §6.1). */
  follower?: Partial<FollowerOptions>;
  /** Most bytes the database may hold (KYODAKU_DB_MAX_BYTES); past it, writes are answered 503. */
  maxDbBytes?: number | undefined;
  /** Where the sequencer mirrors tiles and checkpoints (KYODAKU_TILES), if anywhere. */
  tiles?: TileSink;
}

export interface OpenNode extends NodeContext {
  client: Client;
  /** The main connection's pragmas as read back at start (open.ts CHECKED_PRAGMAS). */
  pragmas: Record<string, unknown>;
  /** The pragmas of every connection that writes, read back now (the writer thread's included). */
  writerPragmas: Writer['pragmas'];
  keyFiles: { node: string; admin: string; created: boolean };
  close(): void;
}

export async function openNode(options: OpenNodeOptions): Promise<OpenNode> {
  const { client, db, pragmas, connectionPragmas, pool } = await openDb(options.db, {
    maxBytes: options.maxDbBytes,
  });
  const keys = await loadNodeKeys(options.dataDir);
  let origin: string;
  try {
    origin = resolveOrigin({
      dataDir: options.dataDir,
      configured: options.origin,
      fallback: options.defaultOrigin ?? 'localhost/kyodaku',
      logOrigin: await lastCheckpointOrigin(db),
    }).origin;
  } catch (error) {
    client.close();
    throw error;
  }
  const writer = pool === undefined ? openWriter(options.db, client, connectionPragmas) : pgWriter(pool);
  const objects = new ObjectLog(db, writer);
  const index = new DecisionIndex();
  const generation = new GenerationIndex();
  index.onRecord((r) => {
    if (r.work !== undefined) generation.addRecord(r.id, { work: r.work, issued_at: r.issuedAt });
  });
  const parties = new PartyStore(objects);
  const registry = {
    objects,
    index,
    parties,
    keys: new KeyStore(objects, index, parties),
    delegations: new DelegationStore(objects, index, parties),
    attestations: new AttestationStore(objects, index),
    records: new RecordStore(objects, index),
  };
  const now = options.now ?? Date.now;
  const usage = new UsageStore(objects, index, registry, keys.node, now);
  // PostgreSQL: many processes share the log (docs/operations.md §7); one signs, holding the lease.
  const lease = pool === undefined ? undefined : new SequencerLease(options.db);
  await lease?.start();
  const checkpoints = new Checkpointer({
    ...(lease !== undefined && { lease }),
    db,
    writer,
    tree: objects.tree,
    origin,
    seed: new Uint8Array(Buffer.from(keys.node.privateJwk.d, 'base64url')),
    now,
    ...(options.checkpointIntervalMs !== undefined && { intervalMs: options.checkpointIntervalMs }),
  });
  const federation = new Federation({
    db,
    registry,
    origin,
    nodeKid: keys.node.kid,
    now,
    ...(options.follower !== undefined && { follower: options.follower }),
  });
  usage.follow(origin, (id) => {
    const from = federation.originOfRecord(id);
    return from === origin ? undefined : from;
  });
  try {
    await objects.load();
    const storedLogChecked = checkpoints.verifyStored(); // hashes in a thread while the rest loads
    storedLogChecked.catch(() => {}); // awaited by checkpoints.load() below
    await registry.attestations.load();
    await parties.load();
    await loadRecordIndex(db, index);
    await registry.keys.load();
    await registry.delegations.load();
    await checkpoints.load();
    await federation.load();
    await usage.load(toTimestamp(now()));
  } catch (error) {
    await writer.close();
    client.close();
    throw error;
  }
  objects.onAppend = () => checkpoints.schedule();
  const tiles = options.tiles && new TileWriter(options.tiles, db, objects.tree);
  if (tiles !== undefined) {
    checkpoints.onSigned = (c) => void tiles.publish(c).catch(() => {});
    if (checkpoints.latest !== undefined && lease?.held !== false)
      void tiles.publish(checkpoints.latest).catch(() => {});
  }
  let follower: LogFollower | undefined;
  if (lease !== undefined) {
    objects.onAppendedElsewhere = (objs) => applyAppendedElsewhere(registry, objs);
    follower = new LogFollower(options.db, {
      catchUp: async () => {
        await objects.catchUp();
        await checkpoints.refresh();
        // A sequencer that took over mirrors what its predecessor signed and had not mirrored.
        if (lease.held && checkpoints.latest !== undefined) await tiles?.publish(checkpoints.latest);
      },
    });
    await follower.start();
    // A process taking the lease over catches up, then signs what its predecessor left unsigned.
    lease.onAcquired = () => {
      follower?.wake();
      checkpoints.schedule();
    };
  }
  // The names of prompt checks load in the background (decisions do not wait for them).
  let closed = false;
  generation.ready = loadNames(db, generation, () => closed).catch((error: unknown) => {
    if (!closed) console.error('kyodaku-server: loading the name index failed:', error);
  });
  return {
    name: options.name ?? 'Kyodaku reference registry',
    origin,
    ...registry,
    usage,
    log: { checkpoints, verifierKey: verifierKeyString(origin, rawPublicKey(keys.node.publicJwk)) },
    node: { kid: keys.node.kid, publicJwk: keys.node.publicJwk, signer: keys.node.signer },
    admin: { kid: keys.admin.kid, publicJwk: keys.admin.publicJwk },
    now,
    federation,
    ping: async () => {
      await client.execute('SELECT max(size) FROM log_checkpoints');
    },
    generation,
    client,
    pragmas,
    writerPragmas: () => writer.pragmas(),
    keyFiles: {
      node: keys.node.path,
      admin: keys.admin.path,
      created: keys.node.created || keys.admin.created,
    },
    close: () => {
      closed = true;
      void federation.close();
      checkpoints.close();
      void follower?.close();
      void lease?.close();
      // The main connection closes now; the writer thread after the commits already sent.
      client.close();
      void writer.close();
    },
  };
}
