/**
 * The `federation` profile cases pass against the reference node (a real process on a loopback
 * port), which follows peers the suite serves itself on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import type { PrivateJwk } from '@kyodaku/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../client/test/helpers/server-process.ts';
import { federationCases } from '../src/cases/federation/index.ts';
import { runSuite } from '../src/runner.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer({ env: { KYODAKU_FOLLOW_POLL_MS: '100', KYODAKU_FOLLOW_BACKOFF_MS: '200' } });
});
afterAll(() => server?.stop());

it('passes every federation case against the reference node', async () => {
  const report = await runSuite({
    target: server.url,
    adminKey: JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk,
    cases: federationCases,
  });
  const failed = report.cases.filter((c) => c.status !== 'PASSED');
  expect(failed.map((c) => `${c.id}: ${c.status} ${c.message}`)).toEqual([]);
  expect(report.cases.length).toBe(federationCases.length);
}, 300_000);
