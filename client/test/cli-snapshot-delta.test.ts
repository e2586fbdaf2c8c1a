/**
 * `kyodaku snapshot pull` with deltas against a reference node process (spec/snapshot.md §7): a
 * second pull fetches only a signed delta from the snapshot kept, `check --offline` answers from the
 * base with the delta applied (a newly allowed identifier goes to the node, a revoked one is denied
 * locally), a delta file changed on disk is refused, and after a node restart (no delta from the
 * snapshot kept) the whole snapshot is pulled.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecord, createRevocation, KyodakuNode, signObject, toTimestamp } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-delta-node-'));
  server = await startServer({ dataDir });
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-snapshot-delta-'));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

const offline = (id: string) =>
  kyodaku('check', id, '--purpose', 'train.genai', '--offline', '--snapshot', 'snap', '--json');

/** Waits past the node's least time between two snapshots (one second). */
const nextSnapshot = () => new Promise((done) => setTimeout(done, 1100));

describe('kyodaku snapshot pull with deltas', () => {
  it('Should pull a delta from the snapshot kept, answer from it, and pull whole when the node has none', async () => {
    const party = await attestedParty(server);
    const revoked = await party.publish({
      work: { type: 'work', ids: ['isbn:9784063842760'] },
      purposes: { train: 'allow' },
    });
    const first = await kyodaku('snapshot', 'pull', '--dir', 'snap', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).pulled.via).toBe('whole');
    expect(JSON.parse((await offline('isbn:9784088725093')).stdout)).toMatchObject({ source: 'snapshot' });

    await party.publish({
      work: { type: 'work', ids: ['isbn:9784088725093'] },
      purposes: { train: 'allow' },
    });
    await party.node.revokeRecord(
      await signObject(
        'revocation',
        createRevocation({ iss: party.kid, record: revoked.id, issued_at: toTimestamp(Date.now() - 1000) }),
        party.signer,
      ),
    );
    await nextSnapshot();
    const second = await kyodaku('snapshot', 'pull', '--dir', 'snap');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/pulled +delta, \d+ bytes/);
    expect(readdirSync(join(cwd, 'snap', 'deltas'))).toHaveLength(1);
    const again = await kyodaku('snapshot', 'pull', '--dir', 'snap');
    expect(again.stdout).toMatch(/pulled +already current/);
    const added = JSON.parse((await offline('isbn:9784088725093')).stdout);
    expect(added).toMatchObject({ decision: 'allow', source: 'node' });
    const removed = JSON.parse((await offline('isbn:9784063842760')).stdout);
    expect(removed).toMatchObject({ decision: 'deny', source: 'snapshot' });

    // A delta file changed on disk is refused.
    const deltas = join(cwd, 'snap', 'deltas');
    const name = readdirSync(deltas)[0]!;
    const original = readFileSync(join(deltas, name));
    const changed = Buffer.from(original);
    changed[changed.length - 1]! ^= 1;
    writeFileSync(join(deltas, name), changed);
    const shown = await kyodaku('snapshot', 'show', '--dir', 'snap');
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain('ERR_SNAPSHOT_INVALID');
    writeFileSync(join(deltas, name), original);

    // A restarted node keeps no history: the whole snapshot is pulled instead.
    await server.stop();
    server = await startServer({ dataDir });
    await new KyodakuNode(server.url).publishRecord(
      await signObject(
        'record',
        createRecord({
          iss: party.kid,
          work: { type: 'work', ids: ['doi:10.1000/182'] },
          purposes: { train: 'allow' },
          issued_at: toTimestamp(Date.now() - 30_000),
        }),
        party.signer,
      ),
    );
    const third = await kyodaku('snapshot', 'pull', '--dir', 'snap');
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain('no delta from the snapshot kept');
    expect(third.stdout).toMatch(/pulled +whole, \d+ bytes/);
    expect(readdirSync(join(cwd, 'snap', 'deltas'))).toHaveLength(0);
    expect(JSON.parse((await offline('doi:10.1000/182')).stdout)).toMatchObject({ source: 'node' });
  }, 180_000);
});
