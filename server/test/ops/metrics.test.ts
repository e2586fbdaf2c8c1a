/** GET /metrics: Prometheus text with requests by route and status, latency, log, ingest, decisions. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

async function scrape(app = t.app): Promise<string> {
  const res = await app.request('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('Should count requests by method, route pattern and status, with a latency histogram', async () => {
  await t.get('/v1/records/0000000000000000000000000000000000000000000000000000000000000000');
  await t.get('/v1/records/1111111111111111111111111111111111111111111111111111111111111111');
  await t.get('/no/such/path');
  await t.app.request('/v1/decision', { method: 'DELETE' });
  const text = await scrape();
  expect(sample(text, 'kyodaku_http_requests_total{method="GET",route="/v1/records/:id",status="404"}')).toBe(
    2,
  );
  expect(sample(text, 'kyodaku_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
  expect(sample(text, 'kyodaku_http_requests_total{method="DELETE",route="/v1/decision",status="405"}')).toBe(
    1,
  );
  expect(
    sample(text, 'kyodaku_http_request_duration_seconds_count{method="GET",route="/v1/records/:id"}'),
  ).toBe(2);
  expect(text).toContain(
    'kyodaku_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/v1/records/:id"}',
  );
});

it('Should report the log, objects accepted by kind, decisions and receipts', async () => {
  const party = await t.party();
  const record = await party.record({ ids: ['isbn:9784088725093'] });
  expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
  const bulk = await t.postJson('/v1/publications', {
    objects: [(await party.record({ ids: ['isbn:9784063842760'] })).jws, record.jws],
  });
  expect(bulk.status).toBe(200);
  await t.get('/v1/decision?id=isbn:9784088725093&purpose=train');
  await t.get('/v1/decision?id=isbn:9784088725093&purpose=train&receipt=1&nonce=AAAAAAAAAAAAAAAAAAAAAA');
  await t.postJson('/v1/decisions', { ids: ['isbn:9784088725093'], purposes: ['train'] });
  await t.get('/v1/log/checkpoint');
  const text = await scrape();
  expect(sample(text, 'kyodaku_objects_accepted_total{kind="party"}')).toBe(1);
  expect(sample(text, 'kyodaku_objects_accepted_total{kind="attestation"}')).toBe(1);
  expect(sample(text, 'kyodaku_objects_accepted_total{kind="record"}')).toBe(2);
  expect(sample(text, 'kyodaku_decision_requests_total{endpoint="single"}')).toBe(2);
  expect(sample(text, 'kyodaku_decision_requests_total{endpoint="batch"}')).toBe(1);
  expect(sample(text, 'kyodaku_receipt_requests_total{result="admitted"}')).toBe(1);
  expect(sample(text, 'kyodaku_log_entries')).toBe(t.node.objects.size);
  expect(sample(text, 'kyodaku_log_checkpoint_size')).toBe(t.node.objects.size);
  expect(sample(text, 'kyodaku_log_unsigned_seconds')).toBe(0);
  expect(sample(text, 'kyodaku_log_signing_failing')).toBe(0);
  expect(sample(text, 'kyodaku_records_indexed')).toBe(2);
});

it('Should count rate-limited requests and add process metrics when asked', async () => {
  const app = createApp(t.node, {
    rateLimits: { requests: { burst: 1, perSecond: 0.01 } },
    metrics: { process: true },
  });
  await app.request('/.well-known/kyodaku');
  expect((await app.request('/.well-known/kyodaku')).status).toBe(429);
  const text = await scrape(app);
  expect(sample(text, 'kyodaku_rate_limited_total{limit="requests"}')).toBe(1);
  expect(text).toContain('process_cpu_user_seconds_total');
  expect((await createApp(t.node, { metrics: false }).request('/metrics')).status).toBe(404);
});
