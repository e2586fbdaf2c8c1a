/** The node's metadata, errors and limits (spec/http-api.md §2, §5), in-process through app.request(). */
import { schemas } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

describe('node metadata', () => {
  it('REQ-API-001/002/003: serves /.well-known/kyodaku with the node key and the core profile', async () => {
    const response = await t.get('/.well-known/kyodaku');
    expect(response.status).toBe(200);
    const body = schemas.WellKnown.parse(await response.json());
    expect(body.spec_version).toBe('0.1');
    expect(body.profiles).toContain('core');
    expect(body.node.id).toBe(t.node.node.kid);
    expect(body.admin_key).toBe(t.node.admin.kid);
    expect(body.limits.max_batch_ids).toBeGreaterThanOrEqual(10_000);
  });
});

describe('errors and limits', () => {
  it('REQ-ERR-004/005: unknown path 404, unsupported method 405 with Allow', async () => {
    expect(await problemType(await t.get('/v2/nothing'))).toBe(P('not-found'));
    const response = await t.app.request('/v1/records', { method: 'DELETE' });
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await problemType(response)).toBe(P('method-not-allowed'));
    expect(await problemType(await t.app.request('/v1/decision', { method: 'POST' }))).toBe(
      P('method-not-allowed'),
    );
    expect(await problemType(await t.app.request('/.well-known/kyodaku', { method: 'PUT' }))).toBe(
      P('method-not-allowed'),
    );
  });

  it('REQ-ERR-003: a JWS over max_jws_bytes and a body over max_body_bytes are 413', async () => {
    expect(await problemType(await t.postJws('/v1/records', 'a'.repeat(65_536)))).toBe(
      P('payload-too-large'),
    );
    const big = JSON.stringify({ ids: ['x'.repeat(5 * 1024 * 1024)], purposes: ['tdm'] });
    expect(await problemType(await t.postJson('/v1/decisions', big))).toBe(P('payload-too-large'));
  });

  it('REQ-ERR-001/002: problems have the problem media type and no stack traces', async () => {
    const response = await t.postJws('/v1/records', 'x.y.z');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = schemas.Problem.parse(await response.json());
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|node_modules|\/work\//);
  });
});
