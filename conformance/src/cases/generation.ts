/**
 * The `generation` profile (spec/generation.md, identifiers.md §5.1): the prompt check. Names are
 * published under fresh identifiers of this run; the matches of the node are compared, for this
 * run's items only, with those the suite computes with the protocol library's name index (the
 * reference of identifiers.md §5.1, itself checked against spec/vectors/name-keys.json).
 */
import { createRequire } from 'node:module';
import { NameIndex, type RecordInput, schemas, verifyReceipt } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestParty } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

type Answer = schemas.PromptCheckResponse;
type Match = schemas.PromptMatch;

interface KeyVector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  kind: 'name' | 'text';
  output: string;
}

const require = createRequire(import.meta.url);
const keyVectors = (require('@kyodaku/spec/vectors/name-keys.json') as { tests: KeyVector[] }).tests;

const PATH = '/v1/prompt-checks';

/** POST /v1/prompt-checks; asserts 200 and the schema. */
export async function promptCheck(ctx: Context, body: Record<string, unknown>): Promise<Answer> {
  const res = await ctx.postJson(PATH, body);
  return expectJson(res, 200, schemas.PromptCheckResponse, `POST ${PATH}`);
}

/** Publishes one record about a fresh item with these names; returns the item's id and the record id. */
async function publishNames(
  ctx: Context,
  party: TestParty,
  names: { titles?: Record<string, string>; aliases?: Record<string, string[]> },
  input: Partial<RecordInput> = {},
  type: 'work' | 'character' | 'voice' | 'likeness' = 'character',
): Promise<{ item: string; record: string }> {
  const item = ctx.workId('gen');
  const { view, id } = await ctx.publishRecord(party, {
    purposes: { generate: 'deny' },
    ...input,
    work: { type, ids: [item], ...names },
  });
  equal(view.record.work.ids, [item], 'the published record names the item');
  return { item, record: id };
}

