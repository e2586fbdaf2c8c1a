/**
 * Rate limits (spec/http-api.md §10) and the receipt budget (spec/log.md REQ-LIMIT-004). The suite is
 * one client; these cases exhaust a published bucket only when it is small and refills within
 * seconds (spec/conformance.md §4, "Rate limits"), and otherwise are SKIPPED, so that a run never
 * leaves a node's default budget spent. They run last.
 */
import { type Case, defineCases } from '../case.ts';
import type { Context } from '../context.ts';
import { check, expectProblem } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { CaseFailure } from '../outcome.ts';
import { fetchCheckpoint } from './log/support.ts';

/** The largest buckets the suite exhausts, and the longest it waits for one to refill. */
export const DRAIN_MAX = { receipts: 20, requests: 200 } as const;
const MAX_FILL_MS = 10_000;
/** Longest the suite keeps asking before it concludes that it cannot outrun the refill. */
const MAX_DRAIN_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Bucket {
  burst: number;
  perSecond: number;
  /** Milliseconds an empty bucket takes to fill. */
  fillMs: number;
}

/** A bucket published in the metadata's limits, or undefined when the node publishes none. */
function publishedBucket(
  ctx: Context,
  burstKey: string,
  rateKey: string,
  perSeconds: number,
): Bucket | undefined {
  const limits = ctx.limits as Record<string, unknown>;
  const burst = limits[burstKey];
  const rate = limits[rateKey];
  if (burst === undefined && rate === undefined) return undefined;
  check(
    typeof burst === 'number' && Number.isInteger(burst) && burst >= 1,
    `limits.${burstKey} is not an integer of at least 1: ${JSON.stringify(burst)} (spec/http-api.md §10)`,
  );
  check(
    typeof rate === 'number' && rate > 0,
    `limits.${rateKey} is not a positive number: ${JSON.stringify(rate)} (spec/http-api.md §10)`,
  );
  const perSecond = rate / perSeconds;
  return { burst, perSecond, fillMs: (burst / perSecond) * 1000 };
}

function skipUnlessDrainable(ctx: Context, bucket: Bucket, what: 'receipts' | 'requests'): void {
  if (bucket.burst > DRAIN_MAX[what]) {
    ctx.skip(
      `the node allows ${bucket.burst} ${what} at once; the suite exhausts a bucket of at most ${DRAIN_MAX[what]} (start the node with smaller limits to run this case)`,
    );
  }
  if (bucket.fillMs > MAX_FILL_MS) {
    ctx.skip(
      `the node's ${what} bucket takes ${Math.round(bucket.fillMs / 1000)} s to refill; the suite exhausts one that refills within ${MAX_FILL_MS / 1000} s`,
    );
  }
}

/** The Retry-After of a 429, checked to be whole seconds of at least 1 (REQ-LIMIT-001). */
function retryAfterOf(res: HttpResponse): number {
  expectProblem(res, 'rate-limited');
  const value = res.headers.get('retry-after');
  check(value !== null, 'a 429 without a Retry-After header (REQ-LIMIT-001)');
  check(
    /^\d+$/.test(value) && Number(value) >= 1,
    `Retry-After "${value}" is not whole seconds of at least 1 (REQ-LIMIT-001)`,
  );
  return Number(value);
}

/**
 * Sends `send()` until the node answers 429, starting from a full bucket; checks that the node
 * admitted at least `burst` (REQ-LIMIT-002) and at most what the bucket allows (`limitReq`).
 */
async function drain(
  ctx: Context,
  bucket: Bucket,
  send: () => Promise<HttpResponse>,
  admittedOk: (res: HttpResponse) => void,
  limitReq: string,
): Promise<{ admitted: number; refused: HttpResponse }> {
  await sleep(bucket.fillMs + 100);
  const started = Date.now();
  let admitted = 0;
  for (;;) {
    const res = await send();
    const elapsed = Date.now() - started;
    if (res.status === 429) {
      check(
        admitted >= bucket.burst,
        `the node refused request ${admitted + 1} of a full bucket of ${bucket.burst} (REQ-LIMIT-002)`,
      );
      return { admitted, refused: res };
    }
    admittedOk(res);
    admitted += 1;
    const allowed = bucket.burst + Math.floor((bucket.perSecond * elapsed) / 1000) + 1;
    if (admitted > allowed) {
      throw new CaseFailure(
        `the node admitted ${admitted} requests in ${elapsed} ms, over its published bucket of ${bucket.burst} at once and ${bucket.perSecond}/s (${limitReq})`,
      );
    }
    if (elapsed > MAX_DRAIN_MS) {
      ctx.skip(
        `the suite could not outrun the refill of ${bucket.perSecond}/s within ${MAX_DRAIN_MS / 1000} s`,
      );
    }
  }
}

