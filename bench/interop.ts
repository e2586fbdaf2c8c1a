/**
 * Interop export benchmark (issue #14): loads --records signed records (default 10,000) about url
 * prefixes, then measures over HTTP at --connections (default 50), side by side in one run,
 * GET /v1/decision?purpose=all against each export of the same items (aipref, cawg, rsl, tdmrep,
 * tdm-policy), as requests/s, p99 and the ratio to the decision. The exports answer from the same
 * in-memory decision index; the ratio is the cost of rendering the foreign format (and, for
 * tdm-policy, of reading the offering party from the database).
 *
 *   npx tsx bench/interop.ts [--records N] [--seconds S] [--connections C]
 *
 * The load comes from a worker thread of this process, which competes with the server for the CPU
 * (2 cores here): figures are a floor. Not part of `npm test`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type ConsentRecord, type SignedObject, toTimestamp } from '@kyodaku/client';
import { httpLoad } from './lib/http-load.ts';
import { attestedIssuers, benchNode, numberArg, signRecordJws } from './lib/setup.ts';

const RECORDS = numberArg('records', 10_000, 1);
const SECONDS = numberArg('seconds', 5, 1);
const CONNECTIONS = numberArg('connections', 50, 1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const urlId = (i: number) => `url:https://bench.example/works/${i}/*`;

const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-interop-'));
try {
  const { node, app, admin, post } = await benchNode(dir);
  const issuers = await attestedIssuers(post, admin, 4, 'Bench interop publisher');
  const purposeSets = [
    { train: 'deny', search: 'allow' },
    { train: 'conditional', 'input.system': 'allow' },
  ] as const;
  const terms = { compensation: { model: 'per-use', currency: 'JPY', amount: '50' }, territory: ['JP'] };
  const records: SignedObject<'record'>[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const issuer = issuers[i % issuers.length]!;
    const payload = {
      kind: 'record' as const,
      v: 1 as const,
      iss: issuer.kid,
      work: { type: 'work' as const, ids: [urlId(i)] },
      purposes: purposeSets[i % 2]!,
      ...(i % 2 === 1 && { conditions: terms }),
      valid_from: '2026-01-01T00:00:00Z',
      issued_at: '2026-01-01T00:00:00Z',
    };
    const jws = signRecordJws(issuer, payload);
    records.push({
      kind: 'record',
      id: createHash('sha256').update(jws).digest('hex'),
      jws,
      header: { alg: 'Ed25519', kid: issuer.kid, typ: 'kyodaku-record+jws' },
      payload: payload as unknown as ConsentRecord,
    });
  }
  await node.records.putRecords(records, toTimestamp());
  console.log(`loaded ${fmt(RECORDS)} signed records`);

  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ids = Array.from({ length: Math.min(RECORDS, 2000) }, (_, i) =>
    encodeURIComponent(urlId(i).replace('*', 'page')),
  );
  const routes: Array<[string, (id: string) => string]> = [
    ['decision (all)', (id) => `/v1/decision?id=${id}&purpose=all`],
    ['aipref', (id) => `/v1/interop/aipref?id=${id}`],
    ['cawg', (id) => `/v1/interop/cawg?id=${id}`],
    ['tdmrep', (id) => `/v1/interop/tdmrep?id=${id}`],
    ['rsl', (id) => `/v1/interop/rsl?id=${id}`],
    ['odrl', (id) => `/v1/interop/odrl?id=${id}`],
    ['tdm-policy', (id) => `/v1/interop/tdm-policy?id=${id}`],
  ];
  let decisionRps = 0;
  console.log(`over HTTP, ${CONNECTIONS} connections, ${SECONDS} s each:`);
  for (const [name, path] of routes) {
    const result = await httpLoad({ base, paths: ids.map(path), seconds: SECONDS, connections: CONNECTIONS });
    if (decisionRps === 0) decisionRps = result.rps;
    console.log(
      `  ${name.padEnd(15)} ${fmt(result.rps).padStart(7)} req/s  p99 ${result.p99.toFixed(1).padStart(6)} ms  ` +
        `${(result.rps / decisionRps).toFixed(2)}x the decision  errors ${result.errors}`,
    );
  }
  server.close();
  node.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
