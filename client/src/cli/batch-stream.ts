/**
 * The streaming machinery of the batch commands (`check --file`, `record import`): items grouped into
 * requests, a few requests in flight, answers handed on in input order, transient failures retried.
 * Memory stays bounded by batch size × concurrency.
 */
import { KyodakuError } from '../errors.ts';

const RETRYABLE = new Set(['ERR_RATE_LIMITED', 'ERR_UNAVAILABLE', 'ERR_STORAGE', 'ERR_NETWORK']);
const RETRIES = 3;

/** Runs a request again, after 250 ms, 500 ms and 1 s, while the node is busy or unreachable. */
export async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= RETRIES || !(error instanceof KyodakuError) || !RETRYABLE.has(error.code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

export interface BatchStreamOptions<T> {
  /** Most items in one batch. */
  batchSize: number;
  /** Most batches in flight. */
  concurrency: number;
  /** Most total weight in one batch (e.g. request body bytes); an item heavier alone still goes. */
  maxWeight?: number;
  weightOf?: (item: T) => number;
  /** Whether this batch may be sent only once every earlier batch is answered. */
  waitsForEarlier?: (batch: T[]) => boolean;
}

/**
 * Groups `items` into batches, sends each through `answer` with at most `concurrency` in flight, and
 * hands every answer to `deliver` in input order. The first failed batch (in input order) fails it.
 */
export async function streamBatches<T, R>(
  items: AsyncIterable<T>,
  options: BatchStreamOptions<T>,
  answer: (batch: T[]) => Promise<R>,
  deliver: (result: R) => void | Promise<void>,
): Promise<void> {
  const inFlight: Promise<R>[] = [];
  const deliverOldest = async () => deliver(await inFlight.shift()!);
  let batch: T[] = [];
  let weight = 0;
  const launch = async () => {
    const full = batch;
    batch = [];
    weight = 0;
    if (options.waitsForEarlier?.(full)) while (inFlight.length > 0) await deliverOldest();
    const promise = answer(full);
    promise.catch(() => {}); // awaited in order by deliverOldest; avoid an unhandled rejection meanwhile
    inFlight.push(promise);
    while (inFlight.length >= options.concurrency) await deliverOldest();
  };
  for await (const item of items) {
    const itemWeight = options.weightOf?.(item) ?? 0;
    if (batch.length > 0 && options.maxWeight !== undefined && weight + itemWeight > options.maxWeight) {
      await launch();
    }
    batch.push(item);
    weight += itemWeight;
    if (batch.length >= options.batchSize) await launch();
  }
  if (batch.length > 0) await launch();
  while (inFlight.length > 0) await deliverOldest();
}
