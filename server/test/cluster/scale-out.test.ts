/**
 * Many node processes on one PostgreSQL database (issue #19, docs/operations.md §7), proved on
 * real processes: a throwaway cluster (initdb + pg_ctl on loopback; the test fails, never skips,
 * without PostgreSQL), three `kyodaku-server` processes sharing it and one data directory (one
 * node key), clients publishing to all of them at once, and the sequencer killed by its pid in
 * the middle. Then: seq is contiguous and unique, every acknowledged record is stored at the index
 * it was acknowledged with, the lease moved to a live process, every live process serves the same
 * checkpoint, which verifies and is the root recomputed from the stored entries, every checkpoint
 * ever stored is a root of that one log (no fork), the S3-compatible bucket (s3rver on loopback)
 * holds that checkpoint and tiles that recompute to it, and every process gives the same decisions
 * (the process that acknowledged a record at once, spec/http-api.md REQ-API-095).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRecord,
  KyodakuError,
  KyodakuNode,
  leafHash,
  MerkleTreeBuilder,
  parseVerifierKey,
  signObject,
  toTimestamp,
  verifyCheckpoint,
} from '@kyodaku/client';
import pg from 'pg';
import S3rver from 's3rver';
import { afterAll, expect, it } from 'vitest';
import { attestedParty } from '../../../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { LEASE_APPLICATION } from '../../src/cluster/sequencer-lease.ts';
import { s3Sink } from '../../src/tiles/tile-sink.ts';
import { type PgCluster, startPgCluster } from '../db/pg-cluster.ts';

const RECORDS_PER_CLIENT = 90;
const CLIENTS = 3;

let cluster: PgCluster | undefined;
const servers: ServerProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-scale-'));
let sql: pg.Client | undefined;
const bucketDir = mkdtempSync(join(tmpdir(), 'kyodaku-s3-'));
const s3 = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: bucketDir,
  allowMismatchedSignatures: true,
  configureBuckets: [{ name: 'kyodaku-tiles' }],
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await sql?.end();
  await s3.close().catch(() => {});
  rmSync(bucketDir, { recursive: true, force: true });
  cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const alive = (s: ServerProcess) => s.process.exitCode === null && s.process.signalCode === null;

/** The pid of the process holding the sequencer's lease, from PostgreSQL's view of its locks. */
async function sequencerPid(): Promise<number | undefined> {
  const { rows } = await sql!.query<{ name: string }>(
    `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted`,
  );
  const name = rows.find((r) => r.name.startsWith(LEASE_APPLICATION))?.name;
  return name === undefined ? undefined : Number(name.slice(LEASE_APPLICATION.length + 1));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('3 processes on one PostgreSQL: concurrent publications, the sequencer killed, one log, same answers everywhere', async () => {
  cluster = await startPgCluster();
  const db = await cluster.createDatabase('scale_out');
  sql = new pg.Client({ connectionString: db });
  const { port: s3Port } = await s3.run();
  const endpoint = `http://127.0.0.1:${s3Port}`;
  // s3rver's own credentials; the AWS SDK reads them from the environment.
  const credentials = {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  };
  Object.assign(process.env, credentials);
  const env = {
    KYODAKU_DB: db,
    KYODAKU_ORIGIN: 'scale.example/kyodaku',
    KYODAKU_TILES: 's3://kyodaku-tiles/log',
    KYODAKU_TILES_S3_ENDPOINT: endpoint,
    ...credentials,
  };
  // The first process creates the keys in the shared data dir; the others start beside it.
  servers.push(await startServer({ dataDir, env }));
  servers.push(...(await Promise.all([startServer({ dataDir, env }), startServer({ dataDir, env })])));
  await sql.connect();
  const wk = (await (await fetch(`${servers[0]!.url}/.well-known/kyodaku`)).json()) as {
    log: { verifier_key: string };
  };
  const verifier = parseVerifierKey(wk.log.verifier_key);

  // Parties registered and attested through the first process; every process learns of them.
  const parties: Array<Awaited<ReturnType<typeof attestedParty>>> = [];
  for (let i = 0; i < CLIENTS; i++) parties.push(await attestedParty(servers[0]!));
  const objectsNow = Number((await sql.query('SELECT count(*) AS n FROM objects')).rows[0].n);
  for (const s of servers) {
    await until('every process to follow the parties', async () => {
      const note = await (await fetch(`${s.url}/v1/log/checkpoint`)).text();
      return verifyCheckpoint(note, verifier).size >= objectsNow ? true : undefined;
    });
  }

  const first = await sequencerPid();
  expect(servers.map((s) => s.process.pid)).toContain(first);
  const sequencer = servers.find((s) => s.process.pid === first)!;

  // Every client publishes its records round-robin over the live processes, 4 in flight; the
  // sequencer is killed once a third of all records are acknowledged.
  const acked = new Map<string, { index: number; allow: boolean; id: string }>();
  const total = CLIENTS * RECORDS_PER_CLIENT;
  const refused: string[] = [];
  let killed = false;
  let turn = 0;
  const publishOne = async (party: (typeof parties)[number], i: number) => {
    const allow = i % 2 === 0;
    const item = `url:https://scale.example/${party.kid.slice(0, 8)}/${i}`;
    const signed = await signObject(
      'record',
      createRecord({
        iss: party.kid,
        work: { type: 'work', ids: [item] },
        purposes: { 'train.genai': allow ? 'allow' : 'deny' },
        issued_at: toTimestamp(Date.now() - 30_000),
      }),
      party.signer,
    );
    for (let attempt = 0; attempt < 20; attempt++) {
      const live = servers.filter(alive);
      const target = live[turn++ % live.length]!;
      try {
        const client = new KyodakuNode(target.url, { timeoutMs: 10_000 });
        const view = await client.publishRecord(signed);
        acked.set(item, { index: view.log?.index ?? -1, allow, id: view.id });
        // Read-your-writes through the process that acknowledged it (REQ-API-095).
        const own = await client.decide({ ids: item, purpose: 'train.genai' });
        if (own.decision !== (allow ? 'allow' : 'deny'))
          refused.push(`${target.url}: ${item} not reflected at once`);
        break;
      } catch (error) {
        // A publication the killed process committed without answering is a duplicate elsewhere.
        if (error instanceof KyodakuError && error.code === 'ERR_DUPLICATE') break;
        // Only the killed process may fail to answer; a live one answers every publication.
        const lost =
          killed && target === sequencer && error instanceof KyodakuError && error.code === 'ERR_NETWORK';
        if (!lost) {
          refused.push(`${target.url}: ${(error as Error).message}`);
          break;
        }
      }
    }
    if (!killed && acked.size >= total / 3) {
      killed = true;
      sequencer.process.kill('SIGKILL');
    }
  };
  await Promise.all(
    parties.map(async (party) => {
      const queue = Array.from({ length: RECORDS_PER_CLIENT }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) await publishOne(party, i);
        }),
      );
    }),
  );
  expect(killed).toBe(true);
  expect(refused).toEqual([]);
  expect(acked.size).toBeGreaterThan(total - 10);

  // The lease moved to a live process.
  const live = servers.filter(alive);
  expect(live).toHaveLength(2);
  const next = await until('a live process to take the lease', async () => {
    const pid = await sequencerPid();
    return pid !== undefined && pid !== first ? pid : undefined;
  });
  expect(live.map((s) => s.process.pid)).toContain(next);

  // seq contiguous from 0 and unique; every acknowledged record at its acknowledged index.
  const { rows } = await sql.query<{ seq: string; id: string; jws: string }>(
    'SELECT seq, id, jws FROM objects ORDER BY seq',
  );
  expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  for (const { index, id } of acked.values()) expect(rows[index]?.id).toBe(id);

  // The stored log's root, recomputed from its entries.
  const tree = new MerkleTreeBuilder();
  for (const r of rows) tree.append(leafHash(Buffer.from(r.jws, 'latin1')));
  const root = Buffer.from(tree.root()).toString('base64');

  // Every live process serves the same checkpoint of the whole log, with that root.
  const notes = await until('every process to serve the checkpoint of the whole log', async () => {
    const all = await Promise.all(live.map(async (s) => (await fetch(`${s.url}/v1/log/checkpoint`)).text()));
    const sizes = all.map((n) => verifyCheckpoint(n, verifier).size);
    return sizes.every((n) => n === rows.length) ? all : undefined;
  });
  expect(new Set(notes).size).toBe(1);
  expect(Buffer.from(verifyCheckpoint(notes[0]!, verifier).rootHash).toString('base64')).toBe(root);

  // Every checkpoint ever stored (by either sequencer) is a root of this one log.
  const stored = await sql.query<{ size: string; root: Buffer }>('SELECT size, root FROM log_checkpoints');
  expect(stored.rows.length).toBeGreaterThan(1);
  for (const c of stored.rows) {
    const prefix = new MerkleTreeBuilder();
    for (const r of rows.slice(0, Number(c.size))) prefix.append(leafHash(Buffer.from(r.jws, 'latin1')));
    expect(Buffer.from(c.root).equals(Buffer.from(prefix.root())), `checkpoint of size ${c.size}`).toBe(true);
  }

  // The bucket holds that checkpoint, and its tiles recompute to the same root and entries.
  const bucket = s3Sink('kyodaku-tiles', 'log', endpoint);
  await until('the bucket to hold the checkpoint of the whole log', async () => {
    const note = await bucket.get('checkpoint');
    return note !== undefined && Buffer.from(note).toString('utf8') === notes[0] ? true : undefined;
  });
  const leaves: Buffer[] = [];
  const bundles: Buffer[] = [];
  for (let index = 0; index * 256 < rows.length; index++) {
    const width = Math.min(256, rows.length - index * 256);
    const path = `${String(index).padStart(3, '0')}${width < 256 ? `.p/${width}` : ''}`;
    leaves.push(Buffer.from((await bucket.get(`tile/0/${path}`)) ?? []));
    bundles.push(Buffer.from((await bucket.get(`tile/entries/${path}`)) ?? []));
  }
  expect(rows.length).toBeGreaterThan(256);
  const fromTiles = new MerkleTreeBuilder();
  const hashes = Buffer.concat(leaves);
  for (let i = 0; i < hashes.length; i += 32) fromTiles.append(hashes.subarray(i, i + 32));
  expect(fromTiles.size).toBe(rows.length);
  expect(Buffer.from(fromTiles.root()).toString('base64')).toBe(root);
  const entries: string[] = [];
  const bundle = Buffer.concat(bundles);
  for (let at = 0; at < bundle.length; ) {
    const length = bundle.readUInt16BE(at);
    entries.push(bundle.subarray(at + 2, at + 2 + length).toString('latin1'));
    at += 2 + length;
  }
  expect(entries).toEqual(rows.map((r) => r.jws));

  // Every live process is ready: the one that does not sign serves the sequencer's checkpoints.
  for (const s of live) expect((await fetch(`${s.url}/readyz`)).status, `${s.url}/readyz`).toBe(200);

  // Every live process gives the same decisions, those of the records acknowledged.
  for (const s of live) {
    const node = new KyodakuNode(s.url);
    for (const [item, { allow }] of acked) {
      const d = await node.decide({ ids: item, purpose: 'train.genai' });
      expect(d.decision, `${item} on ${s.url}`).toBe(allow ? 'allow' : 'deny');
    }
  }
}, 180_000);
