/**
 * Usage benchmark (issue #12): one holder with --items works (default 100,000), each with its own
 * signed record, then in one run:
 *   - record ingest: the records published through POST /v1/publications (1,000 a request), records/s;
 *   - declaration ingest: one usage declaration citing every work, by manifest (POST /v1/usage,
 *     application/x-ndjson), items/s: checked against the decision index, stored with its label;
 *   - report generation: the holder's signed report (GET /v1/usage/report) over those citations,
 *     citations/s;
 * each printed with its ratio to the record ingest rate measured in the same run.
 *
 *   npx tsx bench/usage.ts [--items N]
 *
 * In-process (app.request), so that the figures are the node's work, not the HTTP stack's. Not part
 * of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateKeyPair,
  importSigner,
  manifestOf,
  schemas,
  signObject,
  toTimestamp,
  type UsageItem,
  usageBodyOf,
} from '@kyodaku/client';
import { attestedIssuers, benchNode, numberArg, signRecordJws } from './lib/setup.ts';

const ITEMS = numberArg('items', 100_000, 1);
const BATCH = 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const workId = (i: number) => `kyodaku:bench.example/usage/${i}`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-usage-'));
  console.log(`kyodaku usage bench: ${fmt(ITEMS)} works of one holder, ${availableParallelism()} cores`);
  const { node, app, admin, post } = await benchNode(dir);
  try {
    const [holder] = await attestedIssuers(post, admin, 1, 'Usage holder');
    const issuedAt = toTimestamp(Date.now() - 60_000);
    const records: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      records.push(
        signRecordJws(holder!, {
          conditions: { compensation: { amount: '2', currency: 'JPY', model: 'per-use' } },
          issued_at: issuedAt,
          iss: holder!.kid,
          kind: 'record',
          purposes: { 'train.genai': 'conditional' },
          v: 1,
          valid_from: issuedAt,
          work: { ids: [workId(i)], type: 'work' },
        }),
      );
    }

    // Record ingest through bulk publication.
    const recordStart = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < records.length; i += BATCH) {
      const response = await app.request('/v1/publications', {
        method: 'POST',
        body: JSON.stringify({ objects: records.slice(i, i + BATCH) }),
        headers: { 'content-type': 'application/json' },
      });
      const body = schemas.PublicationResponse.parse(await response.json());
      for (const r of body.results) {
        if (r.status !== 201) throw new Error(`record refused: ${JSON.stringify(r)}`);
        ids.push(r.id as string);
      }
    }
    const recordSeconds = (performance.now() - recordStart) / 1000;
    const recordRate = ITEMS / recordSeconds;

    // An AI developer, registered and attested through the API.
    const keys = await generateKeyPair();
    const signer = await importSigner(keys.privateJwk);
    const party = await signObject(
      'party',
      {
        kind: 'party',
        v: 1,
        key: keys.publicJwk,
        role: 'ai-developer',
        names: { en: 'Bench AI' },
        issued_at: issuedAt,
      },
      signer,
    );
    if ((await post('/v1/parties', party.jws)).status !== 201)
      throw new Error('developer registration failed');
    const attest = await signObject(
      'admin',
      {
        kind: 'admin',
        v: 1,
        action: 'attest',
        party: keys.kid,
        issued_at: toTimestamp(),
        nonce: 'usage-bench-developer',
      },
      admin,
    );
    if ((await post('/v1/attestations', attest.jws)).status !== 201) throw new Error('attestation failed');

    // Declaration ingest: one declaration citing every work, by manifest.
    const items: UsageItem[] = ids.map((record, i) => ({
      ids: [workId(i)],
      purpose: 'train.genai',
      records: [record],
      uses: 3,
    }));
    const declareStart = performance.now();
    const manifest = await manifestOf(items);
    const declaration = await signObject(
      'usage-declaration',
      {
        kind: 'usage-declaration',
        v: 1,
        iss: keys.kid,
        subject: { type: 'model', name: 'Bench model', version: '1' },
        period: { from: issuedAt, until: toTimestamp(Date.now() + 86_400_000) },
        manifest: manifest.ref,
        issued_at: toTimestamp(),
      },
      signer,
    );
    const declared = await app.request('/v1/usage', {
      method: 'POST',
      body: usageBodyOf(declaration.jws, manifest),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    if (declared.status !== 201)
      throw new Error(`declaration refused: ${(await declared.text()).slice(0, 500)}`);
    const declareSeconds = (performance.now() - declareStart) / 1000;
    const { label } = schemas.DeclarationView.parse(await declared.json());

    // Report generation for the holder.
    const reportStart = performance.now();
    const reported = await app.request(`/v1/usage/report?holder=${holder!.kid}`);
    const { report } = schemas.UsageReportResponse.parse(await reported.json());
    const reportSeconds = (performance.now() - reportStart) / 1000;
    if (report.items !== ITEMS) throw new Error(`the report counts ${report.items} items`);

    const declareRate = ITEMS / declareSeconds;
    const reportRate = ITEMS / reportSeconds;
    console.log(
      `label ${label}; report totals ${report.totals.map((t) => `${t.amount} ${t.currency}`).join(', ')}`,
    );
    console.log('');
    console.log('| measurement | time | rate | ratio to record ingest |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `| record ingest (POST /v1/publications, ${BATCH} a request) | ${recordSeconds.toFixed(1)} s | ${fmt(recordRate)} records/s | 1.00 |`,
    );
    console.log(
      `| declaration of ${fmt(ITEMS)} items (manifest, one request) | ${declareSeconds.toFixed(1)} s | ${fmt(declareRate)} items/s | ${(declareRate / recordRate).toFixed(2)} |`,
    );
    console.log(
      `| holder report over ${fmt(ITEMS)} citations | ${reportSeconds.toFixed(1)} s | ${fmt(reportRate)} citations/s | ${(reportRate / recordRate).toFixed(2)} |`,
    );
  } finally {
    node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
