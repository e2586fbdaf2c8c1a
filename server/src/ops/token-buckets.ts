/**
 * Token buckets per client (spec/http-api.md §10): a client may spend `burst` tokens at once and
 * gets `perSecond` back every second, up to `burst`; so in any interval of t seconds it spends at
 * most `burst + perSecond × t`. Memory stays bounded: full buckets are forgotten (a forgotten
 * bucket is a full one), and past `maxClients` the oldest buckets go.
 */

export interface BucketLimit {
  /** Tokens a client may spend at once (the bucket's size). */
  burst: number;
  /** Tokens given back per second. */
  perSecond: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #limit: BucketLimit;
  readonly #now: () => number;
  readonly #maxClients: number;
  #takes = 0;

  constructor(limit: BucketLimit, now: () => number, maxClients = 100_000) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) {
      throw new RangeError('a bucket needs a burst of at least 1 and a positive refill rate');
    }
    this.#limit = limit;
    this.#now = now;
    this.#maxClients = maxClients;
  }

  get limit(): BucketLimit {
    return this.#limit;
  }

  /** Clients with a bucket that is not full (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Spends one token of `client`, or says how many whole seconds until one is back. */
  take(client: string): Take {
    const now = this.#now();
    const { burst, perSecond } = this.#limit;
    const bucket = this.#buckets.get(client);
    const tokens =
      bucket === undefined
        ? burst
        : Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);
    if (tokens < 1) {
      // Keep the bucket as it was (its refill continues from its own time).
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    if (bucket === undefined) {
      this.#buckets.set(client, { tokens: tokens - 1, at: now });
      if (this.#buckets.size > this.#maxClients) this.#sweep(now);
    } else {
      bucket.tokens = tokens - 1;
      bucket.at = now;
    }
    if (++this.#takes % 10_000 === 0) this.#sweep(now);
    return { ok: true };
  }

  /** Forgets the buckets that are full again; past maxClients, the oldest ones too. */
  #sweep(now: number): void {
    const { burst, perSecond } = this.#limit;
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= burst) this.#buckets.delete(client);
    }
    for (const client of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxClients) break;
      this.#buckets.delete(client);
    }
  }
}
