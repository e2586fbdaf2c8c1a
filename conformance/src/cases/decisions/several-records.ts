/**
 * Decisions where several records or ids meet (kyodaku.md §8): the newest record of an issuer,
 * ties, disputes between issuers, several ids of one item, URL prefixes.
 */
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectJson } from '../../expect.ts';
import { CONDITIONS } from './support.ts';

export const severalRecordDecisionCases: Case[] = defineCases([
  {
    id: 'core-decide-newest-of-issuer',
    requirements: ['REQ-DECIDE-004', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title: 'among records of one issuer (no supersedes), the newest issued_at decides',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const newer = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
        issued_at: ctx.time(-100),
      });
      await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-200),
      });
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.records, d.disputed], ['deny', [newer.id], false], 'decision');
    },
  },
  {
    id: 'core-decide-tie-greater-id',
    requirements: ['REQ-DECIDE-009', 'REQ-DECIDE-004', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title:
      'two records of one issuer with the same issued_at: the greater object id decides, whichever the node received first',
    async run(ctx) {
      const p = await ctx.party();
      const issuedAt = ctx.time(-150);
      for (const greaterFirst of [true, false]) {
        const work = ctx.workId('tie');
        const [a, b] = await Promise.all(
          (['allow', 'deny'] as const).map(async (value) => ({
            value,
            ...(await ctx.signRecord(p, {
              work: { type: 'work', ids: [work] },
              purposes: { train: value },
              issued_at: issuedAt,
            })),
          })),
        );
        const [greater, lesser] = a!.id > b!.id ? [a!, b!] : [b!, a!];
        for (const r of greaterFirst ? [greater, lesser] : [lesser, greater]) {
          expectJson(await ctx.post('/v1/records', r.jws), 201, schemas.RecordView, 'publishing a record');
        }
        const d = await ctx.decision(work, 'train.genai');
        equal(
          [d.decision, d.records, d.disputed],
          [greater.value, [greater.id], false],
          `decision when the record with the ${greaterFirst ? 'greater' : 'lesser'} id was received first (REQ-DECIDE-009)`,
        );
      }
    },
  },
  {
    id: 'core-decide-disputed',
    requirements: ['REQ-DECIDE-005', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title: 'two issuers claim one work: the most restrictive answer, marked disputed',
    async run(ctx) {
      const a = await ctx.party();
      const b = await ctx.party();
      const work = ctx.workId();
      const ra = await ctx.publishRecord(a, {
        work: { type: 'work', ids: [work] },
        purposes: { all: 'allow' },
      });
      const rb = await ctx.publishRecord(b, {
        work: { type: 'work', ids: [work] },
        purposes: { all: 'conditional' },
        conditions: CONDITIONS,
      });
      const d = await ctx.decision(work, 'search');
      equal([d.decision, d.disputed], ['conditional', true], 'decision');
      check(d.reasons.includes('disputed'), `reasons ${JSON.stringify(d.reasons)} lack "disputed"`);
      equal([...d.records].sort(), [ra.id, rb.id].sort(), 'records');
      equal(d.conditions, [{ record: rb.id, conditions: CONDITIONS }], 'conditions');
    },
  },
  {
    id: 'core-decide-several-ids',
    requirements: ['REQ-QUERY-005', 'REQ-ID-005', 'REQ-ID-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'several ids of one item: answered in normalized form and order; a record naming any of them counts',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const sha = Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join(
        '',
      );
      const url = `${ctx.urlBase()}page`;
      await ctx.publishRecord(p, {
        work: { type: 'work', ids: [`sha256:${sha}`] },
        purposes: { train: 'allow' },
      });
      const d = await ctx.decision([url, `sha256:${sha.toUpperCase()}`], 'train.genai');
      equal(d.ids, [url, `sha256:${sha}`], 'ids');
      equal(d.decision, 'allow', 'decision');
    },
  },
  {
    id: 'core-decide-url-prefix',
    requirements: ['REQ-ID-016', 'REQ-ID-015'],
    level: 'MUST',
    profile: 'core',
    title: 'a url prefix pattern matches URLs that start with it, and nothing else',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const base = ctx.urlBase();
      await ctx.publishRecord(p, { work: { type: 'work', ids: [`${base}*`] }, purposes: { train: 'allow' } });
      equal(
        (await ctx.decision(`${base}chapter/1`, 'train.genai')).decision,
        'allow',
        'a URL under the prefix',
      );
      equal(
        (await ctx.decision(`${base.slice(0, -1)}x/1`, 'train.genai')).decision,
        'deny',
        'a URL outside the prefix',
      );
    },
  },
]);
