/**
 * The outermost middleware: times every request and, once it is answered, counts it in the metrics
 * and writes its access log line. Labels use the route's pattern (`/v1/records/:id`), never the
 * path, so the metrics stay bounded; a request no route matched is `unmatched`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AccessLog } from './access-log.ts';
import { remoteAddress } from './client-key.ts';
import type { OpsMetrics } from './metrics.ts';

/** The pattern of the route that answered. */
export function routeOf(c: Context): string {
  const path = matchedRoutes(c)[c.req.routeIndex]?.path;
  return path === undefined || path === '*' || path === '/*' ? 'unmatched' : path;
}

export function observe(options: {
  metrics: OpsMetrics | undefined;
  accessLog: AccessLog | undefined;
  trustProxy: number;
}): MiddlewareHandler {
  const { metrics, accessLog, trustProxy } = options;
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const status = c.res.status;
    const route = routeOf(c);
    if (metrics !== undefined) {
      metrics.request(c.req.method, route, status, ms / 1000);
      if (route === '/v1/publications' && status === 200) {
        const body = (await c.res.clone().json()) as {
          results?: Array<{ status?: unknown; kind?: unknown }>;
        };
        metrics.publications(body.results ?? []);
      }
    }
    accessLog?.record({
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: ms,
      client: remoteAddress(c, trustProxy) ?? 'local',
    });
  };
}
