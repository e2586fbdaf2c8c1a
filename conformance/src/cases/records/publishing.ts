/**
 * Publishing consent records (http-api.md §3.2): the record served as published, replays, media
 * types, language tags, and the issuers a node must not take.
 */
import { objectIdOf, schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import type { Context, TestKey } from '../../context.ts';
import { equal, expectJson, expectLocation, expectProblem } from '../../expect.ts';

/** A record whose issuer the node must not take: refused with the problem type, and not stored. */
const REFUSED_ISSUERS: {
  id: string;
  requirements: string[];
  title: string;
  issuer(ctx: Context): Promise<TestKey>;
  problem: string;
}[] = [
  {
    id: 'core-record-unregistered-issuer',
    requirements: ['REQ-API-030', 'REQ-SIG-003'],
    title: 'a record of an unregistered issuer is 400 unknown-key',
    issuer: (ctx) => ctx.newKey(),
    problem: 'unknown-key',
  },
  {
    id: 'core-record-unattested',
    requirements: ['REQ-API-031'],
    title:
      'a record of a registered but unattested party is 403 unattested-key (a key is not trusted by registering)',
    issuer: (ctx) => ctx.party('rights-holder', { attest: false }),
    problem: 'unattested-key',
  },
  {
    id: 'core-record-ai-developer',
    requirements: ['REQ-API-032'],
    title: 'a record of an attested ai-developer is 403 forbidden',
    issuer: (ctx) => ctx.party('ai-developer'),
    problem: 'forbidden',
  },
];

export const recordPublishingCases: Case[] = defineCases([
  {
    id: 'core-record-language-tags-well-formed',
    requirements: ['REQ-ID-032'],
    level: 'MUST',
    profile: 'core',
    title:
      'titles and aliases keyed by well-formed language tags (script, region, variants, extensions, private use, grandfathered, any case) are taken',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const tags = [
        ['ja-JP-u-ca-japanese', 'zh-Hant-TW', 'es-419', 'sl-rozaj-biske', 'EN-us'],
        ['x-whatever', 'i-klingon', 'en-a-bbb-x-a-ccc', 'zh-yue-HK', 'de-CH-1901'],
      ] as const;
      const r = await ctx.publishRecord(p, {
        work: {
          type: 'work',
          ids: [ctx.workId()],
          titles: Object.fromEntries(tags[0].map((t) => [t, 'Hoshi'])),
          aliases: Object.fromEntries(tags[1].map((t) => [t, ['Hoshi no Umi']])),
        },
      });
      equal(Object.keys(r.view.record.work.titles ?? {}).sort(), [...tags[0]].sort(), 'title languages');
    },
  },
  {
    id: 'core-record-publish',
    requirements: ['REQ-API-013', 'REQ-SIG-011', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record is published with 201, Location, and id = SHA-256 of its JWS; GET serves it as current',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.signRecord(p);
      const res = await ctx.post('/v1/records', record.jws);
      const view = expectJson(res, 201, schemas.RecordView, 'POST /v1/records');
      equal(view.id, await objectIdOf(record.jws), 'id');
      equal(view.jws, record.jws, 'jws');
      equal(view.status, 'current', 'status');
      expectLocation(res, `/v1/records/${view.id}`);
      const got = await ctx.recordView(view.id);
      equal([got.id, got.jws, got.status], [view.id, record.jws, 'current'], 'GET the record');
    },
  },
  {
    id: 'core-record-unknown',
    requirements: ['REQ-ERR-004'],
    level: 'MUST',
    profile: 'core',
    title: 'GET of an unknown record id is 404 not-found',
    async run(ctx) {
      expectProblem(await ctx.http.get(`/v1/records/${'0'.repeat(64)}`), 'not-found');
    },
  },
  ...REFUSED_ISSUERS.map(
    ({ id, requirements, title, issuer, problem }): Case => ({
      id,
      requirements,
      refuses: requirements,
      level: 'MUST',
      profile: 'core',
      title,
      async run(ctx) {
        const record = await ctx.signRecord(await issuer(ctx));
        expectProblem(await ctx.post('/v1/records', record.jws), problem);
        await ctx.expectNotStored(`/v1/records/${record.id}`);
      },
    }),
  ),
  {
    id: 'core-record-replay',
    requirements: ['REQ-API-012'],
    refuses: ['REQ-API-012'],
    level: 'MUST',
    profile: 'core',
    title: 'replaying an accepted record is 409 duplicate-object with the existing id',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.publishRecord(p);
      const res = await ctx.post('/v1/records', record.jws);
      expectProblem(res, 'duplicate-object');
      equal((res.json as { id?: unknown }).id, record.id, 'problem member id');
    },
  },
  {
    id: 'core-record-wrong-media-type',
    requirements: ['REQ-API-010', 'REQ-ERR-006'],
    refuses: ['REQ-API-010', 'REQ-ERR-006'],
    level: 'MUST',
    profile: 'core',
    title: 'a valid record sent as application/json (or without a media type) is 415 and not stored',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.signRecord(p);
      expectProblem(await ctx.post('/v1/records', record.jws, 'application/json'), 'unsupported-media-type');
      expectProblem(
        await ctx.post('/v1/records', JSON.stringify(record.jws), 'application/json'),
        'unsupported-media-type',
      );
      expectProblem(
        await ctx.post('/v1/records', record.jws, 'application/jose+json'),
        'unsupported-media-type',
      );
      await ctx.expectNotStored(`/v1/records/${record.id}`);
    },
  },
]);
