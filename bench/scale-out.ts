/**
 * Scale-out benchmark (issue #19): publications per second through real `kyodaku-server`
 * processes sharing one PostgreSQL database (a throwaway cluster, as in the tests), one record per
 * request with 12 requests in flight spread round-robin over the processes, for 1, 2 and 3
 * processes, and the same on one process over an embedded libSQL file. Printed as ratios to the
 * one-process PostgreSQL run measured in the same run. Appends of all processes take turns under
 * the log head's row lock, so more processes add signature checking and HTTP capacity, not append
 * throughput (docs/operations.md §7).
 *
 *   npx tsx bench/scale-out.ts [--records N]
 *
 * Needs PostgreSQL (initdb, pg_ctl). Not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecord, KyodakuNode, signObject, toTimestamp } from '@kyodaku/client';
import { attestedParty } from '../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../client/test/helpers/server-process.ts';
import { startPgCluster } from '../server/test/db/pg-cluster.ts';
import { numberArg } from './lib/setup.ts';

const RECORDS = numberArg('records', 600, 12);
const IN_FLIGHT = 12;

/** Publications per second through `n` processes on the database `db` (undefined: a libSQL file). */
async function measure(n: number, db: string | undefined): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-scale-'));
  const servers: ServerProcess[] = [];
  try {
    const env: Record<string, string> = {
      KYODAKU_ORIGIN: 'scale.bench/kyodaku',
      ...(db && { KYODAKU_DB: db }),
    };
    servers.push(await startServer({ dataDir, env }));
    for (let i = 1; i < n; i++) servers.push(await startServer({ dataDir, env }));
    const party = await attestedParty(servers[0]!);
    // Every process follows the attestation before the clock starts.
    await new Promise((r) => setTimeout(r, 1500));
    const records = await Promise.all(
      Array.from({ length: RECORDS }, (_, i) =>
        signObject(
          'record',
          createRecord({
            iss: party.kid,
            work: { type: 'work', ids: [`url:https://scale.bench/${i}`] },
            purposes: { all: 'allow' },
            issued_at: toTimestamp(Date.now() - 30_000),
          }),
          party.signer,
        ),
      ),
    );
    const clients = servers.map((s) => new KyodakuNode(s.url));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < records.length; i = next++)
          await clients[i % clients.length]!.publishRecord(records[i]!);
      }),
    );
    return RECORDS / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const cluster = await startPgCluster();
try {
  const rates: Array<[string, number]> = [];
  for (const n of [1, 2, 3])
    rates.push([
      `PostgreSQL, ${n} process${n > 1 ? 'es' : ''}`,
      await measure(n, await cluster.createDatabase(`bench_${n}`)),
    ]);
  rates.push(['libSQL file, 1 process', await measure(1, undefined)]);
  const base = rates[0]![1];
  console.log(`${RECORDS} publications, one record per request, ${IN_FLIGHT} in flight:`);
  for (const [name, rate] of rates)
    console.log(
      `  ${name.padEnd(26)} ${Math.round(rate).toString().padStart(6)} /s  ${(rate / base).toFixed(2)}×`,
    );
} finally {
  cluster.stop();
}
