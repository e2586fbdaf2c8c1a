/**
 * Rate limits per client (spec/http-api.md §10, spec/log.md REQ-RECEIPT-006): a token bucket for
 * every request and a stricter one for receipts, 429 `rate-limited` with Retry-After, no effect.
 * In-process, with the node's clock injected and clients told apart by X-Forwarded-For.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { clientKey } from '../../src/ops/client-key.ts';
import { TokenBuckets } from '../../src/ops/token-buckets.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
let clock: number;
beforeEach(async () => {
  clock = Date.parse('2026-03-01T00:00:00Z');
  t = await makeNode({ now: () => clock });
});
afterEach(() => t.close());

function limitedApp(limits: Parameters<typeof createApp>[1]) {
  const app = createApp(t.node, { trustProxy: 1, ...limits });
  return (path: string, client: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { ...init.headers, 'x-forwarded-for': client } });
}

const decision = (id: string, receipt?: string) =>
  `/v1/decision?id=${encodeURIComponent(id)}&purpose=train.genai${receipt ? `&receipt=1&nonce=${receipt}` : ''}`;
const nonce = (n: number) => `nonce-of-the-test-${String(n).padStart(4, '0')}`;

describe('request limits', () => {
  it('Should refuse a client over its bucket with 429 rate-limited and a Retry-After in seconds', async () => {
    const request = limitedApp({ rateLimits: { requests: { burst: 3, perSecond: 0.5 } } });
    for (let i = 0; i < 3; i++)
      expect((await request(decision('isbn:9784088725093'), '192.0.2.1')).status).toBe(200);
    const refused = await request(decision('isbn:9784088725093'), '192.0.2.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await problemType(refused)).toBe(P('rate-limited'));
  });

  it('Should keep one bucket per client and refill it with time', async () => {
    const request = limitedApp({ rateLimits: { requests: { burst: 2, perSecond: 1 } } });
    for (let i = 0; i < 2; i++) await request('/.well-known/kyodaku', '192.0.2.1');
    expect((await request('/.well-known/kyodaku', '192.0.2.1')).status).toBe(429);
    expect((await request('/.well-known/kyodaku', '192.0.2.2')).status).toBe(200);
    clock += 1000;
    expect((await request('/.well-known/kyodaku', '192.0.2.1')).status).toBe(200);
    expect((await request('/.well-known/kyodaku', '192.0.2.1')).status).toBe(429);
  });

  it('Should count a refused request as nothing: a refused publication stores nothing', async () => {
    const party = await t.party();
    const record = await party.record({ ids: ['isbn:9784088725093'] });
    const request = limitedApp({ rateLimits: { requests: { burst: 1, perSecond: 0.01 } } });
    await request('/.well-known/kyodaku', '192.0.2.9');
    const size = t.node.objects.size;
    const refused = await request('/v1/records', '192.0.2.9', {
      method: 'POST',
      body: record.jws,
      headers: { 'content-type': 'application/jose' },
    });
    expect(refused.status).toBe(429);
    expect(t.node.objects.size).toBe(size);
    expect((await t.get(`/v1/records/${record.id}`)).status).toBe(404);
  });

  it('Should never limit /healthz, /readyz and /metrics', async () => {
    const request = limitedApp({ rateLimits: { requests: { burst: 1, perSecond: 0.01 } } });
    await request('/.well-known/kyodaku', '192.0.2.3');
    for (const path of ['/healthz', '/readyz', '/metrics', '/healthz']) {
      expect((await request(path, '192.0.2.3')).status, path).toBe(200);
    }
    expect((await request('/.well-known/kyodaku', '192.0.2.3')).status).toBe(429);
  });

  it('Should publish the buckets it applies in the metadata limits', async () => {
    const request = limitedApp({
      rateLimits: { requests: { burst: 2000, perSecond: 100 }, receipts: { burst: 60, perSecond: 1 } },
    });
    const { limits } = (await (await request('/.well-known/kyodaku', '192.0.2.4')).json()) as {
      limits: Record<string, number>;
    };
    expect(limits).toMatchObject({
      request_burst: 2000,
      requests_per_second: 100,
      receipt_burst: 60,
      receipts_per_minute: 60,
    });
    const plain = (await (await t.get('/.well-known/kyodaku')).json()) as { limits: Record<string, number> };
    expect(plain.limits).not.toHaveProperty('receipt_burst');
  });
});

describe('receipt budget', () => {
  it('REQ-RECEIPT-006: Should refuse a receipt over the budget with 429 and append nothing', async () => {
    const request = limitedApp({ rateLimits: { receipts: { burst: 2, perSecond: 1 / 60 } } });
    for (let i = 0; i < 2; i++) {
      const res = await request(decision('isbn:9784088725093', nonce(i)), '192.0.2.5');
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty('receipt');
    }
    const size = t.node.objects.size;
    const refused = await request(decision('isbn:9784088725093', nonce(3)), '192.0.2.5');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body.type).toBe(P('rate-limited'));
    expect(body).not.toHaveProperty('receipt');
    expect(t.node.objects.size).toBe(size);
    // The same query without a receipt is answered: only receipts have this budget.
    expect((await request(decision('isbn:9784088725093'), '192.0.2.5')).status).toBe(200);
    // Another client has its own budget; the client's budget comes back with time.
    expect((await request(decision('isbn:9784088725093', nonce(4)), '192.0.2.6')).status).toBe(200);
    clock += 60_000;
    expect((await request(decision('isbn:9784088725093', nonce(5)), '192.0.2.5')).status).toBe(200);
  });

  it('Should take the budget for batch receipts too, and not for malformed receipt requests', async () => {
    const request = limitedApp({ rateLimits: { receipts: { burst: 1, perSecond: 1 / 60 } } });
    const batch = (receipt: unknown) =>
      request('/v1/decisions', '192.0.2.7', {
        method: 'POST',
        body: JSON.stringify({ ids: ['isbn:9784088725093'], purposes: ['train'], receipt }),
        headers: { 'content-type': 'application/json' },
      });
    expect((await batch({ nonce: 'short' })).status).toBe(400);
    expect((await batch({ nonce: nonce(1) })).status).toBe(200);
    const size = t.node.objects.size;
    const refused = await batch({ nonce: nonce(2) });
    expect(refused.status).toBe(429);
    expect(await problemType(refused)).toBe(P('rate-limited'));
    expect(t.node.objects.size).toBe(size);
  });
});

describe('clients and buckets', () => {
  it('Should key IPv4 by address, IPv6 by its /64 prefix, and an IPv4-mapped address as IPv4', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('local');
  });

  it('Should trust only the X-Forwarded-For entries its proxies appended', async () => {
    const request = limitedApp({ rateLimits: { requests: { burst: 1, perSecond: 0.01 } } });
    // A client that prepends a fake address is still known by the address its proxy appended.
    expect((await request('/healthz', '198.51.100.1')).status).toBe(200);
    expect((await request('/.well-known/kyodaku', '203.0.113.5, 198.51.100.1')).status).toBe(200);
    expect((await request('/.well-known/kyodaku', '203.0.113.6, 198.51.100.1')).status).toBe(429);
  });

  it('Should forget full buckets and keep at most maxClients', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 2, perSecond: 1 }, () => now, 3);
    for (const c of ['a', 'b', 'c', 'd', 'e']) buckets.take(c);
    expect(buckets.size).toBeLessThanOrEqual(3);
    now += 10_000;
    buckets.take('f');
    buckets.take('g');
    buckets.take('h');
    buckets.take('i');
    expect(buckets.size).toBeLessThanOrEqual(3);
    expect(() => new TokenBuckets({ burst: 0, perSecond: 1 }, () => now)).toThrow(RangeError);
  });
});
