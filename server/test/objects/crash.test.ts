/**
 * Durability (issue #5): a real node process is killed with SIGKILL in the middle of a stream of
 * publishes (one by one and in bulk), then restarted on the same data. Every acknowledged record
 * must be there at the index it was acknowledged with, the stored log must recompute to every
 * checkpoint the node signed, and no row may be half-written (objects, index rows and log hashes
 * agree).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRecord,
  KyodakuNode,
  leafHash,
  MerkleTreeBuilder,
  parseVerifierKey,
  signObject,
  toTimestamp,
  verifyCheckpoint,
  verifyConsistency,
} from '@kyodaku/client';
import { createClient } from '@libsql/client';
import { afterAll, expect, it } from 'vitest';
import { attestedParty } from '../../../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-crash-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

async function checkpointOf(url: string, vkey: string) {
  const note = await (await fetch(`${url}/v1/log/checkpoint`)).text();
  return verifyCheckpoint(note, parseVerifierKey(vkey));
}

it('SIGKILL mid-stream: acknowledged records survive, the log recomputes to every signed checkpoint, nothing is half-written', async () => {
  server = await startServer({ dataDir });
  const wk = (await (await fetch(`${server.url}/.well-known/kyodaku`)).json()) as {
    log: { verifier_key: string };
  };
  const vkey = wk.log.verifier_key;
  const party = await attestedParty(server);
  const records = await Promise.all(
    Array.from({ length: 1200 }, (_, i) =>
      signObject(
        'record',
        createRecord({
          iss: party.kid,
          work: { type: 'work', ids: [`url:https://crash.example/${i}`] },
          purposes: { 'train.genai': i % 2 === 0 ? 'allow' : 'deny' },
          issued_at: toTimestamp(Date.now() - 30_000),
        }),
        party.signer,
      ),
    ),
  );

  // Stream publishes with 8 in flight one by one (small transactions, committed inline) and bulk
  // publications of 100 (committed on the writer thread) beside them; kill the process once 150
  // single ones and one bulk publication are acknowledged.
  const node = new KyodakuNode(server.url, { timeoutMs: 5000 });
  const acked = new Map<string, number>();
  const seenCheckpoints: Array<{ size: number; rootHash: Uint8Array }> = [];
  const singles = records.slice(0, 600);
  const batches = Array.from({ length: 6 }, (_, i) => records.slice(600 + i * 100, 700 + i * 100));
  let next = 0;
  let nextBatch = 0;
  let bulkAcked = 0;
  let killed = false;
  const proc = server.process;
  const killWhenDue = () => {
    if (acked.size - bulkAcked * 100 >= 150 && bulkAcked >= 1 && !killed) {
      killed = true;
      proc.kill('SIGKILL');
    }
  };
  const worker = async () => {
    while (next < singles.length && !killed) {
      const record = singles[next++]!;
      try {
        const view = (await node.publishRecord(record)) as { log?: { index: number } };
        acked.set(record.id, view.log!.index);
        if (acked.size % 50 === 0 && !killed) seenCheckpoints.push(await checkpointOf(server!.url, vkey));
        killWhenDue();
      } catch {
        // in flight when the process died: not acknowledged
      }
    }
  };
  const bulkWorker = async () => {
    while (nextBatch < batches.length && !killed) {
      const batch = batches[nextBatch++]!;
      let results: Awaited<ReturnType<typeof node.publishMany>>;
      try {
        results = await node.publishMany(batch);
      } catch {
        continue; // in flight when the process died: not acknowledged
      }
      expect(results.map((r) => r.status)).toEqual(batch.map(() => 201));
      results.forEach((result, i) => {
        acked.set(batch[i]!.id, (result as { log: { index: number } }).log.index);
      });
      bulkAcked++;
      killWhenDue();
    }
  };
  await Promise.all([...Array.from({ length: 8 }, worker), bulkWorker()]);
  await new Promise<void>((done) =>
    proc.exitCode !== null || proc.signalCode !== null ? done() : proc.once('exit', () => done()),
  );
  expect(proc.signalCode).toBe('SIGKILL');
  expect(bulkAcked).toBeGreaterThanOrEqual(1);
  expect(acked.size).toBeGreaterThanOrEqual(250);
  expect(acked.size).toBeLessThan(records.length);

  // Restart on the same data: the node checks its log against its last checkpoint before listening.
  server = await startServer({ dataDir });
  const url = server.url;
  const restarted = new KyodakuNode(url);
  for (const [id, index] of acked) {
    const view = (await restarted.getRecord(id)) as { log?: { index: number } };
    expect(view.log?.index).toBe(index);
  }
  const now = await checkpointOf(url, vkey);

  // The database agrees with itself: dense objects, one leaf hash per object, every subtree hash,
  // index rows only for objects that exist, and the entries recompute to the checkpoint.
  const db = createClient({ url: `file:${join(dataDir, 'kyodaku.db')}` });
  try {
    const count = async (q: string) => Number((await db.execute(q)).rows[0]![0]);
    const n = await count('SELECT count(*) FROM objects');
    expect(await count('SELECT coalesce(max(seq), -1) + 1 FROM objects')).toBe(n);
    expect(now.size).toBe(n);
    for (let level = 0; 2 ** level <= n; level++) {
      expect(await count(`SELECT count(*) FROM log_hashes WHERE level = ${level}`), `level ${level}`).toBe(
        Math.floor(n / 2 ** level),
      );
    }
    expect(
      await count(
        'SELECT count(*) FROM records r LEFT JOIN objects o ON o.seq = r.seq AND o.id = r.id WHERE o.seq IS NULL',
      ),
    ).toBe(0);
    expect(
      await count(
        'SELECT count(*) FROM record_ids i LEFT JOIN records r ON r.id = i.record_id WHERE r.id IS NULL',
      ),
    ).toBe(0);
    const entries = (await db.execute('SELECT jws FROM objects ORDER BY seq')).rows.map((r) => String(r[0]));
    const builder = new MerkleTreeBuilder();
    const roots = new Map<number, Uint8Array>();
    for (const jws of entries) {
      builder.append(leafHash(new Uint8Array(Buffer.from(jws, 'latin1'))));
      roots.set(builder.size, builder.root());
    }
    expect(Buffer.from(builder.root())).toEqual(Buffer.from(now.rootHash));

    // Every checkpoint the node ever signed (stored) and every one the client saw recomputes from
    // the entries, and the new checkpoint is consistent with it.
    const signed = (await db.execute('SELECT size, root FROM log_checkpoints ORDER BY size')).rows.map(
      (r) => ({
        size: Number(r[0]),
        rootHash: new Uint8Array(r[1] as ArrayBuffer),
      }),
    );
    expect(signed.length).toBeGreaterThan(1);
    for (const cp of [...signed, ...seenCheckpoints]) {
      if (cp.size === 0) continue;
      expect(Buffer.from(roots.get(cp.size)!), `checkpoint ${cp.size}`).toEqual(Buffer.from(cp.rootHash));
      const body = (await (
        await fetch(`${url}/v1/log/proof/consistency?from=${cp.size}&to=${now.size}`)
      ).json()) as {
        proof: string[];
      };
      expect(verifyConsistency(cp.size, now.size, body.proof.map(b64), cp.rootHash, now.rootHash)).toBe(true);
    }
  } finally {
    db.close();
  }
}, 120_000);
