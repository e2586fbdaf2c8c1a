/**
 * The operations settings read from the environment (server/README.md lists them): rate limits per
 * client, the proxies trusted for the client address, access logs and metrics.
 */
import { ACCESS_LOG_LEVELS, type AccessLogLevel } from './access-log.ts';
import type { RateLimits } from './rate-limit.ts';

export interface OpsConfig {
  rateLimits: RateLimits;
  trustProxy: number;
  accessLog: AccessLogLevel;
  metrics: boolean;
}

/** Defaults: generous for one client (a crawler, the conformance suite), strict for receipts. */
export const DEFAULT_LIMITS = {
  requestsPerSecond: 100,
  requestBurst: 2000,
  receiptsPerMinute: 60,
  receiptBurst: 60,
} as const;

export class OpsConfigError extends Error {
  override name = 'OpsConfigError';
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const text = env[name] ?? String(fallback);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new OpsConfigError(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Access logs are on by default, also when stdout is not a terminal (a container's log is a
 * pipe), but off under a test runner (`VITEST` or `NODE_ENV=test` set) so that tests that start
 * real nodes are not flooded; `KYODAKU_ACCESS_LOG` overrides both.
 */
function accessLogLevel(env: Record<string, string | undefined>): AccessLogLevel {
  const text = env.KYODAKU_ACCESS_LOG;
  if (text === undefined) return env.VITEST !== undefined || env.NODE_ENV === 'test' ? 'off' : 'all';
  if (!(ACCESS_LOG_LEVELS as readonly string[]).includes(text)) {
    throw new OpsConfigError(
      `KYODAKU_ACCESS_LOG must be one of ${ACCESS_LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return text as AccessLogLevel;
}

export function loadOpsConfig(env: Record<string, string | undefined>): OpsConfig {
  const requestsPerSecond = integer(
    env,
    'KYODAKU_RATE_REQUESTS_PER_SECOND',
    DEFAULT_LIMITS.requestsPerSecond,
    0,
    1_000_000,
  );
  const requestBurst = integer(env, 'KYODAKU_RATE_REQUEST_BURST', DEFAULT_LIMITS.requestBurst, 1, 1_000_000);
  const receiptsPerMinute = integer(
    env,
    'KYODAKU_RATE_RECEIPTS_PER_MINUTE',
    DEFAULT_LIMITS.receiptsPerMinute,
    1,
    1_000_000,
  );
  const receiptBurst = integer(env, 'KYODAKU_RATE_RECEIPT_BURST', DEFAULT_LIMITS.receiptBurst, 1, 1_000_000);
  const metrics = env.KYODAKU_METRICS ?? 'on';
  if (metrics !== 'on' && metrics !== 'off') {
    throw new OpsConfigError(`KYODAKU_METRICS must be on or off, got ${JSON.stringify(metrics)}`);
  }
  return {
    rateLimits: {
      // 0 requests per second: no per-client request limit (a proxy in front limits instead).
      ...(requestsPerSecond > 0 && { requests: { burst: requestBurst, perSecond: requestsPerSecond } }),
      receipts: { burst: receiptBurst, perSecond: receiptsPerMinute / 60 },
    },
    trustProxy: integer(env, 'KYODAKU_TRUST_PROXY', 0, 0, 10),
    accessLog: accessLogLevel(env),
    metrics: metrics === 'on',
  };
}

/** One line for the start-up banner. */
export function describeOps(ops: OpsConfig): string {
  const { requests, receipts } = ops.rateLimits;
  const perClient =
    requests === undefined
      ? 'no request limit'
      : `${requests.burst} requests at once, ${requests.perSecond}/s`;
  const receiptText =
    receipts === undefined
      ? 'no receipt limit'
      : `${receipts.burst} receipts at once, ${Math.round(receipts.perSecond * 60)}/min`;
  return `per client ${perClient}; ${receiptText}; trusted proxies ${ops.trustProxy}; access log ${ops.accessLog}; metrics ${ops.metrics ? 'on' : 'off'}`;
}
