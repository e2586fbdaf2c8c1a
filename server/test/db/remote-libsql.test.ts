/**
 * The node on a remote libSQL server (issue 16 item 11): a real `sqld` on loopback with a temporary
 * data dir, a real `kyodaku-server start` with KYODAKU_DB=http://127.0.0.1:PORT. A party, its
 * attestation and a record are published; the decision and the signed checkpoint are checked; the
 * node is restarted on the same server and everything is still there.
 *
 * No sqld is packaged for npm or Debian here, so the test looks for one (KYODAKU_TEST_SQLD, else
 * `sqld` on PATH) and is skipped, with a message saying what is missing, when there is none. The
 * same scenario always runs against a Hrana-over-HTTP stand-in (hrana-stand-in.ts), which checks
 * the node's remote path (no pragma set, writes inline, migrations over HTTP) without a server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { KyodakuNode, parseVerifierKey, verifyCheckpoint } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestedParty } from '../../../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { openDb } from '../../src/db/open.ts';
import { type HranaStandIn, startHranaStandIn } from './hrana-stand-in.ts';

export const SQLD_MISSING =
  'sqld not found: set KYODAKU_TEST_SQLD=/path/to/sqld (or put sqld on PATH) to run the remote libSQL test';

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The sqld binary to test with: KYODAKU_TEST_SQLD if set (a path that is not executable is an
 * error, not a skip), else the first executable `sqld` on PATH (looked up without a shell).
 */
export function findSqld(env: Record<string, string | undefined> = process.env): string | undefined {
  const configured = env.KYODAKU_TEST_SQLD;
  if (configured !== undefined && configured !== '') {
    if (!isExecutable(configured)) {
      throw new Error(`KYODAKU_TEST_SQLD=${configured} is not an executable file`);
    }
    return configured;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'sqld');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts sqld on 127.0.0.1:port with its database under `dir`; resolves once it answers HTTP. */
async function startSqld(binary: string, dir: string, port: number) {
  const child: ChildProcess = spawn(
    binary,
    ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError !== undefined) throw new Error(`sqld could not start: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}:\n${output}`);
    try {
      // Any HTTP answer means the server listens (/health is 200 on sqld).
      await fetch(`http://127.0.0.1:${port}/health`);
      return { url: `http://127.0.0.1:${port}`, stop, output: () => output };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`sqld did not answer on port ${port} within 20 s:\n${output}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

describe('findSqld', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-find-sqld-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable sqld on PATH, prefers KYODAKU_TEST_SQLD, and refuses a configured path that is not executable', () => {
    expect(findSqld({ PATH: dir })).toBeUndefined();
    const fake = join(dir, 'sqld');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o644);
    expect(findSqld({ PATH: dir })).toBeUndefined();
    chmodSync(fake, 0o755);
    expect(findSqld({ PATH: `relative${delimiter}${dir}` })).toBe(fake);
    expect(findSqld({ PATH: '', KYODAKU_TEST_SQLD: fake })).toBe(fake);
    expect(() => findSqld({ PATH: dir, KYODAKU_TEST_SQLD: join(dir, 'missing') })).toThrow(
      /KYODAKU_TEST_SQLD=.*missing is not an executable file/,
    );
  });
});

/**
 * Publishes a party, its attestation and a record through a real node process on the database at
 * `db`, checks the decision and the signed checkpoint, restarts the node and checks them again.
 */
async function publishAndRestart(db: string, dataDir: string, nodes: ServerProcess[]) {
  const start = async () => {
    const node = await startServer({ dataDir, env: { KYODAKU_DB: db } });
    nodes.push(node);
    return node;
  };
  const first = await start();
  expect(first.output()).toContain(`database ${db} (a libSQL server`);
  const client = new KyodakuNode(first.url);
  const metadata = await client.wellKnown();
  const vkey = parseVerifierKey(metadata.log!.verifier_key);
  const party = await attestedParty(first);
  const id = 'kyodaku:remote-libsql.test/work-1';
  const published = await party.publish({ work: { type: 'work', ids: [id] }, purposes: { train: 'allow' } });
  const decision = await client.decide({ ids: id, purpose: 'train.genai' });
  expect(decision.decision).toBe('allow');
  expect(decision.records).toContain(published.id);
  const checkpoint = await verifyCheckpoint(await client.checkpointNote(), vkey);
  // The party, its attestation and the record.
  expect(checkpoint.size).toBeGreaterThanOrEqual(3);
  const record = await client.getRecord(published.id);
  expect(record.log!.index).toBeLessThan(checkpoint.size);
  // The database is on the server, not in the data dir.
  expect(existsSync(join(dataDir, 'kyodaku.db'))).toBe(false);

  await first.stop();
  const second = await start();
  const again = new KyodakuNode(second.url);
  expect((await again.wellKnown()).log).toEqual(metadata.log);
  expect(await again.getRecord(published.id)).toEqual(record);
  const decisionAgain = await again.decide({ ids: id, purpose: 'train.genai' });
  expect({ ...decisionAgain, at: '' }).toEqual({ ...decision, at: '' });
  const checkpointAgain = await verifyCheckpoint(await again.checkpointNote(), vkey);
  expect(checkpointAgain.size).toBe(checkpoint.size);
  expect(Buffer.compare(checkpointAgain.rootHash, checkpoint.rootHash)).toBe(0);
}

describe('a node on an http: database URL (a Hrana stand-in, no sqld needed)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kyodaku-hrana-stand-in-'));
  const nodes: ServerProcess[] = [];
  let standIn: HranaStandIn | undefined;
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await standIn?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('Should take the remote path (no pragma set, writes inline) and keep its data across a restart', async () => {
    standIn = await startHranaStandIn(join(scratch, 'server.db'));
    const dataDir = join(scratch, 'node');
    mkdirSync(dataDir);
    await publishAndRestart(standIn.url, dataDir, nodes);
    expect(
      standIn.statements.some((sql) => /^\s*pragma\s+(journal_mode|synchronous|max_page_count)\b/i.test(sql)),
    ).toBe(false);
    expect(standIn.statements.some((sql) => /^\s*insert\b/i.test(sql))).toBe(true);
    // A database cap is a file setting: sqld refuses `PRAGMA max_page_count = N`, and it would not hold.
    await expect(openDb(standIn.url, { maxBytes: 1 << 20 })).rejects.toThrow(
      /applies to a database file only/,
    );
  }, 90_000);
});

const sqld = findSqld();
if (sqld === undefined) console.warn(`remote-libsql.test.ts: ${SQLD_MISSING}`);

describe.skipIf(sqld === undefined)(
  sqld === undefined ? `remote libSQL server: skipped, ${SQLD_MISSING}` : `remote libSQL server (${sqld})`,
  () => {
    const scratch = mkdtempSync(join(tmpdir(), 'kyodaku-remote-libsql-'));
    const nodes: ServerProcess[] = [];
    let server: Awaited<ReturnType<typeof startSqld>> | undefined;
    beforeAll(async () => {
      server = await startSqld(sqld!, scratch, await freePort());
    }, 30_000);
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await server?.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('Should publish, decide and sign checkpoints on sqld, and keep them across a restart', async () => {
      const dataDir = join(scratch, 'node');
      mkdirSync(dataDir);
      await publishAndRestart(server!.url, dataDir, nodes);
    }, 90_000);
  },
);
