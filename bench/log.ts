/**
 * Log benchmark (issue #5), in one run:
 *   - raw Ed25519 verify rate of node:crypto (one core, synchronous KeyObject verify) and of
 *     @noble/ed25519 (pure JS), for comparison;
 *   - end-to-end ingest of signed records over HTTP on loopback (verify + store + log append),
 *     one record per request (POST /v1/records) and in bulk (POST /v1/publications, 1,000 per
 *     request, in rounds that each measure the raw rate just before, for a ratio under the same
 *     machine load), records signed beforehand, C keep-alive connections from a load generator in a worker thread
 *     (raw sockets: one request in flight per connection, minimal response parsing, so that the
 *     client costs little of the machine's CPU; `--client fetch` uses fetch/undici as before, which
 *     on 2 cores made the client the bottleneck), after a warm-up; ratio to the raw rate;
 *   - inclusion and consistency proof generation at 1M entries (a synthetic log written straight
 *     into the log_hashes table of a temporary database, then read through the node's LogTree).
 * Targets: ingest >= 50% of the single-core raw verify rate; inclusion proof < 1 ms at 1M entries.
 *
 *   npx tsx bench/log.ts [--records N] [--connections C] [--warmup W] [--seconds S] [--client net|fetch]
 *                        [--bulk-records N] [--batch B] [--bulk-connections C] [--rounds R]
 *                        [--entries E] [--proofs P]
 *
 * Not part of `npm test`.
 */
import { generateKeyPairSync, hash, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import {
  createRecord,
  MerkleTreeBuilder,
  toTimestamp,
  verifyConsistency,
  verifyInclusion,
} from '@kyodaku/client';
import * as ed from '@noble/ed25519';
import { sql } from 'drizzle-orm';
import { openDb } from '../server/src/db/open.ts';
import { LogTree } from '../server/src/log/tree.ts';
import { attestedIssuers, benchNode, numberArg, signRecordJws } from './lib/setup.ts';

const RECORDS = numberArg('records', 6000);
const CONNECTIONS = numberArg('connections', 64);
const WARMUP = numberArg('warmup', 1000);
/** Upper bound of one load run: the generator stops sending after this many seconds. */
const SECONDS = numberArg('seconds', 60);
const CLIENT = process.argv.includes('--client') ? process.argv[process.argv.indexOf('--client') + 1] : 'net';
if (CLIENT !== 'net' && CLIENT !== 'fetch') throw new Error('--client is net or fetch');
/** Records published in bulk (POST /v1/publications), BATCH per request, BULK_CONNECTIONS in flight. */
const BULK_RECORDS = numberArg('bulk-records', 20_000);
/**
 * Bulk rounds: each measures the raw verify rate for a second just before its bulk load, so that
 * the ratio compares two rates taken under the same load of the (shared, noisy) machine.
 */
const ROUNDS = numberArg('rounds', 3, 1);
const BATCH = numberArg('batch', 1000, 1);
const BULK_CONNECTIONS = numberArg('bulk-connections', 2, 1);
const ENTRIES = numberArg('entries', 1_000_000);
const PROOFS = numberArg('proofs', 2000);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Calls `fn` for about `seconds` and returns calls per second. */
function rate(seconds: number, fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

/** A 700-byte message (a record's size) signed once, and its verification by node:crypto and noble. */
const rawKeys = generateKeyPairSync('ed25519');
const rawMessage = Buffer.alloc(700, 7);
const rawSignature = sign(null, rawMessage, rawKeys.privateKey);

/** Synchronous node:crypto verifications per second on this thread (one core). */
function nativeVerifyRate(seconds: number): number {
  return rate(seconds, () => {
    if (!verify(null, rawMessage, rawKeys.publicKey, rawSignature)) throw new Error('verify failed');
  });
}

function nobleVerifyRate(): number {
  ed.hashes.sha512 ??= (m) => new Uint8Array(hash('sha512', m, 'buffer'));
  const publicKey = new Uint8Array(Buffer.from(rawKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  return rate(1, () => {
    if (!ed.verify(rawSignature, rawMessage, publicKey)) throw new Error('noble verify failed');
  });
}

/**
 * The load generators: post the given bodies with C requests in flight, stop sending after
 * `seconds`; return the time, the number sent and per-status counts. `net`: C keep-alive
 * connections on raw sockets, one request in flight on each, responses parsed by content-length.
 */
const LOADGEN_NET = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { url, bodies, connections, seconds, contentType } = workerData;
const u = new URL(url);
const deadline = performance.now() + seconds * 1000;
let next = 0; let done = 0; const statuses = {};
function connection() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port), noDelay: true });
    let buf = '';
    const send = () => {
      if (next >= bodies.length || performance.now() > deadline) { socket.end(); return resolve(); }
      const body = bodies[next++];
      socket.write('POST ' + u.pathname + ' HTTP/1.1\\r\\nhost: ' + u.host +
        '\\r\\ncontent-type: ' + contentType + '\\r\\ncontent-length: ' + Buffer.byteLength(body) +
        '\\r\\n\\r\\n' + body);
    };
    socket.setEncoding('latin1');
    socket.on('connect', send);
    socket.on('error', reject);
    socket.on('data', (data) => {
      buf += data;
      for (;;) {
        const head = buf.indexOf('\\r\\n\\r\\n');
        if (head < 0) return;
        const length = /\\r\\ncontent-length: *(\\d+)/i.exec(buf.slice(0, head));
        if (length === null) return reject(new Error('response without content-length'));
        const end = head + 4 + Number(length[1]);
        if (buf.length < end) return;
        const status = buf.slice(9, 12);
        statuses[status] = (statuses[status] ?? 0) + 1;
        done++;
        buf = buf.slice(end);
        send();
      }
    });
  });
}
const start = performance.now();
Promise.all(Array.from({ length: connections }, connection)).then(() =>
  parentPort.postMessage({ ms: performance.now() - start, done, statuses }));
