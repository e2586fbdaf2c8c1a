/**
 * The rate-limit cases against reference nodes (real processes on loopback ports): with small
 * limits they exhaust the buckets and pass; with the defaults they are SKIPPED, so that a run never
 * spends a node's default budget (spec/conformance.md §4, "Rate limits").
 */
import { readFileSync } from 'node:fs';
import type { PrivateJwk } from '@kyodaku/client';
import { afterAll, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../client/test/helpers/server-process.ts';
import { limitCases } from '../src/cases/limits.ts';
import { runSuite } from '../src/runner.ts';

const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function run(env: Record<string, string>) {
  const server = await startServer({ env });
  servers.push(server);
  return runSuite({
    target: server.url,
    adminKey: JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk,
    cases: limitCases,
  });
}

it('passes every rate-limit case against a node with small limits', async () => {
  const report = await run({
    KYODAKU_RATE_REQUEST_BURST: '20',
    KYODAKU_RATE_REQUESTS_PER_SECOND: '10',
    KYODAKU_RATE_RECEIPT_BURST: '3',
    KYODAKU_RATE_RECEIPTS_PER_MINUTE: '180',
  });
  expect(report.cases.map((c) => `${c.id}: ${c.status} ${c.message}`)).toEqual(
    limitCases.map((c) => `${c.id}: PASSED `),
  );
}, 60_000);

it('skips the exhausting cases against a node with the default limits', async () => {
  const report = await run({});
  const status = Object.fromEntries(report.cases.map((c) => [c.id, c.status]));
  expect(status).toEqual({
    'core-limits-published': 'PASSED',
    'log-limits-receipt-budget': 'SKIPPED',
    'core-limits-requests': 'SKIPPED',
  });
  expect(report.cases.find((c) => c.id === 'log-limits-receipt-budget')?.message).toMatch(/at most 20/);
}, 60_000);
