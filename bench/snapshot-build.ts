/**
 * Snapshot rebuild benchmark (issue #13): the event loop's delay while a node rebuilds its snapshot,
 * with the filters built on the event loop (as before) and in the worker thread (now), side by side
 * in one run over the same registry. The registry is N allowing records of one attested issuer
 * (default 200,000; `--records 1000000` for the 1M registry), put in the decision index directly.
 * During each build a client asks GET /v1/decision one request after the other; the bench prints the
 * build time, the event-loop delay (max and p99 of how late a 5 ms interval timer fires), the decisions
 * answered during the build, and the ratios worker / event loop.
 *
 *   npx tsx bench/snapshot-build.ts [--records N] [--rounds R]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toTimestamp } from '@kyodaku/client';
import { Snapshots } from '../server/src/snapshots/snapshots.ts';
import { attestedIssuers, benchNode, numberArg } from './lib/setup.ts';

const RECORDS = numberArg('records', 200_000, 1);
const ROUNDS = numberArg('rounds', 2, 1);
const PROBE_MS = 5;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-snapshot-build-'));
const { node, app, admin, post } = await benchNode(dir);
const [issuer] = await attestedIssuers(post, admin, 1, 'Snapshot Bench');
const issuedAt = toTimestamp(Date.now() - 3_600_000);
const t0 = performance.now();
for (let i = 0; i < RECORDS; i++) {
  node.index.addRecord({
    id: `bench-${i}`,
    iss: issuer!.kid,
    type: 'work',
    ids: [`url:https://www.example.com/articles/${i}/index.html`],
    purposes: i % 2 === 0 ? { train: 'allow' } : { 'train.genai': 'allow', search: 'allow' },
    issuedAt,
    validFrom: issuedAt,
    loggedAt: issuedAt,
  });
}
console.log(
  `registry: ${fmt(RECORDS)} allowing records in the index in ${fmt((performance.now() - t0) / 1000, 1)} s`,
);

interface Result {
  buildMs: number;
  maxDelayMs: number;
  p99DelayMs: number;
  decisions: number;
}

async function measure(buildIn: 'event-loop' | 'worker'): Promise<Result> {
  const snapshots = new Snapshots(node, { buildIn });
  const delays: number[] = [];
  let last = performance.now();
  let building = true;
  let decisions = 0;
  const client = (async () => {
    // Bounded: stops with the build, and after at most a million requests.
    for (let i = 0; building && i < 1_000_000; i++) {
      // Each request arrives as I/O would, in a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      const response = await app.request(`/v1/decision?id=isbn:9784088725093&purpose=train.genai`);
      await response.arrayBuffer();
      decisions++;
    }
  })();
  const probe = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - PROBE_MS));
    last = now;
  }, PROBE_MS);
  const start = performance.now();
  await snapshots.current();
  const buildMs = performance.now() - start;
  clearInterval(probe);
  delays.push(Math.max(0, performance.now() - last - PROBE_MS));
  building = false;
  await client;
  delays.sort((a, b) => a - b);
  return {
    buildMs,
    maxDelayMs: delays.at(-1)!,
    p99DelayMs: delays[Math.floor(0.99 * (delays.length - 1))]!,
    decisions,
  };
}

const best = { 'event-loop': [] as Result[], worker: [] as Result[] };
// The worker thread starts once (tsx and the client library load in it): warm it up first.
await measure('worker');
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of ['event-loop', 'worker'] as const) best[mode].push(await measure(mode));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (mode: 'event-loop' | 'worker') => {
  const rs = best[mode];
  return {
    build: median(rs.map((r) => r.buildMs)),
    max: median(rs.map((r) => r.maxDelayMs)),
    p99: median(rs.map((r) => r.p99DelayMs)),
    decisions: median(rs.map((r) => r.decisions)),
  };
};
const loop = row('event-loop');
const worker = row('worker');
console.log(`\nsnapshot rebuild at ${fmt(RECORDS)} records (median of ${ROUNDS} rounds each, interleaved)`);
console.log('                               event loop      worker   worker/event loop');
const line = (what: string, a: number, b: number, unit: string) =>
  console.log(
    `${what.padEnd(30)} ${`${fmt(a, 1)} ${unit}`.padStart(11)} ${`${fmt(b, 1)} ${unit}`.padStart(11)}   ${(b / a).toFixed(3)}`,
  );
line('build time', loop.build, worker.build, 'ms');
line('event-loop delay, max', loop.max, worker.max, 'ms');
line('event-loop delay, p99', loop.p99, worker.p99, 'ms');
line('decisions answered meanwhile', loop.decisions, worker.decisions, '  ');
console.log(
  '\nWhat stays on the event loop with the worker: reading the allowing identifiers from the index,\n' +
    'encoding them for the transfer, diffing them against the last build (for deltas) and signing the\n' +
    'manifest, each in chunks of 10,000 identifiers between which the event loop runs.',
);
node.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
