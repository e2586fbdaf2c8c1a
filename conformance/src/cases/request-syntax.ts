/**
 * How a node reads a request (http-api.md §1): media types compare case-insensitively with their
 * parameters ignored (REQ-API-006), and a JSON body that names a member twice is not I-JSON
 * (REQ-API-007).
 */
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { expectJson, expectProblem } from '../expect.ts';

export const requestSyntaxCases: Case[] = defineCases([
  {
    id: 'core-media-type-case-and-parameters',
    requirements: ['REQ-API-006'],
    level: 'MUST',
    profile: 'core',
    title: 'Application/JOSE; charset=utf-8 is application/jose, and a +json type is JSON',
    async run(ctx) {
      const party = await ctx.sharedParty('media-types');
      const record = await ctx.signRecord(party);
      const published = await ctx.post('/v1/records', record.jws, 'Application/JOSE; charset=utf-8');
      expectJson(published, 201, schemas.RecordView, 'a record sent as Application/JOSE; charset=utf-8');
      const batch = JSON.stringify({ ids: [ctx.workId()], purposes: ['train'] });
      for (const type of ['APPLICATION/JSON; Charset="UTF-8"', 'application/vnd.example+json']) {
        expectJson(
          await ctx.post('/v1/decisions', batch, type),
          200,
          schemas.BatchDecisionResponse,
          `a batch sent as ${type}`,
        );
      }
    },
  },
  {
    id: 'core-json-duplicate-member',
    requirements: ['REQ-API-007'],
    refuses: ['REQ-API-007'],
    level: 'MUST',
    profile: 'core',
    title: 'a JSON body naming a member twice (also through an escape) is 400 malformed-json',
    async run(ctx) {
      const id = JSON.stringify(ctx.workId());
      for (const body of [
        `{"ids":[${id}],"purposes":["train"],"purposes":["tdm"]}`,
        `{"ids":[${id}],"purposes":["train"],"\\u0070urposes":["tdm"]}`,
        `{"ids":[${id}],"purposes":["train"],"receipt":{"nonce":"${ctx.nonce()}","nonce":"${ctx.nonce()}"}}`,
      ]) {
        expectProblem(await ctx.post('/v1/decisions', body, 'application/json'), 'malformed-json');
      }
      const party = await ctx.sharedParty('media-types');
      const record = await ctx.signRecord(party);
      const twice = `{"objects":[${JSON.stringify(record.jws)}],"objects":[]}`;
      expectProblem(await ctx.post('/v1/publications', twice, 'application/json'), 'malformed-json');
      await ctx.expectNotStored(`/v1/records/${record.id}`);
    },
  },
]);
