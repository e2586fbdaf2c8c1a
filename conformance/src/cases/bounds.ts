/**
 * The boundaries of every numeric query parameter of every route that has one: the proofs and the
 * entries feed of the log (http-api.md REQ-API-073, REQ-API-074, REQ-API-076) and the listing of an
 * issuer's records (REQ-API-036). Each probe is one case, generated from a table of (route,
 * boundary): 0, size − 1, size, size + 1, negative, huge (2^53 and beyond), a leading zero, missing,
 * and repeated (REQ-API-079). A probe the spec answers is checked to be answered (and its proof to
 * verify against the signed checkpoint); every other is checked to be 400 invalid-request.
 */
import { leafHashOfEntry, schemas, verifyConsistency, verifyInclusion } from '@kyodaku/client';
import type { Case, Profile } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { b64, fetchCheckpoint, proofOf } from './log/support.ts';

/** What a probe knows when it builds its query: the size of the latest checkpoint, or a limit. */
interface Bound {
  /** The log size of the latest checkpoint (at least 3), for the log routes. */
  size: number;
  /** The root hash of that checkpoint. */
  root: Uint8Array;
  /** `max_page_size`, for the listing. */
  maxPage: number;
  /** A party id with records, for the listing. */
  issuer: string;
}

interface Probe {
  /** The boundary, for the case id. */
  name: string;
  query(b: Bound): string;
  /** `valid`: the node answers 200 (checked further by the route); else 400 invalid-request. */
  valid: boolean;
  /** Requirement of the probe when not the route's (REQ-API-079 for repeated parameters). */
  requirement?: string;
}

interface BoundedRoute {
  name: string;
  profile: Profile;
  path: string;
  /** The requirement that says what to refuse. */
  requirement: string;
  /** The requirement that says what to answer. */
  answers: string;
  /** Checks a 200 answer beyond its status. */
  answered(ctx: Context, res: HttpResponse, b: Bound, params: URLSearchParams): Promise<void>;
  probes: Probe[];
}

const TWO_53 = '9007199254740992';
const HUGE = '99999999999999999999999';

const ok = (name: string, query: (b: Bound) => string): Probe => ({ name, query, valid: true });
const bad = (name: string, query: (b: Bound) => string, requirement?: string): Probe => ({
  name,
  query,
  valid: false,
  ...(requirement && { requirement }),
});

/** The entry at `index`, from the feed (the proofs name leaves; the suite hashes the entry itself). */
async function entryAt(ctx: Context, index: number): Promise<string> {
  const res = await ctx.http.get(`/v1/log/entries?${index === 0 ? '' : `after=${index - 1}&`}limit=1`);
  check(res.status === 200, `GET /v1/log/entries for entry ${index}: ${res.status}`);
  const jws = (res.json as { entries?: Array<{ index?: unknown; jws?: unknown }> }).entries?.[0]?.jws;
  check(typeof jws === 'string', `the feed has no entry ${index}`);
  return jws;
}

const num = (params: URLSearchParams, name: string) => Number(params.get(name));

