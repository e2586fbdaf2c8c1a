/**
 * What operations add to the app (createApp's second argument): the observing middleware (metrics,
 * access log), `/healthz`, `/readyz` and `/metrics`, the per-client rate limits and the receipt
 * gate, and the limits to publish in the metadata.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { problem } from '../http/problem.ts';
import type { ReceiptGate } from '../log/receipts.ts';
import type { NodeContext } from '../node-context.ts';
import { AccessLog, type AccessLogLevel } from './access-log.ts';
import { healthRoutes, type ReadinessOptions } from './health.ts';
import { OpsMetrics } from './metrics.ts';
import { observe } from './observe.ts';
import { RateLimiter, type RateLimits } from './rate-limit.ts';

export interface OpsOptions {
  /** Per-client limits (default: none; `kyodaku-server start` sets them from the environment). */
  rateLimits?: RateLimits;
  /** Reverse proxies in front whose X-Forwarded-For names the client (default 0). */
  trustProxy?: number;
  /** Access log level (default `off`), or a level and where the lines go. */
  accessLog?: AccessLogLevel | { level: AccessLogLevel; write: (line: string) => void };
  /** Metrics at /metrics (default on); `process` adds Node's process metrics. */
  metrics?: boolean | { process: boolean };
  readiness?: Partial<ReadinessOptions>;
}

export interface Ops {
  /** The outermost middleware (a pass-through when neither metrics nor access logs are on). */
  observe: MiddlewareHandler;
  /** `/healthz`, `/readyz`, `/metrics`: served before the rate limits, never limited. */
  routes: Hono;
  /** Every other request takes a token of its client's bucket. */
  limit: MiddlewareHandler;
  receiptGate: ReceiptGate;
  /** The `limits` members of the metadata that describe the rate limits (spec/http-api.md §10). */
  publishedLimits: Record<string, number>;
}

export function createOps(node: NodeContext, options: OpsOptions = {}): Ops {
  const trustProxy = options.trustProxy ?? 0;
  const metrics =
    options.metrics === false
      ? undefined
      : new OpsMetrics(node, {
          processMetrics: typeof options.metrics === 'object' && options.metrics.process,
        });
  const log = options.accessLog ?? 'off';
  const accessLog = typeof log === 'string' ? new AccessLog(log) : new AccessLog(log.level, log.write);
  const limits = options.rateLimits ?? {};
  const limiter = new RateLimiter({
    limits,
    trustProxy,
    now: node.now,
    onRefused: (limit) => {
      metrics?.rateLimited(limit);
      if (limit === 'receipts') metrics?.receipt('rate-limited');
    },
  });
  const routes = new Hono().route('/', healthRoutes(node, { maxUnsignedMs: 30_000, ...options.readiness }));
  routes.get('/metrics', async (c) =>
    metrics === undefined
      ? problem('ERR_NOT_FOUND', 'metrics are off on this node (KYODAKU_METRICS=off)')
      : c.body(await metrics.registry.metrics(), 200, {
          'content-type': metrics.registry.contentType,
          'cache-control': 'no-store',
        }),
  );
  return {
    observe:
      metrics === undefined && !accessLog.enabled
        ? (_c, next) => next()
        : observe({ metrics, accessLog: accessLog.enabled ? accessLog : undefined, trustProxy }),
    routes,
    limit: limiter.requests,
    receiptGate: (c) => {
      const refused = limiter.receiptGate(c);
      if (refused === undefined) metrics?.receipt('admitted');
      return refused;
    },
    publishedLimits: {
      ...(limits.requests !== undefined && {
        request_burst: limits.requests.burst,
        requests_per_second: limits.requests.perSecond,
      }),
      ...(limits.receipts !== undefined && {
        receipt_burst: limits.receipts.burst,
        receipts_per_minute: Math.round(limits.receipts.perSecond * 60 * 1000) / 1000,
      }),
    },
  };
}
