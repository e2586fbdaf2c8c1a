/** The federation profile: the target's own metadata and entries feed (spec/federation.md §3, §4). */
import { type Case, defineCases } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal, expectProblem } from '../../expect.ts';

interface FeedPage {
  entries: Array<{ index: number; jws: string }>;
  next: number | null;
}

async function page(ctx: Context, query: string): Promise<FeedPage> {
  const res = await ctx.http.get(`/v1/log/entries?${query}`);
  check(res.status === 200, `GET /v1/log/entries?${query}: expected 200, got ${res.status} (REQ-FED-003)`);
  const body = res.json as { entries?: unknown; next?: unknown };
  check(Array.isArray(body?.entries), `GET /v1/log/entries?${query}: no "entries" array (REQ-FED-003)`);
  check(
    body.next === null || Number.isSafeInteger(body.next),
    `GET /v1/log/entries?${query}: "next" is neither null nor an index (REQ-FED-004)`,
  );
  return body as FeedPage;
}

/** Publishes `n` records and returns their JWS with their log indexes. */
async function publishSome(ctx: Context, n: number) {
  const party = await ctx.sharedParty('federation-feed');
  const out: Array<{ jws: string; index: number }> = [];
  for (let i = 0; i < n; i++) {
    const r = await ctx.publishRecord(party);
    const index = (r.view as { log?: { index?: unknown } }).log?.index;
    check(Number.isSafeInteger(index), 'the 201 answer names no log index (REQ-API-072)');
    out.push({ jws: r.jws, index: index as number });
  }
  return out;
}

export const federationFeedCases: Case[] = defineCases([
  {
    id: 'federation-metadata',
    requirements: ['REQ-FED-001'],
    level: 'MUST',
    profile: 'federation',
    title: 'the metadata lists the federation profile and a federation member with peers_url and follows',
    async run(ctx) {
      const res = await ctx.http.get('/.well-known/kyodaku');
      const wk = res.json as { profiles?: unknown; federation?: { peers_url?: unknown; follows?: unknown } };
      check(
        Array.isArray(wk.profiles) && wk.profiles.includes('federation'),
        'profiles does not list "federation" (REQ-FED-001)',
      );
      check(
        typeof wk.federation === 'object' && wk.federation !== null,
        'no "federation" member (REQ-FED-001)',
      );
      check(Array.isArray(wk.federation.follows), 'federation.follows is not an array (REQ-FED-001)');
      equal(wk.federation.peers_url, '/v1/peers', 'federation.peers_url');
    },
  },
  {
    id: 'federation-feed-pages',
    requirements: ['REQ-FED-001', 'REQ-FED-003', 'REQ-FED-004'],
    level: 'MUST',
    profile: 'federation',
    title:
      'the entries feed pages the log in ascending, contiguous order from after + 1, each entry exactly as logged',
    async run(ctx) {
      const mine = await publishSome(ctx, 3);
      const first = mine[0]!.index;
      // One entry per page: starts at after + 1, at most limit, next is the page's last index.
      for (let i = 0; i < mine.length; i++) {
        const p = await page(ctx, `${first + i === 0 ? '' : `after=${first + i - 1}&`}limit=1`);
        check(p.entries.length === 1, `limit=1: expected one entry, got ${p.entries.length} (REQ-FED-003)`);
        equal(p.entries[0]!.index, first + i, 'the index of the first entry of the page (after + 1)');
        check(
          p.entries[0]!.jws === mine[i]!.jws,
          `entry ${first + i} is not the published JWS (REQ-FED-003)`,
        );
        if (i < mine.length - 1)
          equal(p.next, first + i, 'next of a page that does not end the log (REQ-FED-004)');
      }
      // A page to the end of the log: contiguous, and next is null.
      const rest = await page(ctx, `after=${first}&limit=1000`);
      rest.entries.forEach((e, i) => {
        equal(e.index, first + 1 + i, `index of entry ${i} of the page (contiguous, REQ-FED-003)`);
      });
      check(
        rest.entries.length >= 2 && rest.entries[1]!.jws === mine[2]!.jws,
        'the page after the first record does not hold the next two records (REQ-FED-003)',
      );
      equal(rest.next, null, 'next of the page that reaches the end of the log (REQ-FED-004)');
      // Without after, the feed starts at 0; the default limit is at most 100.
      const start = await page(ctx, '');
      check(start.entries.length >= 1, 'the feed without after is empty (REQ-FED-003)');
      equal(start.entries[0]!.index, 0, 'the first index of the feed without after');
      check(start.entries.length <= 100, `the default page has ${start.entries.length} entries (limit 100)`);
    },
  },
  {
    id: 'federation-feed-bad-params',
    requirements: ['REQ-FED-004'],
    refuses: ['REQ-FED-004'],
    level: 'MUST',
    profile: 'federation',
    title: 'the feed accepts limit 1 to 1000 and refuses other limits and malformed after/limit with 400',
    async run(ctx) {
      for (const limit of ['1', '1000']) await page(ctx, `limit=${limit}`);
      for (const query of [
        'limit=0',
        'limit=1001',
        'limit=-1',
        'limit=abc',
        'after=-1',
        'after=1.5',
        'after=x',
      ]) {
        const res = await ctx.http.get(`/v1/log/entries?${query}`);
        expectProblem(res, 'invalid-request');
      }
    },
  },
]);
