/** The web page's routes and the API's CORS headers, through app.request (spec/http-api.md §12). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb } from '@kyodaku/web/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoutes } from '../../src/web/routes.ts';
import { makeNode, type TestNode } from '../helpers.ts';
import { launchChromium } from './chromium.ts';

let dist: string;
let t: TestNode;

beforeAll(async () => {
  dist = await buildWeb(mkdtempSync(join(tmpdir(), 'kyodaku-web-')));
  t = await makeNode();
}, 60_000);

afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  t?.close();
});

describe('the web page', () => {
  it('serves index.html, app.js and app.css with their types and a same-origin-only policy', async () => {
    const app = webRoutes(dist);
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('src="/ui/app.js"');
    const js = await app.request('/ui/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await js.text()).length).toBeGreaterThan(10_000);
    expect((await app.request('/ui/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('loads nothing from another origin: no absolute URL in the page or its assets', async () => {
    const app = webRoutes(dist);
    const html = await (await app.request('/')).text();
    const css = await (await app.request('/ui/app.css')).text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(css).not.toMatch(/url\(/);
  });

  it('answers 503 with what to run when the page is not built', async () => {
    const app = webRoutes(join(dist, 'missing'));
    const page = await app.request('/');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build:web');
  });

  it('is mounted at / on the node, which refuses other methods there with 405', async () => {
    const response = await t.app.request('/', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});

describe('the browser tests', () => {
  it('fail, naming what to install, when there is no Chromium', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      /no Chromium at \/nonexistent\/chromium: install it with "apt-get install -y chromium fonts-ipafont-gothic"/,
    );
  });
});

describe('CORS for the API', () => {
  it('lets any origin read the API, node metadata and the OpenAPI description', async () => {
    for (const path of [
      '/.well-known/kyodaku',
      '/v1/decision?id=isbn:9784088725093&purpose=train',
      '/openapi.json',
    ]) {
      const response = await t.app.request(path, { headers: { origin: 'https://third-party.example' } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('access-control-allow-credentials'), path).toBeNull();
    }
  });

  it('answers a preflight for a JSON POST with the methods and headers allowed', async () => {
    const response = await t.app.request('/v1/decisions', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://third-party.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('leaves an OPTIONS request that is not a preflight to its 405', async () => {
    const response = await t.app.request('/v1/records', {
      method: 'OPTIONS',
      headers: { origin: 'https://x.example' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('exposes Location and Retry-After to scripts', async () => {
    const response = await t.app.request('/.well-known/kyodaku', {
      headers: { origin: 'https://x.example' },
    });
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toBe('location,retry-after');
  });
});
