/**
 * `kyodaku-server backup DEST` on a live node (a real process publishing meanwhile), restored into
 * a new data directory: the restored node signs with the same key under the same origin, its
 * checkpoint is consistent with one taken before the backup and is a prefix of the live log, and
 * its records answer as the live node's do.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Checkpoint,
  decodeProof,
  KyodakuNode,
  parseVerifierKey,
  verifyCheckpoint,
  verifyConsistency,
} from '@kyodaku/client';
import { afterAll, describe, expect, it } from 'vitest';
import { attestedParty } from '../../../client/test/helpers/parties.ts';
import {
  REPO_ROOT,
  SERVER_BIN,
  type ServerProcess,
  startServer,
} from '../../../client/test/helpers/server-process.ts';
import { BackupError, backup } from '../../src/ops/backup.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kyodaku-backup-test-'));
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

function runBackup(dataDir: string, dest: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_BIN, 'backup', dest], {
      cwd: REPO_ROOT,
      env: { ...process.env, KYODAKU_DATA_DIR: dataDir, KYODAKU_DB: `file:${join(dataDir, 'kyodaku.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function checkpointOf(node: KyodakuNode, vkey: string): Promise<Checkpoint> {
  return verifyCheckpoint(await node.checkpointNote(), parseVerifierKey(vkey));
}

async function consistent(node: KyodakuNode, older: Checkpoint, newer: Checkpoint): Promise<boolean> {
  if (older.size === newer.size) return Buffer.compare(older.rootHash, newer.rootHash) === 0;
  const { proof } = await node.consistencyProof(older.size, newer.size);
  return verifyConsistency(older.size, newer.size, decodeProof(proof), older.rootHash, newer.rootHash);
}

describe('backup and restore', () => {
  it('Should back up a live node and restore it into a new data dir whose log still verifies', async () => {
    const live = await startServer();
    servers.push(live);
    const liveNode = new KyodakuNode(live.url);
    const metadata = await liveNode.wellKnown();
    const vkey = metadata.log!.verifier_key;
    const party = await attestedParty(live);
    const publish = (n: number) =>
      party.publish({
        work: { type: 'work', ids: [`kyodaku:backup.test/work-${n}`] },
        purposes: { train: n % 2 === 0 ? 'allow' : 'deny' },
      });
    const before = [];
    for (let n = 0; n < 6; n++) before.push(await publish(n));
    const early = await checkpointOf(liveNode, vkey);
    for (let n = 6; n < 12; n++) before.push(await publish(n));

    // Back up while the node keeps accepting records.
    const dest = join(scratch, 'restored');
    let writing = true;
    const during: Array<Awaited<ReturnType<typeof publish>>> = [];
    const writer = (async () => {
      for (let n = 100; writing && n < 400; n++) during.push(await publish(n));
    })();
    const result = await runBackup(live.dataDir, dest);
    writing = false;
    await writer;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/backed up \d+ objects/);
    expect(readdirSync(dest).sort()).toEqual(['admin.key', 'kyodaku.db', 'node.key', 'origin']);
    for (const name of ['admin.key', 'node.key', 'kyodaku.db']) {
      expect(statSync(join(dest, name)).mode & 0o077, name).toBe(0);
    }

    const restored = await startServer({ dataDir: dest });
    servers.push(restored);
    const restoredNode = new KyodakuNode(restored.url);
    const restoredMetadata = await restoredNode.wellKnown();
    expect(restoredMetadata.node).toEqual(metadata.node);
    expect(restoredMetadata.log).toEqual(metadata.log);

    // The restored log verifies under the same key, extends the early checkpoint and is a prefix of the live log.
    const restoredCheckpoint = await checkpointOf(restoredNode, vkey);
    expect(restoredCheckpoint.size).toBeGreaterThanOrEqual(early.size + 6);
    expect(await consistent(restoredNode, early, restoredCheckpoint)).toBe(true);
    const liveCheckpoint = await checkpointOf(liveNode, vkey);
    expect(liveCheckpoint.size).toBeGreaterThanOrEqual(restoredCheckpoint.size);
    expect(await consistent(liveNode, restoredCheckpoint, liveCheckpoint)).toBe(true);

    // Records answer the same; a record published during the backup is in the copy whole or not at all.
    for (const record of before) {
      const [a, b] = await Promise.all([liveNode.getRecord(record.id), restoredNode.getRecord(record.id)]);
      expect(b).toEqual(a);
      const id = record.record.work.ids[0]!;
      const [da, db] = await Promise.all([
        liveNode.decide({ ids: id, purpose: 'train.genai' }),
        restoredNode.decide({ ids: id, purpose: 'train.genai' }),
      ]);
      expect({ ...db, at: '' }).toEqual({ ...da, at: '' });
    }
    let copied = 0;
    for (const record of during) {
      const view = await restoredNode.getRecord(record.id).catch(() => undefined);
      if (view === undefined) continue;
      copied++;
      expect(view).toEqual(await liveNode.getRecord(record.id));
      expect(view.log!.index).toBeLessThan(restoredCheckpoint.size);
    }
    expect(copied).toBeLessThanOrEqual(during.length);
  }, 60_000);

  it('Should refuse a database that is not a file, a missing database and a destination that is not empty', async () => {
    const dataDir = join(scratch, 'refusals');
    mkdirSync(dataDir);
    for (const name of ['node.key', 'admin.key']) writeFileSync(join(dataDir, name), '{}');
    const db = `file:${join(dataDir, 'kyodaku.db')}`;
    await expect(
      backup({ db: 'postgres://db.example/kyodaku', dataDir, dest: join(scratch, 'a') }),
    ).rejects.toThrow(/not an embedded file/);
    const missing = await runBackup(dataDir, join(scratch, 'b'));
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/backup failed: no database at/);
    writeFileSync(join(dataDir, 'kyodaku.db'), '');
    const full = join(scratch, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'something'), 'x');
    await expect(backup({ db, dataDir, dest: full })).rejects.toThrow(BackupError);
    await expect(backup({ db, dataDir, dest: full })).rejects.toThrow(/is not empty/);
  });
});