const ROUTES: BoundedRoute[] = [
  {
    name: 'inclusion',
    profile: 'log',
    path: '/v1/log/proof/inclusion',
    requirement: 'REQ-API-074',
    answers: 'REQ-API-073',
    async answered(ctx, res, b, params) {
      const [index, size] = [num(params, 'index'), num(params, 'size')];
      const body = res.json as { index?: unknown; size?: unknown; leaf_hash?: unknown };
      equal([body.index, body.size], [index, size], 'index and size of the proof');
      const leaf = leafHashOfEntry(await entryAt(ctx, index));
      equal(body.leaf_hash, b64(leaf), `leaf_hash of entry ${index}`);
      if (size !== b.size) return; // only the checkpoint's root is signed
      check(
        verifyInclusion(leaf, index, size, proofOf(res.json, 'inclusion proof'), b.root),
        `the inclusion proof of entry ${index} does not verify against the checkpoint of size ${size} (REQ-API-073)`,
      );
    },
    probes: [
      ok('index-0', (b) => `index=0&size=${b.size}`),
      ok('index-size-minus-1', (b) => `index=${b.size - 1}&size=${b.size}`),
      ok('index-0-size-1', () => 'index=0&size=1'),
      bad('index-at-size', (b) => `index=${b.size}&size=${b.size}`),
      bad('index-size-plus-1', (b) => `index=${b.size + 1}&size=${b.size}`),
      bad('size-plus-1', (b) => `index=0&size=${b.size + 1}`),
      bad('size-0', () => 'index=0&size=0'),
      bad('index-negative', (b) => `index=-1&size=${b.size}`),
      bad('size-negative', () => 'index=0&size=-1'),
      bad('index-2-53', (b) => `index=${TWO_53}&size=${b.size}`),
      bad('size-huge', () => `index=0&size=${HUGE}`),
      bad('index-leading-zero', (b) => `index=00&size=${b.size}`),
      bad('index-missing', (b) => `size=${b.size}`),
      bad('size-missing', () => 'index=0'),
      bad('index-repeated', (b) => `index=0&index=1&size=${b.size}`, 'REQ-API-079'),
      bad('size-repeated', (b) => `index=0&size=${b.size}&size=${b.size - 1}`, 'REQ-API-079'),
    ],
  },
  {
    name: 'consistency',
    profile: 'log',
    path: '/v1/log/proof/consistency',
    requirement: 'REQ-API-074',
    answers: 'REQ-API-073',
    async answered(ctx, res, b, params) {
      const [from, to] = [num(params, 'from'), num(params, 'to')];
      const body = res.json as { from?: unknown; to?: unknown };
      equal([body.from, body.to], [from, to], 'from and to of the proof');
      const proof = proofOf(res.json, 'consistency proof');
      if (from === to) {
        equal(proof.length, 0, 'the consistency proof between equal sizes (empty)');
        return;
      }
      if (from !== 1 || to !== b.size) return; // the suite knows the roots of size 1 and of the checkpoint
      check(
        verifyConsistency(1, to, proof, leafHashOfEntry(await entryAt(ctx, 0)), b.root),
        `the consistency proof from 1 to ${to} does not verify against the checkpoint (REQ-API-073)`,
      );
    },
    probes: [
      ok('from-1', (b) => `from=1&to=${b.size}`),
      ok('from-size-minus-1', (b) => `from=${b.size - 1}&to=${b.size}`),
      ok('from-at-to', (b) => `from=${b.size}&to=${b.size}`),
      bad('from-0', (b) => `from=0&to=${b.size}`),
      bad('from-above-to', (b) => `from=${b.size}&to=${b.size - 1}`),
      bad('to-size-plus-1', (b) => `from=1&to=${b.size + 1}`),
      bad('from-negative', (b) => `from=-1&to=${b.size}`),
      bad('to-negative', () => 'from=1&to=-1'),
      bad('to-2-53', () => `from=1&to=${TWO_53}`),
      bad('from-huge', (b) => `from=${HUGE}&to=${b.size}`),
      bad('from-leading-zero', (b) => `from=01&to=${b.size}`),
      bad('from-missing', (b) => `to=${b.size}`),
      bad('to-missing', () => 'from=1'),
      bad('from-repeated', (b) => `from=1&from=2&to=${b.size}`, 'REQ-API-079'),
      bad('to-repeated', (b) => `from=1&to=${b.size}&to=${b.size - 1}`, 'REQ-API-079'),
    ],
  },
  {
    name: 'entries',
    profile: 'log',
    path: '/v1/log/entries',
    requirement: 'REQ-API-076',
    answers: 'REQ-API-076',
    async answered(_ctx, res, b, params) {
      const body = res.json as { entries?: Array<{ index?: unknown }>; next?: unknown };
      check(Array.isArray(body.entries), 'the page has no entries array');
      const start = params.has('after') ? num(params, 'after') + 1 : 0;
      const limit = params.has('limit') ? num(params, 'limit') : 100;
      // The log may have grown since the checkpoint; it never shrinks.
      const expected = Math.max(0, Math.min(limit, b.size - start));
      check(
        body.entries.length >= expected && body.entries.length <= limit,
        `a page from ${start} with limit ${limit} over a log of at least ${b.size} entries has ${body.entries.length}`,
      );
      body.entries.forEach((e, i) => {
        equal(e.index, start + i, `index of entry ${i} of the page`);
      });
      if (start >= b.size && body.entries.length === 0) equal(body.next, null, 'next of a page past the end');
    },
    probes: [
      ok('after-size-minus-2', (b) => `after=${b.size - 2}&limit=1`),
      ok('after-size-minus-1', (b) => `after=${b.size - 1}`),
      ok('after-size', (b) => `after=${b.size}`),
      ok('after-size-plus-1', (b) => `after=${b.size + 1}`),
      ok('limit-1', () => 'limit=1'),
      ok('limit-1000', () => 'limit=1000'),
      bad('limit-0', () => 'limit=0'),
      bad('limit-1001', () => 'limit=1001'),
      bad('limit-negative', () => 'limit=-1'),
      bad('after-negative', () => 'after=-1'),
      bad('after-2-53', () => `after=${TWO_53}`),
      bad('limit-huge', () => `limit=${HUGE}`),
      bad('after-leading-zero', () => 'after=01'),
      bad('limit-leading-zero', () => 'limit=01'),
      bad('after-repeated', () => 'after=0&after=1', 'REQ-API-079'),
      bad('limit-repeated', () => 'limit=1&limit=2', 'REQ-API-079'),
    ],
  },
  {
    name: 'records',
    profile: 'core',
    path: '/v1/records',
    requirement: 'REQ-API-036',
    answers: 'REQ-API-036',
    async answered(_ctx, res, b, params) {
      const list = expectJson(res, 200, schemas.RecordList, 'GET /v1/records');
      check(
        list.records.length >= 1 && list.records.length <= num(params, 'limit'),
        `a page with limit ${params.get('limit')} of an issuer with records has ${list.records.length}`,
      );
      check(
        list.records.every((r) => r.record.iss === b.issuer),
        'the page lists records of another issuer',
      );
    },
    probes: [
      ok('limit-1', (b) => `issuer=${b.issuer}&limit=1`),
      ok('limit-max', (b) => `issuer=${b.issuer}&limit=${b.maxPage}`),
      bad('limit-0', (b) => `issuer=${b.issuer}&limit=0`),
      bad('limit-max-plus-1', (b) => `issuer=${b.issuer}&limit=${b.maxPage + 1}`),
      bad('limit-negative', (b) => `issuer=${b.issuer}&limit=-1`),
      bad('limit-huge', (b) => `issuer=${b.issuer}&limit=${HUGE}`),
      bad('limit-repeated', (b) => `issuer=${b.issuer}&limit=1&limit=2`, 'REQ-API-079'),
      bad('issuer-repeated', (b) => `issuer=${b.issuer}&issuer=${b.issuer}`, 'REQ-API-079'),
    ],
  },
];

