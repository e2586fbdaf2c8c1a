/**
 * A CLI test session: a real node process and a work directory, started before the file's tests and
 * stopped after them, and `kyodaku` run in that directory against that node.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from './cli.ts';
import { type ServerProcess, startServer } from './server-process.ts';

export function cliSession(prefix: string) {
  const session = {
    server: undefined as unknown as ServerProcess,
    cwd: '',
    /** Runs kyodaku in the work dir against the test node (given by KYODAKU_NODE). */
    kyodaku(...args: string[]) {
      return runCli(args, { cwd: session.cwd, env: { KYODAKU_NODE: session.server.url } });
    },
    /** Runs kyodaku with --json, asserts exit 0 and parses what it prints. */
    async json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
      const result = await session.kyodaku(...args, '--json');
      expect(result.code, result.stderr + result.stdout).toBe(0);
      return JSON.parse(result.stdout) as T;
    },
  };
  beforeAll(async () => {
    session.server = await startServer();
    session.cwd = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => session.server?.stop());
  return session;
}
