/**
 * Structured access logs: one JSON line per request on stdout (time, method, path without the
 * query, status, duration, client). A real server process for the default and `all`; in-process
 * for `errors` and the client behind a trusted proxy.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { createApp } from '../../src/app.ts';
import { makeNode, type TestNode } from '../helpers.ts';

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a server process', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('Should write one JSON line per request with KYODAKU_ACCESS_LOG=all, without the query string', async () => {
    const server = await startServer({ env: { KYODAKU_ACCESS_LOG: 'all' } });
    servers.push(server);
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/v1/decision?id=isbn:9784088725093&purpose=train`);
    await fetch(`${server.url}/no/such/path`);
    await fetch(`${server.url}/v1/decisions`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    let lines: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && lines.length < 4; i++) {
      lines = jsonLines(server.output());
      if (lines.length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([
      ['GET', '/healthz', 200],
      ['GET', '/v1/decision', 200],
      ['GET', '/no/such/path', 404],
      ['POST', '/v1/decisions', 400],
    ]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['time', 'method', 'path', 'status', 'duration_ms', 'client']);
      expect(Date.parse(line.time as string)).not.toBeNaN();
      expect(typeof line.duration_ms).toBe('number');
      expect(line.client).toBe('127.0.0.1');
    }
    expect(server.output()).not.toContain('isbn:9784088725093');
    expect(server.output()).toMatch(/access log all; metrics on/);
  });

  it('Should write no access log by default under a test runner', async () => {
    const server = await startServer();
    servers.push(server);
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/no/such/path`);
    expect(server.output()).toMatch(/access log off/);
    expect(jsonLines(server.output())).toEqual([]);
  });
});

describe('in-process', () => {
  let t: TestNode;
  beforeEach(async () => {
    t = await makeNode();
  });
  afterEach(() => t.close());

  it('Should log only failed requests at level errors, and the forwarded client behind a trusted proxy', async () => {
    const lines: string[] = [];
    const app = createApp(t.node, {
      trustProxy: 1,
      accessLog: { level: 'errors', write: (line) => lines.push(line) },
    });
    const headers = { 'x-forwarded-for': '2001:db8::7' };
    await app.request('/healthz', { headers });
    await app.request('/v1/records/unknown', { headers });
    await app.request('/v1/decision', { method: 'PUT', headers });
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(jsonLines(lines.join(''))).toMatchObject([
      { method: 'GET', path: '/v1/records/unknown', status: 404, client: '2001:db8::7' },
      { method: 'PUT', path: '/v1/decision', status: 405, client: '2001:db8::7' },
    ]);
  });

  it('Should log a request made in-process as client local', async () => {
    const lines: string[] = [];
    const app = createApp(t.node, { accessLog: { level: 'all', write: (line) => lines.push(line) } });
    await app.request('/healthz', { headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(jsonLines(lines.join(''))).toMatchObject([{ path: '/healthz', status: 200, client: 'local' }]);
  });
});