/** The spans the library finds for `names` in `text`, less those inside a longer one (REQ-GEN-004). */
function expectedSpans(names: readonly string[], text: string): string[] {
  const index = new NameIndex<string>();
  for (const n of names) index.add(n, n);
  const spans = index
    .search(text)
    .map((m) => [m.start, m.end] as const)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: string[] = [];
  let maxEnd = -1;
  for (const [start, end] of spans) {
    if (end <= maxEnd) continue;
    maxEnd = end;
    const key = `${start}-${end}`;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

const ownSpans = (answer: Answer, item: string) =>
  answer.matches.filter((m) => m.item.ids.includes(item)).map((m) => `${m.start}-${m.end}`);

/** Japanese when a vector's input has kana or kanji, else English. */
const isJapanese = (s: string) => /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(s);

/** The spellings of the name-key vectors, grouped by their match key (names only, non-empty keys). */
const spellings = new Map<string, string[]>();
for (const v of keyVectors) {
  if (v.kind !== 'name' || v.output === '') continue;
  const list = spellings.get(v.output) ?? [];
  list.push(v.input);
  spellings.set(v.output, list);
}

/** One case per rule of the match keys (a vector flag) and language: every spelling of its names is found. */
function foldingCases(): Case[] {
  const flags = [...new Set(keyVectors.flatMap((v) => v.flags))].filter((f) => f !== 'Empty');
  const cases: Case[] = [];
  for (const flag of flags) {
    for (const lang of ['ja', 'en'] as const) {
      const vectors = keyVectors.filter(
        (v) =>
          v.kind === 'name' &&
          v.output !== '' &&
          v.flags.includes(flag) &&
          isJapanese(v.input) === (lang === 'ja'),
      );
      if (vectors.length === 0) continue;
      const requirements = [
        ...new Set(['REQ-GEN-003', 'REQ-ID-033', ...vectors.flatMap((v) => v.requirements)]),
      ].sort();
      cases.push({
        id: `generation-fold-${flag.toLowerCase()}-${lang}`,
        requirements,
        level: 'MUST',
        profile: 'generation',
        title: `match keys, ${flag} (${lang === 'ja' ? 'Japanese' : 'English'}): ${vectors
          .map((v) => v.input)
          .join(
            ', ',
          )} are found in prompts in every spelling of spec/vectors/name-keys.json with the same key`,
        async run(ctx) {
          const party = await ctx.sharedParty('generation');
          const names = vectors.map((v) => v.input);
          const { item } = await publishNames(ctx, party, { aliases: { [lang]: names } });
          const failures: string[] = [];
          for (const v of vectors) {
            for (const spelling of spellings.get(v.output) ?? [v.input]) {
              const text = isJapanese(spelling) ? `「${spelling}」の絵を描いて` : `draw ${spelling} please`;
              const answer = await promptCheck(ctx, { text, purposes: ['generate.character'] });
              const got = ownSpans(answer, item);
              const expected = expectedSpans(names, text);
              if (got.join() !== expected.join())
                failures.push(
                  `${JSON.stringify(text)}: spans ${got.join(' ') || 'none'}, expected ${expected.join(' ')}`,
                );
            }
          }
          check(failures.length === 0, failures.join('\n'));
        },
      });
    }
  }
  return cases;
}

/** Bad prompt checks (REQ-GEN-008): the body, its media type, and the problem expected. */
const REFUSALS: Array<{ name: string; body: string; type?: string; problem: string }> = [
  {
    name: 'media-type',
    body: '{"text":"x","purposes":["generate"]}',
    type: 'text/plain',
    problem: 'unsupported-media-type',
  },
  { name: 'not-json', body: '{"text":', problem: 'malformed-json' },
  { name: 'lone-surrogate', body: '{"text":"\\ud800","purposes":["generate"]}', problem: 'malformed-json' },
  { name: 'no-text', body: '{"purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'empty-text', body: '{"text":"","purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'text-not-string', body: '{"text":42,"purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'no-purposes', body: '{"text":"x"}', problem: 'invalid-request' },
  {
    name: 'repeated-purpose',
    body: '{"text":"x","purposes":["generate","generate"]}',
    problem: 'invalid-request',
  },
  {
    name: 'bad-at',
    body: '{"text":"x","purposes":["generate"],"at":"2026-02-30T00:00:00Z"}',
    problem: 'invalid-request',
  },
  {
    name: 'unknown-member',
    body: '{"text":"x","purposes":["generate"],"prompt":"x"}',
    problem: 'invalid-request',
  },
  { name: 'unknown-purpose', body: '{"text":"x","purposes":["generate.music"]}', problem: 'unknown-purpose' },
  {
    name: 'text-too-long',
    body: JSON.stringify({ text: 'あ'.repeat(16_385), purposes: ['generate'] }),
    problem: 'payload-too-large',
  },
];

const refusalCases: Case[] = REFUSALS.map((r) => ({
  id: `generation-refuse-${r.name}`,
  requirements: ['REQ-GEN-008', 'REQ-ERR-001'],
  refuses: ['REQ-GEN-008'],
  level: 'MUST' as const,
  profile: 'generation' as const,
  title: `POST ${PATH} ${r.name.replaceAll('-', ' ')}: ${r.problem}`,
  async run(ctx) {
    expectProblem(await ctx.post(PATH, r.body, r.type ?? 'application/json'), r.problem);
  },
}));

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
      const tag =
        ctx.suite.runId
          .replace(/[^a-z]/gi, '')
          .slice(0, 6)
          .toLowerCase() || 'run';
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
      const tag =
        ctx.suite.runId
          .replace(/[^a-z]/gi, '')
          .slice(0, 6)
          .toLowerCase() || 'run';
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
          const {
            ids: _i,
            purpose: _p,
            at: _a,
            leaves: _l,
            origins: _o,
            ...rest
          } = single as typeof single & {
            origins?: unknown;
          };
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
      const tag =
        ctx.suite.runId
          .replace(/[^a-z]/gi, '')
          .slice(0, 6)
          .toLowerCase() || 'run';
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
      const tag =
        ctx.suite.runId
          .replace(/[^a-z]/gi, '')
          .slice(0, 6)
          .toLowerCase() || 'run';
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
      const tag =
        ctx.suite.runId
          .replace(/[^a-z]/gi, '')
          .slice(0, 6)
          .toLowerCase() || 'run';
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
]);

interface CatalogueItem {
  key: string;
  type: 'work' | 'character' | 'voice' | 'likeness';
  titles: Record<string, string>;
  aliases?: Record<string, string[]>;
  related?: string[];
  purposes: Record<string, 'allow' | 'deny' | 'conditional'>;
}

const promptSet = require('@kyodaku/spec/vectors/prompt-checks.json') as {
  catalogue: CatalogueItem[];
  tests: Array<{
    tcId: number;
    input: { text: string };
    expected: Array<{ item: string; text: string; start: number; end: number }>;
  }>;
};

generationCases.push({
  id: 'generation-prompt-set',
  requirements: [
    'REQ-GEN-003',
    'REQ-GEN-004',
    'REQ-GEN-005',
    'REQ-ID-035',
    'REQ-ID-036',
    'REQ-ID-037',
    'REQ-ID-038',
  ],
  level: 'MUST',
  profile: 'generation',
  title: `spec/vectors/prompt-checks.json: the catalogue published under fresh ids, and exactly the expected matches in each of its ${promptSet.tests.length} prompts (most of them Japanese)`,
  async run(ctx) {
    const party = await ctx.sharedParty('generation');
    const ids = new Map(promptSet.catalogue.map((c) => [c.key, ctx.workId(`set/${c.key}`)]));
    for (const c of promptSet.catalogue) {
      await ctx.publishRecord(party, {
        work: {
          type: c.type,
          ids: [ids.get(c.key)!],
          titles: c.titles,
          ...(c.aliases && { aliases: c.aliases }),
          ...(c.related && { related: c.related.map((k) => ids.get(k)!) }),
        },
        purposes: c.purposes,
        ...(Object.values(c.purposes).includes('conditional') && {
          conditions: { attribution: { required: true } },
        }),
      });
    }
    const keyOf = new Map([...ids].map(([k, id]) => [id, k]));
    const failures: string[] = [];
    for (const v of promptSet.tests) {
      const answer = await promptCheck(ctx, { text: v.input.text, purposes: ['generate'] });
      const got = answer.matches
        .filter((m) => keyOf.has(m.item.ids[0]!))
        .map((m) => `${keyOf.get(m.item.ids[0]!)}:${m.start}-${m.end}:${m.text}`);
      const expected = v.expected.map((e) => `${e.item}:${e.start}-${e.end}:${e.text}`);
      if (got.join(' | ') !== expected.join(' | '))
        failures.push(
          `tcId ${v.tcId} ${JSON.stringify(v.input.text)}: got ${got.join(' | ') || 'none'}, expected ${expected.join(' | ') || 'none'}`,
        );
    }
    check(failures.length === 0, `${failures.length} prompts differ:\n${failures.slice(0, 20).join('\n')}`);
  },
});
