/** Batch decisions (http-api.md §5.2). */
import { PURPOSES, schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { randomIsbn } from './works.ts';

export const batchCases: Case[] = defineCases([
  {
    id: 'core-batch-max-ids',
    requirements: ['REQ-QUERY-010'],
    level: 'MUST',
    profile: 'core',
    title: 'a batch of max_batch_ids identifiers is answered, one result per identifier, in order',
    async run(ctx) {
      const n = ctx.limits.max_batch_ids;
      const ids = Array.from(
        { length: n },
        (_, i) => `kyodaku:conformance.test/${ctx.suite.runId}/batch-${i}`,
      );
      const res = await ctx.postJson('/v1/decisions', { ids, purposes: ['train.genai'] });
      const body = expectJson(res, 200, schemas.BatchDecisionResponse, 'POST /v1/decisions');
      equal(body.results.length, n, 'number of results');
      const outOfOrder = body.results.findIndex((r, i) => r.id !== ids[i]);
      check(
        outOfOrder === -1,
        `result ${outOfOrder} is for ${body.results[outOfOrder]?.id}, expected ${ids[outOfOrder]}`,
      );
    },
  },
  {
    id: 'core-batch-max-purposes',
    requirements: ['REQ-QUERY-010'],
    level: 'MUST',
    profile: 'core',
    title: 'a batch with 16 purposes gives ids × purposes results, in the order of ids then purposes',
    async run(ctx) {
      const ids = [ctx.workId(), ctx.workId()];
      const purposes = [...PURPOSES].slice(0, 16);
      const body = expectJson(
        await ctx.postJson('/v1/decisions', { ids, purposes }),
        200,
        schemas.BatchDecisionResponse,
        'POST /v1/decisions',
      );
      const order = body.results.map((r) => `${r.id} ${'purpose' in r ? r.purpose : ''}`);
      equal(
        order,
        ids.flatMap((id) => purposes.map((p) => `${id} ${p}`)),
        'results order',
      );
    },
  },
  {
    id: 'core-batch-too-large',
    requirements: ['REQ-QUERY-011'],
    refuses: ['REQ-QUERY-011'],
    level: 'MUST',
    profile: 'core',
    title: 'a batch of max_batch_ids + 1 identifiers is 413 batch-too-large',
    async run(ctx) {
      const ids = Array.from({ length: ctx.limits.max_batch_ids + 1 }, (_, i) => `kyodaku:x/${i}`);
      expectProblem(await ctx.postJson('/v1/decisions', { ids, purposes: ['train'] }), 'batch-too-large');
    },
  },
  {
    id: 'core-batch-equals-single',
    requirements: ['REQ-QUERY-012', 'REQ-QUERY-010'],
    level: 'MUST',
    profile: 'core',
    title: 'every batch result equals the single-item answer for the same id, purpose and at, less leaves',
    async run(ctx) {
      const a = await ctx.party();
      const b = await ctx.party();
      const allowed = ctx.workId();
      const disputed = ctx.workId();
      const none = ctx.workId();
      await ctx.publishRecord(a, {
        work: { type: 'work', ids: [allowed] },
        purposes: { train: 'allow', 'generate.voice': 'conditional' },
        conditions: { attribution: { required: true } },
      });
      await ctx.publishRecord(a, { work: { type: 'work', ids: [disputed] }, purposes: { all: 'allow' } });
      await ctx.publishRecord(b, { work: { type: 'work', ids: [disputed] }, purposes: { train: 'deny' } });
      const ids = [allowed, disputed, none];
      const purposes = ['train', 'train.genai', 'generate.voice', 'search'];
      const at = ctx.time(60);
      const batch = expectJson(
        await ctx.postJson('/v1/decisions', { ids, purposes, at }),
        200,
        schemas.BatchDecisionResponse,
        'POST /v1/decisions',
      );
      equal(batch.at, at, 'batch at');
      let i = 0;
      for (const id of ids) {
        for (const purpose of purposes) {
          const single = await ctx.decision(id, purpose, at);
          const { ids: _ids, at: _at, leaves: _leaves, ...expected } = single;
          equal(batch.results[i], { id, ...expected }, `batch result ${i} (${id}, ${purpose})`);
          i += 1;
        }
      }
    },
  },
  {
    id: 'core-batch-ids-as-sent',
    requirements: ['REQ-QUERY-014'],
    level: 'MUST',
    profile: 'core',
    title: 'batch results name each id exactly as sent; an invalid id gives one error result per purpose',
    async run(ctx) {
      const { isbn10 } = randomIsbn();
      const sent = [isbn10.replace('isbn:', 'ISBN:'), 'isbn:123', ctx.workId()];
      const body = expectJson(
        await ctx.postJson('/v1/decisions', { ids: sent, purposes: ['train', 'search'] }),
        200,
        schemas.BatchDecisionResponse,
        'POST /v1/decisions',
      );
      equal(body.results.length, 6, 'number of results');
      equal(
        body.results.map((r) => r.id),
        sent.flatMap((id) => [id, id]),
        'ids of the results',
      );
      for (const r of body.results.slice(2, 4)) {
        check('error' in r, `result for the invalid id is not an error: ${JSON.stringify(r)}`);
        const error = (r as { error: { type: string } }).error;
        equal(error.type, 'urn:kyodaku:problem:invalid-identifier', 'error type');
      }
      equal(
        body.results.slice(2, 4).map((r) => (r as { purpose?: string }).purpose),
        ['train', 'search'],
        'purposes of the error results',
      );
    },
  },
  {
    id: 'core-batch-malformed',
    requirements: ['REQ-QUERY-013', 'REQ-ERR-001'],
    refuses: ['REQ-QUERY-013'],
    level: 'MUST',
    profile: 'core',
    title:
      'a batch body that is not JSON is malformed-json; one that does not validate is invalid-request or unknown-purpose',
    async run(ctx) {
      const id = ctx.workId();
      expectProblem(await ctx.post('/v1/decisions', '{"ids":["x"],', 'application/json'), 'malformed-json');
      expectProblem(
        await ctx.post(
          '/v1/decisions',
          new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
          'application/json',
        ),
        'malformed-json',
        'invalid-utf8',
      );
      const invalid: unknown[] = [
        null,
        [],
        { ids: [id] },
        { purposes: ['train'] },
        { ids: [], purposes: ['train'] },
        { ids: [id], purposes: [] },
        { ids: [id], purposes: ['train', 'train'] },
        { ids: [42], purposes: ['train'] },
        { ids: [`kyodaku:${'a'.repeat(2049)}`], purposes: ['train'] },
        { ids: [id], purposes: ['train'], at: 'now' },
        { ids: [id], purposes: ['train'], extra: true },
      ];
      for (const body of invalid) expectProblem(await ctx.postJson('/v1/decisions', body), 'invalid-request');
      expectProblem(
        await ctx.postJson('/v1/decisions', { ids: [id], purposes: ['train.everything'] }),
        'unknown-purpose',
      );
    },
  },
]);
