/**
 * The suite against the reference node: a real server process (temp data dir and database,
 * ephemeral port), all core cases, zero failures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, readAdminKey, runSuite } from '../src/runner.ts';

const SERVER_BIN = fileURLToPath(new URL('../../server/bin/kyodaku-server.js', import.meta.url));

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER_BIN, 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      KYODAKU_DATA_DIR: dataDir,
      KYODAKU_DB: `file:${join(dataDir, 'kyodaku.db')}`,
      // The federation cases follow peers the suite serves on 127.0.0.1; poll them briskly, and
      // back off from 200 ms (REQ-FED-020: the back-off case observes it doubling).
      KYODAKU_FOLLOW_POLL_MS: '200',
      KYODAKU_FOLLOW_BACKOFF_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  return { url, child };
}

describe('the reference node', () => {
  let dataDir: string;
  let server: { url: string; child: ChildProcess };
  let report: Report;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyodaku-conformance-ref-'));
    server = await startServer(dataDir);
    report = await runSuite({ target: server.url, adminKey: await readAdminKey(join(dataDir, 'admin.key')) });
  }, 180_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes every core, log, federation and generation case', () => {
    const failed = report.cases
      .filter((c) => c.status === 'FAILED')
      .map((c) => `${c.id}: ${c.message.split('\n')[0]}`);
    expect(failed).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(150);
    expect(report.profiles).toContain('federation');
    expect(
      report.cases.filter((c) => c.profile === 'federation' && c.status === 'PASSED').length,
    ).toBeGreaterThan(15);
    expect(
      report.cases.filter((c) => c.profile === 'generation' && c.status === 'PASSED').length,
    ).toBeGreaterThan(30);
  });

  it('runs again against the same node (fresh parties and identifiers per run)', async () => {
    const again = await runSuite({
      target: server.url,
      adminKey: await readAdminKey(join(dataDir, 'admin.key')),
      only: ['core-record-*', 'core-decide-*', 'core-attest-*'],
    });
    expect(again.cases.filter((c) => c.status === 'FAILED').map((c) => c.id)).toEqual([]);
    expect(again.summary.total).toBeGreaterThan(20);
  }, 120_000);
});
