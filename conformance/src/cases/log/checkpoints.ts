/** The log profile: metadata, checkpoints, consistency (spec/log.md §5, §6.2; http-api.md §9). */
import { schemas, verifyConsistency } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, expectJson } from '../../expect.ts';
import { fetchCheckpoint, logVerifier, proofOf } from './support.ts';

export const logCheckpointCases: Case[] = defineCases([
  {
    id: 'log-origin-announced',
    requirements: ['REQ-API-005'],
    level: 'MUST',
    profile: 'log',
    title: 'the origin announced now is the one the served checkpoint is signed under',
    async run(ctx) {
      const res = await ctx.http.get('/.well-known/kyodaku');
      const wk = expectJson(res, 200, schemas.WellKnown, 'GET /.well-known/kyodaku');
      const cp = await fetchCheckpoint(ctx);
      check(
        cp.origin === wk.node.origin && wk.log?.origin === wk.node.origin,
        `the checkpoint is signed under ${cp.origin}, the metadata announces node.origin ${wk.node.origin} and log.origin ${wk.log?.origin}`,
      );
    },
  },
  {
    id: 'log-wk-verifier-key',
    requirements: ['REQ-API-070', 'REQ-LOG-008'],
    level: 'MUST',
    profile: 'log',
    title: 'metadata names the log: origin is node.origin and verifier_key is node.key under that name',
    async run(ctx) {
      logVerifier(ctx);
    },
  },
  {
    id: 'log-checkpoint-signed',
    requirements: ['REQ-API-071', 'REQ-LOG-006', 'REQ-LOG-007', 'REQ-LOG-009', 'REQ-LOG-010', 'REQ-LOG-011'],
    level: 'MUST',
    profile: 'log',
    title: 'GET /v1/log/checkpoint is a signed note that verifies under the advertised key, no-store',
    async run(ctx) {
      const res = await ctx.http.get('/v1/log/checkpoint');
      check(res.status === 200, `expected 200, got ${res.status}`);
      check(/^text\/plain/.test(res.contentType), `content type ${res.contentType} is not text/plain`);
      check(/no-store/.test(res.headers.get('cache-control') ?? ''), 'Cache-Control must be no-store');
      const cp = await fetchCheckpoint(ctx);
      check(cp.extensions.length === 0, 'a 0.1 node writes no extension lines (REQ-LOG-007)');
      check(cp.origin === ctx.suite.wellKnown.node.origin, 'the checkpoint origin is not node.origin');
    },
  },
  {
    id: 'log-checkpoint-consistent',
    requirements: [
      'REQ-LOG-013',
      'REQ-LOG-016',
      'REQ-LOG-017',
      'REQ-LOG-019',
      'REQ-LOG-020',
      'REQ-LOG-022',
      'REQ-API-073',
    ],
    level: 'MUST',
    profile: 'log',
    title: 'checkpoints before and after a publication never shrink, and are proven consistent',
    async run(ctx) {
      const party = await ctx.sharedParty('log-publisher');
      const a = await fetchCheckpoint(ctx);
      await ctx.publishRecord(party);
      const b = await fetchCheckpoint(ctx);
      const c = await fetchCheckpoint(ctx);
      for (const [older, newer, what] of [
        [a, b, 'after a publication'],
        [b, c, 'on a second fetch'],
      ] as const) {
        check(
          newer.size >= older.size,
          `checkpoint size went from ${older.size} to ${newer.size} ${what} (REQ-LOG-013)`,
        );
        if (newer.size === older.size) {
          check(
            Buffer.compare(newer.rootHash, older.rootHash) === 0,
            `two roots signed for size ${newer.size}: the log was rewritten (REQ-LOG-013)`,
          );
          continue;
        }
        if (older.size === 0) continue;
        const res = await ctx.http.get(`/v1/log/proof/consistency?from=${older.size}&to=${newer.size}`);
        check(
          res.status === 200,
          `consistency proof ${older.size} -> ${newer.size}: status ${res.status} (REQ-API-073)`,
        );
        const proof = proofOf(res.json, 'consistency proof');
        check(
          verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash),
          `the consistency proof from ${older.size} to ${newer.size} does not verify against the signed roots: the log was rewritten (REQ-LOG-013, REQ-LOG-016)`,
        );
      }
      check(
        b.size > a.size,
        `a publication did not grow the checkpoint (${a.size} -> ${b.size}) (REQ-API-071)`,
      );
    },
  },
  {
    id: 'log-proof-beyond-checkpoint',
    requirements: ['REQ-API-074'],
    refuses: ['REQ-API-074'],
    level: 'MUST',
    profile: 'log',
    title: 'proof requests beyond the latest checkpoint or from size 0 are 400 invalid-request',
    async run(ctx) {
      const cp = await fetchCheckpoint(ctx);
      for (const path of [
        `/v1/log/proof/inclusion?index=0&size=${cp.size + 1000}`,
        `/v1/log/proof/consistency?from=1&to=${cp.size + 1000}`,
        '/v1/log/proof/consistency?from=0&to=1',
        '/v1/log/proof/inclusion?index=x&size=1',
      ]) {
        const res = await ctx.http.get(path);
        check(res.status === 400, `GET ${path}: expected 400, got ${res.status}`);
        const type = (res.json as { type?: unknown } | undefined)?.type;
        check(type === 'urn:kyodaku:problem:invalid-request', `GET ${path}: type ${String(type)}`);
      }
    },
  },
]);
