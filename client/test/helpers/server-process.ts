/**
 * A real `kyodaku-server` process for end-to-end tests: loopback, an ephemeral port, a temporary
 * data dir (node key, admin key, database). Reusable by any workspace's tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVER_BIN = join(REPO_ROOT, 'server/bin/kyodaku-server.js');

export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  dataDir: string;
  /** The node's admin key file (private JWK). */
  adminKeyPath: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Stops the server and removes the data dir (if this helper created it). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this data dir (kept on stop) instead of a fresh temporary one. */
  dataDir?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const own = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kyodaku-e2e-'));
  const child = spawn(process.execPath, [SERVER_BIN, 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      KYODAKU_DATA_DIR: dataDir,
      KYODAKU_DB: `file:${join(dataDir, 'kyodaku.db')}`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (own) rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kyodaku-server did not start within ${options.timeoutMs ?? 20_000} ms:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1]!,
          dataDir,
          adminKeyPath: join(dataDir, 'admin.key'),
          process: child,
          output: () => output,
          stop,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kyodaku-server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** A loopback URL on which nothing listens (for network-error tests). */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

/** Loads the demo registry (`kyodaku-server seed`) into a data dir; run it before startServer. */
export function seedDataDir(dataDir: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SERVER_BIN, 'seed'], {
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
    child.once('close', (code) =>
      code === 0
        ? resolvePromise(output)
        : reject(new Error(`kyodaku-server seed exited with ${code}:\n${output}`)),
    );
  });
}
