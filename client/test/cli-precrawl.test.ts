/**
 * `kyodaku precrawl` and the SDK's precrawl() (spec/interop.md §11) against loopback sites serving
 * robots.txt, header fields and tdmrep.json fixtures, and a real node: the strictest wins, an
 * unsigned allow never lifts the registry's deny.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precrawl } from '../src/interop/index.ts';
import { KyodakuNode } from '../src/node-client.ts';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

interface Site {
  url: string;
  requests: string[];
  server: Server;
}

async function site(routes: Record<string, Route>): Promise<Site> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const route = routes[req.url ?? ''] ?? { status: 404, body: 'not found' };
    res.writeHead(route.status ?? 200, { 'content-type': 'text/plain', ...route.headers });
    res.end(req.method === 'HEAD' ? undefined : (route.body ?? ''));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const ROBOTS = [
  'User-Agent: *',
  'Allow: /',
  'Disallow: /private/',
  'Content-Usage: / train-ai=y, search=y',
  'Content-Usage: /news/ train-ai=n',
  '',
  'User-Agent: StrictBot',
  'Disallow: /',
  '',
].join('\n');

let node: ServerProcess;
let licensed: Site;
let unregistered: Site;
let down: Site;

beforeAll(async () => {
  node = await startServer();
  licensed = await site({
    '/robots.txt': { body: ROBOTS },
    '/.well-known/tdmrep.json': {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { location: '/books/', 'tdm-reservation': 1 },
        { location: '/', 'tdm-reservation': 0 },
      ]),
    },
    '/news/a': {},
    '/books/b1': {},
    '/photos/p1': { headers: { 'tdm-reservation': '1', 'content-usage': 'ai-use=n' } },
    // tdmrep.json says 0 for /; the page's own meta element reserves (TDMRep §3.3).
    '/stories/s1': {
      headers: { 'content-type': 'text/html; charset=utf-8', 'tdm-reservation': '0' },
      body: readFileSync(new URL('../../spec/vectors/interop/tdm-page.html', import.meta.url), 'utf8'),
    },
  });
  unregistered = await site({
    '/robots.txt': { body: 'User-Agent: *\nContent-Usage: / train-ai=y\n' },
    '/a': {},
  });
  down = await site({ '/robots.txt': { status: 503 } });
  const party = await attestedParty(node);
  await party.publish({ work: { type: 'work', ids: [`url:${licensed.url}/*`] }, purposes: { all: 'allow' } });
});
afterAll(async () => {
  node?.stop();
  for (const s of [licensed, unregistered, down]) s?.server.close();
});

const sdk = () => new KyodakuNode(node.url);

describe('precrawl (REQ-INTEROP-080, REQ-INTEROP-003)', () => {
  it("a robots.txt Content-Usage n lowers the registry's allow; search stays allowed", async () => {
    const report = await precrawl(`${licensed.url}/news/a`, { node: sdk() });
    expect(report.crawl).toEqual({ allowed: true, why: 'robots.txt line 2: Allow: /' });
    expect(report.leaves['train.genai'].decision).toBe('deny');
    expect(report.leaves['train.genai'].why).toEqual([
      'registry: allow (granted)',
      'robots.txt line 5: Content-Usage: /news/ train-ai=n → deny (stricter: wins)',
      'tdmrep.json line 1: / tdm-reservation: 0 allows, ignored (an unsigned signal cannot allow)',
    ]);
    expect(report.leaves.search.decision).toBe('allow');
    expect(report.leaves['train.nongen'].decision).toBe('allow');
  });

  it("the resource's header fields count, and a tdm-reservation header overrides tdmrep.json", async () => {
    const photo = await precrawl(`${licensed.url}/photos/p1`, { node: sdk() });
    expect(photo.leaves['input.system'].decision).toBe('deny');
    expect(photo.leaves.tdm.decision).toBe('deny');
    expect(photo.signals.map((s) => s.source)).toEqual([
      'robots.txt line 4',
      'Content-Usage header',
      'tdm-reservation header',
    ]);
    const book = await precrawl(`${licensed.url}/books/b1`, { node: sdk() });
    expect(book.leaves.tdm.why.at(-1)).toBe(
      'tdmrep.json line 1: /books/ tdm-reservation: 1 → deny (stricter: wins)',
    );
  });

  it("an HTML page's tdm-reservation meta element counts, over the header field and tdmrep.json", async () => {
    const report = await precrawl(`${licensed.url}/stories/s1`, { node: sdk() });
    expect(report.signals.map((s) => s.source)).toEqual(['robots.txt line 4', 'HTML meta tdm-reservation']);
    expect(report.leaves.tdm).toEqual({
      decision: 'conditional',
      why: [
        'registry: allow (granted)',
        'HTML meta tdm-reservation: <meta name="tdm-reservation" content="1"> → conditional (stricter: wins)',
      ],
    });
    expect(report.leaves.search.decision).toBe('allow');
  });

  it('does not fetch what robots.txt disallows, and says so', async () => {
    const report = await precrawl(`${licensed.url}/private/x`, { node: sdk() });
    expect(report.crawl).toEqual({ allowed: false, why: 'robots.txt line 3: Disallow: /private/' });
    expect(licensed.requests).not.toContain('GET /private/x');
    const strict = await precrawl(`${licensed.url}/news/a`, { node: sdk(), productToken: 'StrictBot' });
    expect(strict.crawl.allowed).toBe(false);
  });

  it("an unsigned allow never lifts the registry's deny (no record: opt-in)", async () => {
    const report = await precrawl(`${unregistered.url}/a`, { node: sdk() });
    expect(report.leaves['train.genai']).toEqual({
      decision: 'deny',
      why: [
        'registry: deny (no-record)',
        'robots.txt line 2: Content-Usage: / train-ai=y allows, ignored (an unsigned signal cannot allow)',
      ],
    });
  });

  it('reads no more than 500 KiB of a robots.txt (RFC 9309 §2.5)', async () => {
    const huge = await site({
      '/robots.txt': { body: `User-Agent: *\nDisallow: /x\n#${'-'.repeat(4 * 1024 * 1024)}\nDisallow: /\n` },
    });
    try {
      const report = await precrawl(`${huge.url}/a`, { node: sdk() });
      expect(report.crawl).toEqual({ allowed: true, why: 'no robots.txt rule matches' });
    } finally {
      huge.server.close();
    }
  });

  it('a robots.txt answering 5xx disallows everything', async () => {
    const report = await precrawl(`${down.url}/x`, { node: sdk() });
    expect(report.crawl).toEqual({
      allowed: false,
      why: 'robots.txt answered 503: complete disallow (RFC 9309 §2.3.1.4)',
    });
  });
});

describe('kyodaku precrawl', () => {
  it('prints the strictest answer per purpose with every reason', async () => {
    const result = await runCli(
      ['precrawl', `${licensed.url}/news/a`, '--purpose', 'train.genai', '--purpose', 'search'],
      {
        env: { KYODAKU_NODE: node.url },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${licensed.url}/news/a  (url:${licensed.url}/news/a)`);
    expect(result.stdout).toMatch(/train\.genai +DENY {2}registry: allow \(granted\); robots\.txt line 5/);
    expect(result.stdout).toMatch(/search +ALLOW {2}registry: allow \(granted\)/);
    expect(result.stdout).not.toContain('input.user');
  });

  it('prints JSON for several URLs', async () => {
    const result = await runCli(
      ['--json', 'precrawl', `${licensed.url}/private/x`, `${unregistered.url}/a`],
      {
        env: { KYODAKU_NODE: node.url },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const reports = JSON.parse(result.stdout) as Array<{
      crawl: { allowed: boolean };
      leaves: Record<string, { decision: string }>;
    }>;
    expect(reports.map((r) => r.crawl.allowed)).toEqual([false, true]);
    expect(reports[1]!.leaves['train.genai']!.decision).toBe('deny');
  });

  it('refuses a URL that is not http(s)', async () => {
    const result = await runCli(['precrawl', 'ftp://example.org/x'], { env: { KYODAKU_NODE: node.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('precrawl checks http and https URLs');
  });
});
