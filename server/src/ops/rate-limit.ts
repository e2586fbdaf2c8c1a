/**
 * Rate limits per client (spec/http-api.md §10, spec/log.md REQ-RECEIPT-006): one token bucket for
 * every request, and a stricter one for receipts, the requests that append to the log. A refused
 * request is 429 `rate-limited` with `Retry-After` and has no other effect (REQ-API-090).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { problem } from '../http/problem.ts';
import type { ReceiptGate } from '../log/receipts.ts';
import { clientKey, remoteAddress } from './client-key.ts';
import { type BucketLimit, TokenBuckets } from './token-buckets.ts';

export interface RateLimits {
  /** Every request of a client (none: no limit). */
  requests?: BucketLimit;
  /** The receipts of a client (none: no limit). */
  receipts?: BucketLimit;
}

export type LimitName = 'requests' | 'receipts';

function refusal(limit: LimitName, bucket: BucketLimit, retryAfterSeconds: number): Response {
  const what =
    limit === 'receipts'
      ? `receipts: at most ${bucket.burst} at once and ${round(bucket.perSecond * 60)} a minute`
      : `requests: at most ${bucket.burst} at once and ${round(bucket.perSecond)} a second`;
  const response = problem(
    'ERR_RATE_LIMITED',
    `this client is over the node's limit of ${what}; retry after ${retryAfterSeconds} s`,
  );
  response.headers.set('retry-after', String(retryAfterSeconds));
  return response;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export class RateLimiter {
  readonly #requests: TokenBuckets | undefined;
  readonly #receipts: TokenBuckets | undefined;
  readonly #trustProxy: number;
  readonly #onRefused: ((limit: LimitName) => void) | undefined;

  constructor(options: {
    limits: RateLimits;
    /** Reverse proxies in front of the node whose X-Forwarded-For is trusted (client-key.ts). */
    trustProxy: number;
    now: () => number;
    onRefused?: (limit: LimitName) => void;
  }) {
    const { requests, receipts } = options.limits;
    this.#requests = requests === undefined ? undefined : new TokenBuckets(requests, options.now);
    this.#receipts = receipts === undefined ? undefined : new TokenBuckets(receipts, options.now);
    this.#trustProxy = options.trustProxy;
    this.#onRefused = options.onRefused;
  }

  #take(limit: LimitName, buckets: TokenBuckets, c: Context): Response | undefined {
    const taken = buckets.take(clientKey(remoteAddress(c, this.#trustProxy)));
    if (taken.ok) return undefined;
    this.#onRefused?.(limit);
    return refusal(limit, buckets.limit, taken.retryAfterSeconds);
  }

  /** Every request takes a token of its client's request bucket. */
  readonly requests: MiddlewareHandler = async (c, next) => {
    const refused = this.#requests === undefined ? undefined : this.#take('requests', this.#requests, c);
    if (refused !== undefined) return refused;
    await next();
  };

  /** Asked by the receipt middlewares before a receipt is signed and appended. */
  readonly receiptGate: ReceiptGate = (c) =>
    this.#receipts === undefined ? undefined : this.#take('receipts', this.#receipts, c);
}
