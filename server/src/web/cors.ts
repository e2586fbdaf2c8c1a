/**
 * CORS for the API, node metadata and the API description, mounted on `/v1/*`, `/.well-known/*` and
 * `/openapi.json` (spec/http-api.md §12, REQ-API-100/101): any origin may read it from a browser.
 * Nothing is authorised by cookies or ambient credentials (writes carry their own signatures), so
 * `*` without credentials exposes nothing a plain HTTP client cannot already read.
 */
import { cors } from 'hono/cors';

export const apiCors = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowHeaders: ['content-type', 'accept'],
  exposeHeaders: ['location', 'retry-after'],
  maxAge: 600,
});
