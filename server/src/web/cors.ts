/**
 * CORS for the API, node metadata and the API description, mounted on `/v1/*`, `/.well-known/*` and
 * `/openapi.json` (spec/http-api.md §12, REQ-API-100, REQ-API-101): any origin may read them from a
 * browser. Nothing is authorised by cookies or ambient credentials (writes carry their own
 * signatures), so `*` without credentials exposes nothing a plain HTTP client cannot already read.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const allowAny = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowHeaders: ['content-type', 'accept'],
  exposeHeaders: ['location', 'retry-after'],
  maxAge: 600,
});

/** CORS headers on every answer; an OPTIONS request that is not a preflight goes on (to its 405). */
export const apiCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') === undefined) {
    return next();
  }
  return allowAny(c, next);
};
