/**
 * Hostile JSON (kyodaku.md REQ-JSON-001/002, http-api.md REQ-JSON-003/004): strings that are not
 * well-formed Unicode and JSON nested too deep or too wide, in signed objects (single and bulk
 * publication, administrative requests, followed entries) and in request bodies. Every one must be
 * refused with its problem type, never a 5xx, and nothing may be stored.
 */
import { objectIdOf, schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestParty } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { b64, craftJws, sortDeep, splitJws } from '../jws-craft.ts';
import { caughtUp, decide, follow, withPeer } from './federation/support.ts';

const RECORD_TYP = 'kyodaku-record+jws';

/** `[` × depth then `]` × depth: arrays nested `depth` levels deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** The payload of a valid, unpublished record of `party`, as a value. */
async function recordPayload(ctx: Context, party: TestParty): Promise<Record<string, unknown>> {
  const valid = await ctx.signRecord(party, { purposes: { all: 'allow' } });
  return JSON.parse(Buffer.from(splitJws(valid.jws)[1], 'base64url').toString('utf8'));
}

/** A record of `party` with the given work titles, signed; a lone surrogate comes out escaped. */
async function recordWithTitles(ctx: Context, party: TestParty, titles: Record<string, string>) {
  const payload = await recordPayload(ctx, party);
  const work = payload.work as Record<string, unknown>;
  return craftJws({
    header: { alg: 'Ed25519', kid: party.kid, typ: RECORD_TYP },
    payload: { ...payload, work: { ...work, titles } },
    signer: party.signer,
  });
}

/** A record of `party` whose canonical text gets a last member `"x"` with the given JSON text. */
async function recordWithMember(ctx: Context, party: TestParty, value: string) {
  const text = JSON.stringify(sortDeep(await recordPayload(ctx, party)));
  return craftJws({
    header: { alg: 'Ed25519', kid: party.kid, typ: RECORD_TYP },
    payload: `${text.slice(0, -1)},"x":${value}}`,
    signer: party.signer,
  });
}

/** Posts a hostile JWS, expects the problem, and checks that nothing was stored under its id. */
async function refused(ctx: Context, path: string, jws: string, type: string, stored?: string) {
  const res = await ctx.post(path, jws);
  expectProblem(res, type);
  await ctx.expectNotStored(stored ?? `/v1/records/${await objectIdOf(jws)}`);
}

/** Posts a JSON body as text and expects the problem. */
async function refusedBody(ctx: Context, path: string, body: string, type: string, what: string) {
  const res = await ctx.post(path, body, 'application/json');
  check(res.status < 500, `${what}: got a server error ${res.status} (REQ-ERR-002)`);
  expectProblem(res, type);
}

function core(id: string, requirements: string[], title: string, run: (ctx: Context) => Promise<void>): Case {
  // Every case here sends what a JSON requirement says to refuse.
  const refuses = requirements.filter((r) => r.startsWith('REQ-JSON-'));
  return {
    id,
    requirements: [...requirements, 'REQ-ERR-001'],
    refuses,
    level: 'MUST',
    profile: 'core',
    title,
    run,
  };
}

