/**
 * CORS for the API, node metadata and the API description, mounted on `/v1/*`, `/.well-known/*` and
 * `/openapi.json` (spec/http-api.md §12, REQ-API-100, REQ-API-101): any origin may read them from a
 * browser. Nothing is authorised by cookies or ambient credentials (writes carry their own
 * signatures), so `*` without credentials exposes nothing a plain HTTP client cannot already read.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const EXPOSE = 'location,retry-after';

const preflight = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowHeaders: ['content-type', 'accept'],
  exposeHeaders: EXPOSE.split(','),
  maxAge: 600,
});

/**
 * CORS headers on every answer; an OPTIONS request that is not a preflight goes on (to its 405).
 * Other requests get their two headers through `c.header()` before the handler answers, so that
 * they join an answer made by the context as it is made: hono's cors sets them on `c.res`, which
 * makes a Response before the handler's, and the handler's answer then goes through a copy into a
 * WHATWG Response and a body stream (a quarter of the cost of a 1,000-id batch decision). An
 * answer made otherwise (a Response of its own) gets them afterwards.
 */
export const apiCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') {
    if (c.req.header('access-control-request-method') === undefined) return next();
    return preflight(c, next);
  }
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Access-Control-Expose-Headers', EXPOSE);
  await next();
  if (!c.res.headers.has('access-control-allow-origin')) {
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Access-Control-Expose-Headers', EXPOSE);
  }
};