export const limitCases: Case[] = defineCases([
  {
    id: 'core-limits-published',
    requirements: ['REQ-LIMIT-003'],
    level: 'SHOULD',
    profile: 'core',
    title: 'the node publishes its per-client request bucket (request_burst, requests_per_second)',
    async run(ctx) {
      const bucket = publishedBucket(ctx, 'request_burst', 'requests_per_second', 1);
      check(
        bucket !== undefined,
        'the metadata limits publish no request_burst and requests_per_second (REQ-LIMIT-003)',
      );
    },
  },
  {
    id: 'log-limits-receipt-budget',
    requirements: ['REQ-LIMIT-004', 'REQ-LIMIT-001', 'REQ-LIMIT-002'],
    refuses: ['REQ-LIMIT-004', 'REQ-LIMIT-001'],
    level: 'MUST',
    profile: 'log',
    title:
      'receipts beyond the published budget are refused with 429 rate-limited and Retry-After, and nothing is appended',
    async run(ctx) {
      const bucket = publishedBucket(ctx, 'receipt_burst', 'receipts_per_minute', 60);
      check(
        bucket !== undefined,
        'the metadata limits publish no receipt_burst and receipts_per_minute (REQ-LIMIT-004)',
      );
      skipUnlessDrainable(ctx, bucket, 'receipts');
      const id = ctx.workId('receipt-budget');
      const ask = () =>
        ctx.http.get(
          `/v1/decision?id=${encodeURIComponent(id)}&purpose=train&receipt=1&nonce=${ctx.nonce()}`,
        );
      const { refused } = await drain(
        ctx,
        bucket,
        ask,
        (res) => {
          check(res.status === 200, `a receipt within the budget: expected 200, got ${res.status}`);
          check(
            typeof (res.json as { receipt?: unknown }).receipt === 'string',
            'an admitted query has no receipt (REQ-API-077)',
          );
        },
        'REQ-LIMIT-004',
      );
      retryAfterOf(refused);
      check(
        !('receipt' in (refused.json as object)) && !('decision' in (refused.json as object)),
        'a refused receipt query was answered in part (REQ-LIMIT-001)',
      );
      // A refused receipt appends nothing: the signed log does not grow across one (REQ-LIMIT-001).
      let checked = false;
      for (let attempt = 0; attempt < 5 && !checked; attempt++) {
        const before = await fetchCheckpoint(ctx);
        const res = await ask();
        if (res.status !== 429) continue;
        const after = await fetchCheckpoint(ctx);
        check(
          after.size === before.size,
          `the log grew from ${before.size} to ${after.size} across a refused receipt query (REQ-LIMIT-001)`,
        );
        checked = true;
      }
      check(checked, 'no receipt query was refused again while the suite checked the log (REQ-LIMIT-004)');
      // After Retry-After the client is admitted again (REQ-LIMIT-001).
      const again = await ask();
      if (again.status === 429) {
        await sleep(retryAfterOf(again) * 1000 + 100);
        const later = await ask();
        check(
          later.status === 200,
          `after waiting Retry-After, a receipt query got ${later.status} (REQ-LIMIT-001)`,
        );
      }
      await sleep(bucket.fillMs + 100);
    },
  },
  {
    id: 'core-limits-requests',
    requirements: ['REQ-LIMIT-001', 'REQ-LIMIT-002'],
    refuses: ['REQ-LIMIT-001'],
    level: 'MUST',
    profile: 'core',
    title:
      'requests beyond the published request bucket are refused with 429 rate-limited and Retry-After, and a refused publication stores nothing',
    async run(ctx) {
      const bucket = publishedBucket(ctx, 'request_burst', 'requests_per_second', 1);
      if (bucket === undefined)
        return ctx.skip('the node publishes no request bucket (REQ-LIMIT-003 is a SHOULD)');
      skipUnlessDrainable(ctx, bucket, 'requests');
      // Everything the case sends after the drain is made first: records to publish when refused.
      const party = await ctx.sharedParty('limits');
      const records = await Promise.all([1, 2, 3, 4, 5].map(() => ctx.signRecord(party)));
      const id = ctx.workId('request-rate');
      const decide = () => ctx.http.get(`/v1/decision?id=${encodeURIComponent(id)}&purpose=train`);
      const { refused } = await drain(
        ctx,
        bucket,
        decide,
        (res) => check(res.status === 200, `a decision within the bucket: expected 200, got ${res.status}`),
        'REQ-LIMIT-002',
      );
      retryAfterOf(refused);
      // A refused publication stores nothing (REQ-LIMIT-001).
      for (const record of records) {
        const published = await ctx.post('/v1/records', record.jws);
        if (published.status !== 429) {
          // A token came back meanwhile and the record was published: spend the bucket again.
          check(published.status === 201, `publishing: expected 201 or 429, got ${published.status}`);
          for (let n = 0; n <= bucket.burst && (await decide()).status !== 429; n++);
          continue;
        }
        const wait = retryAfterOf(published);
        await sleep(wait * 1000 + 100);
        const stored = await ctx.http.get(`/v1/records/${record.id}`);
        check(
          stored.status !== 429,
          `after waiting Retry-After (${wait} s), a request got 429 (REQ-LIMIT-001)`,
        );
        check(
          stored.status === 404,
          `a publication refused with 429 was stored: GET of it answered ${stored.status} (REQ-LIMIT-001)`,
        );
        await sleep(bucket.fillMs + 100);
        return;
      }
      ctx.skip(`the bucket refilled before each of ${records.length} publications could be refused`);
    },
  },
]);
