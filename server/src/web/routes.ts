/**
 * The web page at `/` (spec/http-api.md §12): index.html and its two assets, built by
 * `npm run build -w @kyodaku/web` into web/dist (the root `prepare` and `prestart` scripts run it).
 * The page loads nothing from elsewhere; its Content-Security-Policy says so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WEB_DIST } from '@kyodaku/web';
import { Hono } from 'hono';

const ASSETS: Array<[path: string, file: string, type: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/ui/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/ui/app.css', 'app.css', 'text/css; charset=utf-8'],
];

/** Same-origin only; `connect-src 'self'` because the page talks to the node that served it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Kyodaku</title>
<h1>The web page is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm install</code>) and reload.</p></html>`;

export function webRoutes(dir: string = WEB_DIST) {
  const app = new Hono();
  for (const [path, file, type] of ASSETS) {
    app.get(path, async (c) => {
      let body: Buffer;
      try {
        body = await readFile(join(dir, file));
      } catch {
        return c.html(NOT_BUILT, 503, { 'cache-control': 'no-store', 'retry-after': '60' });
      }
      return c.body(new Uint8Array(body), 200, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
    });
  }
  return app;
}
