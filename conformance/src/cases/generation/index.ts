/**
 * The `generation` profile (spec/generation.md, identifiers.md §5.1): the prompt check. Names are
 * published under fresh identifiers of this run; the matches of the node are compared, for this
 * run's items only, with those the suite computes with the protocol library's name index (the
 * reference of identifiers.md §5.1, itself checked against spec/vectors/name-keys.json).
 */
import { schemas, verifyReceipt } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectJson } from '../../expect.ts';
import { foldingCases } from './folding.ts';
import { promptSetCase } from './prompt-set.ts';
import { refusalCases } from './refusals.ts';
import { type Match, ownSpans, PATH, promptCheck, publishNames, runTag } from './support.ts';

export const generationCases: Case[] = defineCases([
  {
    id: 'generation-wk-profile',
    requirements: ['REQ-GEN-001', 'REQ-API-002'],
    level: 'MUST',
    profile: 'generation',
    title: `the metadata lists generation and the node answers POST ${PATH}`,
    async run(ctx) {
      check(ctx.suite.wellKnown.profiles.includes('generation'), 'profiles lacks "generation"');
      const answer = await promptCheck(ctx, { text: 'a cat on a sofa', purposes: ['generate'] });
      equal(answer.purposes, ['generate'], 'purposes');
      const limit = 16_384;
      const res = await ctx.postJson(PATH, { text: '𠮷'.repeat(limit), purposes: ['generate'] });
      expectJson(res, 200, schemas.PromptCheckResponse, `a text of ${limit} code points (astral)`);
    },
  },
  ...foldingCases(),
  {
    id: 'generation-match-boundaries',
    requirements: ['REQ-GEN-003', 'REQ-ID-035', 'REQ-ID-036'],
    level: 'MUST',
    profile: 'generation',
    title:
      'a name matches inside Japanese text, never inside a word of a spaced script, never inside one kana syllable',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      const tag = runTag(ctx);
      const latin = `Zor${tag}`;
      const { item } = await publishNames(ctx, party, { aliases: { en: [latin], ja: ['ヤマ'] } });
      const expectations: Array<[string, string[]]> = [
        [`draw ${latin} please`, [`5-${5 + latin.length}`]],
        [`${latin}!`, [`0-${latin.length}`]],
        [`x${latin}`, []],
        [`${latin}s`, []],
        [`「${latin}」の絵`, [`1-${1 + latin.length}`]],
        ['やまのぼり', ['0-2']],
        ['きゃまー', []],
      ];
      const failures: string[] = [];
      for (const [text, expected] of expectations) {
        const got = ownSpans(await promptCheck(ctx, { text, purposes: ['generate'] }), item);
        if (got.join() !== expected.join())
          failures.push(
            `${JSON.stringify(text)}: ${got.join(' ') || 'none'}, expected ${expected.join(' ') || 'none'}`,
          );
      }
      check(failures.length === 0, failures.join('\n'));
    },
  },
  {
    id: 'generation-match-report',
    requirements: ['REQ-GEN-004', 'REQ-GEN-002'],
    level: 'MUST',
    profile: 'generation',
    title:
      'a match names its span in code points, the text, the name as written, its language, the item and the records naming it; a match inside a longer one of the same item is left out',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      const names = {
        titles: { ja: 'うずまきナルト', en: 'Naruto Uzumaki' },
        aliases: { 'ja-Latn': ['Naruto'] },
      };
      const { item, record } = await publishNames(ctx, party, names);
      const second = await ctx.publishRecord(party, {
        work: { type: 'voice', ids: [item], aliases: { en: ['NARUTO'] } },
        purposes: { generate: 'deny' },
        issued_at: ctx.time(-60),
      });
      const text = '🎨 Naruto Uzumaki と ナルト';
      const answer = await promptCheck(ctx, { text, purposes: ['generate.character'] });
      const mine = answer.matches.filter((m) => m.item.ids.includes(item));
      equal(
        mine.map((m) => [m.start, m.end, m.text]),
        [
          [2, 16, 'Naruto Uzumaki'],
          [19, 22, 'ナルト'],
        ],
        'spans and texts (the 🎨 is one code point)',
      );
      equal(
        [mine[0]!.name, mine[0]!.lang],
        ['Naruto Uzumaki', 'en'],
        'the name and language of the first match',
      );
      check(['Naruto', 'NARUTO'].includes(mine[1]!.name), `the name of ナルト is ${mine[1]!.name}`);
      equal(mine[0]!.item, { type: 'voice', ids: [item] }, 'the item, with the type of its newest record');
      equal(mine[0]!.named_by, [record], 'named_by of Naruto Uzumaki');
      equal(
        mine[1]!.named_by,
        [record, second.id].sort(),
        'named_by of ナルト (Naruto and NARUTO have one key)',
      );
      const order = answer.matches.map((m) => [m.start, -m.end]);
      check(
        order.every(
          (o, i) =>
            i === 0 || o[0]! > order[i - 1]![0]! || (o[0] === order[i - 1]![0] && o[1]! >= order[i - 1]![1]!),
        ),
        `matches are not ordered by start, then longer span: ${JSON.stringify(order)}`,
      );
    },
  },
  {
    id: 'generation-decide-default-deny',
    requirements: ['REQ-GEN-006', 'REQ-GEN-007', 'REQ-PURPOSE-001'],
    level: 'MUST',
    profile: 'generation',
    title:
      'a matched item is decided as GET /v1/decision decides its ids: silent record -> deny (not-granted), no record in force -> deny (no-record), allow, conditional with conditions',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      const tag = runTag(ctx);
      const silent = await publishNames(
        ctx,
        party,
        { aliases: { en: [`Silent${tag}`] } },
        { purposes: { train: 'deny' } },
      );
      const pending = await publishNames(
        ctx,
        party,
        { aliases: { en: [`Pending${tag}`] } },
        { purposes: { generate: 'allow' }, valid_from: ctx.time(86_400) },
      );
      const allowed = await publishNames(
        ctx,
        party,
        { aliases: { en: [`Allowed${tag}`] } },
        { purposes: { generate: 'allow' } },
      );
      const conditional = await publishNames(
        ctx,
        party,
        { aliases: { en: [`Terms${tag}`] } },
        {
          purposes: { 'generate.character': 'conditional' },
          conditions: { attribution: { required: true } },
        },
      );
      const purposes = ['generate.character', 'generate'];
      const at = ctx.time();
      const text = `Silent${tag}, Pending${tag}, Allowed${tag} and Terms${tag}`;
      const answer = await promptCheck(ctx, { text, purposes, at });
      equal(answer.at, at, 'at');
      const expected: Array<[{ item: string }, string, string[]]> = [
        [silent, 'deny', ['not-granted']],
        [pending, 'deny', ['no-record']],
        [allowed, 'allow', ['granted']],
        [conditional, 'conditional', ['conditional']],
      ];
      for (const [{ item }, decision, reasons] of expected) {
        const m = answer.matches.find((x) => x.item.ids.includes(item));
        check(m !== undefined, `no match for ${item}`);
        equal(m.decisions['generate.character']?.decision, decision, `decision of ${item}`);
        equal(m.decisions['generate.character']?.reasons, reasons, `reasons of ${item}`);
        for (const p of purposes) {
          const single = await ctx.decision([item], p, at);
          // On a mirror both carry `origins` (REQ-GEN-006, federation.md REQ-FED-032).
          const { ids: _i, purpose: _p, at: _a, leaves: _l, ...rest } = single;
          equal(m.decisions[p], rest, `the decision for ${item} / ${p} equals GET /v1/decision`);
        }
        const worst = ['deny', 'conditional', 'allow'].find((v) =>
          purposes.some((p) => m.decisions[p]?.decision === v),
        );
        equal(m.decision, worst, `the decision of the match for ${item}`);
      }
      equal(answer.decision, 'deny', 'the decision over all matches');
    },
  },
  {
    id: 'generation-decide-nothing-named',
    requirements: ['REQ-GEN-007'],
    level: 'MUST',
    profile: 'generation',
    title: 'a text that names nothing registered is allow without matches, decided at the node time',
    async run(ctx) {
      const before = ctx.time(-60);
      const answer = await promptCheck(ctx, {
        text: `qqq${ctx.suite.runId.replace(/[^a-z0-9]/gi, '')}qqq`,
        purposes: ['generate'],
      });
      equal(
        [answer.decision, answer.matches.length, answer.truncated],
        ['allow', 0, false],
        'decision, matches, truncated',
      );
      check(answer.at >= before && answer.at <= ctx.time(60), `at ${answer.at} is not the node's time`);
    },
  },
  {
    id: 'generation-names-of-revoked-record',
    requirements: ['REQ-GEN-002', 'REQ-GEN-006'],
    level: 'MUST',
    profile: 'generation',
    title:
      'the names of a record are found from its publication on, and still after it is revoked, then decided deny',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      const tag = runTag(ctx);
      const name = `Revoked${tag}`;
      const { item, record } = await publishNames(
        ctx,
        party,
        { aliases: { en: [name] } },
        { purposes: { generate: 'allow' } },
      );
      const before = await promptCheck(ctx, { text: name, purposes: ['generate'] });
      equal(
        before.matches.find((m) => m.item.ids.includes(item))?.decision,
        'allow',
        'before the revocation',
      );
      await ctx.revokeRecord(party, record);
      const after = await promptCheck(ctx, { text: name, purposes: ['generate'] });
      const m = after.matches.find((x) => x.item.ids.includes(item));
      check(m !== undefined, 'the name of a revoked record is no longer found');
      equal([m.decision, m.decisions.generate?.reasons], ['deny', ['no-record']], 'after the revocation');
    },
  },
  {
    id: 'generation-links',
    requirements: ['REQ-GEN-005'],
    level: 'MUST',
    profile: 'generation',
    title: 'a prompt naming a performer also hits the voice whose record lists the performer in work.related',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      const tag = runTag(ctx);
      const performer = await publishNames(
        ctx,
        party,
        { titles: { en: `Performer${tag}` } },
        { purposes: { 'generate.likeness': 'deny' } },
        'likeness',
      );
      const voice = ctx.workId('voice');
      await ctx.publishRecord(party, {
        work: { type: 'voice', ids: [voice], titles: { en: `Voice${tag}` }, related: [performer.item] },
        purposes: { 'generate.voice': 'deny' },
      });
      const answer = await promptCheck(ctx, {
        text: `sing like Performer${tag}`,
        purposes: ['generate.voice'],
      });
      const direct = answer.matches.find((m) => m.item.ids.includes(performer.item));
      const linked = answer.matches.find((m) => m.item.ids.includes(voice));
      check(direct !== undefined, 'the performer is not found');
      check(linked !== undefined, 'the voice linked to the performer is not reported');
      equal(
        [linked.start, linked.end, linked.item.type],
        [direct.start, direct.end, 'voice'],
        'the linked match',
      );
      equal(linked.via, [performer.item], 'via');
      equal(linked.decision, 'deny', 'the decision of the voice');
    },
  },
  {
    id: 'generation-truncated',
    requirements: ['REQ-GEN-009'],
    level: 'MUST',
    profile: 'generation',
    title: 'at most 1,000 matches are answered, with truncated true, and the decision covers them all',
    async run(ctx) {
      const party = await ctx.sharedParty('generation');
      await publishNames(ctx, party, { aliases: { ja: ['葵'] } });
      const answer = await promptCheck(ctx, { text: '葵'.repeat(1500), purposes: ['generate'] });
      equal(
        [answer.matches.length, answer.truncated, answer.decision],
        [1000, true, 'deny'],
        'matches, truncated, decision',
      );
    },
  },
  {
    id: 'generation-receipt',
    requirements: ['REQ-GEN-010'],
    level: 'MUST',
    profile: 'generation',
    title:
      'a prompt check with a receipt: one result per match and purpose, with the item ids, signed and logged',
    async run(ctx) {
      if (!ctx.suite.wellKnown.profiles.includes('log'))
        ctx.skip('the node does not implement the log profile');
      const party = await ctx.sharedParty('generation');
      const tag = runTag(ctx);
      const { item } = await publishNames(ctx, party, { aliases: { en: [`Receipt${tag}`] } });
      const query = {
        text: `Receipt${tag} and Receipt${tag}`,
        purposes: ['generate.character', 'generate.style'],
      };
      const nonce = ctx.nonce();
      const res = await ctx.postJson(PATH, { ...query, receipt: { nonce } });
      const answer = expectJson(res, 200, schemas.PromptCheckResponse, `POST ${PATH} with a receipt`);
      const jws = (res.json as { receipt?: unknown }).receipt;
      check(typeof jws === 'string', 'the answer has no receipt');
      const receipt = await verifyReceipt(jws, ctx.suite.wellKnown.node.key, { nonce, query });
      const expected = answer.matches.flatMap((m: Match) =>
        query.purposes.map((p) => [m.item.ids, p, m.decisions[p]?.decision]),
      );
      equal(
        receipt.payload.results.map((r) => [r.ids, r.purpose, r.decision]),
        expected,
        'the receipt results',
      );
      check(
        receipt.payload.results.some((r) => r.ids.includes(item)),
        'the receipt does not name the item found',
      );
    },
  },
  ...refusalCases,
  promptSetCase,
]);