export const hostileJsonCases: Case[] = defineCases([
  core(
    'core-json-lone-surrogate-value',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'a record of a registered party whose title holds an escaped lone high surrogate (\\ud800) is refused as non-canonical-json',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      await refused(
        ctx,
        '/v1/records',
        await recordWithTitles(ctx, party, { en: 'a\ud800b' }),
        'non-canonical-json',
      );
    },
  ),
  core(
    'core-json-lone-low-surrogate',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'a record whose title holds an escaped lone low surrogate (\\udc00) is refused as non-canonical-json',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      await refused(
        ctx,
        '/v1/records',
        await recordWithTitles(ctx, party, { en: '\udc00x' }),
        'non-canonical-json',
      );
    },
  ),
  core(
    'core-json-lone-surrogate-member-name',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'a record with a lone surrogate in a member name is refused as non-canonical-json',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      await refused(
        ctx,
        '/v1/records',
        await recordWithTitles(ctx, party, { 'en\udbff': 'Title' }),
        'non-canonical-json',
      );
    },
  ),
  core(
    'core-json-lone-surrogate-header',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'a protected header with a lone surrogate is refused as non-canonical-json (before its typ is compared)',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      const jws = await craftJws({
        header: { alg: 'Ed25519', kid: party.kid, typ: `${RECORD_TYP}\ud800` },
        payload: await recordPayload(ctx, party),
        signer: party.signer,
      });
      await refused(ctx, '/v1/records', jws, 'non-canonical-json');
    },
  ),
  core(
    'core-json-lone-surrogate-party',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'a party registration whose name holds a lone surrogate is refused as non-canonical-json and not registered',
    async (ctx) => {
      const party = await ctx.newParty();
      const jws = await craftJws({
        header: { alg: 'Ed25519', kid: party.kid, typ: 'kyodaku-party+jws' },
        payload: { ...party.party, names: { en: 'Name \udfff' } },
        signer: party.signer,
      });
      await refused(ctx, '/v1/parties', jws, 'non-canonical-json', `/v1/parties/${party.kid}`);
    },
  ),
  core(
    'core-json-lone-surrogate-admin',
    ['REQ-JSON-002', 'REQ-SIG-005', 'REQ-API-011'],
    'an administrative request signed by the admin key whose reason holds a lone surrogate is refused; the attestation stays in force',
    async (ctx) => {
      const party = await ctx.party();
      const jws = await craftJws({
        header: { alg: 'Ed25519', kid: ctx.admin.kid, typ: 'kyodaku-admin+jws' },
        payload: {
          kind: 'admin',
          v: 1,
          action: 'revoke-attestation',
          attestation: party.attestationId,
          reason: 'bad \ud800',
          issued_at: ctx.time(),
          nonce: ctx.nonce(),
        },
        signer: ctx.admin,
      });
      expectProblem(await ctx.post('/v1/attestations/revocations', jws), 'non-canonical-json');
      const record = await ctx.publishRecord(party);
      equal(record.view.status, 'current', 'a record of the party is still accepted');
    },
  ),
  core(
    'core-json-lone-surrogate-bulk',
    ['REQ-JSON-002', 'REQ-API-081'],
    'a bulk entry with a lone surrogate is refused as non-canonical-json, the other entries accepted',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      const bad = await recordWithTitles(ctx, party, { en: '\ud800' });
      const good = await ctx.signRecord(party);
      const res = await ctx.postJson('/v1/publications', { objects: [bad, good.jws] });
      const { results } = expectJson(res, 200, schemas.PublicationResponse, 'POST /v1/publications');
      const problem = (results[0] as { problem?: { type?: string } } | undefined)?.problem;
      check(
        results[0]?.status === 400 && problem?.type === 'urn:kyodaku:problem:non-canonical-json',
        `the entry with a lone surrogate: expected 400 non-canonical-json, got ${JSON.stringify(results[0])}`,
      );
      check(results[1]?.status === 201, `the good entry: expected 201, got ${JSON.stringify(results[1])}`);
      await ctx.expectNotStored(`/v1/records/${await objectIdOf(bad)}`);
    },
  ),
  core(
    'core-json-deep-header-zero-signature',
    ['REQ-JSON-001', 'REQ-ERR-002', 'REQ-API-011'],
    'a 53 KB JWS with an all-zero signature and arrays nested 20,000 deep in its header is refused as json-too-complex, not 5xx',
    async (ctx) => {
      const jws = `${b64(`{"alg":${nested(20_000)}}`)}.${b64('{}')}.${b64(new Uint8Array(64))}`;
      await refused(ctx, '/v1/records', jws, 'json-too-complex');
    },
  ),
  core(
    'core-json-deep-payload',
    ['REQ-JSON-001', 'REQ-ERR-002', 'REQ-API-011'],
    'a signed record whose payload nests arrays 4,000 deep, or objects 2,000 deep, is refused as json-too-complex',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      await refused(
        ctx,
        '/v1/records',
        await recordWithMember(ctx, party, nested(4_000)),
        'json-too-complex',
      );
      const objects = `${'{"a":'.repeat(2_000)}0${'}'.repeat(2_000)}`;
      await refused(ctx, '/v1/records', await recordWithMember(ctx, party, objects), 'json-too-complex');
    },
  ),
  core(
    'core-json-number-beyond-double',
    ['REQ-SIG-005', 'REQ-ERR-002', 'REQ-API-011'],
    'a signed record with a number beyond the range of a double (1e400) is refused as non-canonical-json, not 5xx',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      for (const value of ['1e400', '[-1e309]']) {
        await refused(ctx, '/v1/records', await recordWithMember(ctx, party, value), 'non-canonical-json');
      }
    },
  ),
  core(
    'core-json-depth-boundary',
    ['REQ-JSON-001', 'REQ-SIG-010'],
    'a payload nesting 32 levels is within the limit (refused by its schema), 33 levels is json-too-complex',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      // The payload object is level 1: 31 nested arrays make 32 levels.
      await refused(ctx, '/v1/records', await recordWithMember(ctx, party, nested(31)), 'schema-violation');
      await refused(ctx, '/v1/records', await recordWithMember(ctx, party, nested(32)), 'json-too-complex');
    },
  ),
  core(
    'core-json-wide-payload',
    ['REQ-JSON-001', 'REQ-SIG-010'],
    'a payload object of 1,001 members or array of 1,001 elements is json-too-complex; 1,000 is within the limit',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      const members = (n: number) =>
        `{${Array.from({ length: n }, (_, i) => `"m${String(i).padStart(4, '0')}":0`).join(',')}}`;
      const elements = (n: number) => `[${Array(n).fill(0).join(',')}]`;
      for (const [value, type] of [
        [members(1_001), 'json-too-complex'],
        [elements(1_001), 'json-too-complex'],
        [members(1_000), 'schema-violation'],
        [elements(1_000), 'schema-violation'],
      ] as const) {
        await refused(ctx, '/v1/records', await recordWithMember(ctx, party, value), type);
      }
    },
  ),
  core(
    'core-json-deep-bulk-entry',
    ['REQ-JSON-001', 'REQ-API-081', 'REQ-ERR-002'],
    'a bulk entry nested 20,000 deep is refused as json-too-complex, the other entries accepted',
    async (ctx) => {
      const party = await ctx.sharedParty('json-victim');
      const deep = `${b64(`{"alg":${nested(20_000)}}`)}.${b64('{}')}.${b64(new Uint8Array(64))}`;
      const good = await ctx.signRecord(party);
      const res = await ctx.postJson('/v1/publications', { objects: [deep, good.jws] });
      const { results } = expectJson(res, 200, schemas.PublicationResponse, 'POST /v1/publications');
      const problem = (results[0] as { problem?: { type?: string } } | undefined)?.problem;
      check(
        results[0]?.status === 400 && problem?.type === 'urn:kyodaku:problem:json-too-complex',
        `the deep entry: expected 400 json-too-complex, got ${JSON.stringify(results[0])}`,
      );
      check(results[1]?.status === 201, `the good entry: expected 201, got ${JSON.stringify(results[1])}`);
    },
  ),
  core(
    'core-json-deep-body',
    ['REQ-JSON-003', 'REQ-ERR-002'],
    'JSON bodies of POST /v1/decisions and POST /v1/publications nested more than 32 levels are refused as json-too-complex',
    async (ctx) => {
      for (const path of ['/v1/decisions', '/v1/publications']) {
        for (const [what, body] of [
          ['arrays 100,000 deep', nested(100_000)],
          ['ids nested 5,000 deep', `{"ids":[${nested(5_000)}],"purposes":["train"]}`],
          ['33 levels', `{"ids":["isbn:9784088725093"],"purposes":["train"],"x":${nested(32)}}`],
        ] as const) {
          await refusedBody(ctx, path, body, 'json-too-complex', `${path}: ${what}`);
        }
      }
    },
  ),
  core(
    'core-json-wide-body',
    ['REQ-JSON-003', 'REQ-ERR-002'],
    'a JSON body with an object of 1,001 members or an array of 100,001 elements is refused as json-too-complex',
    async (ctx) => {
      const members = Array.from({ length: 1_001 }, (_, i) => `"m${i}":0`).join(',');
      const elements = Array(100_001).fill('""').join(',');
      for (const path of ['/v1/decisions', '/v1/publications']) {
        await refusedBody(ctx, path, `{${members}}`, 'json-too-complex', `${path}: 1,001 members`);
        await refusedBody(
          ctx,
          path,
          `{"ids":[${elements}],"objects":[${elements}]}`,
          'json-too-complex',
          `${path}: 100,001 elements`,
        );
      }
    },
  ),
  core(
    'core-json-body-lone-surrogate',
    ['REQ-JSON-004', 'REQ-QUERY-013', 'REQ-API-080'],
    'a JSON body with a lone surrogate in a string or member name is refused as malformed-json',
    async (ctx) => {
      for (const [path, body] of [
        ['/v1/decisions', '{"ids":["url:https://a.example/\\ud800"],"purposes":["train"]}'],
        ['/v1/decisions', '{"ids":["isbn:9784088725093"],"purposes":["train"],"\\udc00":1}'],
        ['/v1/decisions', `{"ids":["\\udbff"],"purposes":["train"],"receipt":{"nonce":"${ctx.nonce()}"}}`],
        ['/v1/publications', '{"objects":["\\ud800"]}'],
      ] as const) {
        await refusedBody(ctx, path, body, 'malformed-json', `${path} ${body.slice(0, 60)}`);
      }
    },
  ),
  {
    id: 'federation-json-hostile-entries-refused',
    requirements: ['REQ-FED-011', 'REQ-FED-013', 'REQ-JSON-001', 'REQ-JSON-002'],
    refuses: ['REQ-FED-013', 'REQ-JSON-001', 'REQ-JSON-002'],
    level: 'MUST',
    profile: 'federation',
    title:
      'followed records with a lone surrogate or nested too deep are refused and reported, the entries after them followed',
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const member = await peer.party();
        const header = { alg: 'Ed25519', kid: member.kid, typ: RECORD_TYP };
        const hostile: Array<{ index: number; id: string; work: string; reason: string }> = [];
        for (const [reason, change] of [
          ['non-canonical-json', (p: Record<string, unknown>) => ({ ...p, titles: { en: 'a\ud800b' } })],
          ['non-canonical-json', (p: Record<string, unknown>) => ({ ...p, titles: { 'en\udc00': 'x' } })],
          ['json-too-complex', undefined],
        ] as const) {
          const work = ctx.workId('hostile-json');
          const signed = await peer.signRecord(member, { ids: [work] });
          const payload = JSON.parse(Buffer.from(splitJws(signed.jws)[1], 'base64url').toString('utf8'));
          const text =
            change === undefined
              ? `${JSON.stringify(sortDeep(payload)).slice(0, -1)},"x":${nested(4_000)}}`
              : JSON.stringify(sortDeep({ ...payload, work: change(payload.work) }));
          const jws = await craftJws({ header, payload: text, signer: member.signer });
          hostile.push({ index: peer.append(jws), id: await objectIdOf(jws), work, reason });
        }
        const lastWork = ctx.workId('after-hostile-json');
        const last = await peer.record(member, { ids: [lastWork] });

        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);
        equal(status.state, 'following', 'state after refusals (REQ-FED-013: go on with the next entry)');
        const refusals = new Map((status.refusals ?? []).map((r) => [r.index, r.reason]));
        for (const h of hostile) {
          check(
            typeof refusals.get(h.index) === 'string',
            `entry ${h.index} (expected to be refused as ${h.reason}) is not reported in GET /v1/peers (REQ-FED-013); refusals: ${JSON.stringify(status.refusals)}`,
          );
          await ctx.expectNotStored(`/v1/records/${h.id}`);
          const d = await decide(ctx, h.work);
          equal(
            [d.decision, d.records],
            ['deny', []],
            `decision for ${h.work}, named only by a refused record`,
          );
        }
        const d = await decide(ctx, lastWork);
        equal([d.decision, d.records], ['allow', [last.id]], 'decision for the valid record after them');
      }),
  },
]);
