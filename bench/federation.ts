/**
 * Federation benchmark (issue #6): catch-up of a mirror following one origin node over loopback,
 * with full verification (checkpoint signature, compact range proven against the checkpoint per
 * page, every object's Ed25519 signature, schema and issuer attestation), for N records (default
 * 100,000). Printed as a ratio to the raw single-core node:crypto Ed25519 verify rate measured in
 * the same run over the same signed records. Target: >= 60%.
 *
 *   npx tsx bench/federation.ts [--records N]
 *
 * The origin is a real `kyodaku-server` process on a loopback port (loaded in-process first); the
 * mirror runs in this process. Not part of `npm test`.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsentRecord, type SignedObject, toTimestamp } from '@kyodaku/client';
import { startServer } from '../client/test/helpers/server-process.ts';
import { openNode } from '../server/src/node.ts';
import { attestedIssuers, benchNode, numberArg, signRecordJws } from './lib/setup.ts';

const RECORDS = numberArg('records', 100_000, 1);
const ISSUERS = 20;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Loads the origin's data dir: ISSUERS attested parties and RECORDS signed records. */
async function prepareOrigin(dir: string): Promise<Array<{ jws: string; x: string }>> {
  const { node, admin, post } = await benchNode(dir, { db: 'kyodaku.db', origin: 'origin.bench/kyodaku' });
  const issuers = await attestedIssuers(post, admin, ISSUERS, 'Bench');
  const sample: Array<{ jws: string; x: string }> = [];
  for (let start = 0; start < RECORDS; start += 10_000) {
    const chunk: SignedObject<'record'>[] = [];
    for (let i = start; i < Math.min(RECORDS, start + 10_000); i++) {
      const who = i % ISSUERS;
      const payload = {
        kind: 'record' as const,
        v: 1 as const,
        iss: issuers[who]!.kid,
        work: { type: 'work' as const, ids: [`kyodaku:bench.example/works/${i}`] },
        purposes:
          i % 2 === 0 ? { all: 'deny' as const } : { train: 'deny' as const, search: 'allow' as const },
        valid_from: '2026-01-01T00:00:00Z',
        issued_at: '2026-01-01T00:00:00Z',
      };
      const jws = signRecordJws(issuers[who]!, payload);
      chunk.push({
        kind: 'record',
        id: createHash('sha256').update(jws).digest('hex'),
        jws,
        header: { alg: 'Ed25519', kid: issuers[who]!.kid, typ: 'kyodaku-record+jws' },
        payload: payload as unknown as ConsentRecord,
      });
      if (sample.length < 20_000) sample.push({ jws, x: issuers[who]!.privateJwk.x });
    }
    await node.records.putRecords(chunk, toTimestamp());
  }
  await node.log.checkpoints.sign();
  node.close();
  return sample;
}

/** Raw single-core node:crypto Ed25519 verifications per second over the same signed records. */
function rawVerifyRate(sample: Array<{ jws: string; x: string }>): number {
  const keys = new Map<string, ReturnType<typeof createPublicKey>>();
  const items = sample.map(({ jws, x }) => {
    let key = keys.get(x);
    if (key === undefined) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
      keys.set(x, key);
    }
    const dot = jws.lastIndexOf('.');
    return { input: Buffer.from(jws.slice(0, dot)), sig: Buffer.from(jws.slice(dot + 1), 'base64url'), key };
  });
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const it of items) if (!verify(null, it.input, it.key, it.sig)) throw new Error('bad signature');
    best = Math.max(best, items.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

async function main() {
  console.log(`kyodaku federation bench: ${fmt(RECORDS)} records, ${availableParallelism()} cores`);
  const originDir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-origin-'));
  const mirrorDir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-mirror-'));
  const t0 = performance.now();
  const sample = await prepareOrigin(originDir);
  console.log(`  origin loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const origin = await startServer({ dataDir: originDir, env: { KYODAKU_ORIGIN: 'origin.bench/kyodaku' } });
  try {
    const wk = (await (await fetch(`${origin.url}/.well-known/kyodaku`)).json()) as { node: { id: string } };
    const size = Number((await (await fetch(`${origin.url}/v1/log/checkpoint`)).text()).split('\n')[1]);
    const rawBefore = rawVerifyRate(sample);

    const mirror = await openNode({
      db: `file:${join(mirrorDir, 'kyodaku.db')}`,
      dataDir: mirrorDir,
      origin: 'mirror.bench/kyodaku',
      follower: { pollMs: 60_000 },
    });
    const federation = mirror.federation!;
    const timing = { verify: 0, commit: 0 };
    const verifyFn = federation.verify.bind(federation);
    const commitFn = federation.commit.bind(federation);
    federation.verify = async (...a) => {
      const t = performance.now();
      try {
        return await verifyFn(...a);
      } finally {
        timing.verify += performance.now() - t;
      }
    };
    federation.commit = async (...a) => {
      const t = performance.now();
      try {
        return await commitFn(...a);
      } finally {
        timing.commit += performance.now() - t;
      }
    };
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await federation.follow({ url: origin.url, nodeKey: wk.node.id });
    const follower = federation.follower(origin.url)!;
    for (;;) {
      await follower.idle();
      if (follower.row.cursor + 1 >= size || follower.state === 'stopped-inconsistent') break;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const status = follower.status();
    await federation.close();
    mirror.close();
    if (status.state !== 'following' || status.refused > 0)
      throw new Error(`catch-up failed: ${JSON.stringify(status)}`);
    const rawAfter = rawVerifyRate(sample);
    // Other load on the machine moves both rates; the raw rate is measured before and after.
    const raw = (rawBefore + rawAfter) / 2;
    const rate = size / seconds;
    console.log(
      `  log entries followed: ${fmt(size)} (${fmt(status.objects)} objects stored, ${fmt(status.ignored)} ignored)`,
    );
    console.log(`  catch-up: ${seconds.toFixed(2)} s, ${fmt(rate)} entries/s with full verification`);
    console.log(
      `  time in verify ${(timing.verify / 1000).toFixed(2)} s, commit ${(timing.commit / 1000).toFixed(2)} s`,
    );
    // CPU of the mirror process (event loop, thread pool and GC threads), less moved by other load
    // than the elapsed time: what a dedicated machine would need per entry.
    console.log(
      `  mirror CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (${((cpu.user + cpu.system) / size).toFixed(0)} µs per entry; ${(raw > 0 ? 1e6 / raw : 0).toFixed(0)} µs per raw verify)`,
    );
    console.log(
      `  raw node:crypto Ed25519 verify (1 core): ${fmt(raw)} /s (${fmt(rawBefore)} before, ${fmt(rawAfter)} after)`,
    );
    console.log(`  ratio: ${((rate / raw) * 100).toFixed(1)}% (target >= 60%)`);
    console.log(`  mirror heap after catch-up: ${fmt(process.memoryUsage().heapUsed / 1e6)} MB`);
  } finally {
    await origin.stop();
    rmSync(originDir, { recursive: true, force: true });
    rmSync(mirrorDir, { recursive: true, force: true });
  }
}

await main();
