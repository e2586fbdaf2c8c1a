/** The `crawler-identity` profile cases pass against the reference node (a real process on a loopback port). */
import { readFileSync } from 'node:fs';
import type { PrivateJwk } from '@kyodaku/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../client/test/helpers/server-process.ts';
import { crawlerIdentityCases } from '../src/cases/crawler-identity.ts';
import { runSuite } from '../src/runner.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

it('passes every crawler-identity case against the reference node', async () => {
  const report = await runSuite({
    target: server.url,
    adminKey: JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk,
    cases: crawlerIdentityCases,
  });
  const failed = report.cases.filter((c) => c.status !== 'PASSED');
  expect(failed.map((c) => `${c.id}: ${c.status} ${c.message}`)).toEqual([]);
  expect(report.cases.length).toBe(crawlerIdentityCases.length);
});
