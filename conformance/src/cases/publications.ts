/** Bulk publication, POST /v1/publications (http-api.md §3.5). */
import { objectIdOf, schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

type Result = schemas.PublicationResult;

async function publish(ctx: Context, objects: string[]): Promise<Result[]> {
  const res = await ctx.postJson('/v1/publications', { objects });
  const body = expectJson(res, 200, schemas.PublicationResponse, 'POST /v1/publications');
  equal(body.results.length, objects.length, 'number of results');
  return body.results;
}

/** Asserts an accepted result of the given kind for `jws`; returns it. */
async function expectAccepted(
  ctx: Context,
  result: Result | undefined,
  jws: string,
  kind: string,
  what: string,
) {
  check(result?.status === 201, `${what}: expected 201, got ${JSON.stringify(result)}`);
  const accepted = result as { id: string; kind: string; location: string; log?: unknown };
  const id = await objectIdOf(jws);
  equal([accepted.id, accepted.kind], [id, kind], `${what}: id and kind`);
  const path = kind === 'revocation' ? `/v1/revocations/${id}` : `/v1/${kind}s/${id}`;
  check(accepted.location.endsWith(path), `${what}: location ${accepted.location} does not name ${path}`);
  if (ctx.suite.wellKnown.profiles.includes('log')) {
    check(schemas.EntryRef.safeParse(accepted.log).success, `${what}: no log entry reference`);
  }
  return accepted;
}

/** Asserts a refused result with the problem type `slug`, its problem's status equal to its own. */
function expectRefused(result: Result | undefined, slug: string, what: string): void {
  check(
    result !== undefined && result.status !== 201,
    `${what}: expected ${slug}, got ${JSON.stringify(result)}`,
  );
  const problem = schemas.Problem.safeParse((result as { problem?: unknown }).problem);
  check(problem.success, `${what}: the result has no problem object`);
  equal(problem.data.type, `urn:kyodaku:problem:${slug}`, `${what}: problem type`);
  equal(problem.data.status, result.status, `${what}: problem status`);
}

export const publicationCases: Case[] = defineCases([
  {
    id: 'core-publications-records',
    requirements: ['REQ-API-080', 'REQ-API-083', 'REQ-API-084'],
    level: 'MUST',
    profile: 'core',
    title:
      'max_batch_objects (at least 1,000) records in one request: one result per entry in order, each stored and decided on when the answer comes',
    async run(ctx) {
      const n = ctx.limits.max_batch_objects;
      check(n >= 1000, `limits.max_batch_objects ${n} < 1,000`);
      const p = await ctx.sharedParty('bulk-publisher');
      const records = [];
      for (let i = 0; i < n; i++) records.push(await ctx.signRecord(p, { purposes: { train: 'allow' } }));
      const results = await publish(
        ctx,
        records.map((r) => r.jws),
      );
      for (let i = 0; i < n; i++)
        await expectAccepted(ctx, results[i], records[i]!.jws, 'record', `entry ${i}`);
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        const view = await ctx.recordView(records[i]!.id);
        equal(view.jws, records[i]!.jws, `GET of entry ${i}`);
        const payload = JSON.parse(Buffer.from(records[i]!.jws.split('.')[1]!, 'base64url').toString());
        const decision = await ctx.decision(payload.work.ids[0], 'train');
        equal([decision.decision, decision.records], ['allow', [records[i]!.id]], `decision for entry ${i}`);
      }
    },
  },
  {
    id: 'core-publications-entry-problems',
    requirements: ['REQ-API-081', 'REQ-API-083'],
    refuses: ['REQ-API-081'],
    level: 'MUST',
    profile: 'core',
    title:
      'each refused entry gets the problem of its single endpoint (bad signature, unattested, ai-developer, typ of another kind, not a JWS) and the others are accepted',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const unattested = await ctx.party('rights-holder', { attest: false });
      const developer = await ctx.sharedParty('developer', 'ai-developer');
      const good = await ctx.signRecord(p);
      const [h, pl, sig] = (await ctx.signRecord(p)).jws.split('.') as [string, string, string];
      const badSignature = `${h}.${pl}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
      const admin = await ctx.adminRequest({ action: 'attest', party: p.kid });
      const revocation = await signObject(
        'revocation',
        { kind: 'revocation', v: 1, iss: p.kid, record: good.id, issued_at: ctx.time(-60) },
        p.signer,
      );
      const results = await publish(ctx, [
        badSignature,
        (await ctx.signRecord(unattested)).jws,
        (await ctx.signRecord(developer)).jws,
        admin,
        'not.a.jws',
        good.jws,
        revocation.jws,
      ]);
      expectRefused(results[0], 'invalid-signature', 'a record with a bad signature');
      expectRefused(results[1], 'unattested-key', 'a record of an unattested party');
      expectRefused(results[2], 'forbidden', 'a record of an ai-developer');
      expectRefused(results[3], 'type-mismatch', 'an administrative request');
      check(
        results[4]?.status === 400,
        `a string that is not a JWS: expected 400, got ${results[4]?.status}`,
      );
      await expectAccepted(ctx, results[5], good.jws, 'record', 'the good record');
      await expectAccepted(ctx, results[6], revocation.jws, 'revocation', 'its revocation');
      expectProblem(await ctx.post('/v1/records', badSignature), 'invalid-signature');
      await ctx.expectNotStored(`/v1/records/${await objectIdOf(badSignature)}`);
      equal((await ctx.recordView(good.id)).status, 'revoked', 'status of the revoked good record');
    },
  },
  {
    id: 'core-publications-order',
    requirements: ['REQ-API-082'],
    refuses: ['REQ-API-082'],
    level: 'MUST',
    profile: 'core',
    title:
      'a record superseding, and a revocation of, a record of the same request are applied after it wherever they stand; a repeated entry is 409 duplicate-object',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const ids = [ctx.workId()];
      const first = await ctx.signRecord(p, { work: { type: 'work', ids }, purposes: { train: 'deny' } });
      const second = await ctx.signRecord(p, {
        work: { type: 'work', ids },
        purposes: { train: 'allow' },
        supersedes: first.id,
      });
      const revocation = await signObject(
        'revocation',
        { kind: 'revocation', v: 1, iss: p.kid, record: second.id, issued_at: ctx.time(-60) },
        p.signer,
      );
      const results = await publish(ctx, [revocation.jws, second.jws, first.jws, first.jws]);
      await expectAccepted(ctx, results[0], revocation.jws, 'revocation', 'the revocation before its record');
      await expectAccepted(ctx, results[1], second.jws, 'record', 'the superseding record before the first');
      await expectAccepted(ctx, results[2], first.jws, 'record', 'the first record');
      expectRefused(results[3], 'duplicate-object', 'the first record again');
      equal((await ctx.recordView(first.id)).status, 'superseded', 'status of the first record');
      equal((await ctx.recordView(second.id)).status, 'revoked', 'status of the superseding record');
    },
  },
  {
    id: 'core-publications-refused-request',
    requirements: ['REQ-API-080'],
    refuses: ['REQ-API-080'],
    level: 'MUST',
    profile: 'core',
    title:
      'too many entries is 413 batch-too-large, non-JSON 400 malformed-json, a body of another shape 400 invalid-request, application/jose 415; nothing is stored',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.signRecord(p);
      const tooMany = Array.from({ length: ctx.limits.max_batch_objects + 1 }, () => record.jws);
      expectProblem(await ctx.postJson('/v1/publications', { objects: tooMany }), 'batch-too-large');
      expectProblem(
        await ctx.post('/v1/publications', `{"objects": ["${record.jws}"`, 'application/json'),
        'malformed-json',
      );
      for (const body of [{}, { objects: [] }, { objects: [7] }, { objects: [record.jws], more: true }]) {
        expectProblem(await ctx.postJson('/v1/publications', body), 'invalid-request');
      }
      expectProblem(await ctx.post('/v1/publications', record.jws), 'unsupported-media-type');
      await ctx.expectNotStored(`/v1/records/${record.id}`);
    },
  },
]);
