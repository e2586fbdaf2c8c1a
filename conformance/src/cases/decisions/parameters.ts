/** The parameters of a decision request (http-api.md §5.1): malformed ones refused, and the limits. */
import { type Case, defineCases } from '../../case.ts';
import { decisionPath } from '../../context.ts';
import { equal, expectProblem } from '../../expect.ts';

export const decisionParameterCases: Case[] = defineCases([
  {
    id: 'core-decide-bad-parameters',
    requirements: ['REQ-QUERY-002', 'REQ-PURPOSE-003'],
    refuses: ['REQ-QUERY-002', 'REQ-PURPOSE-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'missing or unknown purpose, missing or invalid id, malformed `at`: each refused with its problem type',
    async run(ctx) {
      const id = ctx.workId();
      expectProblem(await ctx.http.get(decisionPath(id, undefined)), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath(id, 'train.everything')), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath(id, 'TRAIN')), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath([], 'train')), 'invalid-identifier');
      expectProblem(await ctx.http.get(decisionPath('isbn:123', 'train')), 'invalid-identifier');
      for (const at of ['2026-01-01', '2026-01-01T00:00:00.5Z', '2026-01-01T09:00:00+09:00', 'yesterday']) {
        expectProblem(await ctx.http.get(decisionPath(id, 'train', at)), 'invalid-request');
      }
    },
  },
  {
    id: 'core-decide-limits',
    requirements: ['REQ-QUERY-005'],
    refuses: ['REQ-QUERY-005'],
    level: 'MUST',
    profile: 'core',
    title:
      'more than 100 ids or more than one `at` is invalid-request; more than one purpose is unknown-purpose',
    async run(ctx) {
      const ids = Array.from(
        { length: 101 },
        (_, i) => `kyodaku:conformance.test/${ctx.suite.runId}/many-${i}`,
      );
      expectProblem(await ctx.http.get(decisionPath(ids, 'train')), 'invalid-request');
      const hundred = await ctx.decision(ids.slice(0, 100), 'train');
      equal(hundred.ids.length, 100, 'ids of a query with 100 ids');
      const at = ctx.time();
      expectProblem(
        await ctx.http.get(`${decisionPath(ctx.workId(), 'train', at)}&at=${at}`),
        'invalid-request',
      );
      expectProblem(
        await ctx.http.get(`${decisionPath(ctx.workId(), 'train')}&purpose=search`),
        'unknown-purpose',
      );
    },
  },
]);
