/**
 * Crawler identity benchmark (issue #13, spec/crawler-identity.md): what verifying a Web Bot Auth
 * signature costs a node. In one run, interleaved over several rounds (the best round of each is
 * kept), the same decision query through the app (in process, 64 in flight): unsigned, signed by a
 * registered ai-developer key, and signed by a key of a key directory (served on loopback, cached
 * after the first fetch); then batch decisions of 1,000 ids, unsigned and signed (one signature per
 * batch). Prints requests/s (ids/s) and the ratio of each signed variant to unsigned, and what
 * signing costs the crawler per request.
 *
 *   npx tsx bench/crawler-identity.ts [--requests N] [--rounds R]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crawlerSignatureHeaders,
  createParty,
  generateKeyPair,
  importSigner,
  KEY_DIRECTORY_PATH,
  keyDirectoryBody,
  keyDirectoryHeaders,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { benchNode, numberArg } from './lib/setup.ts';

const REQUESTS = numberArg('requests', 20_000, 64);
const ROUNDS = numberArg('rounds', 3, 1);
const IN_FLIGHT = 64;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-crawler-'));
const { app, post, node } = await benchNode(dir);

// A registered crawler (ai-developer party) and one whose key is in a directory on loopback.
const registeredKeys = await generateKeyPair();
const registered = await importSigner(registeredKeys.privateJwk);
const party = await signObject(
  'party',
  createParty({
    key: registeredKeys.publicJwk,
    role: 'ai-developer',
    names: { en: 'bench crawler' },
    issued_at: toTimestamp(Date.now() - 60_000),
  }),
  registered,
);
if ((await post('/v1/parties', party.jws)).status !== 201) throw new Error('party registration failed');
const listedKeys = await generateKeyPair();
const listed = await importSigner(listedKeys.privateJwk);
const directory = createServer(async (req, res) => {
  const body = await keyDirectoryBody([listedKeys.publicJwk]);
  res
    .writeHead(
      200,
      await keyDirectoryHeaders(`http://${req.headers.host}${KEY_DIRECTORY_PATH}`, body, [listed]),
    )
    .end(body);
});
await new Promise<void>((resolve) => directory.listen(0, '127.0.0.1', resolve));
const agent = `http://127.0.0.1:${(directory.address() as AddressInfo).port}`;

const url = 'http://node.bench/v1/decision?id=url:https://example.org/page&purpose=train.genai';
const headerSets = async (crawler: Parameters<typeof crawlerSignatureHeaders>[0]) =>
  Promise.all(
    Array.from({ length: IN_FLIGHT }, () => crawlerSignatureHeaders(crawler, { method: 'GET', url })),
  );

const signStart = performance.now();
const signing = 2000;
for (let i = 0; i < signing; i++)
  await crawlerSignatureHeaders({ signer: listed, agent }, { method: 'GET', url });
const signPerSecond = signing / ((performance.now() - signStart) / 1000);

const variants: Array<[string, Array<Record<string, string>>]> = [
  ['unsigned', Array.from({ length: IN_FLIGHT }, () => ({}))],
  ['signed, registered key', await headerSets({ signer: registered, lifetimeSeconds: 3600 })],
  ['signed, key directory', await headerSets({ signer: listed, agent, lifetimeSeconds: 3600 })],
];

const BATCH_URL = 'http://node.bench/v1/decisions';
const BATCH_BODY = JSON.stringify({
  ids: Array.from({ length: 1000 }, (_, i) => `url:https://example.org/page/${i}`),
  purposes: ['train.genai'],
});
const batchHeaderSets = async (crawler: Parameters<typeof crawlerSignatureHeaders>[0] | undefined) =>
  Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => ({
      'content-type': 'application/json',
      ...(crawler && (await crawlerSignatureHeaders(crawler, { method: 'POST', url: BATCH_URL }))),
    })),
  );
const batchVariants: Array<[string, Array<Record<string, string>>]> = [
  ['unsigned', await batchHeaderSets(undefined)],
  ['signed, key directory', await batchHeaderSets({ signer: listed, agent, lifetimeSeconds: 3600 })],
];

async function round(
  headers: Array<Record<string, string>>,
  target: { url: string; body?: string } = { url },
  requests = REQUESTS,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (slot: number) => {
    for (let guard = 0; guard < requests && next < requests; guard++) {
      next++;
      const res = await app.request(target.url, {
        headers: headers[slot]!,
        ...(target.body !== undefined && { method: 'POST', body: target.body }),
      });
      if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => worker(i)));
  return requests / ((performance.now() - start) / 1000);
}

const best = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, headers] of variants) best.set(name, Math.max(best.get(name) ?? 0, await round(headers)));
}
const unsigned = best.get('unsigned')!;
console.log(
  `decisions through the app, ${fmt(REQUESTS)} requests x ${ROUNDS} rounds, ${IN_FLIGHT} in flight (best round):`,
);
for (const [name] of variants) {
  const rps = best.get(name)!;
  console.log(
    `  ${name.padEnd(24)} ${fmt(rps).padStart(9)} req/s   ratio to unsigned ${(rps / unsigned).toFixed(2)}`,
  );
}
const batches = Math.max(64, Math.floor(REQUESTS / 50));
const bestBatch = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, headers] of batchVariants) {
    const rps = await round(headers, { url: BATCH_URL, body: BATCH_BODY }, batches);
    bestBatch.set(name, Math.max(bestBatch.get(name) ?? 0, rps));
  }
}
const unsignedBatch = bestBatch.get('unsigned')!;
console.log(`batch decisions of 1,000 ids, ${fmt(batches)} requests x ${ROUNDS} rounds (best round):`);
for (const [name] of batchVariants) {
  const ids = bestBatch.get(name)! * 1000;
  console.log(
    `  ${name.padEnd(24)} ${fmt(ids).padStart(9)} ids/s   ratio to unsigned ${(ids / (unsignedBatch * 1000)).toFixed(2)}`,
  );
}
console.log(`  crawler side: ${fmt(signPerSecond)} signatures/s (one per request)`);

directory.close();
node.close();
rmSync(dir, { recursive: true, force: true });