/** The bound a probe is built from: a log of at least 3 entries, signed; an issuer with records. */
async function boundOf(ctx: Context, route: BoundedRoute): Promise<Bound> {
  const party = await ctx.sharedParty('bounds');
  if (route.profile === 'core') {
    const listed = await ctx.http.get(`/v1/records?issuer=${party.kid}&limit=1`);
    const records = (listed.json as { records?: unknown[] } | undefined)?.records;
    if (listed.status !== 200 || records === undefined || records.length === 0)
      await ctx.publishRecord(party);
    return { size: 0, root: new Uint8Array(), maxPage: ctx.limits.max_page_size, issuer: party.kid };
  }
  let cp = await fetchCheckpoint(ctx);
  while (cp.size < 3) {
    await ctx.publishRecord(party);
    cp = await fetchCheckpoint(ctx);
  }
  return { size: cp.size, root: cp.rootHash, maxPage: ctx.limits.max_page_size, issuer: party.kid };
}

export const boundCases: Case[] = ROUTES.flatMap((route) =>
  route.probes.map((probe): Case => {
    const requirements = [probe.valid ? route.answers : (probe.requirement ?? route.requirement)];
    return {
      id: `${route.profile}-bounds-${route.name}-${probe.name}`,
      requirements,
      refuses: probe.valid ? [] : requirements,
      level: 'MUST',
      profile: route.profile,
      title: `GET ${route.path}?${probe.query({ size: 8, root: new Uint8Array(), maxPage: 1000, issuer: '{party}' })} ${route.profile === 'log' ? '(for a checkpoint of size 8) ' : ''}is ${
        probe.valid ? 'answered' : '400 invalid-request'
      }`,
      async run(ctx) {
        const b = await boundOf(ctx, route);
        const query = probe.query(b);
        const res = await ctx.http.get(`${route.path}?${query}`);
        if (!probe.valid) {
          expectProblem(res, 'invalid-request');
          return;
        }
        check(
          res.status === 200,
          `GET ${route.path}?${query}: expected 200, got ${res.status} ${res.text.slice(0, 200)}`,
        );
        await route.answered(ctx, res, b, new URLSearchParams(query));
      },
    };
  }),
);
