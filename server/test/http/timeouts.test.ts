/**
 * Slow and vanishing clients (issue 16), against a real server process on 127.0.0.1 with small
 * timeouts from the environment: a request whose headers or body never complete is closed within
 * the timeout, connections past the limit are refused, and a client that disconnects in the middle
 * of a request is not logged as an unexpected error.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';

let server: ServerProcess;
let port: number;
beforeAll(async () => {
  server = await startServer({
    env: {
      KYODAKU_HEADERS_TIMEOUT_MS: '500',
      KYODAKU_REQUEST_TIMEOUT_MS: '1000',
      KYODAKU_KEEP_ALIVE_TIMEOUT_MS: '500',
      KYODAKU_MAX_CONNECTIONS: '4',
    },
  });
  port = Number(new URL(server.url).port);
}, 30_000);
afterAll(() => server?.stop());

/** A raw connection: what it received, and when the server closed it. */
function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now())));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** A raw HTTP answer that is an RFC 9457 problem of `status` and `type` (REQ-ERR-001). */
function expectProblem(raw: string, status: number, type: string): void {
  const [head, body] = raw.split('\r\n\r\n', 2) as [string, string | undefined];
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(head.toLowerCase()).toContain('content-type: application/problem+json');
  expect(JSON.parse(body ?? '')).toMatchObject({ type: `urn:kyodaku:problem:${type}`, status });
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms)),
  ]);

describe('timeouts', () => {
  it('closes a request whose body never completes within the request timeout', async () => {
    const c = await open();
    const start = performance.now();
    c.socket.write(
      `POST /v1/publications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"objects":["`,
    );
    const closedAt = await within(c.closed, 5000, 'the stalled request was still open');
    expect(closedAt - start).toBeGreaterThanOrEqual(900);
    expectProblem(c.received(), 408, 'request-timeout');
  });

  it('closes a connection whose headers never complete within the headers timeout', async () => {
    const c = await open();
    const start = performance.now();
    c.socket.write('GET /.well-known/kyodaku HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const closedAt = await within(c.closed, 5000, 'the connection with incomplete headers was still open');
    expect(closedAt - start).toBeGreaterThanOrEqual(400);
    expectProblem(c.received(), 408, 'request-timeout');
  });

  it('answers malformed HTTP with a problem, not a bare status line', async () => {
    const c = await open();
    c.socket.write('NOT HTTP AT ALL\r\n\r\n');
    await within(c.closed, 5000, 'the malformed request was still open');
    expectProblem(c.received(), 400, 'invalid-request');
  });

  it('logs none of these as errors', () => {
    expect(server.output()).not.toMatch(/unexpected error|Error:|\n\s+at /);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const c = await open();
    c.socket.write('GET /.well-known/kyodaku HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await within(c.closed, 5000, 'the idle keep-alive connection was still open');
    expect(c.received()).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('connection limit', () => {
  it('refuses connections past the limit and serves again once one closes', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    // Make sure the server has accepted the four before the fifth arrives.
    for (const c of held) c.socket.write('GET /.well-known/kyodaku HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const extra = await open();
    extra.socket.write('GET /.well-known/kyodaku HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await within(extra.closed, 2000, 'the connection past the limit was served');
    expect(extra.received()).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${server.url}/.well-known/kyodaku`)).status).toBe(200);
  });
});

describe('client aborts', () => {
  it('a client that disconnects in the middle of a body is not logged as an unexpected error', async () => {
    const before = server.output().length;
    for (const [path, type] of [
      ['/v1/records', 'application/jose'],
      ['/v1/publications', 'application/json'],
    ] as const) {
      const c = await open();
      c.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: 4000\r\n\r\neyJhbGciOiJFZDI1NTE5In0`,
      );
      await new Promise((r) => setTimeout(r, 100));
      c.socket.destroy();
      await c.closed;
    }
    await new Promise((r) => setTimeout(r, 500));
    const logged = server.output().slice(before);
    expect(logged).not.toMatch(/unexpected error|Error:|at /);
    // The server is still serving.
    expect((await fetch(`${server.url}/.well-known/kyodaku`)).status).toBe(200);
  });
});
