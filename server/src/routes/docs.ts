/** /openapi.json and the /docs reference page. */
import { Hono } from 'hono';

export function docsRoutes() {
  return new Hono();
}
