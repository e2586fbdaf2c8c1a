/** /openapi.json is OpenAPI 3.1 built from the shared schemas; /docs is a self-contained page. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

it('serves an OpenAPI 3.1 document whose refs all resolve and which names every route', async () => {
  const response = await t.get('/openapi.json');
  expect(response.status).toBe(200);
  const doc = (await response.json()) as {
    openapi: string;
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  expect(doc.openapi).toBe('3.1.0');
  for (const name of [
    'ConsentRecord',
    'RecordView',
    'Decision',
    'BatchDecisionRequest',
    'Problem',
    'WellKnown',
  ]) {
    expect(doc.components.schemas).toHaveProperty(name);
  }
  for (const path of [
    '/v1/records',
    '/v1/decision',
    '/v1/decisions',
    '/v1/works/{identifier}',
    '/v1/attestations/revocations',
  ]) {
    expect(doc.paths).toHaveProperty([path]);
  }
  const routes = t.app.routes.filter((route) => route.method !== 'ALL');
  expect(routes.length).toBeGreaterThan(20);
  for (const route of routes) {
    const path = route.path
      .replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')
      .replace('/v1/log/tile/*', '/v1/log/tile/{tile_path}');
    expect(doc.paths, `${route.method} ${route.path}`).toHaveProperty([path, route.method.toLowerCase()]);
  }
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)];
  expect(refs.length).toBeGreaterThan(20);
  for (const [, kind, name] of refs)
    expect((doc.components as Record<string, Record<string, unknown>>)[kind!]).toHaveProperty([name!]);
});

it('serves /docs as HTML without external assets', async () => {
  const response = await t.get('/docs');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await response.text();
  expect(html).toContain('/v1/decisions');
  expect(html).toContain('id="schema-ConsentRecord"');
  expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
});