`;

const LOADGEN_FETCH = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, bodies, connections, seconds, contentType } = workerData;
const deadline = performance.now() + seconds * 1000;
let next = 0; let done = 0; const statuses = {};
async function worker() {
  while (next < bodies.length && performance.now() < deadline) {
    const body = bodies[next++];
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    done++;
  }
}
const start = performance.now();
Promise.all(Array.from({ length: connections }, worker)).then(() =>
  parentPort.postMessage({ ms: performance.now() - start, done, statuses }));
`;

/** The HTTP floor: the same bodies posted to a Hono app that only reads them and answers 201. */
async function helloPost(bodies: string[]) {
  const { Hono } = await import('hono');
  const app = new Hono().post('/v1/records', async (c) => c.json({ id: (await c.req.text()).length }, 201));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/v1/records`;
  await load(url, bodies.slice(0, WARMUP));
  const result = await load(url, bodies);
  await new Promise<void>((r) => server.close(() => r()));
  return { perSecond: (result.done / result.ms) * 1000, cpuPerRequest: result.cpuPerRequest };
}

async function load(
  url: string,
  bodies: string[],
  connections = CONNECTIONS,
  contentType = 'application/jose',
) {
  const worker = new Worker(CLIENT === 'net' ? LOADGEN_NET : LOADGEN_FETCH, {
    eval: true,
    workerData: { url, bodies, connections, seconds: SECONDS, contentType },
  });
  const cpu = process.cpuUsage();
  const result = await new Promise<{ ms: number; done: number; statuses: Record<string, number> }>((r, j) => {
    worker.once('message', r);
    worker.once('error', j);
  });
  const used = process.cpuUsage(cpu);
  await worker.terminate();
  // CPU time of the whole process (server, thread pool and load generator) per request, in µs.
  return { ...result, cpuPerRequest: (used.user + used.system) / Math.max(1, result.done) };
}

async function ingest() {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-log-'));
  try {
    const { node, app, admin, post } = await benchNode(dir);
    const [issuer] = await attestedIssuers(post, admin, 1, 'Bench log');
    const keys = issuer!;

    // Records signed beforehand with node:crypto (real Ed25519 JWS over JCS payloads).
    const issuedAt = toTimestamp(Date.now() - 30_000);
    const signed: string[] = [];
    for (let i = 0; i < WARMUP + RECORDS + ROUNDS * BULK_RECORDS; i++) {
      const payload = createRecord({
        iss: keys.kid,
        work: {
          type: 'work',
          ids: [`url:https://bench-log.example/works/${i}`, `kyodaku:bench-log.example/${i}`],
        },
        purposes: i % 3 === 0 ? { all: 'deny' } : { 'train.genai': 'deny', search: 'allow' },
        issued_at: issuedAt,
      });
      signed.push(signRecordJws(keys, payload));
    }
    const bodies = signed.slice(0, WARMUP + RECORDS);
    /** The bodies of each round: BATCH records per request. */
    const rounds: string[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = WARMUP + RECORDS + r * BULK_RECORDS;
      const round: string[] = [];
      for (let i = start; i < start + BULK_RECORDS; i += BATCH) {
        round.push(JSON.stringify({ objects: signed.slice(i, Math.min(i + BATCH, start + BULK_RECORDS)) }));
      }
      rounds.push(round);
    }
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const { port } = server.address() as { port: number };
    const hello = await helloPost(bodies.slice(WARMUP));
    const url = `http://127.0.0.1:${port}/v1/records`;
    const warm = await load(url, bodies.slice(0, WARMUP));
    if (warm.statuses['201'] !== WARMUP) throw new Error(`warm-up: ${JSON.stringify(warm.statuses)}`);
    const result = await load(url, bodies.slice(WARMUP));
    const bulk = [];
    for (const round of rounds) {
      const raw = nativeVerifyRate(1);
      const sizeBefore = node.objects.size;
      const run = await load(
        `http://127.0.0.1:${port}/v1/publications`,
        round,
        BULK_CONNECTIONS,
        'application/json',
      );
      // Records accepted, counted by the log itself (the entries' results are not parsed).
      const accepted = node.objects.size - sizeBefore;
      if (accepted !== BULK_RECORDS) throw new Error(`bulk: ${accepted} of ${BULK_RECORDS} accepted`);
      const perSecond = (accepted / run.ms) * 1000;
      bulk.push({
        raw,
        perSecond,
        ratio: perSecond / raw,
        statuses: run.statuses,
        cpuPerRecord: (run.cpuPerRequest * run.done) / accepted,
      });
    }
    const checkpoint = await node.log.checkpoints.sign();
    await new Promise<void>((r) => server.close(() => r()));
    node.close();
    return {
      perSecond: ((result.statuses['201'] ?? 0) / result.ms) * 1000,
      statuses: result.statuses,
      cpuPerRequest: result.cpuPerRequest,
      bulk,
      logSize: checkpoint.size,
      hello,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A synthetic log of ENTRIES leaves written straight into log_hashes, then proofs through LogTree. */
async function proofs() {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-proofs-'));
  try {
    const { db, client } = await openDb(`file:${join(dir, 'proofs.db')}`);
    const rows: Array<[number, number, Buffer]> = [];
    const builder = new MerkleTreeBuilder({
      onSubtree: (level, idx, h) => rows.push([level, idx, Buffer.from(h)]),
    });
    const buildStart = performance.now();
    const flush = async () => {
      const stmts = [];
      for (let i = 0; i < rows.length; i += 300) {
        const chunk = rows.slice(i, i + 300);
        stmts.push({
          sql: `INSERT INTO log_hashes (level, idx, hash) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
          args: chunk.flat(),
        });
      }
      await client.batch(stmts, 'write');
      rows.length = 0;
    };
    for (let i = 0; i < ENTRIES; i++) {
      const leaf = hash('sha256', `entry ${i}`, 'buffer');
      rows.push([0, builder.append(new Uint8Array(leaf)), leaf]);
      if (rows.length >= 60_000) await flush();
    }
    await flush();
    const buildMs = performance.now() - buildStart;
    const [{ n }] = (await db.all(sql`SELECT count(*) AS n FROM log_hashes`)) as [{ n: number }];
    const tree = new LogTree(db);
    await tree.restore(ENTRIES);
    if (Buffer.compare(tree.root(), builder.root()) !== 0) throw new Error('restored root differs');
    const size = ENTRIES;
    const root = builder.root();
    for (let i = 0; i < 200; i++) await tree.inclusionProof(Math.floor(Math.random() * size), size); // warm-up
    const times: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const index = Math.floor(Math.random() * size);
      const t0 = performance.now();
      const proof = await tree.inclusionProof(index, size);
      times.push(performance.now() - t0);
      if (i < 50) {
        const leaf = (await tree.leafHash(index))!;
        if (!verifyInclusion(leaf, index, size, proof, root))
          throw new Error('inclusion proof does not verify');
      }
    }
    const consistency: number[] = [];
    for (let i = 0; i < 200; i++) {
      const from = 1 + Math.floor(Math.random() * (size - 1));
      const t0 = performance.now();
      const proof = await tree.consistencyProof(from, size);
      consistency.push(performance.now() - t0);
      if (i < 10 && !verifyConsistency(from, size, proof, await tree.rootAt(from), root)) {
        throw new Error('consistency proof does not verify');
      }
    }
    const recomputeStart = performance.now();
    await tree.recomputeRoot(size);
    const recomputeMs = performance.now() - recomputeStart;
    client.close();
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return {
        mean: s.reduce((a, b) => a + b, 0) / s.length,
        p50: s[Math.floor(s.length / 2)]!,
        p99: s[Math.floor(s.length * 0.99)]!,
      };
    };
    return {
      rows: Number(n),
      buildMs,
      inclusion: stats(times),
      consistency: stats(consistency),
      recomputeMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(
    `kyodaku log bench: ${fmt(RECORDS)} records over HTTP one per request (after ${fmt(WARMUP)} warm-up), ${CONNECTIONS} in flight (${CLIENT} client), ${ROUNDS} × ${fmt(BULK_RECORDS)} in bulk, ${fmt(ENTRIES)}-entry log for proofs, ${availableParallelism()} cores`,
  );
  const raw = { native: nativeVerifyRate(2), noble: nobleVerifyRate() };
  const ing = await ingest();
  const pr = await proofs();
  const ratio = ing.perSecond / raw.native;
  const median = [...ing.bulk].sort((a, b) => a.ratio - b.ratio)[Math.floor(ing.bulk.length / 2)]!;
  const table: Array<[string, string, string]> = [
    ['Ed25519 verify, node:crypto (1 core, sync)', `${fmt(raw.native)} /s`, ''],
    [
      'Ed25519 verify, @noble/ed25519 (1 core)',
      `${fmt(raw.noble)} /s`,
      `${fmt(raw.native / raw.noble, 1)}x slower`,
    ],
    [
      'ingest over HTTP (verify + store + log append)',
      `${fmt(ing.perSecond)} records/s`,
      `statuses ${JSON.stringify(ing.statuses)}, log size ${fmt(ing.logSize)}, CPU ${fmt(ing.cpuPerRequest)} µs/record (all threads incl. load generator)`,
    ],
    [
      'HTTP floor: same POSTs to a Hono app answering 201',
      `${fmt(ing.hello.perSecond)} req/s`,
      `no verify, no store; CPU ${fmt(ing.hello.cpuPerRequest)} µs/request`,
    ],
    ['ingest one per request / raw verify', `${fmt(ratio * 100, 1)} %`, ''],
    ...ing.bulk.map((b, i): [string, string, string] => [
      `bulk ingest round ${i + 1} (POST /v1/publications, ${fmt(BATCH)} per request, ${BULK_CONNECTIONS} in flight)`,
      `${fmt(b.perSecond)} records/s`,
      `raw verify just before ${fmt(b.raw)} /s: ${fmt(b.ratio * 100, 1)} %; statuses ${JSON.stringify(b.statuses)}, CPU ${fmt(b.cpuPerRecord)} µs/record (all threads)`,
    ]),
    [
      'bulk ingest / raw verify, median round (target >= 50%)',
      `${fmt(median.ratio * 100, 1)} %`,
      median.ratio >= 0.5 ? 'OK' : 'UNDER TARGET',
    ],
    [
      `synthetic log: ${fmt(ENTRIES)} leaves`,
      `${fmt(pr.rows)} hash rows`,
      `written in ${fmt(pr.buildMs / 1000, 1)} s`,
    ],
    [
      `inclusion proof at ${fmt(ENTRIES)} (target < 1 ms)`,
      `mean ${fmt(pr.inclusion.mean, 3)} ms`,
      `p50 ${fmt(pr.inclusion.p50, 3)} ms, p99 ${fmt(pr.inclusion.p99, 3)} ms ${pr.inclusion.mean < 1 ? 'OK' : 'OVER TARGET'}`,
    ],
    [
      `consistency proof to ${fmt(ENTRIES)}`,
      `mean ${fmt(pr.consistency.mean, 3)} ms`,
      `p50 ${fmt(pr.consistency.p50, 3)} ms, p99 ${fmt(pr.consistency.p99, 3)} ms`,
    ],
    [`start-up recompute of the root (${fmt(ENTRIES)})`, `${fmt(pr.recomputeMs)} ms`, ''],
  ];
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w1 = Math.max(...table.map((r) => r[1].length));
  for (const [a, b, c] of table) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
}

await main();
